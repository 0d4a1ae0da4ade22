"""Dated items in order: event entities with their dates, and every dated relation.
They make the timeline page, the timeline section of entity and theme pages, and the
RSS feed of the newest events."""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from functools import cached_property

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

    @cached_property
    def key(self) -> tuple:
        return (self.when.earliest, self.title, self.entity.id, self.anchor)

    def shows_as(self, other: Item) -> bool:
        """Whether the pages that list the two items show them alike (the timelines, the
        entities' timeline sections, the indexes' dates, the feed): the item kept from the
        last build may then stand for the new one."""
        return (self.key == other.key and self.when == other.when and self.end == other.end
                and self.summary == other.summary and self.entity.kind == other.entity.kind
                and self.actors == other.actors and self.status == other.status)

    @property
    def status(self) -> str | None:
        return self.relation.status if self.relation else None


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
    for named, other in ((target, subject), (subject, target)):
        # "Amazon organizes Amazon layoffs of 2025" on the layoffs' own date says no more
        # than the event's own item.
        if other.name.lower() in named.name.lower() and named.when == when:
            return None
    title = sentence(corpus, relation, corpus.vocabulary.site_language) + \
        (f" ({relation.role})" if relation.role else "")
    return Item(when, relation.end if relation.start else None, title, relation.note or "", subject, relation.key,
                (subject.id, target.id), relation)


def sentence(corpus: Corpus, relation: Relation, language: str) -> str:
    """The relation as its predicate's sentence in `language`. Where one actor's name is
    part of the other's, the second mention refers back to the first with the language's
    pronoun, if it has one: "OpenAI reacts to Raine family lawsuit against it", "Death of
    Adam Raine involves them"."""
    v = corpus.vocabulary
    template = v.predicates[relation.predicate].sentence.get(language)
    actors = {"{subject}": corpus[relation.subject], "{object}": corpus[relation.target]}
    names = {slot: actor.names.get(language, actor.name) for slot, actor in actors.items()}
    first, second = sorted(names, key=template.index)
    pronouns = v.pronouns.get(language, {})

    def pronoun(slot: str) -> str | None:
        return pronouns.get(actors[slot].kind, pronouns.get("other"))
    if names[first] and names[first] in names[second] and pronoun(first):
        names[second] = names[second].replace(names[first], pronoun(first))
    elif names[second] and names[second] in names[first] and pronoun(second):
        names[second] = pronoun(second)
    return re.sub(r"\{subject\}|\{object\}", lambda m: names[m.group(0)], template)


def entity_items(corpus: Corpus, entity: Entity) -> list[Item]:
    """The dated items an entity's file makes: its own (a dated entity of a timeline
    kind) and its dated relations'. A relation's item also reads its target's name and
    date."""
    own = _entity_item(entity) if entity.kind in corpus.vocabulary.timeline_kinds else None
    return ([own] if own else []) + [i for r in entity.relations for i in [_relation_item(corpus, r)] if i]


def timeline(corpus: Corpus, made: dict[str, list[Item]] | None = None,
             last: dict[str, list[Item]] | None = None, last_order: list[Item] | None = None) -> list[Item]:
    """Every dated item, oldest first. `made`: each entity's items (entity_items), kept
    from an earlier corpus for the entities whose items cannot have changed (the
    preview's, see site/preview.py); filled with the others. `last` and `last_order`:
    the last build's items of every entity, and its timeline. An entity's items made
    again that show as the last ones are replaced by those (so the pages listing them
    can be kept), and the timeline is the last one with the items changed since merged
    in (the very same list if none changed)."""
    made = {} if made is None else made
    last = last or {}
    for entity in corpus.entities.values():
        mine = made.get(entity.id)
        if mine is None:
            mine = entity_items(corpus, entity)
            before = last.get(entity.id)
            if before is not None and len(before) == len(mine) and all(map(Item.shows_as, before, mine)):
                mine = before
            made[entity.id] = mine
    if last_order is None:
        return _in_order(item for entity in corpus.entities.values() for item in made[entity.id])
    changed = {e.id for e in corpus.entities.values() if made[e.id] is not last.get(e.id)}
    changed |= set(last) - set(corpus.entities)
    if not changed:
        return last_order
    kept = [item for item in last_order if item.entity.id not in changed]
    fresh = _in_order(item for entity in corpus.entities.values() if entity.id in changed
                      for item in made[entity.id])
    return list(heapq.merge(kept, fresh, key=_key))


def _key(item: Item) -> tuple:
    return item.key


def _in_order(items) -> list[Item]:
    """The items oldest first, one per date, title and page (the first of them in order)."""
    unique = {(item.when, item.title, item.entity.id): item for item in sorted(items, key=_key, reverse=True)}
    return sorted(unique.values(), key=_key)


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
