"""The SPARQL example catalogue, run over the real export with rdflib and with
pyoxigraph: both engines give the same, non-empty answer, and the answers hold
facts of the corpus."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from builder.catalogue import load_catalogue
from builder.export import render_exports
from builder.pipeline import load_corpus
from conftest import ROOT

SITE = "https://policygraph.example.org/"
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def exports():
    return render_exports(load_corpus(ROOT / "entities", root=ROOT), SITE)


@pytest.fixture(scope="module")
def rdflib_graph(exports):
    graph = Graph()
    graph.parse(data=exports["graph.nt"], format="nt")
    graph.parse(data=exports["vocabulary.ttl"], format="turtle")
    return graph


@pytest.fixture(scope="module")
def oxigraph_store(exports):
    store = ox.Store()
    store.load(exports["graph.nt"], format=ox.RdfFormat.N_TRIPLES)
    store.load(exports["vocabulary.ttl"], format=ox.RdfFormat.TURTLE)
    return store


def rdflib_rows(graph, text) -> list[tuple]:
    result = graph.query(text)
    return sorted(tuple("" if v is None else str(v) for v in row) for row in result)


def oxigraph_rows(store, text) -> list[tuple]:
    result = store.query(text)
    names = [v.value for v in result.variables]
    return sorted(tuple("" if row[n] is None else row[n].value for n in names) for row in result)


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 15
    assert all(e.title and e.description for e in CATALOGUE)


@pytest.fixture(scope="module")
def answers(rdflib_graph, oxigraph_store):
    return {e.id: (rdflib_rows(rdflib_graph, e.text), oxigraph_rows(oxigraph_store, e.text)) for e in CATALOGUE}


@pytest.mark.parametrize("example", [e.id for e in CATALOGUE])
def test_both_engines_agree(answers, example):
    by_rdflib, by_oxigraph = answers[example]
    assert by_rdflib, f"{example}: empty answer"
    assert by_rdflib == by_oxigraph


def rows(answers, example):
    return answers[example][0]


def test_roles(answers):
    assert ("https://policygraph.example.org/people/david-sacks/", "David Sacks",
            "https://policygraph.example.org/organizations/us-government/", "Government of the United States",
            "AI and crypto czar", "2025", "") in rows(answers, "roles")


def test_law_scope(answers):
    found = {(r[0], r[1], r[2], r[3]) for r in rows(answers, "law-scope")}
    assert ("Child Sexual Abuse Regulation", "to the law", "opposes", "Patrick Breyer") in found
    assert ("SREN law", "from the law", "applies to", "Grok deepfake scandal") in found


def test_events_in_range(answers):
    whens = {r[1]: r[2] for r in rows(answers, "events-in-range")}
    assert whens["OpenAI threat report (February 2026)"] == "2026-02-25"
    assert all("2025-10" <= w <= "2026-03-31" for w in whens.values())


def test_grok_reactions(answers):
    found = {(r[0], r[1], r[2]) for r in rows(answers, "grok-reactions")}
    assert ("Ofcom", "reacted to", "Grok deepfake scandal") in found
    assert ("Government of Malaysia", "bans", "Grok") in found


def test_two_hop(answers):
    found = set(rows(answers, "two-hop"))
    assert ("Steve Bannon", "criticizes", "advises") in found
    assert ("Draft executive order on state AI laws", "supports", "related to") in found


def test_alleged(answers):
    assert any(r[0] == "ChatGPT user linked to Chinese law enforcement"
               and r[2] == "Influence operation against Sanae Takaichi" for r in rows(answers, "alleged"))


def test_opinions(answers):
    """Opinions come only from opinion pieces: columns and blog posts (the status rule)."""
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    kinds = {s.facts["title"]: s.subtype for s in corpus.by_kind("sources")}
    found = rows(answers, "opinions")
    assert found and {kinds[r[4]] for r in found} <= {"column", "blog-post"}


def test_sources_and_claims(answers):
    claims = {r[1]: int(r[4]) for r in rows(answers, "sources-and-claims")}
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    for source in corpus.by_kind("sources"):
        assert claims[source.facts["title"]] == len(corpus.cited_by(source.id))


def test_relations_per_predicate(answers):
    counts = {r[0]: int(r[1]) for r in rows(answers, "relations-per-predicate")}
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    assert sum(counts.values()) == len(corpus.relations)


def test_bilingual_names(answers):
    assert ("https://policygraph.example.org/organizations/council-of-the-eu/", "Council of the European Union",
            "Conseil de l'Union européenne") in rows(answers, "bilingual-names")


def test_catalogue_rebases_onto_another_site():
    example = load_catalogue(site_url="https://other.example.net/kg")[0]
    assert "https://other.example.net/kg/vocab/#" in example.text and SITE not in example.text
