"""Which entities and relations a network shows: the ego network of an entity (one hop,
and a second hop shown on request), a theme's subgraph, and the whole connected graph.
Pure functions of the corpus, in a stable order; drawing them is render.py's job.

An ego network's file holds its first hop. Its second hop is assembled by the page on
request (site_src/assets/network.js) from the files of the neighbours it walks through:
the entities the file lists as its second hop, and the relations among everything shown
that those files hold (each file holds every relation among its entity and neighbours)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from builder.model import Corpus, Entity, Relation

# Entities in more relations than this are hubs: sharing one says little, so "see also"
# and the ego networks' second hop do not walk through them.
WALK_DEGREE = 200
SECOND_HOP_LIMIT = 40
# The explorer opens on at most this many entities, the most connected: a reader's
# browser draws them at once (the others are added on request from their ego networks).
EXPLORER_NODES = 2000


def has_ego_network(corpus: Corpus, entity: Entity) -> bool:
    """Entities in at least one relation get an ego network; sources are cited, not drawn."""
    return not corpus.is_source(entity.id) and corpus.degree(entity.id) > 0


def explorer_hub_degree(degrees: list[int]) -> int:
    """The degree from which the explorer counts an entity as a hub (its "hide hubs"
    filter): the top 2% of entities, and at least 8 relations, so that a small graph
    has few or no hubs."""
    ranked = sorted(degrees, reverse=True)
    if not ranked:
        return 8
    return max(8, ranked[min(len(ranked) - 1, len(ranked) // 50)])


@dataclass(frozen=True)
class Ego:
    """An ego network: the entity, its neighbours (first hop) and the relations among
    them, in drawing order; the neighbours it walks through to a second hop (`walked`:
    not hubs, with an ego network of their own) and up to SECOND_HOP_LIMIT entities
    beyond them (`second`, the most connected)."""

    center: str
    first: tuple[str, ...]
    walked: list[str]
    second: list[str]
    relations: list[Relation]


class Selection:
    """Network selections over one corpus (neighbour lists ranked once, when first
    needed: the preview draws a few entities' networks, a build every one)."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._ranked: dict[str, list[tuple[int, str]]] = {}

    def ego(self, entity_id: str, second_hop: int = SECOND_HOP_LIMIT) -> Ego:
        corpus, degree = self.corpus, self.corpus.degrees
        first = corpus.neighbours(entity_id)
        members = {entity_id, *first}
        walked = [f for f in first if degree[f] <= WALK_DEGREE and has_ego_network(corpus, corpus[f])]
        second = self.most_connected(walked, exclude=members, limit=second_hop)
        relations = list(corpus.outgoing(entity_id))
        relations += [r for i in first for r in corpus.outgoing(i) if r.target in members]
        return Ego(entity_id, first, walked, second, relations)

    def most_connected(self, through: list[str], exclude: set[str], limit: int) -> list[str]:
        """Up to `limit` neighbours of the `through` entities, not in `exclude`: the most
        connected first (ties by id), returned sorted by id. Merges the neighbour lists
        kept in rank order, so it reads about `limit` entries, not every candidate."""
        chosen: list[str] = []
        seen = set(exclude)
        for _, entity_id in heapq.merge(*(self.ranked_neighbours(f) for f in through)):
            if entity_id not in seen:
                seen.add(entity_id)
                chosen.append(entity_id)
                if len(chosen) == limit:
                    break
        return sorted(chosen)

    def ranked_neighbours(self, entity_id: str) -> list[tuple[int, str]]:
        """An entity's neighbours as (-degree, id), the most connected first."""
        ranked = self._ranked.get(entity_id)
        if ranked is None:
            degree = self.corpus.degrees
            ranked = self._ranked[entity_id] = sorted((-degree[n], n) for n in self.corpus.neighbours(entity_id))
        return ranked

    def subgraph(self, ids) -> tuple[list[Entity], list[Relation]]:
        """A set of entities (by id order) and the relations among them (a theme's network)."""
        members = set(ids)
        entities = [self.corpus[i] for i in sorted(members)]
        return entities, [r for e in entities for r in e.relations if r.target in members]

    def connected(self) -> list[Entity]:
        """The entities that take part in a relation (the explorer's whole graph)."""
        return [self.corpus[i] for i in sorted(i for i, degree in self.corpus.degrees.items() if degree)]

    def overview(self, limit: int = EXPLORER_NODES) -> tuple[list[Entity], list[Relation]]:
        """What the explorer opens on: every connected entity, or above `limit` the
        `limit` most connected (ties by id); by id, with the relations among them."""
        connected = self.connected()
        if len(connected) <= limit:
            return connected, list(self.corpus.relations)
        degree = self.corpus.degree
        top = sorted(heapq.nsmallest(limit, connected, key=lambda e: (-degree(e.id), e.id)), key=lambda e: e.id)
        members = {e.id for e in top}
        return top, [r for r in self.corpus.relations if r.subject in members and r.target in members]
