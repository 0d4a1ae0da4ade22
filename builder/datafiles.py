"""Stage 4, run beside the site: the data files (the RDF graph and every file made from
it: the dumps under `data/`, each entity's Turtle; and the network data: each entity's
ego network, the explorer's laid-out graph) are written by a second process while
MkDocs renders the pages in the first, so a build uses both cores. No page's HTML
depends on them: pages link to them, and their scripts fetch them.

The second process is a fresh interpreter (`python -m builder.datafiles`: no forked
state, nothing of the caller's main module re-run) and loads the same entity files
again; the parent has already validated them, so the child only fails on a bug or if
the files change under it, and then the build fails as a whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .entity_rdf import render_entity_rdf
from .export import EXPORTS, dump_exports, graph_exports, rdf_prefixes, serialize_corpus
from .model import Corpus
from .networks import NetworkRenderer, ego_file, has_ego_network

EXPLORER_FILE = "data/network.json"


def data_file_names(corpus: Corpus) -> list[str]:
    """The paths `write_data_files` writes, known before it runs."""
    return ([f"data/{name}" for name in EXPORTS] + [EXPLORER_FILE]
            + [f"{e.kind}/{e.id}.ttl" for e in corpus.entities.values()]
            + [ego_file(e) for e in corpus.entities.values() if has_ego_network(corpus, e)])


def write_data_files(corpus: Corpus, site_url: str, out: Path) -> None:
    """The data files, written under `out` by path in the site: each entity's network
    data and the explorer's, then every file derived from the RDF graph, in an order
    that lets each big piece go before the next is made (peak memory at 10,000
    entities)."""

    def write(files: Iterable[tuple[str, bytes]]) -> None:
        for path, content in files:
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    networks = NetworkRenderer(corpus)
    write(networks.ego_files())  # one at a time: 10,000 of them held at once cost memory
    write([(EXPLORER_FILE, networks.explorer_json())])
    del networks
    prefixes = rdf_prefixes(corpus.vocabulary, site_url)
    serialized = serialize_corpus(corpus, site_url)
    write(render_entity_rdf(serialized, corpus, site_url, prefixes).items())
    serialized.by_entity.clear()
    nt = serialized.ntriples
    write((f"data/{name}", content) for name, content in graph_exports(corpus, site_url, serialized).items())
    del serialized
    write((f"data/{name}", content) for name, content in dump_exports(nt, prefixes).items())


def _write_data_files(entities: str, vocabulary: str, root: str, site_url: str, out_dir: str) -> None:
    from .pipeline import load_corpus
    from .vocabulary import load_vocabulary
    corpus = load_corpus(Path(entities), load_vocabulary(Path(vocabulary)), root=Path(root))
    write_data_files(corpus, site_url, Path(out_dir))


class DataJob:
    """`write_data_files` for a corpus on disk, into a temporary folder, by a child process."""

    def __init__(self, entities: Path, vocabulary: Path, root: Path, site_url: str) -> None:
        self.cancelled = False
        self.folder = Path(tempfile.mkdtemp(prefix="policygraph-data-"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder.datafiles", str(entities), str(vocabulary), str(root), site_url,
             str(self.folder)], cwd=Path(__file__).resolve().parents[1], stdin=subprocess.DEVNULL)

    def finish(self) -> Path:
        """Wait for the files; the folder holding them. Raises RuntimeError if the process failed."""
        code = self.process.wait()
        if code != 0:
            self.cancel()
            raise RuntimeError(f"writing the RDF data files failed (exit code {code}); its error is printed above")
        return self.folder

    def cancel(self) -> None:
        self.cancelled = True
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def peak_memory_mb() -> int | None:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it does not
    include the memory of the process it was forked from before exec)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return int(status.split("VmHWM:")[1].split()[0]) // 1024


if __name__ == "__main__":
    import time
    from .pipeline import batch_gc
    batch_gc()
    started = time.perf_counter()
    _write_data_files(*sys.argv[1:6])
    print(f"policygraph data process: {time.perf_counter() - started:.1f} s, peak memory {peak_memory_mb()} MB",
          file=sys.stderr)
