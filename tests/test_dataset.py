"""VoID/DCAT description and SHACL shapes: the real export conforms, broken copies do not."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, PROV

from builder.pipeline import load_corpus
from builder.rdf.dataset import VOID, dataset_description, shacl_shapes
from builder.rdf.export import serialize_corpus
from builder.rdf.graph import build_graph, build_vocabulary_graph

from conftest import MINI, ROOT

SITE = "https://policygraph.example.org/"
PG = Namespace(SITE + "vocab/#")


@pytest.fixture(scope="module", params=["corpus", "fixture"])
def setup(request):
    folder = ROOT / "entities" if request.param == "corpus" else MINI
    corpus = load_corpus(folder, root=folder.parent)
    return corpus, build_graph(corpus, SITE)


@pytest.fixture(scope="module")
def shapes(setup):
    return shacl_shapes(setup[0].vocabulary, SITE)


def conforms(graph, shapes, vocabulary) -> tuple[bool, str]:
    ok, _, text = validate(graph, shacl_graph=shapes, ont_graph=build_vocabulary_graph(vocabulary, SITE),
                           inference="none")
    return ok, text


def test_export_conforms(setup, shapes):
    corpus, graph = setup
    ok, text = conforms(graph, shapes, corpus.vocabulary)
    assert ok, text


def test_shapes_cover_every_folder_type_and_statements(shapes, setup):
    sh = Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    vocabulary = setup[0].vocabulary
    assert {PG[t.class_name] for t in vocabulary.kinds.values()} | {PG.Statement} == targets


def _copy(graph):
    copy = type(graph)()
    for triple in graph:
        copy.add(triple)
    return copy


def test_statement_without_source_does_not_conform(setup, shapes):
    corpus, graph = setup
    broken = _copy(graph)
    statement = next(broken.subjects(RDF.type, PG.Statement))
    for derivation in list(broken.objects(statement, PROV.qualifiedDerivation)):
        broken.remove((statement, PROV.qualifiedDerivation, derivation))
    ok, text = conforms(broken, shapes, corpus.vocabulary)
    assert not ok and "qualifiedDerivation" in text


def test_relation_to_a_source_does_not_conform(setup, shapes):
    corpus, graph = setup
    broken = _copy(graph)
    person = next(broken.subjects(RDF.type, PG.Person))
    source = next(broken.subjects(RDF.type, PG.Source))
    broken.add((person, PG.worksFor, source))
    assert not conforms(broken, shapes, corpus.vocabulary)[0]


def test_unknown_status_and_missing_label_do_not_conform(setup, shapes):
    corpus, graph = setup
    broken = _copy(graph)
    statement = next(broken.subjects(RDF.type, PG.Statement))
    broken.remove((statement, PG.status, None))
    broken.add((statement, PG.status, PG.rumour))
    ok, text = conforms(broken, shapes, corpus.vocabulary)
    assert not ok and "rumour" in text
    broken = _copy(graph)
    organization = next(broken.subjects(RDF.type, PG.Organization))
    broken.remove((organization, RDFS.label, None))
    assert not conforms(broken, shapes, corpus.vocabulary)[0]


def test_void_counts(setup):
    corpus, graph = setup
    description = dataset_description(corpus, serialize_corpus(corpus, SITE).counts, SITE)
    dataset = URIRef(SITE + "data/#dataset")
    assert description.value(dataset, VOID.triples) == Literal(len(graph))
    expected = {"distinctSubjects": len(set(graph.subjects())), "distinctObjects": len(set(graph.objects())),
                "properties": len(set(graph.predicates())), "classes": len(set(graph.objects(None, RDF.type)))}
    for key, count in expected.items():
        assert description.value(dataset, VOID[key]) == Literal(count), key
    assert description.value(dataset, VOID.entities) == Literal(len(corpus))
    dumps = {str(u) for u in description.objects(dataset, VOID.dataDump)}
    assert dumps == {SITE + "data/graph.nt", SITE + "data/graph.ttl", SITE + "data/graph.jsonld"}
    media = {str(m) for d in description.objects(dataset, DCAT.distribution) for m in description.objects(d, DCAT.mediaType)}
    assert media == {"application/n-triples", "text/turtle", "application/ld+json"}
