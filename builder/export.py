"""Stage 4: serialize the RDF graphs into the files published under `data/`.

Each format is rdflib's; this module only fixes the order of the output so that
the same entities always give byte-identical files."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
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


def _prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}


def _oxigraph_triples(nt: bytes) -> list:
    return list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def turtle(graph: Graph, nt: bytes | None = None) -> bytes:
    """Turtle from the sorted N-Triples, written by pyoxigraph: rdflib's Turtle
    serializer grows superlinearly with the number of subjects (35 s at 10k entities)."""
    triples = _oxigraph_triples(nt if nt is not None else ntriples(graph))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_prefixes(graph))


def jsonld(graph: Graph, nt: bytes | None = None) -> bytes:
    """JSON-LD (expanded form, one node object per subject, in IRI order), written by pyoxigraph."""
    triples = _oxigraph_triples(nt if nt is not None else ntriples(graph))
    data = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def render_exports(corpus: Corpus, site_url: str, graph: Graph | None = None) -> dict[str, bytes]:
    """Every published RDF file, by file name."""
    graph = graph if graph is not None else build_graph(corpus, site_url)
    vocabulary = build_vocabulary_graph(corpus.vocabulary, site_url)
    nt = ntriples(graph)
    return {
        "graph.ttl": turtle(graph, nt),
        "graph.nt": nt,
        "graph.jsonld": jsonld(graph, nt),
        "vocabulary.ttl": vocabulary.serialize(format="turtle", encoding="utf-8"),
        "void.ttl": dataset_description(corpus, graph, site_url).serialize(format="turtle", encoding="utf-8"),
        "shapes.ttl": shacl_shapes(corpus.vocabulary, site_url).serialize(format="turtle", encoding="utf-8"),
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
