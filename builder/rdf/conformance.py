"""Every build checks its graph against its own SHACL shapes (`data/shapes.ttl`): a graph
that breaks an invariant fails the build, naming the entity file and line behind each
violation.

The shapes' SPARQL constraints run on pyoxigraph, each as one query (`$this` bound to
every focus node at once), which takes milliseconds where pyshacl would evaluate each
one per focus node. They run over the graph a part at a time: every constraint of these
shapes looks only at triples whose subjects hang under one entity's page (a statement
and its subject, a direct triple and its statement), so a part made of whole pages'
triples gives the answers the whole graph would, and memory stays that of one part
whatever the graph's size. Of a large graph's parts, the store gets only the triples
the constraints can match (`Reads`: those of their predicates, of the classes they
name, and of the predicates a statement names where a constraint looks for its
triple), a fifth of them. The core constraints (counts, classes, datatypes, value
lists) run on pyshacl, up to PYSHACL_MAX_TRIPLES triples (beyond that, a graph made by
this code from validated entities is checked by the SPARQL constraints and the test
suite)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef, Variable
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from builder.errors import Location
from builder.model import Corpus
from builder.paths import Iris
from builder.rdf.lines import page_of

PYSHACL_MAX_TRIPLES = 200_000
PART_TRIPLES = 250_000  # about this many triples in the store at once


@dataclass(frozen=True, order=True)
class Violation:
    location: Location
    focus: str
    message: str

    def format(self) -> str:
        return f"{self.location}: the graph breaks a shape at <{self.focus}>: {self.message}"


def check(corpus: Corpus, site_url: str, lines: Iterable[bytes], vocabulary_ttl: bytes,
          shapes: Graph) -> list[Violation]:
    """Every violation of the shapes by the data graph (with the vocabulary), located.
    `lines`: the graph's N-Triples lines, sorted (export.serialize), so that the triples
    of a page's subjects are together; iterated twice if there are few."""
    queries = sparql_queries(shapes)
    found, count, reads = [], 0, None
    for part in parts(lines, PART_TRIPLES):
        count += len(part)
        if reads is None and len(part) >= PART_TRIPLES:  # a large graph (reading the queries takes a moment)
            reads = Reads.of((query, prefixes) for query, prefixes, _ in queries)
        found += _sparql_violations(b"".join(reads.kept(part) if reads else part), vocabulary_ttl, queries)
    if count <= PYSHACL_MAX_TRIPLES:
        found += _core_violations(b"".join(lines), vocabulary_ttl, shapes)
    where = _Locator(corpus, Iris.for_site(site_url))
    return sorted({Violation(where.of(focus), focus, message) for focus, message in found})


def sparql_queries(shapes: Graph) -> list[tuple[str, dict[str, str], str]]:
    """The shapes' SPARQL constraints as the build runs them (whole_graph_query), each
    with its prefixes and its message."""
    queries = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        prefixes = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                    for d in shapes.objects(shapes.value(constraint, SH.prefixes), SH.declare)}
        queries.append((whole_graph_query(shapes, shape, constraint), prefixes, str(shapes.value(constraint, SH.message))))
    return queries


