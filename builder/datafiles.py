"""Stage 4, run beside the site: the RDF graph and every file made from it (the dumps
under `data/`, each entity's Turtle) are written by a second process while MkDocs
renders the pages in the first, so a build uses both cores.

The second process is a fresh interpreter (`python -m builder.datafiles`: no forked
state, nothing of the caller's main module re-run) and loads the same entity files
again; the parent has already validated them, so the child only fails on a bug or if
the files change under it, and then the build fails as a whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .entity_rdf import render_entity_rdf
from .export import EXPORTS, dump_exports, graph_exports, rdf_prefixes
from .graph import build_graph
from .model import Corpus


def data_file_names(corpus: Corpus) -> list[str]:
    """The paths `write_data_files` writes, known before it runs."""
    return [f"data/{name}" for name in EXPORTS] + [f"{e.kind}/{e.id}.ttl" for e in corpus.entities.values()]


def write_data_files(corpus: Corpus, site_url: str, out: Path) -> None:
    """Every file derived from the RDF graph, written under `out` by path in the site, in
    an order that lets the rdflib graph go before the big Turtle and JSON-LD dumps are
    made (peak memory at 10,000 entities)."""

    def write(files: dict[str, bytes]) -> None:
        for path, content in files.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    graph = build_graph(corpus, site_url)
    write(render_entity_rdf(graph, corpus, site_url))
    exports = graph_exports(corpus, site_url, graph)
    write({f"data/{name}": content for name, content in exports.items()})
    nt, prefixes = exports["graph.nt"], rdf_prefixes(graph)
    del graph, exports
    write({f"data/{name}": content for name, content in dump_exports(nt, prefixes).items()})


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
