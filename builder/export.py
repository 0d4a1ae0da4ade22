"""Stage 4: serialize the RDF graphs into the files published under `data/`.

Each format is rdflib's; this module only fixes the order of the output so that
the same entities always give byte-identical files."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from .dataset import dataset_description, shacl_shapes
from .graph import build_graph, build_vocabulary_graph
from .model import Corpus
from .netexport import render_network_exports

EXPORTS = ("graph.ttl", "graph.nt", "graph.jsonld", "vocabulary.ttl", "void.ttl", "shapes.ttl",
           "nodes.csv", "edges.csv", "graph.graphml", "graph.gexf")


def ntriples(graph: Graph) -> bytes:
    """N-Triples, one triple a line, sorted (rdflib writes them in store order)."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")


def turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def jsonld(graph: Graph) -> bytes:
    context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if isinstance(data.get("@graph"), list):
        data["@graph"].sort(key=lambda node: node.get("@id", ""))
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def render_exports(corpus: Corpus, site_url: str, graph: Graph | None = None) -> dict[str, bytes]:
    """Every published RDF file, by file name."""
    graph = graph if graph is not None else build_graph(corpus, site_url)
    vocabulary = build_vocabulary_graph(corpus.vocabulary, site_url)
    return {
        "graph.ttl": turtle(graph),
        "graph.nt": ntriples(graph),
        "graph.jsonld": jsonld(graph),
        "vocabulary.ttl": turtle(vocabulary),
        "void.ttl": turtle(dataset_description(corpus, graph, site_url)),
        "shapes.ttl": turtle(shacl_shapes(corpus.vocabulary, site_url)),
        **render_network_exports(corpus),
    }


def write_exports(corpus: Corpus, site_url: str, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_exports(corpus, site_url).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
