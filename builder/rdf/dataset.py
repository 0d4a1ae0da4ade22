"""Describing the published dataset: VoID and DCAT metadata (counts, dumps, vocabulary,
licence), and SHACL shapes generated from the vocabulary, against which the export is
validated."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, PROV, SH

from builder.model import Corpus
from builder.paths import PUBLISHED, Iris
from builder.rdf.graph import bind_prefixes
from builder.vocabulary import Vocabulary

VOID = Namespace("http://rdfs.org/ns/void#")
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def dataset_description(corpus: Corpus, counts: dict[str, int], site_url: str,
                        license_url: str = DEFAULT_LICENSE) -> Graph:
    """VoID and DCAT for the data graph: what it holds (`counts`: triples,
    distinctSubjects, distinctObjects, properties, classes, as `export.serialize`
    counts them) and where to get it."""
    iris = Iris.for_site(site_url)
    description = Graph(bind_namespaces="core")
    bind_prefixes(description, corpus.vocabulary, iris)
    description.bind("void", VOID)
    description.bind("dcat", DCAT)
    dataset = iris.dataset
    add = description.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal("policygraph", lang="en")))
    add((dataset, DCTERMS.description, Literal(
        "A knowledge graph of tech-policy actors: people, organizations, laws, events and products, "
        "each relation sourced from a dated article with a verbatim quote.", lang="en")))
    add((dataset, DCTERMS.license, URIRef(license_url)))
    add((dataset, VOID.uriSpace, Literal(iris.site_url)))
    add((dataset, VOID.vocabulary, iris.ontology))
    for curie in sorted({c for t in corpus.vocabulary.types.values() for c in t.classes}):
        add((dataset, VOID.vocabulary, URIRef(corpus.vocabulary.prefixes[curie.split(":")[0]])))
    add((dataset, VOID.triples, Literal(counts["triples"])))
    add((dataset, VOID.entities, Literal(len(corpus))))
    for key in ("distinctSubjects", "distinctObjects", "properties", "classes"):
        add((dataset, VOID[key], Literal(counts[key])))
    add((dataset, URIRef(str(iris.vocab) + "relations"), Literal(len(corpus.relations))))
    for name, media_type, label in DUMP_ORDER:
        url = iris.data(name)
        distribution = iris.data(f"#{name.replace('.', '-')}")
        add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCAT.downloadURL, url))
        add((distribution, DCAT.mediaType, Literal(media_type)))
        add((distribution, DCTERMS.format, Literal(label)))
        add((distribution, DCTERMS.license, URIRef(license_url)))
    return description


# VoID lists the dumps N-Triples first: the easiest to stream.
DUMP_ORDER = sorted(((f.name, f.media_type, f.format) for f in PUBLISHED if f.dump),
                    key=lambda d: d[0] != "graph.nt")


def _shape_iri(iris: Iris, name: str) -> URIRef:
    return iris.shape(name)


def _rdf_list(graph: Graph, node: URIRef, items: list) -> URIRef:
    Collection(graph, node, items)
    return node


def shacl_shapes(vocabulary: Vocabulary, site_url: str) -> Graph:
    """Shapes derived from the vocabulary: every folder-level type has a label, each
    predicate points to one of its range types, and every statement carries a status
    from the vocabulary and at least one sourced quote."""
    iris = Iris.for_site(site_url)
    v = vocabulary
    shapes = Graph(bind_namespaces="core")
    bind_prefixes(shapes, v, iris)
    shapes.bind("sh", SH)
    add = shapes.add
    for base in v.kinds.values():
        shape = _shape_iri(iris, base.class_name + "Shape")
        add((shape, RDF.type, SH.NodeShape))
        add((shape, SH.targetClass, iris.type_class(base.id)))
        label = _shape_iri(iris, base.class_name + "-label")
        add((shape, SH.property, label))
        add((label, SH.path, RDFS.label))
        add((label, SH.minCount, Literal(1)))
        for predicate in v.predicates.values():
            if not v.matches(base.id, predicate.domain):
                continue
            prop = _shape_iri(iris, f"{base.class_name}-{predicate.property_name}")
            add((shape, SH.property, prop))
            add((prop, SH.path, iris.predicate(predicate.id)))
            alternatives = []
            for index, type_id in enumerate(predicate.range):
                option = _shape_iri(iris, f"{base.class_name}-{predicate.property_name}-range-{index}")
                add((option, SH["class"], iris.type_class(type_id)))
                alternatives.append(option)
            add((prop, SH["or"], _rdf_list(shapes, _shape_iri(iris, f"{base.class_name}-"
                                                                      f"{predicate.property_name}-range"),
                                            alternatives)))
        if base.no_relations:
            for predicate in v.predicates.values():
                inbound = _shape_iri(iris, f"{base.class_name}-no-{predicate.property_name}")
                add((shape, SH.property, inbound))
                add((inbound, SH.path, _inverse(shapes, iris, predicate.property_name)))
                add((inbound, SH.maxCount, Literal(0)))

    statement = _shape_iri(iris, "StatementShape")
    add((statement, RDF.type, SH.NodeShape))
    add((statement, SH.targetClass, iris.vocab.Statement))
    for name, path in (("subject", RDF.subject), ("predicate", RDF.predicate), ("object", RDF.object),
                       ("status", iris.vocab.status)):
        prop = _shape_iri(iris, f"Statement-{name}")
        add((statement, SH.property, prop))
        add((prop, SH.path, path))
        add((prop, SH.minCount, Literal(1)))
        add((prop, SH.maxCount, Literal(1)))
    status_in = _shape_iri(iris, "Statement-status")
    add((status_in, SH["in"], _rdf_list(shapes, _shape_iri(iris, "statuses"),
                                         [iris.status(s) for s in v.statuses])))
    derivations = _shape_iri(iris, "Statement-sources")
    add((statement, SH.property, derivations))
    add((derivations, SH.path, PROV.qualifiedDerivation))
    add((derivations, SH.minCount, Literal(1)))
    derivation = _shape_iri(iris, "DerivationShape")
    add((derivations, SH.node, derivation))
    add((derivation, RDF.type, SH.NodeShape))
    for name, path, constraint in (("entity", PROV.entity, (SH["class"], iris.type_class("source"))),
                                   ("quote", iris.vocab.quote, (SH.minLength, Literal(1)))):
        prop = _shape_iri(iris, f"Derivation-{name}")
        add((derivation, SH.property, prop))
        add((prop, SH.path, path))
        add((prop, SH.minCount, Literal(1)))
        add((prop, *constraint))
    return shapes


def _inverse(graph: Graph, iris: Iris, property_name: str) -> URIRef:
    path = _shape_iri(iris, f"inverse-{property_name}")
    graph.add((path, SH.inversePath, iris.vocab[property_name]))
    return path



