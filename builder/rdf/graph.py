"""The model as an RDF graph. Every term comes from the vocabulary's
metadata; serialization is rdflib's job (see export.py).

Each relation is emitted twice, as Wikidata does: a direct triple
`<subject> pg:worksFor <target>` for simple queries, and a statement node
`<subject>#works-for-white-house` (an rdf:Statement) that carries the qualifiers
(dates, role, status, note) and the provenance (PROV-O qualified derivations,
each with its quote)."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

from builder.model import Corpus, EDate, Entity, Relation
from builder.paths import Iris
from builder.vocabulary import Vocabulary

SCHEMA = Namespace("https://schema.org/")

Triple = tuple  # (subject, predicate, object) as rdflib terms


def bind_prefixes(graph: Graph, vocabulary: Vocabulary, iris: Iris) -> None:
    graph.bind("pg", iris.vocab, override=True)
    for prefix, namespace in sorted(vocabulary.prefixes.items()):
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    graph.bind("rdfs", RDFS)
    graph.bind("owl", OWL)
    graph.bind("xsd", XSD)


def build_graph(corpus: Corpus, site_url: str) -> Graph:
    """The data graph: entities, direct relations, statements with provenance."""
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, corpus.vocabulary, Iris.for_site(site_url))
    for triple in corpus_triples(corpus, site_url):
        graph.add(triple)
    return graph


def corpus_triples(corpus: Corpus, site_url: str) -> Iterator[Triple]:
    """Every triple of the data graph, as rdflib terms, without a store (a triple may come
    twice: a store keeps one). The batch exports stream these; `build_graph` stores them."""
    iris = Iris.for_site(site_url)
    for entity in corpus.entities.values():
        yield from entity_triples(corpus.vocabulary, iris, entity)
    for entity in corpus.entities.values():
        for relation in entity.relations:
            yield from relation_triples(corpus, iris, entity, relation)


def relation_graph(corpus: Corpus, site_url: str, relation: Relation) -> Graph:
    """One relation as RDF: its direct triple, its statement and its provenance."""
    iris = Iris.for_site(site_url)
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, corpus.vocabulary, iris)
    for triple in relation_triples(corpus, iris, corpus[relation.subject], relation):
        graph.add(triple)
    return graph


def entity_triples(v: Vocabulary, iris: Iris, entity: Entity) -> Iterator[Triple]:
    node = iris.entity(entity)
    base = v.types[entity.type]
    for type_id in v.ancestors(entity.type_id):
        yield node, RDF.type, iris.type_class(type_id)
        for curie in v.types[type_id].classes:
            yield node, RDF.type, URIRef(v.expand(curie, str(iris.vocab)))
    labels = [Literal(entity.name)] + [Literal(name, lang=lang) for lang, name in entity.names.items()]
    for label in labels:
        yield node, RDFS.label, label
        yield node, SCHEMA.name, label
    for alias in entity.aliases:
        yield node, SKOS.altLabel, Literal(alias)
    if entity.summary:
        yield node, SCHEMA.description, Literal(entity.summary, lang=v.site_language)
    if entity.description:
        yield node, DCTERMS.description, Literal(entity.description, lang=v.site_language)
    yield node, iris.vocab.id, Literal(entity.id)
    yield node, FOAF.page, node
    for key, value in sorted(entity.facts.items()):
        terms = v.keys[key].value_kind.terms(value)
        for curie in v.key_properties(base, key):
            prop = URIRef(v.expand(curie, str(iris.vocab)))
            for term in terms:
                yield node, prop, term
        if isinstance(value, EDate) and value.approximate:
            yield node, iris.vocab.approximateDate, Literal(key)


def relation_triples(corpus: Corpus, iris: Iris, subject: Entity, relation: Relation) -> Iterator[Triple]:
    v = corpus.vocabulary
    target = corpus[relation.target]
    s, o = iris.entity(subject), iris.entity(target)
    predicate = v.predicates[relation.predicate]
    p = iris.predicate(predicate.id)
    yield s, p, o
    if predicate.maps_to:
        standard = URIRef(v.expand(predicate.maps_to, str(iris.vocab)))
        yield (o, standard, s) if predicate.maps_to_inverse else (s, standard, o)

    statement = iris.statement(subject, relation)
    pg = iris.vocab
    yield statement, RDF.type, RDF.Statement
    yield statement, RDF.type, pg.Statement
    yield statement, RDF.subject, s
    yield statement, RDF.predicate, p
    yield statement, RDF.object, o
    yield statement, pg.status, iris.status(relation.status)
    for prop, value in ((SCHEMA.startDate, relation.start), (SCHEMA.endDate, relation.end),
                        (DCTERMS.date, relation.date)):
        if value is not None:
            yield statement, prop, value.literal()
            if value.approximate:
                yield statement, pg.approximateDate, Literal(_date_key(relation, value))
    if relation.role:
        yield statement, SCHEMA.roleName, Literal(relation.role)
    if relation.note:
        yield statement, RDFS.comment, Literal(relation.note, lang=v.site_language)
    for number, citation in enumerate(relation.citations, start=1):
        source = corpus[citation.source]
        source_node = iris.entity(source)
        derivation = iris.citation(subject, relation, number)
        yield statement, PROV.wasDerivedFrom, source_node
        yield statement, PROV.qualifiedDerivation, derivation
        yield derivation, RDF.type, PROV.Derivation
        yield derivation, PROV.entity, source_node
        yield derivation, pg.quote, Literal(citation.quote, lang=source.facts.get("language"))


def _date_key(relation: Relation, value: EDate) -> str:
    for key in ("start", "end", "date"):
        if getattr(relation, key) is value:
            return key
    return "date"  # pragma: no cover


def build_vocabulary_graph(vocabulary: Vocabulary, site_url: str) -> Graph:
    """The vocabulary as RDFS/OWL: classes, properties, statuses and their mappings."""
    iris = Iris.for_site(site_url)
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, vocabulary, iris)
    for part in (_ontology, _classes, _properties, _statuses, _auxiliary):
        for triple in part(vocabulary, iris):
            graph.add(triple)
    return graph


def _labels(node, labels, languages) -> Iterator[Triple]:
    for lang in languages:
        yield node, RDFS.label, Literal(labels.get(lang), lang=lang)


def _ontology(v: Vocabulary, iris: Iris) -> Iterator[Triple]:
    onto = iris.ontology
    yield onto, RDF.type, OWL.Ontology
    yield onto, RDFS.label, Literal("policygraph vocabulary", lang="en")
    yield onto, DCTERMS.title, Literal("policygraph vocabulary", lang="en")
    yield onto, RDFS.comment, Literal(
        "Types, relation predicates and claim statuses of the policygraph knowledge graph. "
        "Each relation is stated directly and as an rdf:Statement carrying its qualifiers and "
        "its PROV-O provenance (prov:qualifiedDerivation with pg:quote).", lang="en")


def _classes(v: Vocabulary, iris: Iris) -> Iterator[Triple]:
    for t in v.types.values():
        cls = iris.type_class(t.id)
        yield cls, RDF.type, OWL.Class
        yield cls, RDFS.isDefinedBy, iris.ontology
        yield from _labels(cls, t.label, v.label_languages)
        if t.parent:
            yield cls, RDFS.subClassOf, iris.type_class(t.parent)
        for curie in t.classes:
            yield cls, RDFS.subClassOf, URIRef(v.expand(curie, str(iris.vocab)))


def _properties(v: Vocabulary, iris: Iris) -> Iterator[Triple]:
    pg = iris.vocab
    for p in v.predicates.values():
        prop = iris.predicate(p.id)
        yield prop, RDF.type, OWL.ObjectProperty
        yield prop, RDFS.isDefinedBy, iris.ontology
        if p.symmetric:
            yield prop, RDF.type, OWL.SymmetricProperty
        yield from _labels(prop, p.label, v.label_languages)
        for lang in v.label_languages:
            yield prop, pg.inverseLabel, Literal(p.inverse.get(lang), lang=lang)
        yield prop, pg.id, Literal(p.id)
        for type_id in p.domain:
            yield prop, SCHEMA.domainIncludes, iris.type_class(type_id)
        for type_id in p.range:
            yield prop, SCHEMA.rangeIncludes, iris.type_class(type_id)
        if p.maps_to:
            yield prop, OWL.inverseOf if p.maps_to_inverse else RDFS.subPropertyOf, URIRef(
                v.expand(p.maps_to, str(pg)))


def _statuses(v: Vocabulary, iris: Iris) -> Iterator[Triple]:
    pg = iris.vocab
    yield pg.ClaimStatus, RDF.type, OWL.Class
    yield pg.ClaimStatus, RDFS.label, Literal("Claim status", lang="en")
    for status in v.statuses.values():
        node = iris.status(status.id)
        yield node, RDF.type, pg.ClaimStatus
        yield node, RDF.type, SKOS.Concept
        yield from _labels(node, status.label, v.label_languages)
        yield node, RDFS.comment, Literal(status.comment, lang="en")


def _auxiliary(v: Vocabulary, iris: Iris) -> Iterator[Triple]:
    pg = iris.vocab
    for name, comment, kind in _AUXILIARY_TERMS:
        node = pg[name]
        yield node, RDF.type, kind
        yield node, RDFS.isDefinedBy, iris.ontology
        yield node, RDFS.comment, Literal(comment, lang="en")
    yield pg.Statement, RDFS.subClassOf, RDF.Statement
    yield pg.Statement, RDFS.subClassOf, PROV.Entity
    for key in v.keys.values():
        for curie in key.properties:
            if curie.startswith("pg:"):
                yield URIRef(v.expand(curie, str(pg))), RDF.type, OWL.DatatypeProperty
                yield URIRef(v.expand(curie, str(pg))), RDFS.comment, Literal(key.doc, lang="en")


_AUXILIARY_TERMS = (
    ("Statement", "A sourced relation between two entities, with its qualifiers and provenance.", OWL.Class),
    ("status", "The standing of a claim (reported, alleged, confirmed, denied, opinion).", OWL.ObjectProperty),
    ("quote", "The words of a source that support a statement, verbatim, in the source's language.",
     OWL.DatatypeProperty),
    ("approximateDate", "Names a date key (start, end, date...) whose value was worked out from a relative "
                        "expression and is approximate.", OWL.DatatypeProperty),
    ("inverseLabel", "How a relation reads from its target.", OWL.AnnotationProperty),
    ("id", "The entity's or predicate's identifier in the entity files.", OWL.DatatypeProperty),
)
