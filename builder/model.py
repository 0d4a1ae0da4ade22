"""The validated model: plain frozen dataclasses (records: builder/records.py), and the `Corpus` that indexes
them. Later stages (graph, pages, networks) read only this."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import field
from functools import cached_property

from builder.errors import Location
from builder.records import record
from builder.vocabulary import Vocabulary

from .vocabulary.kinds import EDate


@record
class Citation:
    """One source backing a relation: its words, their standing, and the editors'
    translations of them (language -> text), for readers of other languages."""

    source: str
    quote: str
    status: str = "reported"
    translations: tuple[tuple[str, str], ...] = ()

    def translation(self, language: str) -> str | None:
        return dict(self.translations).get(language)


@record
class Relation:
    """One sourced claim: `subject predicate target`, with qualifiers."""

    subject: str
    predicate: str
    target: str
    citations: tuple[Citation, ...]
    status: str
    start: EDate | None = None
    end: EDate | None = None
    date: EDate | None = None
    role: str | None = None
    note: str | None = None
    key: str = ""  # stable, unique within the subject: `works-for-white-house`
    location: Location | None = field(default=None, compare=False)

    @property
    def sort_date(self) -> str:
        for value in (self.date, self.start, self.end):
            if value is not None:
                return value.earliest
        return ""

    @property
    def dates(self) -> tuple[EDate, ...]:
        return tuple(d for d in (self.date, self.start, self.end) if d is not None)


@record
class Entity:
    """A person, organization, law, event, product or source."""

    id: str
    kind: str
    type: str  # the folder-level type: person, organization...
    subtype: str | None
    name: str
    names: dict[str, str]
    aliases: tuple[str, ...]
    summary: str
    description: str
    facts: dict  # type-specific keys: values are str, EDate or tuple[str, ...]
    relations: tuple[Relation, ...]
    path: str
    text: str | None = field(default=None, repr=False)  # a source's archived text, as published
    when: EDate | None = None  # the date that places it in time (its type's `when` keys)

    @property
    def type_id(self) -> str:
        """The most specific type: the subtype when there is one."""
        return self.subtype or self.type

    def name_in(self, language: str) -> str:
        return self.names.get(language, self.name)

    @property
    def sort_date(self) -> str:
        return self.when.earliest if self.when else ""


class Corpus:
    """All validated entities with the indexes every later stage needs."""

    def __init__(self, entities: list[Entity], vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.entities: dict[str, Entity] = {e.id: e for e in sorted(entities, key=lambda e: (e.kind, e.id))}

    def __len__(self) -> int:
        return len(self.entities)

    def __getstate__(self) -> dict:
        """Pickled (for the data process) without its indexes: they are quicker to rebuild
        than to copy."""
        return {"vocabulary": self.vocabulary, "entities": self.entities}

    def __getitem__(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.entities

    @cached_property
    def relations(self) -> tuple[Relation, ...]:
        return tuple(r for e in self.entities.values() for r in e.relations)

    @cached_property
    def _incoming(self) -> dict[str, tuple[Relation, ...]]:
        index = defaultdict(list)
        for relation in self.relations:
            index[relation.target].append(relation)
        return {k: tuple(v) for k, v in index.items()}

    def incoming(self, entity_id: str) -> tuple[Relation, ...]:
        return self._incoming.get(entity_id, ())

    def outgoing(self, entity_id: str) -> tuple[Relation, ...]:
        return self.entities[entity_id].relations

    def by_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    def is_source(self, entity_id: str) -> bool:
        return self.entities[entity_id].kind in self.vocabulary.source_kinds

    def sources(self) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind in self.vocabulary.source_kinds]

    @cached_property
    def _cited_by(self) -> dict[str, tuple[Relation, ...]]:
        index = defaultdict(list)
        for relation in self.relations:
            for source in dict.fromkeys(c.source for c in relation.citations):
                index[source].append(relation)
        return {k: tuple(v) for k, v in index.items()}

    def cited_by(self, source_id: str) -> tuple[Relation, ...]:
        """The relations a source backs."""
        return self._cited_by.get(source_id, ())

    @cached_property
    def _neighbours(self) -> dict[str, tuple[str, ...]]:
        ids: dict[str, set[str]] = defaultdict(set)
        for relation in self.relations:
            ids[relation.subject].add(relation.target)
            ids[relation.target].add(relation.subject)
        return {k: tuple(sorted(v - {k})) for k, v in ids.items()}

    def neighbours(self, entity_id: str) -> tuple[str, ...]:
        """Ids of the entities one relation away, in a stable order."""
        return self._neighbours.get(entity_id, ())

    @cached_property
    def degrees(self) -> dict[str, int]:
        """Entity id -> number of relations it takes part in (both ways), for every entity."""
        return {i: len(e.relations) + len(self.incoming(i)) for i, e in self.entities.items()}

    def degree(self, entity_id: str) -> int:
        return self.degrees[entity_id]

    def build_indexes(self) -> None:
        """Build every index now rather than at first use (before forking renderers, so
        that they inherit the indexes instead of each building its own)."""
        self.relations, self._incoming, self._cited_by, self._neighbours, self.degrees  # noqa: B018
