"""Serialize the RDF graphs into the files published under `data/`.

The data graph is written from one pass over its triples (`graph.corpus_triples`),
without an rdflib store: each triple becomes an N-Triples line through rdflib's own
N-Triples row writer, the lines are sorted (so the same entities always give
byte-identical files), and pyoxigraph streams Turtle and JSON-LD from them (rdflib's
Turtle writer grows superlinearly with the number of subjects). The same pass groups
the lines by entity, for each entity's own Turtle file, and counts what VoID reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.plugins.serializers.nt import _nt_row  # rdflib's N-Triples writer, one triple (pinned: 7.6.0)

from builder.model import Corpus
from builder.network.formats import render_network_exports
from builder.paths import PUBLISHED_NAMES, Iris
from builder.rdf.dataset import dataset_description, shacl_shapes
from builder.rdf.graph import bind_prefixes, build_vocabulary_graph, corpus_triples


@dataclass
class Serialized:
    """The data graph after one pass: its N-Triples lines, sorted and unique; the lines
    that describe each entity (by entity IRI, in pass order); and VoID's statistics."""

    lines: list[bytes]
    by_entity: dict[str, list[bytes]]
    counts: dict[str, int]

    @property
    def ntriples(self) -> bytes:
        return b"".join(self.lines)


def serialize(triples: Iterable, entity_iris: set[str]) -> Serialized:
    """N-Triples lines of `triples`. A line describes the entity whose IRI its subject
    is or hangs under (`<entity>#statement`), and the entity its object is, if another."""
    unique: set[bytes] = set()
    by_entity: dict[str, list[bytes]] = defaultdict(list)
    subjects, objects, properties, classes = set(), set(), set(), set()
    for triple in triples:
        line = _nt_row(triple).encode()
        if line in unique:
            continue
        unique.add(line)
        subject, predicate, obj = triple
        owner = str(subject).partition("#")[0]
        by_entity[owner].append(line)
        if isinstance(obj, URIRef):
            target = str(obj)
            if target != owner and target in entity_iris:
                by_entity[target].append(line)
        subjects.add(str(subject))
        objects.add(line.split(b" ", 2)[2])  # the object as written (IRIs hold no spaces)
        properties.add(str(predicate))
        if predicate == RDF.type:
            classes.add(str(obj))
    counts = {"triples": len(unique), "distinctSubjects": len(subjects), "distinctObjects": len(objects),
              "properties": len(properties), "classes": len(classes)}
    return Serialized(sorted(unique), dict(by_entity), counts)


def serialize_corpus(corpus: Corpus, site_url: str) -> Serialized:
    iris = Iris.for_site(site_url)
    return serialize(corpus_triples(corpus, site_url), {str(iris.entity(e)) for e in corpus.entities.values()})


def rdf_prefixes(vocabulary, site_url: str) -> dict[str, str]:
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, vocabulary, Iris.for_site(site_url))
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}


def _triples(nt: bytes):
    return ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)


def turtle(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle from sorted N-Triples, written by pyoxigraph (subjects stay in order)."""
    return ox.serialize(_triples(nt), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def jsonld(nt: bytes) -> bytes:
    """JSON-LD (expanded form, one node object per subject, in IRI order), written by
    pyoxigraph straight from the sorted N-Triples, streaming (no document held in memory)."""
    return ox.serialize(_triples(nt), format=ox.RdfFormat.JSON_LD) + b"\n"


def graph_exports(corpus: Corpus, site_url: str, serialized: Serialized) -> dict[str, bytes]:
    """The small files: N-Triples, the vocabulary, VoID, SHACL and the network exports."""
    vocabulary = build_vocabulary_graph(corpus.vocabulary, site_url)
    return {
        "graph.nt": serialized.ntriples,
        "vocabulary.ttl": vocabulary.serialize(format="turtle", encoding="utf-8"),
        "void.ttl": dataset_description(corpus, serialized.counts, site_url).serialize(
            format="turtle", encoding="utf-8"),
        "shapes.ttl": shacl_shapes(corpus.vocabulary, site_url).serialize(format="turtle", encoding="utf-8"),
        **render_network_exports(corpus),
    }


def dump_exports(nt: bytes, prefixes: dict[str, str]) -> dict[str, bytes]:
    return {"graph.ttl": turtle(nt, prefixes), "graph.jsonld": jsonld(nt)}


def render_exports(corpus: Corpus, site_url: str) -> dict[str, bytes]:
    """Every published RDF and network file, by file name."""
    serialized = serialize_corpus(corpus, site_url)
    files = graph_exports(corpus, site_url, serialized)
    files.update(dump_exports(files["graph.nt"], rdf_prefixes(corpus.vocabulary, site_url)))
    return {name: files[name] for name in PUBLISHED_NAMES}


def query_store_content(corpus: Corpus, site_url: str) -> list[tuple[bytes, ox.RdfFormat]]:
    """What a SPARQL store over the graph holds: the dump and the vocabulary."""
    exports = render_exports(corpus, site_url)
    return [(exports["graph.nt"], ox.RdfFormat.N_TRIPLES), (exports["vocabulary.ttl"], ox.RdfFormat.TURTLE)]


def write_exports(corpus: Corpus, site_url: str, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_exports(corpus, site_url).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
