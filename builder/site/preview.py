"""The preview (`make serve`): which entity pages an edit can change, for `mkdocs serve --dirty`: re-rendering only
those keeps the preview fast while it stays exact.

An entity page shows the entity; its relations both ways, with the other ends' names
and the citations' sources; the number and types of its neighbours (the network's
caption and legend: the network's data itself is a data file, rebuilt in full by the
data process); "see also" entities that share its neighbours (so up to two relations
away, by name and type); its timeline (its neighbours' names and themes) and its
themes. So:

- an edit that changes X's name or type (or adds or removes X) can change the pages
  of every entity within two relations of X, and of the sources cited by X's
  relations in either direction;
- an edit of X's relations changes the pages of X and of the other ends of the
  relations that changed, of their neighbours ("see also" counts shared neighbours),
  and of the sources those relations cite;
- any other edit of X (summary, description, facts, aliases) changes X's page and its
  neighbours' timelines, and if X is a source, the pages whose citations name it;
- and an entity whose themes changed changes, with its neighbours (their timelines
  show co-actors' themes)."""

from __future__ import annotations

from dataclasses import dataclass

from builder.model import Corpus
from builder.pages.context import Made, Page
from builder.paths import page_src, theme_src
from builder.read.themes import Theme, themes_of


@dataclass
class Preview:
    """What the previous build of `mkdocs serve --dirty` made, kept to re-render only
    the pages an edit changes."""

    corpus: Corpus
    themes: list
    vocabulary: str
    pages: dict[str, Page]
    made: Made  # what its rendering made that the next may reuse (pages.context.Made)


def with_kept(previous: Preview, pages: dict[str, Page], corpus: Corpus,
              themes: list) -> tuple[dict[str, Page], set[str]]:
    """The pages just rendered, with the last build's pages of the entities and themes
    not rendered again; and the pages kept (those, and the re-rendered ones that came
    out the same), which MkDocs need not write again."""
    entity_pages = {page_src(e) for e in corpus.entities.values()} | {theme_src(t.id) for t in themes}
    kept = {src for src in previous.pages if src not in pages and src in entity_pages}
    kept |= {src for src, page in pages.items() if previous.pages.get(src) == page}
    return {**{src: previous.pages[src] for src in kept}, **pages}, kept


def _changed(old: Corpus, new: Corpus) -> set[str]:
    ids = set(old.entities) | set(new.entities)
    # unchanged files give the same entity objects (read/validate.py keeps them): `is` first
    return {i for i in ids if old.entities.get(i) is not new.entities.get(i)
            and old.entities.get(i) != new.entities.get(i)}


def stale_items(previous: Preview, new: Corpus) -> set[str]:
    """The entities whose dated items the last build made may differ in `new`: the
    changed entities, and those with a relation to one (an item names both ends, and
    reads its target's date)."""
    changed = _changed(previous.corpus, new)
    return changed | {r.subject for i in changed for corpus in (previous.corpus, new) if i in corpus
                      for r in corpus.incoming(i)}


def _ends(corpus: Corpus, entity_id: str) -> set[str]:
    if entity_id not in corpus:
        return set()
    ends = set(corpus.neighbours(entity_id))
    relations = corpus.outgoing(entity_id) + corpus.incoming(entity_id)
    ends |= {c.source for r in relations for c in r.citations}
    if corpus.is_source(entity_id):
        ends |= {end for r in corpus.cited_by(entity_id) for end in (r.subject, r.target)}
    return ends


def _within(corpus: Corpus, seeds: set[str], hops: int) -> set[str]:
    reached, frontier = set(seeds), set(seeds)
    for _ in range(hops):
        frontier = {n for i in frontier if i in corpus for n in corpus.neighbours(i)} - reached
        reached |= frontier
    return reached


def _identity(corpus: Corpus, entity_id: str) -> tuple | None:
    """What other pages show of an entity wherever it appears: its name and type."""
    entity = corpus.entities.get(entity_id)
    return None if entity is None else (entity.name, entity.kind, entity.type_id)


def _cited(corpus: Corpus, entity_id: str) -> set[str]:
    """The sources cited by the relations of an entity, in either direction."""
    if entity_id not in corpus:
        return set()
    return {c.source for r in corpus.outgoing(entity_id) + corpus.incoming(entity_id) for c in r.citations}


def _changed_relations(old: Corpus, new: Corpus, entity_id: str) -> tuple[set[str], set[str]]:
    """The other ends of an entity's relations that were added, removed or edited, and
    the sources those relations cite."""
    before = set(old.outgoing(entity_id)) if entity_id in old else set()
    after = set(new.outgoing(entity_id)) if entity_id in new else set()
    changed = before ^ after
    return {r.target for r in changed}, {c.source for r in changed for c in r.citations}


def affected_pages(old: Corpus, new: Corpus, old_themes: list[Theme], new_themes: list[Theme]) -> set[str]:
    """Ids of the entities (in `new`) whose pages may differ between the two corpora."""
    pages: set[str] = set()
    for entity_id in _changed(old, new):
        pages |= {entity_id} | _ends(old, entity_id) | _ends(new, entity_id)
        if _identity(old, entity_id) != _identity(new, entity_id):
            pages |= _within(old, {entity_id}, 2) | _within(new, {entity_id}, 2)
            pages |= _cited(old, entity_id) | _cited(new, entity_id)
        ends, sources = _changed_relations(old, new, entity_id)
        if ends or sources:
            pages |= _within(old, {entity_id} | ends, 1) | _within(new, {entity_id} | ends, 1) | sources
    before, after = themes_of(old_themes), themes_of(new_themes)
    retagged = {i for i in set(before) | set(after) if before.get(i) != after.get(i)}
    pages |= retagged | {n for i in retagged for corpus in (old, new) if i in corpus for n in corpus.neighbours(i)}
    return {i for i in pages if i in new}
