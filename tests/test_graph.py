"""The RDF graph and its exports: parsed back with rdflib, queried with SPARQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from builder.pipeline import load_corpus
from builder.rdf.export import render_exports
from builder.rdf.graph import build_graph
from builder.site.datajob import data_file_names, write_data_files

from conftest import MINI, ROOT

SITE = "https://policygraph.example.org/"
PG = SITE + "vocab/#"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(MINI, root=MINI.parent)


@pytest.fixture(scope="module")
def exports(corpus):
    return render_exports(corpus, SITE)


@pytest.fixture(scope="module")
def graph(exports):
    return Graph().parse(data=exports["graph.ttl"], format="turtle")


def test_every_export_parses_to_the_same_graph(exports, graph):
    nt = Graph().parse(data=exports["graph.nt"], format="nt")
    jsonld = Graph().parse(data=exports["graph.jsonld"], format="json-ld")
    assert len(graph) > 100
    assert to_isomorphic(graph) == to_isomorphic(nt) == to_isomorphic(jsonld)


def test_vocabulary_export_declares_every_predicate(exports, corpus):
    vocab = Graph().parse(data=exports["vocabulary.ttl"], format="turtle")
    declared = {str(s) for s in vocab.subjects(predicate=URIRef(PG + "id"))}
    assert URIRef(PG + "worksFor") in {URIRef(d) for d in declared}
    assert len(declared) == len(corpus.vocabulary.predicates)
    labels = {(str(o), o.language) for o in vocab.objects(URIRef(PG + "worksFor"),
                                                         URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert labels == {("works for", "en"), ("travaille pour", "fr")}


ADA, AGENCY = URIRef(SITE + "people/ada-example/#id"), URIRef(SITE + "organizations/demo-agency/#id")
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_direct_triple_and_standard_property(graph):
    assert (ADA, URIRef(PG + "holdsRoleAt"), AGENCY) in graph
    assert (ADA, URIRef(ORG + "memberOf"), AGENCY) in graph


def test_only_truthy_claims_are_direct_triples(graph):
    """Ada's criticism of the act is her opinion: a statement, not a direct triple."""
    act = URIRef(SITE + "laws/demo-act/#id")
    assert (ADA, URIRef(PG + "criticizes"), act) not in graph
    statement = URIRef(SITE + "people/ada-example/#criticizes-demo-act")
    assert (statement, URIRef(PG + "status"), URIRef(PG + "opinion")) in graph
    assert (ADA, URIRef(PG + "statement"), statement) in graph


def test_an_entity_is_apart_from_its_page(graph):
    page = URIRef(SITE + "people/ada-example/")
    assert (ADA, URIRef("https://schema.org/mainEntityOfPage"), page) in graph
    assert (page, URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), ADA) in graph
    assert (ADA, URIRef("http://xmlns.com/foaf/0.1/page"), ADA) not in graph
    assert (page, RDF_TYPE, URIRef("http://xmlns.com/foaf/0.1/Document")) in graph
    assert (ADA, RDF_TYPE, URIRef("http://xmlns.com/foaf/0.1/Document")) not in graph


def test_a_membership_as_w3c_org(graph):
    membership = URIRef(SITE + "people/ada-example/#holds-role-at-demo-agency--membership")
    assert (membership, RDF_TYPE, URIRef(ORG + "Membership")) in graph
    assert (membership, URIRef(ORG + "member"), ADA) in graph
    assert (membership, URIRef(ORG + "organization"), AGENCY) in graph
    role = graph.value(membership, URIRef(ORG + "role"))
    assert str(graph.value(role, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))) == "Chief adviser"
    interval = graph.value(membership, URIRef(ORG + "memberDuring"))
    start = graph.value(interval, URIRef("http://www.w3.org/2006/time#hasBeginning"))
    assert str(graph.value(start, URIRef("http://www.w3.org/2006/time#inXSDgYearMonth"))) == "2025-01"


def test_each_quote_is_a_web_annotation_of_its_source(graph):
    statement = URIRef(SITE + "people/ada-example/#holds-role-at-demo-agency")
    annotation = URIRef(SITE + "people/ada-example/#holds-role-at-demo-agency--quote-1")
    assert (annotation, RDF_TYPE, URIRef(OA + "Annotation")) in graph
    assert (annotation, URIRef(OA + "hasBody"), statement) in graph
    target = graph.value(annotation, URIRef(OA + "hasTarget"))
    assert graph.value(target, URIRef(OA + "hasSource")) == URIRef(SITE + "sources/demo-2025-12-02-article/#id")
    selector = graph.value(target, URIRef(OA + "hasSelector"))
    assert (selector, RDF_TYPE, URIRef(OA + "TextQuoteSelector")) in graph
    assert str(graph.value(selector, URIRef(OA + "exact"))) == "elle conseille l’agence depuis janvier"
    assert str(graph.value(selector, URIRef(OA + "prefix"))).endswith("Depuis, ")
    assert str(graph.value(selector, URIRef(OA + "suffix"))).startswith(" sur ces questions.")
    derivation = URIRef(SITE + "people/ada-example/#holds-role-at-demo-agency--source-1")
    assert graph.value(derivation, URIRef(PG + "translation")) == Literal(
        "she has been advising the agency since January", lang="en")


def test_types_include_parents_and_standard_classes(graph):
    agency = AGENCY
    types = {str(t) for t in graph.objects(agency, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))}
    assert {PG + "GovernmentAgency", PG + "Organization", PG + "Agent", "https://schema.org/Organization",
            "http://www.w3.org/ns/org#Organization", "https://schema.org/GovernmentOrganization"} <= types


