"""Serialize the RDF graphs into the files published under `data/`.

The data graph is written from one pass over its triples, entity page after entity page
(`graph.triples_by_page`), without an rdflib store: each triple becomes an N-Triples line
through rdflib's own N-Triples term writers, the lines are sorted and made unique (so the
same entities always give byte-identical files; each page's on its own, then on disk
when they are many: rdf/lines.py), and
pyoxigraph streams Turtle and JSON-LD from them (rdflib's Turtle writer grows
superlinearly with the number of subjects). A pass over the sorted lines groups them by
entity, for each entity's own Turtle file, and counts what VoID reports."""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal
from rdflib.plugins.serializers.nt import _quoteLiteral  # rdflib's N-Triples literal writer (pinned: 7.6.0)

from builder import __version__
from builder.errors import ShapeErrors
from builder.model import Corpus
from builder.network.formats import NETWORK_EXPORTS, network_export_files
from builder.paths import Iris, published
from builder.rdf.conformance import check
from builder.rdf.dataset import dataset_description, shacl_shapes
from builder.rdf.graph import bind_prefixes, build_vocabulary_graph, triples_by_page
from builder.rdf.lines import DistinctCount, EntityLines, SortedLines


@dataclass
class Serialized:
    """The data graph after one pass: its N-Triples lines, sorted and unique (iterated
    as often as needed); the lines that describe each entity, by page IRI; and VoID's
    statistics."""

    lines: SortedLines
    by_entity: EntityLines
    counts: dict[str, int]

    @property
    def ntriples(self) -> bytes:
        return b"".join(self.lines)


def serialize(pages: Iterable[tuple[str, Iterable]], scratch: Path | None = None) -> Serialized:
    """N-Triples lines of the triples of each entity page (pages in ascending order, with
    the triples of the entity's file: `graph.triples_by_page`). A line describes the
    entity whose page its subject hangs under (`<page>#id`, `<page>#statement`), and the
    entity its object is, if another. Beyond what is held in memory, the lines go to a
    temporary folder in `scratch`."""
    lines = SortedLines(scratch)
    page_iris = set()
    for page, triples in pages:
        prefix = b"<" + page.encode()
        own = []
        for subject, predicate, obj in triples:
            # rdflib's terms are ABCs, on which isinstance is slow: this runs for every triple
            written = _quoteLiteral(obj) if type(obj) is Literal else _n3(obj)
            line = f"{_n3(subject)} {_n3(predicate)} {written} .\n".encode()
            if line.startswith(prefix):
                own.append(line)
            else:  # the page of the entity it points at, or none
                lines.add(line)
        lines.add_group(prefix, own)
        page_iris.add(page.encode())
    lines.finish()
    by_entity = EntityLines(lines, page_iris)
    rdf_type = f"<{RDF.type}>".encode()
    subjects, last_subject, owner = 0, None, None
    objects, properties, classes = DistinctCount(lines.spilled, scratch), set(), set()
    for line in lines:
        subject, predicate, rest = line.split(b" ", 2)  # IRIs hold no spaces
        if subject != last_subject:  # sorted: a subject's lines are together
            subjects, last_subject, owner = subjects + 1, subject, by_entity.owner(subject)
        objects.add(rest)  # the object as written (and the line's end)
        properties.add(predicate)
        if predicate == rdf_type:
            classes.add(rest)
        by_entity.add(line, owner, rest)
    counts = {"triples": lines.count, "distinctSubjects": subjects, "distinctObjects": objects.count(),
              "properties": len(properties), "classes": len(classes)}
    return Serialized(lines, by_entity, counts)


@functools.lru_cache(maxsize=1 << 16)
def _n3(term) -> str:
    """An IRI or blank node as N-Triples writes it (what rdflib's N-Triples writer does for
    a triple, term by term), remembered: rdflib checks an IRI's characters again at every
    call, and a graph names the same subjects and predicates over and over."""
    return term.n3()


def serialize_corpus(corpus: Corpus, site_url: str, scratch: Path | None = None) -> Serialized:
    return serialize(triples_by_page(corpus, site_url), scratch)


def rdf_prefixes(vocabulary, site_url: str) -> dict[str, str]:
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, vocabulary, Iris.for_site(site_url))
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix}


def _triples(nt: bytes):
    return ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)


