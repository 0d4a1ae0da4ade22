"""The model as an RDF graph. Every term comes from the vocabulary's metadata;
serialization is export.py's job.

An entity is `<page#id>`, apart from its page `<page>`. Each relation is a statement
`<page#works-for-white-house>` (an rdf:Statement) with its qualifiers (dates, role,
status, note) and its provenance: a PROV-O qualified derivation per source with its
quote (and the editors' translation), and a W3C Web Annotation whose target is the
quoted passage of the source (a TextQuoteSelector with its prefix and suffix in the
archived text). As in Wikidata, a relation whose status is truthy (reported,
confirmed) is also stated directly, `<subject> pg:worksFor <target>`, with the
standard property it maps to where that property's domain and range allow, and a W3C
ORG membership for membership predicates; alleged, denied and opinion claims are
statements only."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, TIME

from builder.model import Corpus, EDate, Entity, Relation
from builder.paths import Iris, Terms
from builder.read.quotes import collapse_spaces, locate
from builder.vocabulary import Vocabulary
from builder.vocabulary.kinds import AGENT

SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")

Triple = tuple  # (subject, predicate, object) as rdflib terms
SELECTOR_CONTEXT = 32  # characters of prefix and suffix around a quoted passage
_TIME_OF = {"year": TIME.inXSDgYear, "month": TIME.inXSDgYearMonth, "day": TIME.inXSDDate}


_RDF, _RDFS, _PROV, _OA, _ORG, _DCTERMS, _SKOS, _TIME = map(Terms, (RDF, RDFS, PROV, OA, ORG, DCTERMS, SKOS, TIME))


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
    twice: a store keeps one). `build_graph` stores them."""
    for _, triples in triples_by_page(corpus, site_url):
        yield from triples


def triples_by_page(corpus: Corpus, site_url: str) -> Iterator[tuple[str, Iterator[Triple]]]:
    """Each entity's page IRI and the triples its file gives (its description, its
    relations with their evidence), in the order of the pages' IRIs. Nearly all of an
    entity's triples have a subject under its page; the others describe the entity a
    relation points at (a standard property that runs the other way) or a node of no
    page (a country). The batch exports stream these."""
    iris = Iris.for_site(site_url)
    pages = sorted((str(iris.page(entity)), entity.id) for entity in corpus.entities.values())
    for page, entity_id in pages:
        yield page, _entity_file_triples(corpus, iris, corpus[entity_id])


def _entity_file_triples(corpus: Corpus, iris: Iris, entity: Entity) -> Iterator[Triple]:
    yield from entity_triples(corpus.vocabulary, iris, entity)
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
    node, page = iris.entity(entity), iris.page(entity)
    for type_id in v.ancestors(entity.type_id):
        yield node, RDF.type, iris.type_class(type_id)
    for curie in v.standard_classes(entity.type_id):
        yield node, RDF.type, URIRef(v.expand(curie, str(iris.vocab)))
    names = {v.site_language: entity.name, **entity.names}
    for language, name in sorted(names.items()):
        yield node, RDFS.label, Literal(name, lang=language)
        yield node, SCHEMA.name, Literal(name, lang=language)
    for alias in entity.aliases:
        yield node, SKOS.altLabel, Literal(alias)
    if entity.summary:
        yield node, SCHEMA.description, Literal(entity.summary, lang=v.site_language)
    if entity.description:
        yield node, DCTERMS.description, Literal(entity.description, lang=v.site_language)
    yield node, iris.vocab.id, Literal(entity.id)
    yield node, SCHEMA.mainEntityOfPage, page
    yield node, FOAF.isPrimaryTopicOf, page
    yield page, RDF.type, FOAF.Document
    yield page, RDF.type, SCHEMA.WebPage
    yield page, FOAF.primaryTopic, node
    for relation in entity.relations:
        yield node, iris.vocab.statement, iris.statement(entity, relation)
    for key, value in sorted(entity.facts.items()):
        yield from _fact_triples(v, iris, entity, key, value)


def _fact_triples(v: Vocabulary, iris: Iris, entity: Entity, key: str, value) -> Iterator[Triple]:
    node, spec = iris.entity(entity), v.keys[key]
    if spec.kind == AGENT.name:
        agent = _agent(iris, entity, key, value)
        objects = [agent] if agent is not None else []
        if agent is not None and not AGENT.reference(value):
            yield agent, SCHEMA.name, Literal(value)
            if spec.agent_class:
                yield agent, RDF.type, URIRef(v.expand(spec.agent_class, str(iris.vocab)))
    elif key == "replaces":
        objects = [iris.entity(_Former(entity.kind, old)) for old in value]
    else:
        objects = spec.value_kind.terms(value, spec)
    if spec.kind == "country":  # described where it is used: the graph needs no other file
        yield objects[0], RDF.type, SCHEMA.Country
        yield objects[0], RDFS.label, Literal(value, lang="en")
        yield objects[0], SKOS.notation, Literal(spec.codes[value])
    for curie in v.key_properties(entity.type_id, key):
        prop = URIRef(v.expand(curie, str(iris.vocab)))
        for term in objects:
            yield node, prop, term
    if isinstance(value, EDate) and value.approximate:
        yield node, iris.vocab.approximateDate, Literal(key)


