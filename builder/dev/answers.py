"""The expected answers of the SPARQL catalogue (`queries/<id>.rq`), stored beside each
query as `queries/<id>.tsv` (SPARQL TSV results, rows sorted), computed with pyoxigraph
over the project's own graph. The test suite compares each query's answer with its file,
so that a change to the corpus or to the graph shows as a readable diff of answers.

    python -m builder.dev.answers          # rewrite the files (make answers)
    python -m builder.dev.answers --check  # exit 1 if one is out of date"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from builder.pipeline import load_corpus
from builder.rdf.export import query_store_content
from builder.read.catalogue import DEFAULT_FOLDER, WRITTEN_FOR, Example, load_catalogue

ROOT = Path(__file__).resolve().parents[2]


def answer_path(example: Example, folder: Path = DEFAULT_FOLDER) -> Path:
    return folder / f"{example.id}.tsv"


def store(root: Path = ROOT) -> ox.Store:
    corpus = load_corpus(root / "entities", root=root)
    graph = ox.Store()
    for data, rdf_format in query_store_content(corpus, WRITTEN_FOR):
        graph.load(data, format=rdf_format)
    return graph


def answer(graph: ox.Store, example: Example) -> str:
    """The answer as SPARQL TSV: the header line, then the rows sorted."""
    text = graph.query(example.text).serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
    header, *rows = text.splitlines()
    return "\n".join([header, *sorted(rows)]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if a file is out of date")
    args = parser.parse_args()
    graph = store()
    stale = []
    for example in load_catalogue():
        path, text = answer_path(example), answer(graph, example)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run `make answers` and review the diff", file=sys.stderr)
        return 1
    print(f"{len(stale)} answer file(s) {'out of date' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
