"""Dated items in order: event entities with their dates, and every dated relation.
They make the timeline page, the timeline section of entity and theme pages, and the
RSS feed of the newest events."""

from __future__ import annotations

from dataclasses import dataclass

from builder.model import Corpus, EDate, Entity, Relation


@dataclass(frozen=True)
class Item:
    when: EDate
    end: EDate | None
    title: str
    summary: str
    entity: Entity  # the page the item links to
    anchor: str  # fragment on that page ('' for the page itself)
    actors: tuple[str, ...]  # ids of the entities concerned
    relation: Relation | None = None

    @property
    def key(self) -> tuple:
        return (self.when.earliest, self.title, self.entity.id, self.anchor)


def _entity_item(entity: Entity) -> Item | None:
    if entity.when is None:
        return None
    end = entity.facts.get("end")
    return Item(entity.when, end if isinstance(end, EDate) and end is not entity.when else None, entity.name,
                entity.summary, entity, "", (entity.id,))


def _relation_item(corpus: Corpus, relation: Relation) -> Item | None:
    when = relation.date or relation.start
    if when is None:
        return None
    subject, target = corpus[relation.subject], corpus[relation.target]
    label = corpus.vocabulary.predicates[relation.predicate].label.site
    title = f"{subject.name} {label} {target.name}" + (f" ({relation.role})" if relation.role else "")
    return Item(when, relation.end if relation.start else None, title, relation.note or "", subject, relation.key,
                (subject.id, target.id), relation)


def timeline(corpus: Corpus) -> list[Item]:
    """Every dated item, oldest first."""
    kinds = corpus.vocabulary.timeline_kinds
    items = [i for e in corpus.entities.values() if e.kind in kinds for i in [_entity_item(e)] if i]
    items += [i for r in corpus.relations for i in [_relation_item(corpus, r)] if i]
    return sorted(items, key=lambda item: item.key)


def concerning(items: list[Item], entity_ids: set[str]) -> list[Item]:
    """The items that involve any of these entities."""
    return [item for item in items if entity_ids.intersection(item.actors)]


def within(items: list[Item], entity_ids: set[str]) -> list[Item]:
    """The items that lie wholly among these entities (a story's own timeline: an event
    of the story, a relation between two of its members)."""
    return [item for item in items if entity_ids.issuperset(item.actors)]


def by_actor(items: list[Item]) -> dict[str, list[Item]]:
    """Entity id -> its items, in order: one pass instead of one scan per page."""
    index: dict[str, list[Item]] = {}
    for item in items:
        for actor in dict.fromkeys(item.actors):
            index.setdefault(actor, []).append(item)
    return index
