"""The project's own corpus (entities/): valid, every claim sourced and quoted
verbatim from the seed texts, no orphan, no duplicate."""

from __future__ import annotations

from collections import Counter

import pytest

from builder.pipeline import load_corpus
from builder.read.hints import fold as _fold

from conftest import ROOT

# The seed texts (news articles) the sources were cut from, kept as they came. Quotes are
# checked against the archived texts (entities/sources/*.txt) by validation itself; this
# confirms that each archive is an exact slice of a seed.
SEEDS = ROOT / "tests" / "seeds"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "entities", root=ROOT)


def test_starter_content_covers_every_kind(corpus):
    counts = Counter(e.kind for e in corpus.entities.values())
    assert len(corpus) >= 30
    assert all(counts[kind] >= 1 for kind in ("people", "organizations", "laws", "events", "products", "sources"))


def test_every_relation_has_a_quoted_source(corpus):
    for relation in corpus.relations:
        assert relation.citations, relation
        for citation in relation.citations:
            assert corpus[citation.source].kind == "sources"
            assert citation.quote.strip()


def test_every_source_has_its_archived_text(corpus):
    sources = corpus.by_kind("sources")
    assert sources and all(s.text for s in sources)


def test_archived_texts_are_exact_slices_of_the_seeds(corpus):
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert seeds
    assert [s.id for s in corpus.by_kind("sources") if not any(s.text in seed for seed in seeds)] == []


def test_no_orphans(corpus):
    cited = {c.source for r in corpus.relations for c in r.citations}
    orphans = [e.id for e in corpus.entities.values()
               if (e.kind == "sources" and e.id not in cited) or (e.kind != "sources" and not corpus.degree(e.id))]
    assert orphans == []


def test_no_entity_twice_under_two_names(corpus):
    seen: dict[str, str] = {}
    clashes = []
    for entity in corpus.entities.values():
        if entity.kind == "sources":
            continue
        for name in {entity.name, *entity.names.values()}:
            key = _fold(name)
            if key in seen and seen[key] != entity.id:
                clashes.append((seen[key], entity.id, name))
            seen.setdefault(key, entity.id)
    assert clashes == []
