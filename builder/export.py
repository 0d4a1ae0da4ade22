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
    """N-Triples, one triple a line, sorted (rdflib writes them in store order). UTF-8
    byte order is code point order, so the bytes are sorted without decoding them."""
    lines = [line for line in graph.serialize(format="nt", encoding="utf-8").split(b"\n") if line.strip()]
    lines.sort()
    return b"\n".join(lines) + b"\n"


def rdf_prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}


def _triples(nt: bytes):
    return ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)


def turtle(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle from the sorted N-Triples, written by pyoxigraph: rdflib's Turtle
    serializer grows superlinearly with the number of subjects (35 s at 10k entities)."""
    return ox.serialize(_triples(nt), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def jsonld(nt: bytes) -> bytes:
    """JSON-LD (expanded form, one node object per subject, in IRI order), written by
    pyoxigraph straight from the sorted N-Triples, streaming (no document held in memory)."""
    return ox.serialize(_triples(nt), format=ox.RdfFormat.JSON_LD) + b"\n"


def graph_exports(corpus: Corpus, site_url: str, graph: Graph) -> dict[str, bytes]:
    """The files that need the rdflib graph itself (the N-Triples dump among them);
    the big Turtle and JSON-LD dumps are made from the N-Triples by `dump_exports`."""
    vocabulary = build_vocabulary_graph(corpus.vocabulary, site_url)
    return {
        "graph.nt": ntriples(graph),
        "vocabulary.ttl": vocabulary.serialize(format="turtle", encoding="utf-8"),
        "void.ttl": dataset_description(corpus, graph, site_url).serialize(format="turtle", encoding="utf-8"),
        "shapes.ttl": shacl_shapes(corpus.vocabulary, site_url).serialize(format="turtle", encoding="utf-8"),
        **render_network_exports(corpus),
    }


def dump_exports(nt: bytes, prefixes: dict[str, str]) -> dict[str, bytes]:
    return {"graph.ttl": turtle(nt, prefixes), "graph.jsonld": jsonld(nt)}


def render_exports(corpus: Corpus, site_url: str, graph: Graph | None = None) -> dict[str, bytes]:
    """Every published RDF and network file, by file name."""
    graph = graph if graph is not None else build_graph(corpus, site_url)
    files = graph_exports(corpus, site_url, graph)
    files.update(dump_exports(files["graph.nt"], rdf_prefixes(graph)))
    return {name: files[name] for name in EXPORTS}


def write_exports(corpus: Corpus, site_url: str, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_exports(corpus, site_url).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
