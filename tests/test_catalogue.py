"""The SPARQL example catalogue (queries/*.rq), run with pyoxigraph over the project's
own graph: each answer is the one stored beside its query (queries/<id>.tsv, rewritten
by `make answers`), is not empty, and agrees with the model it comes from."""

from __future__ import annotations

import pytest

from builder.dev.answers import answer, answer_path, store
from builder.pipeline import load_corpus
from builder.read.catalogue import load_catalogue

from conftest import ROOT

SITE = "https://policygraph.example.org/"
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def graph():
    return store(ROOT)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "entities", root=ROOT)


def rows(graph, example_id: str) -> list[list[str]]:
    """An answer's rows, as plain values (IRIs and literals without their syntax)."""
    example = next(e for e in CATALOGUE if e.id == example_id)
    return [[term.value if term is not None else "" for term in row] for row in graph.query(example.text)]


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 15
    assert all(e.title and e.description for e in CATALOGUE)


@pytest.mark.parametrize("example", CATALOGUE, ids=[e.id for e in CATALOGUE])
def test_answer_is_the_stored_one(graph, example):
    text = answer(graph, example)
    assert text.count("\n") > 1, f"{example.id}: empty answer"
    stored = answer_path(example)
    assert stored.is_file(), f"{stored.name} is missing: run `make answers`"
    assert text == stored.read_text(encoding="utf-8"), f"{stored.name} is out of date: run `make answers`"


def test_opinions_come_only_from_opinion_pieces(graph, corpus):
    """The status rule, seen through SPARQL: opinions are held by columns and blog posts."""
    kinds = {s.facts["title"]: s.subtype for s in corpus.sources()}
    found = rows(graph, "opinions")
    assert found and {kinds[r[4]] for r in found} <= {"column", "blog-post"}


def test_sources_and_claims(graph, corpus):
    claims = {r[1]: int(r[4]) for r in rows(graph, "sources-and-claims")}
    for source in corpus.sources():
        assert claims[source.facts["title"]] == len(corpus.cited_by(source.id))


def test_relations_per_predicate(graph, corpus):
    counts = {r[0]: int(r[1]) for r in rows(graph, "relations-per-predicate")}
    assert sum(counts.values()) == len(corpus.relations)


def test_catalogue_rebases_onto_another_site():
    example = load_catalogue(site_url="https://other.example.net/kg")[0]
    assert "https://other.example.net/kg/vocab/#" in example.text and SITE not in example.text