class _Former:
    """An id an entity had before (`replaces`): its old address, in the same folder."""

    def __init__(self, kind: str, entity_id: str) -> None:
        self.kind, self.id = kind, entity_id


def _agent(iris: Iris, entity: Entity, key: str, value: str) -> URIRef | None:
    """A publisher or author: the entity's IRI it names, or a node of this entity's
    description that holds the name; nothing for `unknown`."""
    if value == AGENT.UNKNOWN:
        return None
    reference = AGENT.reference(value)
    return iris.entity(_Former(*reference)) if reference else iris.of_entity(entity, key)


def relation_triples(corpus: Corpus, iris: Iris, subject: Entity, relation: Relation) -> Iterator[Triple]:
    v = corpus.vocabulary
    target = corpus[relation.target]
    s, o = iris.entity(subject), iris.entity(target)
    predicate = v.predicates[relation.predicate]
    p = iris.predicate(predicate.id)
    truthy = relation.status in v.truthy_statuses
    if truthy:
        yield s, p, o
        if v.maps_between(predicate, subject.type_id, target.type_id):
            standard = URIRef(v.expand(predicate.maps_to, str(iris.vocab)))
            yield (o, standard, s) if predicate.maps_to_inverse else (s, standard, o)
        if predicate.membership:
            yield from _membership(iris, subject, relation, s, o)

    statement = iris.statement(subject, relation)
    pg = iris.terms
    yield statement, _RDF.type, _RDF.Statement
    yield statement, _RDF.type, pg.Statement
    yield statement, _RDF.subject, s
    yield statement, _RDF.predicate, p
    yield statement, _RDF.object, o
    yield statement, pg.status, iris.status(relation.status)
    for prop, value in ((pg.startDate, relation.start), (pg.endDate, relation.end), (_DCTERMS.date, relation.date)):
        if value is not None:
            yield statement, prop, value.literal()
            if value.approximate:
                yield statement, pg.approximateDate, Literal(_date_key(relation, value))
    if relation.role:
        yield statement, pg.role, Literal(relation.role, lang=v.site_language)
    if relation.note:
        yield statement, _RDFS.comment, Literal(relation.note, lang=v.site_language)
    for number, citation in enumerate(relation.citations, start=1):
        yield from _citation_triples(corpus, iris, subject, relation, statement, number, citation)


def _citation_triples(corpus: Corpus, iris: Iris, subject: Entity, relation: Relation, statement: URIRef,
                      number: int, citation) -> Iterator[Triple]:
    v, pg = corpus.vocabulary, iris.terms
    source = corpus[citation.source]
    source_node = iris.entity(source)
    language = source.facts.get("language")
    derivation = iris.citation(subject, relation, number)
    yield statement, _PROV.wasDerivedFrom, source_node
    yield statement, _PROV.qualifiedDerivation, derivation
    yield derivation, _RDF.type, _PROV.Derivation
    yield derivation, _PROV.entity, source_node
    yield derivation, pg.quote, Literal(citation.quote, lang=language)
    yield derivation, pg.status, iris.status(citation.status)
    translation = citation.translation(v.site_language) if language != v.site_language else None
    if translation:
        yield derivation, pg.translation, Literal(translation, lang=v.site_language)
    annotation = iris.part(subject, relation, f"quote-{number}")
    yield annotation, _RDF.type, _OA.Annotation
    yield annotation, _OA.motivatedBy, _OA.linking
    yield annotation, _OA.hasBody, statement
    yield derivation, pg.annotation, annotation
    text = _collapsed(source.text or "")
    spans = locate(citation.quote, text) if text else []
    for index, (start, end) in enumerate(spans or [None], start=1):
        target = iris.part(subject, relation, f"quote-{number}-target-{index}")
        yield annotation, _OA.hasTarget, target
        yield target, _RDF.type, _OA.SpecificResource
        yield target, _OA.hasSource, source_node
        if start is None:
            continue
        selector = iris.part(subject, relation, f"quote-{number}-selector-{index}")
        yield target, _OA.hasSelector, selector
        yield selector, _RDF.type, _OA.TextQuoteSelector
        yield selector, _OA.exact, Literal(text[start:end])
        yield selector, _OA.prefix, Literal(text[max(0, start - SELECTOR_CONTEXT):start])
        yield selector, _OA.suffix, Literal(text[end:end + SELECTOR_CONTEXT])


@cache
def _collapsed(text: str) -> str:
    """A source's text as quotes are located in it, made once per source, not per citation
    (unbounded: with a bound below the number of sources, it was remade for most citations
    of a large corpus; the texts are held by the corpus anyway)."""
    return collapse_spaces(text)