def parts(lines: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    """Runs of about `size` sorted lines, each ending where a page's subjects end."""
    part: list[bytes] = []
    for line in lines:
        if len(part) >= size and _page(line) != _page(part[-1]):
            yield part
            part = []
        part.append(line)
    if part:
        yield part


class Reads:
    """The triples some SPARQL queries can match, from the patterns of their algebra
    (rdflib's): those of the predicates they name; of rdf:type, only with the classes
    they name; and, where a pattern's predicate is a variable that a pattern binds to
    what a statement names as its `rdf:predicate`, those of the predicates the
    statements of the same lines name. The queries give the same answers over these
    triples as over all, as long as the lines hold each statement with the subject it
    names (a part of whole pages: a statement lives in its subject's page). A query
    beyond that (a property path, a predicate bound otherwise, a union or a subquery,
    whose patterns do not bind each other's variables) keeps every triple."""

    def __init__(self, predicates: set[bytes], classes: set[bytes], stated: bool, everything: bool) -> None:
        self.predicates, self.classes, self.stated, self.everything = predicates, classes, stated, everything

    @classmethod
    def of(cls, queries: Iterable[tuple[str, dict[str, str]]]) -> Reads:
        """What the `queries` (each with its prefixes) read."""
        predicates, classes, stated, everything = set(), set(), False, False
        for query, prefixes in queries:
            algebra = prepareQuery(query, initNs=prefixes).algebra
            triples = list(_patterns(algebra))
            everything |= any(node.name in APART for node in _nodes(algebra))
            named = {o for _, p, o in triples if p == RDF.predicate and isinstance(o, Variable)}
            for _, p, o in triples:
                if p == RDF.type and isinstance(o, URIRef):
                    classes.add(_n3(o))
                elif isinstance(p, URIRef):
                    predicates.add(_n3(p))
                elif isinstance(p, Variable) and p in named:
                    stated = True
                else:
                    everything = True
        return cls(predicates, classes, stated, everything)

    def kept(self, lines: list[bytes]) -> list[bytes]:
        """Of N-Triples lines, those the queries can match."""
        if self.everything:
            return lines
        predicates, classes, rdf_type = self.predicates, self.classes, _n3(RDF.type)
        if self.stated:
            named, stated = _n3(RDF.predicate), set()
            for line in lines:
                if named in line:  # or in a literal
                    _, predicate, rest = line.split(b" ", 2)
                    if predicate == named:
                        stated.add(rest[:rest.find(b" ")])
            predicates = predicates | stated
        kept = []
        for line in lines:  # each split let go at once: thousands held would keep the collector busy
            _, predicate, rest = line.split(b" ", 2)
            if predicate in predicates or predicate == rdf_type and rest[:rest.find(b" ")] in classes:
                kept.append(line)
        return kept


APART = {"Union", "ToMultiSet"}  # algebra whose patterns are matched apart (a union's branches, a subquery)


def _nodes(node) -> Iterator[CompValue]:
    """The operators of a query's algebra, all of them."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _nodes(value)


def _patterns(algebra) -> Iterator[tuple]:
    """The triple patterns anywhere in a query's algebra."""
    for node in _nodes(algebra):
        if node.name == "BGP":
            yield from node.triples


def _n3(term: URIRef) -> bytes:
    return f"<{term}>".encode()


def _page(line: bytes) -> bytes:
    """The page a line's subject hangs under (a blank node: itself)."""
    subject = line[:line.index(b" ")]
    return page_of(subject) or subject


def _sparql_violations(nt: bytes, vocabulary_ttl: bytes, queries) -> list[tuple[str, str]]:
    store = ox.Store()
    store.bulk_load(nt, ox.RdfFormat.N_TRIPLES)
    store.bulk_load(vocabulary_ttl, ox.RdfFormat.TURTLE)
    found = []
    for query, prefixes, message in queries:
        for row in store.query(query, prefixes=prefixes):
            found.append((row["this"].value, message))
    return found


def whole_graph_query(shapes: Graph, shape: URIRef, constraint, anti_join: bool = True) -> str:
    """A SPARQL constraint as one query over every focus node: `$this` as a variable bound
    by the shape's target. With anti_join, `FILTER NOT EXISTS` becomes `MINUS`: each
    constraint of these shapes negates a pattern over variables its outer pattern always
    binds, with filters on the pattern's own variables, where the two mean the same (SPARQL
    1.1, 8.3), and Oxigraph runs MINUS as one anti-join where NOT EXISTS was a lookup per
    row (growing with the square of the graph). SHACL forbids MINUS in the published
    shapes, so the rewrite is made here; a test holds both forms to the same answers."""
    query = str(shapes.value(constraint, SH.select)).replace("$this", "?this")
    if anti_join:
        query = query.replace("FILTER NOT EXISTS {", "MINUS {")
    target = _target(shapes, shape)
    if target:
        query = query.replace("WHERE {", "WHERE {\n  " + target, 1)
    return query


def _target(shapes: Graph, shape: URIRef) -> str:
    """The shape's targets as a graph pattern on ?this."""
    target_class = shapes.value(shape, SH.targetClass)
    if target_class is not None:
        return f"?this a <{target_class}> ."
    subjects_of = shapes.value(shape, SH.targetSubjectsOf)
    if subjects_of is not None:
        return f"?this <{subjects_of}> [] ."
    return ""


def _core_violations(nt: bytes, vocabulary_ttl: bytes, shapes: Graph) -> list[tuple[str, str]]:
    from pyshacl import validate
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    data = Graph().parse(data=nt, format="nt")
    ontology = Graph().parse(data=vocabulary_ttl, format="turtle")
    conforms, report, _ = validate(data, shacl_graph=core, ont_graph=ontology, inference="none")
    if conforms:
        return []
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "does not conform"
        found.append((str(report.value(result, SH.focusNode)), f"{message}" + (f" ({path})" if path else "")))
    return found


class _Locator:
    """Where in the entity files a node of the graph comes from."""

    def __init__(self, corpus: Corpus, iris: Iris) -> None:
        self.pages = {str(iris.page(e)): e for e in corpus.entities.values()}

    def of(self, node: str) -> Location:
        page, _, fragment = node.partition("#")
        entity = self.pages.get(page)
        if entity is None:
            return Location("(generated)")
        key = fragment.split("--")[0]
        relation = next((r for r in entity.relations if r.key == key), None)
        if relation is not None and relation.location is not None:
            return relation.location
        return Location(entity.path)
