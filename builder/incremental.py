"""Which entity pages an edit can change, for `mkdocs serve --dirty`: re-rendering only
those keeps the preview fast while it stays exact.

An entity page shows the entity, its relations both ways with the other ends' names,
the citations' sources, an ego network two relations deep (which second-hop nodes show
depends on degrees; tooltips show names and types), "see also" entities sharing its
neighbours, its timeline (items of its neighbours too) and its themes. So:

- an edit that changes X's name, type or relations (or adds or removes X) can change
  the pages of the seeds (X, the old and new ends of its relations, the sources they
  cite) and of every entity within two relations of a seed;
- any other edit of X (summary, description, facts, aliases) changes X's page and its
  neighbours' timelines, and if X is a source, the pages whose citations name it;
- and an entity whose themes changed changes, with its neighbours (their timelines
  show co-actors' themes)."""

from __future__ import annotations

from .model import Corpus
from .themes import Theme, themes_of

HOPS = 2


def _changed(old: Corpus, new: Corpus) -> set[str]:
    ids = set(old.entities) | set(new.entities)
    return {i for i in ids if old.entities.get(i) != new.entities.get(i)}


def _ends(corpus: Corpus, entity_id: str) -> set[str]:
    if entity_id not in corpus:
        return set()
    ends = set(corpus.neighbours(entity_id))
    relations = corpus.outgoing(entity_id) + corpus.incoming(entity_id)
    ends |= {c.source for r in relations for c in r.citations}
    if corpus[entity_id].kind == "sources":
        ends |= {end for r in corpus.cited_by(entity_id) for end in (r.subject, r.target)}
    return ends


def _within(corpus: Corpus, seeds: set[str], hops: int) -> set[str]:
    reached, frontier = set(seeds), set(seeds)
    for _ in range(hops):
        frontier = {n for i in frontier if i in corpus for n in corpus.neighbours(i)} - reached
        reached |= frontier
    return reached


def _shape(corpus: Corpus, entity_id: str) -> tuple | None:
    """What other pages show of an entity beyond its own page and its neighbours' timelines."""
    entity = corpus.entities.get(entity_id)
    return None if entity is None else (entity.name, entity.kind, entity.type_id, entity.relations)


def affected_pages(old: Corpus, new: Corpus, old_themes: list[Theme], new_themes: list[Theme]) -> set[str]:
    """Ids of the entities (in `new`) whose pages may differ between the two corpora."""
    changed = _changed(old, new)
    reshaped = {i for i in changed if _shape(old, i) != _shape(new, i)}
    seeds = set(reshaped)
    for entity_id in reshaped:
        seeds |= _ends(old, entity_id) | _ends(new, entity_id)
    pages = _within(old, seeds, HOPS) | _within(new, seeds, HOPS)
    for entity_id in changed - reshaped:
        pages |= {entity_id} | _ends(new, entity_id)
    before, after = themes_of(old_themes), themes_of(new_themes)
    retagged = {i for i in set(before) | set(after) if before.get(i) != after.get(i)}
    pages |= retagged | {n for i in retagged for corpus in (old, new) if i in corpus for n in corpus.neighbours(i)}
    return {i for i in pages if i in new}
