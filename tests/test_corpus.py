"""The project's own corpus (entities/): valid, every claim sourced and quoted
verbatim from the seed texts, no orphan, no duplicate."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from builder.pipeline import load_corpus
from builder.validate import _fold
from conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
ELISION = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "entities", root=ROOT)


def _normal(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


@pytest.fixture(scope="module")
def seed_texts():
    if not SEEDS.is_dir():
        pytest.skip(f"the seed texts are not beside the repository ({SEEDS})")
    return {path.name: _normal(path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))}


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


def test_quotes_are_verbatim(corpus, seed_texts):
    missing = []
    for relation in corpus.relations:
        for citation in relation.citations:
            for piece in ELISION.split(citation.quote):
                if piece and not any(piece in text for text in seed_texts.values()):
                    missing.append(f"{relation.location}: {piece!r}")
    assert missing == []


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
