"""Per-entity RDF: each entity's own description as a small Turtle file beside its page
(`people/david-sacks.ttl`): its triples, the statements it makes with their provenance,
and the direct triples that point at it.

Serialized with pyoxigraph, which writes thousands of small Turtle files in a fraction
of the time rdflib's Turtle serializer needs; triples are sorted first so the output is
stable."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .graph import Iris
from .model import Corpus, Entity


def _term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unexpected RDF term {term!r}")


def _describe(graph: Graph, corpus: Corpus, iris: Iris, entity: Entity) -> set:
    node = iris.entity(entity)
    triples = set(graph.triples((node, None, None))) | set(graph.triples((None, None, node)))
    for relation in entity.relations:
        statement = iris.statement(entity, relation)
        triples |= set(graph.triples((statement, None, None)))
        for number in range(1, len(relation.citations) + 1):
            triples |= set(graph.triples((iris.citation(entity, relation, number), None, None)))
    return {t for t in triples if not (t[2] == node and str(t[0]).startswith(str(node) + "#"))}


def render_entity_rdf(graph: Graph, corpus: Corpus, site_url: str) -> dict[str, bytes]:
    """Turtle for every entity, by file path in the site (`<kind>/<id>.ttl`)."""
    iris = Iris.for_site(site_url)
    prefixes = {p: str(ns) for p, ns in graph.namespaces() if p}
    files = {}
    for entity in corpus.entities.values():
        triples = sorted(_describe(graph, corpus, iris, entity), key=lambda t: tuple(x.n3() for x in t))
        oxi = [ox.Triple(_term(s), _term(p), _term(o)) for s, p, o in triples]
        files[f"{entity.kind}/{entity.id}.ttl"] = ox.serialize(oxi, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return files
