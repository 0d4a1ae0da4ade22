"""Describing the published dataset: VoID and DCAT metadata (counts, dumps, vocabulary,
licence), and SHACL shapes generated from the vocabulary, against which the export is
validated."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, SH

from builder.model import Corpus
from builder.paths import Iris, published
from builder.rdf.graph import SCHEMA, bind_prefixes
from builder.read.validate import MIN_QUOTE_CHARS
from builder.vocabulary import Vocabulary

VOID = Namespace("http://rdfs.org/ns/void#")
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def dataset_description(corpus: Corpus, counts: dict[str, int], site_url: str, sizes: dict[str, int],
                        release, license_url: str = DEFAULT_LICENSE) -> Graph:
    """VoID and DCAT for the data graph: what it holds (`counts`: triples,
    distinctSubjects, distinctObjects, properties, classes, as `export.serialize`
    counts them), every file it is published as (media type, size in bytes), when it
    changed, its version, and its SPARQL endpoint when one is configured."""
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
    add((dataset, DCAT.landingPage, URIRef(iris.site_url)))
    add((dataset, FOAF.homepage, URIRef(iris.site_url)))
    add((dataset, URIRef(str(DCAT) + "version"), Literal(release.version)))  # DCAT 3
    add((dataset, OWL.versionInfo, Literal(release.version)))
    if release.modified:
        add((dataset, DCTERMS.modified, Literal(release.modified, datatype=XSD.date)))
    if release.endpoint:
        add((dataset, VOID.sparqlEndpoint, URIRef(release.endpoint)))
    add((dataset, VOID.uriSpace, Literal(iris.site_url)))
    add((dataset, VOID.vocabulary, iris.ontology))
    for curie in sorted({c for t in corpus.vocabulary.types.values() for c in t.classes}):
        add((dataset, VOID.vocabulary, URIRef(corpus.vocabulary.prefixes[curie.split(":")[0]])))
    add((dataset, VOID.triples, Literal(counts["triples"])))
    add((dataset, VOID.entities, Literal(len(corpus))))
    for key in ("distinctSubjects", "distinctObjects", "properties", "classes"):
        add((dataset, VOID[key], Literal(counts[key])))
    add((dataset, URIRef(str(iris.vocab) + "relations"), Literal(len(corpus.relations))))
    for file in published(len(corpus.relations)):
        url = iris.data(file.name)
        distribution = iris.data(f"#{file.name.replace('.', '-')}")
        if file.dump:
            add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(file.what, lang="en")))
        add((distribution, DCAT.downloadURL, url))
        add((distribution, DCAT.accessURL, url))
        add((distribution, DCAT.mediaType, URIRef(IANA + file.media_type)))
        add((distribution, DCTERMS.format, Literal(file.format)))
        if file.compressed:
            add((distribution, DCAT.compressFormat, URIRef(IANA + file.compressed)))
        add((distribution, DCTERMS.license, URIRef(license_url)))
        if sizes.get(file.name):
            add((distribution, DCAT.byteSize, Literal(sizes[file.name], datatype=XSD.nonNegativeInteger)))
    return description


IANA = "https://www.iana.org/assignments/media-types/"


def _shape_iri(iris: Iris, name: str) -> URIRef:
    return iris.shape(name)


def _rdf_list(graph: Graph, node: URIRef, items: list) -> URIRef:
    Collection(graph, node, items)
    return node


def shacl_shapes(vocabulary: Vocabulary, site_url: str) -> Graph:
    """Shapes derived from the vocabulary, holding the graph's invariants: every entity has
    a name, an id and its page; a predicate points to one of its range types; a statement
    has one subject, predicate (a vocabulary predicate), object and status, lives in its
    subject's page, has well-typed dates and at least one derivation with a quote from a
    source; a direct triple exists exactly when a truthy statement stands behind it."""
    return _Shapes(vocabulary, Iris.for_site(site_url)).build()


class _Shapes:
    def __init__(self, vocabulary: Vocabulary, iris: Iris) -> None:
        self.v, self.iris = vocabulary, iris
        self.graph = Graph(bind_namespaces="core")
        bind_prefixes(self.graph, vocabulary, iris)
        self.graph.bind("sh", SH)
        self.truthy = ", ".join(f"<{iris.status(s)}>" for s in vocabulary.statuses if s in vocabulary.truthy_statuses)

    def build(self) -> Graph:
        for base in self.v.kinds.values():
            self.entity(base)
        self.statement()
        self.derivation()
        for predicate in self.v.predicates.values():
            self.direct_triple(predicate)
        return self.graph

    def add(self, *triple) -> None:
        self.graph.add(triple)

    def node_shape(self, name: str) -> URIRef:
        shape = _shape_iri(self.iris, name)
        self.add(shape, RDF.type, SH.NodeShape)
        return shape

    def property(self, shape: URIRef, name: str, path, **constraints) -> URIRef:
        node = _shape_iri(self.iris, name)
        self.add(shape, SH.property, node)
        self.add(node, SH.path, path)
        for key, value in constraints.items():
            self.add(node, SH[key], value)
        return node

    def entity(self, base) -> None:
        iris, v, name = self.iris, self.v, base.class_name
        shape = self.node_shape(name + "Shape")
        self.add(shape, SH.targetClass, iris.type_class(base.id))
        self.property(shape, name + "-label", RDFS.label, minCount=Literal(1), datatype=RDF.langString)
        self.property(shape, name + "-name", SCHEMA.name, minCount=Literal(1))
        self.property(shape, name + "-id", iris.vocab.id, minCount=Literal(1), maxCount=Literal(1))
        self.property(shape, name + "-page", SCHEMA.mainEntityOfPage, minCount=Literal(1), maxCount=Literal(1))
        for predicate in v.predicates.values():
            if not v.matches(base.id, predicate.domain):
                continue
            prop = self.property(shape, f"{name}-{predicate.property_name}", iris.predicate(predicate.id))
            alternatives = []
            for index, type_id in enumerate(predicate.range):
                option = _shape_iri(iris, f"{name}-{predicate.property_name}-range-{index}")
                self.add(option, SH["class"], iris.type_class(type_id))
                alternatives.append(option)
            self.add(prop, SH["or"], _rdf_list(self.graph, _shape_iri(
                iris, f"{name}-{predicate.property_name}-range"), alternatives))
        if base.no_relations:
            for predicate in v.predicates.values():
                self.property(shape, f"{name}-no-{predicate.property_name}",
                              _inverse(self.graph, iris, predicate.property_name), maxCount=Literal(0))

    def statement(self) -> None:
        iris, v = self.iris, self.v
        shape = self.node_shape("StatementShape")
        self.add(shape, SH.targetClass, iris.vocab.Statement)
        for name, path in (("subject", RDF.subject), ("predicate", RDF.predicate), ("object", RDF.object),
                           ("status", iris.vocab.status)):
            self.property(shape, f"Statement-{name}", path, minCount=Literal(1), maxCount=Literal(1))
        self.add(_shape_iri(iris, "Statement-status"), SH["in"], _rdf_list(
            self.graph, _shape_iri(iris, "statuses"), [iris.status(s) for s in v.statuses]))
        self.add(_shape_iri(iris, "Statement-predicate"), SH["in"], _rdf_list(
            self.graph, _shape_iri(iris, "predicates"), [iris.predicate(p) for p in v.predicates]))
        dates = [self.datatype(f"date-{name}", datatype) for name, datatype in
                 (("year", XSD.gYear), ("month", XSD.gYearMonth), ("day", XSD.date))]
        for name, path in (("start", iris.vocab.startDate), ("end", iris.vocab.endDate), ("date", DCTERMS.date)):
            self.property(shape, f"Statement-{name}", path, maxCount=Literal(1),
                          **{"or": _rdf_list(self.graph, _shape_iri(iris, f"Statement-{name}-types"), dates)})
        self.property(shape, "Statement-sources", PROV.qualifiedDerivation, minCount=Literal(1),
                      node=_shape_iri(iris, "DerivationShape"))
        self.sparql(shape, "Statement-page", "A statement lives in its subject's page (its IRI is <page#key>).",
                    """SELECT $this ?value WHERE {
  $this rdf:subject ?value .
  FILTER (STRBEFORE(STR($this), "#") != STRBEFORE(STR(?value), "#"))
}""")
        self.sparql(shape, "Statement-direct", "A truthy statement is also a direct triple.", f"""SELECT $this WHERE {{
  $this pg:status ?status ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER (?status IN ({self.truthy}))
  FILTER NOT EXISTS {{ ?s ?p ?o }}
}}""")

    def derivation(self) -> None:
        iris = self.iris
        shape = self.node_shape("DerivationShape")
        self.property(shape, "Derivation-entity", PROV.entity, minCount=Literal(1),
                      **{"class": iris.type_class("source")})
        self.property(shape, "Derivation-quote", iris.vocab.quote, minCount=Literal(1), maxCount=Literal(1),
                      minLength=Literal(MIN_QUOTE_CHARS))
        self.property(shape, "Derivation-status", iris.vocab.status, minCount=Literal(1), maxCount=Literal(1))

    def direct_triple(self, predicate) -> None:
        """A direct triple stands only for a truthy statement of the same subject, predicate and object."""
        name = f"direct-{predicate.property_name}"
        prop = self.iris.predicate(predicate.id)
        shape = self.node_shape(name)
        self.add(shape, SH.targetSubjectsOf, prop)
        self.sparql(shape, f"{name}-statement", f"A direct {predicate.property_name} triple stands for a truthy "
                    "statement.", f"""SELECT $this ?value WHERE {{
  $this <{prop}> ?value .
  FILTER NOT EXISTS {{
    ?statement rdf:subject $this ; rdf:predicate <{prop}> ; rdf:object ?value ; pg:status ?status .
    FILTER (?status IN ({self.truthy}))
  }}
}}""")

    def datatype(self, name: str, datatype: URIRef) -> URIRef:
        node = _shape_iri(self.iris, name)
        self.add(node, SH.datatype, datatype)
        return node

    def sparql(self, shape: URIRef, name: str, message: str, select: str) -> None:
        node = _shape_iri(self.iris, name)
        self.add(shape, SH.sparql, node)
        self.add(node, RDF.type, SH.SPARQLConstraint)
        self.add(node, SH.message, Literal(message, lang="en"))
        self.add(node, SH.select, Literal(select))
        self.add(node, SH.prefixes, self.prefixes())

    def prefixes(self) -> URIRef:
        """The prefixes the SPARQL constraints use, declared once (sh:declare)."""
        node = _shape_iri(self.iris, "prefixes")
        if (node, RDF.type, OWL.Ontology) not in self.graph:
            self.add(node, RDF.type, OWL.Ontology)
            for prefix, namespace in (("rdf", str(RDF)), ("pg", str(self.iris.vocab))):
                declaration = _shape_iri(self.iris, f"prefix-{prefix}")
                self.add(node, SH.declare, declaration)
                self.add(declaration, SH.prefix, Literal(prefix))
                self.add(declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI))
        return node


def _inverse(graph: Graph, iris: Iris, property_name: str) -> URIRef:
    path = _shape_iri(iris, f"inverse-{property_name}")
    graph.add((path, SH.inversePath, iris.vocab[property_name]))
    return path