def _membership(iris: Iris, subject: Entity, relation: Relation, person: URIRef, organization: URIRef) -> Iterator[Triple]:
    """A truthy membership relation, also as W3C ORG: who, where, in which role, when."""
    membership = iris.part(subject, relation, "membership")
    yield membership, _RDF.type, _ORG.Membership
    yield membership, _ORG.member, person
    yield membership, _ORG.organization, organization
    yield membership, _PROV.wasDerivedFrom, iris.statement(subject, relation)
    if relation.role:
        role = iris.part(subject, relation, "role")
        yield membership, _ORG.role, role
        yield role, _RDF.type, _ORG.Role
        yield role, _SKOS.prefLabel, Literal(relation.role)
    if relation.start or relation.end or relation.date:
        interval = iris.part(subject, relation, "interval")
        yield membership, _ORG.memberDuring, interval
        yield interval, _RDF.type, _TIME.Interval
        for name, prop, value in (("start", _TIME.hasBeginning, relation.start or relation.date),
                                  ("end", _TIME.hasEnd, relation.end or relation.date)):
            if value is not None:
                instant = iris.part(subject, relation, name)
                yield interval, prop, instant
                yield instant, _RDF.type, _TIME.Instant
                yield instant, _TIME_OF[value.precision], value.literal()


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
            yield from _mapping(v, iris, p, prop)


def _mapping(v: Vocabulary, iris: Iris, p, prop: URIRef) -> Iterator[Triple]:
    """How a predicate relates to the standard property it maps to. Over its whole domain
    and range it is a subproperty (of the standard property's inverse, for an inverse
    mapping: `pg:funds` implies `schema:funder` the other way, not the reverse); where the
    mapping holds only between some types, the standard property is only pointed to."""
    standard = URIRef(v.expand(p.maps_to, str(iris.vocab)))
    if p.maps_domain or p.maps_range:
        yield prop, RDFS.seeAlso, standard
        return
    if not p.maps_to_inverse:
        yield prop, RDFS.subPropertyOf, standard
        return
    inverse = BNode(f"inverse-of-{p.maps_to.replace(':', '-')}")
    yield prop, RDFS.subPropertyOf, inverse
    yield inverse, OWL.inverseOf, standard


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
    for name, kind, comment in auxiliary_terms(v):
        node = pg[name]
        yield node, RDF.type, URIRef(kind)
        yield node, RDFS.isDefinedBy, iris.ontology
        yield node, RDFS.comment, Literal(comment, lang="en")
    for name, range_name in _RANGES:
        yield pg[name], RDFS.range, pg[range_name]
    yield pg.annotation, RDFS.range, OA.Annotation
    yield pg.Statement, RDFS.subClassOf, RDF.Statement
    yield pg.Statement, RDFS.subClassOf, PROV.Entity


_AUXILIARY_TERMS = (
    ("Statement", "A sourced relation between two entities, with its qualifiers and provenance.", OWL.Class),
    ("statement", "Links an entity to each statement it is the subject of.", OWL.ObjectProperty),
    ("status", "The standing of a claim (confirmed, reported, alleged, opinion, denied), on a statement "
               "(the strongest of its sources') and on each of its derivations (one source's).", OWL.ObjectProperty),
    ("quote", "The words of a source that support a statement, verbatim, in the source's language.",
     OWL.DatatypeProperty),
    ("translation", "The editors' translation of a quote into the site's language.", OWL.DatatypeProperty),
    ("annotation", "Links a derivation to the Web Annotation that selects its quote in the source.",
     OWL.ObjectProperty),
    ("role", "The role a statement's subject holds, as the source words it.", OWL.DatatypeProperty),
    ("startDate", "When a statement's relation began (xsd:gYear, xsd:gYearMonth or xsd:date, as precise as the "
                  "source).", OWL.DatatypeProperty),
    ("endDate", "When a statement's relation ended.", OWL.DatatypeProperty),
    ("approximateDate", "Names a date key (start, end, date...) whose value was worked out from a relative "
                        "expression and is approximate.", OWL.DatatypeProperty),
    ("inverseLabel", "How a relation reads from its target.", OWL.AnnotationProperty),
    ("id", "The entity's or predicate's identifier in the entity files.", OWL.DatatypeProperty),
)
_RANGES = (("status", "ClaimStatus"), ("statement", "Statement"))


def auxiliary_terms(v: Vocabulary) -> list[tuple[str, str, str]]:
    """The vocabulary's own terms besides types, predicates and statuses: (name, kind, comment)."""
    terms = [(name, str(kind), comment) for name, comment, kind in _AUXILIARY_TERMS]
    terms.append(("ClaimStatus", str(OWL.Class), "The class of the claim statuses."))
    terms.append(("relations", str(OWL.DatatypeProperty), "The number of relations in the dataset (on its VoID "
                                                          "description)."))
    for key in v.keys.values():
        terms.extend((curie[3:], str(OWL.DatatypeProperty), key.doc) for curie in key.properties
                     if curie.startswith("pg:"))
    return sorted(terms)
