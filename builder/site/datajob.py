"""The data files, written beside the pages: every network's data (each entity's ego
network, each theme's, the explorer's laid-out graph) and everything made from the RDF
graph (the files under `data/`, each entity's Turtle). A second process writes them
while the first renders the pages and MkDocs builds them, so a build uses both cores. No page's
HTML depends on them: pages link to them, and their scripts fetch them.

The second process is a fresh interpreter (`python -m builder.site.datajob`: no forked
state, nothing of the caller's main module re-run); it receives the project read (its
validated corpus and themes) pickled in a file of its working folder (a build's as its
reading process pickled it: pipeline.read_project_apart), and reports its own figures (time, peak
memory) in another."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from builder.errors import DataProcessError, PolicygraphError
from builder.model import Corpus
from builder.network.render import NetworkRenderer
from builder.network.select import has_ego_network
from builder.paths import EXPLORER_FILE, network_file, published, scratch_folder, theme_network_file, turtle_file
from builder.processes import die_with_parent, give_back_memory, in_background
from builder.rdf.entity import entity_rdf_files
from builder.rdf.export import (
    Release,
    data_exports,
    network_exports,
    rdf_prefixes,
    serialize_corpus,
)


def data_file_names(corpus: Corpus, themes=()) -> list[str]:
    """The paths `write_data_files` writes, known before it runs."""
    return ([f.path for f in published(len(corpus.relations))] + [EXPLORER_FILE]
            + [turtle_file(e) for e in corpus.entities.values()]
            + [network_file(e) for e in corpus.entities.values() if has_ego_network(corpus, e)]
            + [theme_network_file(t.id) for t in themes])


def write_data_files(corpus: Corpus, themes, site_url: str, out: Path, release: Release = Release(),
                     scratch: Path | None = None) -> None:
    """The data files, written under `out` by path in the site: the network's exports and
    data first, then every file derived from the RDF graph, in an order that lets each big
    piece go before the next is made (peak memory). Temporary files go in `scratch` (the system's
    temporary folder if None). Raises ShapeErrors if the graph breaks its shapes (and
    then writes no RDF file)."""

    def write(files: Iterable[tuple[str, bytes]]) -> dict[str, int]:
        """The files written, and their sizes by path."""
        sizes = {}
        for path, content in files:  # one at a time: 10,000 ego networks held at once cost memory
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            sizes[path] = len(content)
        return sizes

    # First (the build's other process is smallest then), their memory given back before
    # the graph is made: millions of rows, graph attributes and XML elements at scale.
    written = write((f"data/{name}", content) for name, content in network_exports(corpus, scratch))
    network = {path.removeprefix("data/"): size for path, size in written.items()}
    give_back_memory()
    write(NetworkRenderer(corpus).files(themes))
    serialized = serialize_corpus(corpus, site_url, scratch)
    exports = data_exports(corpus, site_url, serialized, network, release)
    first = next(exports)  # the shapes are checked before anything of the graph is written
    write(entity_rdf_files(serialized, corpus, site_url, rdf_prefixes(corpus.vocabulary, site_url)))
    del serialized  # the exports let the graph's lines go once they are written
    write((f"data/{name}", content) for name, content in itertools.chain([first], exports))


@dataclass(frozen=True)
class DataResult:
    """Where the data files are, and what making them cost."""

    folder: Path
    seconds: float
    peak_memory_mb: int | None


class DataJob:
    """`write_data_files` by a child process, into a temporary folder beside the site
    folder `beside` (on its disk, so the files move in by renaming; named after it, so a
    build killed before cleaning up has its leftovers removed by the next one). The
    process ends if the build's process dies. In the `background` (the preview's), it runs
    at a lower CPU priority."""

    def __init__(self, project, site_url: str, release: Release = Release(), beside: Path | None = None,
                 background: bool = False) -> None:
        """`project`: what the files are made of (a pipeline.Project), or its pickle as a
        build's reading process handed it over, passed on as it is."""
        self.cancelled = False
        self.work = scratch_folder(beside, "data") if beside else Path(tempfile.mkdtemp(prefix="policygraph-data-"))
        (self.work / "project.pickle").write_bytes(
            project if isinstance(project, bytes) else pickle.dumps(project, protocol=pickle.HIGHEST_PROTOCOL))
        with open(self.work / "input.pickle", "wb") as stream:
            pickle.dump((site_url, release), stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.process = subprocess.Popen([sys.executable, "-m", "builder.site.datajob", str(self.work),
                                         str(os.getpid())] + (["--background"] if background else []),
                                        cwd=Path(__file__).resolve().parents[2], stdin=subprocess.DEVNULL)

    @property
    def folder(self) -> Path:
        return self.work / "out"

    def finish(self) -> DataResult:
        """Wait for the files. Raises DataProcessError if the process failed."""
        code = self.process.wait()
        if code != 0:
            failure = self.work / "error.txt"
            reported = failure.read_text(encoding="utf-8") if failure.is_file() else ""
            self.cancel()
            raise DataProcessError(reported or f"writing the RDF data files failed (exit code {code}); "
                                   "its error is printed above")
        stats = json.loads((self.work / "stats.json").read_text(encoding="utf-8"))
        return DataResult(self.folder, stats["seconds"], stats["peak_memory_mb"])

    def cancel(self) -> None:
        self.cancelled = True
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def peak_memory_mb() -> int | None:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it does not
    include the memory of the process it was forked from before exec)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return int(status.split("VmHWM:")[1].split()[0]) // 1024


def _main(work: Path, parent: int, background: bool = False) -> None:
    die_with_parent(parent)
    if background:
        in_background()
    from builder.pipeline import batch_gc
    batch_gc()
    started = time.perf_counter()
    with open(work / "input.pickle", "rb") as stream:
        site_url, release = pickle.load(stream)
    with open(work / "project.pickle", "rb") as stream:
        project = pickle.load(stream)
    corpus, themes = project.corpus, project.themes
    del project
    for name in ("input.pickle", "project.pickle"):
        (work / name).unlink()
    try:
        write_data_files(corpus, themes, site_url, work / "out", release, scratch=work)
    except PolicygraphError as error:  # reported by the build, which fails
        (work / "error.txt").write_text(str(error), encoding="utf-8")
        sys.exit(1)
    except OSError as error:  # a full disk...
        with contextlib.suppress(OSError):
            where = f" ({error.filename})" if error.filename else ""
            (work / "error.txt").write_text(f"could not write the data files: {error.strerror or error}{where}",
                                            encoding="utf-8")
        sys.exit(1)
    (work / "stats.json").write_text(json.dumps({"seconds": time.perf_counter() - started,
                                                 "peak_memory_mb": peak_memory_mb()}), encoding="utf-8")


if __name__ == "__main__":
    _main(Path(sys.argv[1]), int(sys.argv[2]), "--background" in sys.argv[3:])