def turtle(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle from sorted N-Triples, written by pyoxigraph (subjects stay in order)."""
    return ox.serialize(_triples(nt), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def jsonld(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Compact JSON-LD 1.1: an `@context` of the site's prefixes, then one node object per
    subject (in IRI order, each property's values in N-Triples order), properties and
    classes as compact IRIs. Written from the sorted N-Triples one subject at a time:
    a JSON-LD library's compaction holds and walks the whole document."""
    writer = _CompactJsonLd(prefixes)
    context = json.dumps({"@context": dict(sorted(prefixes.items()))}, ensure_ascii=False)[:-1]
    nodes, current, pairs = [], None, []
    for triple in _triples(nt):
        subject = writer.reference(triple.subject)
        if subject != current and current is not None:
            nodes.append(writer.node(current, pairs))
            pairs = []
        current = subject
        pairs.append((triple.predicate.value, triple.object))
    if current is not None:
        nodes.append(writer.node(current, pairs))
    return (context + ',"@graph":[\n' + ",\n".join(nodes) + "\n]}\n").encode("utf-8")


class _CompactJsonLd:
    def __init__(self, prefixes: dict[str, str]) -> None:
        self.namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def compact(self, iri: str) -> str:
        for prefix, namespace in self.namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    @staticmethod
    def reference(term) -> str:
        return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"

    def value(self, term) -> dict:
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            return {"@id": self.reference(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value != XSD_STRING:
            return {"@value": term.value, "@type": self.compact(term.datatype.value)}
        return {"@value": term.value}

    def node(self, subject: str, pairs: list) -> str:
        types = [self.compact(o.value) for p, o in pairs if p == RDF_TYPE]
        properties: dict[str, list] = {}
        for p, o in pairs:
            if p != RDF_TYPE:
                properties.setdefault(self.compact(p), []).append(self.value(o))
        body = {"@id": subject, **({"@type": types} if types else {}), **dict(sorted(properties.items()))}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


GZIP_LEVEL = 6  # zlib's default: level 9 takes twice as long for 3% fewer bytes on the dumps


def _gzip(content: bytes | Iterable[bytes | memoryview]) -> bytes:
    """gzip (zlib's header: mtime 0, no file name), the same bytes as
    gzip.compress(content, GZIP_LEVEL, mtime=0) whether the content comes whole or in pieces
    (a graph's lines: millions of them, handed to zlib a block at a time)."""
    stream = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    compressed: list[bytes] = []
    block: list[bytes | memoryview] = []
    size = 0
    for piece in [content] if isinstance(content, bytes) else content:
        block.append(piece)
        size += len(piece)
        if size >= GZIP_BLOCK:
            compressed.append(stream.compress(block[0] if len(block) == 1 else b"".join(block)))
            block, size = [], 0
    compressed.append(stream.compress(b"".join(block)))
    return b"".join(compressed) + stream.flush()


GZIP_BLOCK = 1 << 20  # bytes


@dataclass(frozen=True)
class Release:
    """What the dataset description says beyond the graph: when it last changed, its
    version, and where its SPARQL endpoint is (if one is configured)."""

    modified: str | None = None  # YYYY-MM-DD
    version: str = __version__
    endpoint: str | None = None


def network_export_names(corpus: Corpus) -> list[str]:
    """The names `network_exports` gives its files."""
    names = {f.name for f in published(len(corpus.relations))}
    return [name + ".gz" if name + ".gz" in names else name for name in NETWORK_EXPORTS]


def network_exports(corpus: Corpus, scratch: Path | None = None) -> Iterator[tuple[str, bytes]]:
    """The whole network in the graph tools' formats (CSV, GraphML, GEXF), by published
    name, compressed where they are published compressed, each made once the one before
    is given out (their temporary files in `scratch`: see network_export_files)."""
    for name, (_, pieces) in zip(network_export_names(corpus), network_export_files(corpus, scratch), strict=True):
        yield name, _gzip(pieces) if name.endswith(".gz") else b"".join(pieces)


def data_exports(corpus: Corpus, site_url: str, serialized: Serialized, network: dict[str, int],
                 release: Release = Release()):
    """Every file published under data/ but the network's exports (`network_exports`,
    made beforehand: `network` gives their sizes by name), by name, checked against the
    shapes before any is given out (raises ShapeErrors), and the dataset description last
    (it gives each file's size). The graph's files one after the other, so that the
    graph's lines go once written (if the caller holds `serialized` no longer)."""
    vocabulary = build_vocabulary_graph(corpus.vocabulary, site_url).serialize(format="turtle", encoding="utf-8")
    shapes = shacl_shapes(corpus.vocabulary, site_url)
    violations = check(corpus, site_url, serialized.lines, vocabulary, shapes)
    if violations:
        raise ShapeErrors([v.format() for v in violations])
    sizes: dict[str, int] = {}
    names = {f.name for f in published(len(corpus.relations))}

    def give(name: str, content: bytes):
        sizes[name] = len(content)
        return name, content

    # the whole dump in one piece only if published uncompressed: at scale, the lines are
    # compressed as they are (one copy of the graph in memory, not two)
    nt = serialized.ntriples if names & {"graph.nt", "graph.ttl", "graph.jsonld"} else None
    if "graph.nt" in names:
        yield give("graph.nt", nt)
    yield give("graph.nt.gz", _gzip(serialized.lines))
    yield give("vocabulary.ttl", vocabulary)
    yield give("shapes.ttl", shapes.serialize(format="turtle", encoding="utf-8"))
    del shapes
    if "graph.ttl" in names:
        yield give("graph.ttl", turtle(nt, rdf_prefixes(corpus.vocabulary, site_url)))
    if "graph.jsonld" in names:
        yield give("graph.jsonld", jsonld(nt, rdf_prefixes(corpus.vocabulary, site_url)))
    counts = serialized.counts
    del nt, serialized
    sizes.update(network)
    yield give("void.ttl", b"")  # its own size is not known before it is written: listed without
    description = dataset_description(corpus, counts, site_url, sizes, release)
    yield "void.ttl", description.serialize(format="turtle", encoding="utf-8")


def render_exports(corpus: Corpus, site_url: str, release: Release = Release()) -> dict[str, bytes]:
    """Every published RDF and network file, by file name."""
    files = dict(network_exports(corpus))
    sizes = {name: len(content) for name, content in files.items()}
    files.update(data_exports(corpus, site_url, serialize_corpus(corpus, site_url), sizes, release))
    return {f.name: files[f.name] for f in published(len(corpus.relations))}


def query_store_content(corpus: Corpus, site_url: str) -> list[tuple[bytes, ox.RdfFormat]]:
    """What a SPARQL store over the graph holds: the dump and the vocabulary."""
    nt = serialize_corpus(corpus, site_url).ntriples
    vocabulary = build_vocabulary_graph(corpus.vocabulary, site_url).serialize(format="turtle", encoding="utf-8")
    return [(nt, ox.RdfFormat.N_TRIPLES), (vocabulary, ox.RdfFormat.TURTLE)]


def write_exports(corpus: Corpus, site_url: str, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_exports(corpus, site_url).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