def test_labels_carry_languages(graph):
    agency = AGENCY
    labels = set(graph.objects(agency, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert Literal("Agence de démonstration", lang="fr") in labels
    assert Literal("Demo Agency", lang="en") in labels


STATEMENTS = """
SELECT ?statement ?status ?start ?end ?role ?source ?quote WHERE {
  ?statement rdf:subject <%speople/ada-example/#id> ;
             rdf:predicate pg:holdsRoleAt ;
             rdf:object ?target ;
             pg:status ?status ;
             prov:qualifiedDerivation ?derivation .
  OPTIONAL { ?statement pg:startDate ?start }
  OPTIONAL { ?statement pg:endDate ?end }
  OPTIONAL { ?statement pg:role ?role }
  ?derivation prov:entity ?source ; pg:quote ?quote .
}
""" % SITE


def test_statement_carries_qualifiers_and_provenance(graph):
    ns = {"pg": PG, "prov": "http://www.w3.org/ns/prov#", "schema": "https://schema.org/",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    rows = list(graph.query(STATEMENTS, initNs=ns))
    assert len(rows) == 1
    row = rows[0]
    assert str(row.statement) == SITE + "people/ada-example/#holds-role-at-demo-agency"
    assert str(row.status) == PG + "reported"
    assert (str(row.start), str(row.start.datatype)) == ("2025-01", "http://www.w3.org/2001/XMLSchema#gYearMonth")
    assert (str(row.end), str(row.end.datatype)) == ("2025-11-30", "http://www.w3.org/2001/XMLSchema#date")
    assert str(row.role) == "Chief adviser"
    assert str(row.source) == SITE + "sources/demo-2025-12-02-article/#id"
    assert row.quote == Literal("elle conseille l’agence depuis janvier", lang="fr")


def test_every_statement_has_provenance(graph):
    query = """
    SELECT (COUNT(?s) AS ?n) WHERE {
      ?s a pg:Statement .
      FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?source . ?source a pg:Source }
    }"""
    ns = {"pg": PG, "prov": "http://www.w3.org/ns/prov#"}
    assert int(list(graph.query(query, initNs=ns))[0][0]) == 0
    total = list(graph.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a pg:Statement }", initNs=ns))[0][0]
    assert int(total) == 7


def test_approximate_dates_and_opinions(graph):
    query = """
    SELECT ?s ?which WHERE { ?s pg:status pg:opinion ; pg:approximateDate ?which }"""
    rows = list(graph.query(query, initNs={"pg": PG}))
    assert [(str(r.s), str(r.which)) for r in rows] == [(SITE + "people/ada-example/#criticizes-demo-act", "date")]


def test_exports_are_deterministic_across_processes(exports):
    script = ("import sys; from builder.rdf.export import render_exports; from builder.pipeline import load_corpus;"
              f"c = load_corpus({str(MINI)!r}); e = render_exports(c, {SITE!r});"
              "sys.stdout.buffer.write(b''.join(e[k] for k in sorted(e)))")
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, env=env,
                                   cwd=ROOT).stdout)
    assert len(outputs) == 1
    assert outputs.pop() == b"".join(exports[k] for k in sorted(exports))


def test_streamed_dump_is_the_stored_graph(exports, corpus):
    """The dumps are written from a stream of triples, without a store: the same graph
    as rdflib's store holds (duplicates dropped)."""
    stored = build_graph(corpus, SITE)
    dumped = Graph().parse(data=exports["graph.nt"], format="nt")
    assert len(dumped) == len(stored) == exports["graph.nt"].count(b"\n")
    assert to_isomorphic(dumped) == to_isomorphic(stored)


def test_each_entity_file_describes_its_entity(corpus, tmp_path):
    """`<kind>/<id>.ttl`: every triple whose subject hangs under its page (the entity
    `#id`, its statements and their parts), and every triple pointing at one of those."""
    write_data_files(corpus, [], SITE, tmp_path)
    stored = build_graph(corpus, SITE)
    for entity in corpus.entities.values():
        page = f"{SITE}{entity.kind}/{entity.id}/"
        expected = {t for t in stored if str(t[0]).partition("#")[0] == page
                    or (isinstance(t[2], URIRef) and str(t[2]).partition("#")[0] == page)}
        described = set(Graph().parse(tmp_path / f"{entity.kind}/{entity.id}.ttl", format="turtle"))
        assert described == expected, entity.id
    ada = Graph().parse(tmp_path / "people/ada-example.ttl", format="turtle")
    statement = URIRef(SITE + "people/ada-example/#holds-role-at-demo-agency")
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    assert {str(p) for p in ada.predicates(statement)} >= {rdf + "subject", rdf + "predicate", rdf + "object",
                                                          PG + "status", "http://www.w3.org/ns/prov#wasDerivedFrom"}


def test_data_files_are_the_ones_announced(corpus, tmp_path):
    """MkDocs is told of the data files before the data process writes them (links to
    them are checked): the two lists must agree."""
    write_data_files(corpus, [], SITE, tmp_path)
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == set(data_file_names(corpus))
    network = json.loads((tmp_path / "people/ada-example.network.json").read_text(encoding="utf-8"))
    assert network["nodes"][0]["id"] == "ada-example" and network["edges"]
    assert {n["id"] for n in network["nodes"]} >= set(corpus.neighbours("ada-example"))
