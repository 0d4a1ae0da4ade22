"""An entity's article: infobox facts, description, relations in both directions, each
with its evidence in place (pages/evidence.py), its network, its dated items, "see
also" and its data links. The article is HTML from templates/entity.html.j2 (MkDocs
takes it as it is: site/files.HtmlPage), with placeholders for the bulky parts
(relation lists, network, timeline), put in once MkDocs has set the page in its theme."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple
from urllib.parse import urlencode

from markupsafe import Markup

from builder.model import Entity, Relation
from builder.network.select import has_ego_network
from builder.pages.context import HEAD_PART, Body, Context, Headings, Page, relation_when
from builder.pages.evidence import Evidence
from builder.pages.search import SOURCE_WEIGHT, entity_names, search_words
from builder.pages.text import sanitize_markdown
from builder.paths import (
    entity_file,
    from_page,
    network_file,
    page_src,
    page_url,
    published,
    relative_url,
    theme_url,
    turtle_file,
)
from builder.read.themes import Theme


class Linked(NamedTuple):
    entity: Entity
    href: str


class ThemeLink(NamedTuple):
    theme: Theme
    href: str


class Backed(NamedTuple):
    subject: Entity
    subject_href: str
    label: str
    target: Entity
    target_href: str
    relation: Relation
    when: str
    evidence: list[Evidence]


@dataclass
class RelationRow:
    other: Entity
    href: str
    relation: Relation
    when: str
    anchor: str | None
    label: str = ""  # the group's label, when the row is shown apart from its group (the lead)
    evidence: Markup = Markup()  # made for the rows shown (entity_page)


@dataclass
class RelationGroup:
    label: str
    predicate: str
    incoming: bool
    rows: list[RelationRow]
    more: "More | None" = None

    @property
    def part(self) -> str:
        return f"relations-{self.predicate}{'-inverse' if self.incoming else ''}"


# A hub (an entity many others point to, a source backing many claims) lists this many
# rows of a group, the most recent; the rest are one query away. An entity's own
# relations are all listed: each row is the anchor of its statement's IRI.
HUB_ROWS = 100
# The lead: this many relations open the page, at most LEAD_PER_PREDICATE of a kind.
LEAD_ROWS = 6
LEAD_PER_PREDICATE = 2


class More(NamedTuple):
    """Rows left out of a long list: how many in all, and a query listing every one."""

    total: int
    query_href: str


def query_link(url: str, query: str) -> str:
    return relative_url(url, "query/") + "?" + urlencode({"query": query})


def _all_incoming(ctx: Context, entity: Entity, predicate: str) -> str:
    return (f"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"PREFIX pg: <{ctx.iris.vocab}>\n"
            f"SELECT ?statement ?subject ?name ?status WHERE {{\n"
            f"  ?statement rdf:predicate pg:{predicate} ; rdf:object <{ctx.iris.entity(entity)}> ;\n"
            f"             rdf:subject ?subject ; pg:status ?status .\n"
            f"  ?subject rdfs:label ?name . FILTER (lang(?name) = \"{ctx.v.site_language}\")\n"
            f"}}\nORDER BY ?name ?statement\n")


def _all_backed(ctx: Context, source: Entity) -> str:
    return (f"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            f"PREFIX prov: <http://www.w3.org/ns/prov#>\n"
            f"PREFIX pg: <{ctx.iris.vocab}>\n"
            f"SELECT ?statement ?subject ?predicate ?object ?status WHERE {{\n"
            f"  ?statement prov:wasDerivedFrom <{ctx.iris.entity(source)}> ; rdf:subject ?subject ;\n"
            f"             rdf:predicate ?predicate ; rdf:object ?object ; pg:status ?status .\n"
            f"}}\nORDER BY ?statement\n")


def render_entity_pages(ctx: Context, entity_ids: list[str]) -> dict[str, Page]:
    """The pages of these entities, by source path."""
    return {page_src(e): entity_page(ctx, e) for e in map(ctx.corpus.__getitem__, entity_ids)}


def entity_page(ctx: Context, entity: Entity) -> Page:
    url = page_url(entity)
    lead, groups = take_lead(ctx, entity, relation_groups(ctx, entity, url))
    for row in chain(lead, *(group.rows for group in groups)):
        row.evidence = ctx.evidence_html(row.relation, url)
    macros = ctx.parts_macros
    parts = {group.part: macros.relation_list(group, ctx.v.statuses) for group in groups}
    if lead:
        parts["lead"] = macros.lead(lead, ctx.v.statuses)
    source = ctx.corpus.is_source(entity.id)
    parts["search-names"] = macros.search_names(search_words(entity, most=SOURCE_WEIGHT if source else 10.0),
                                                entity_names(entity))
    if source:
        backed = backed_claims(ctx, entity, url)
        if backed:
            more = More(len(backed), query_link(url, _all_backed(ctx, entity))) if len(backed) > HUB_ROWS else None
            parts["backed"] = macros.backed(backed[:HUB_ROWS], more)
    if has_ego_network(ctx.corpus, entity):  # its data file comes from the data process
        network = ctx.networks.figure(
            src=from_page(network_file(entity)),
            caption=f"Network of {entity.name}: {len(ctx.corpus.neighbours(entity.id))} connected entities. "
                    f"Click a node to open its page.")
        parts["network"] = macros.network(network, ctx.networks.ego_legend(entity.id))
    dated = ctx.items_by_actor.get(entity.id, [])
    if dated:
        parts["timeline"] = ctx.timeline_html(dated, url)
    linked = [Linked(e, relative_url(url, page_url(e))) for e in see_also(ctx, entity)]
    themes = [ThemeLink(t, relative_url(url, theme_url(t.id)))
              for t in ctx.themes if t.id in ctx.theme_index.get(entity.id, [])]
    if linked or themes:
        parts["see-also"] = macros.see_also(linked, themes)
    parts[HEAD_PART] = macros.head(from_page(turtle_file(entity)), linked_data(ctx, entity))
    source_file = entity_file(entity, ctx.file_prefix)
    parts["data-links"] = macros.data_links(
        entity, relative_url(url, "data/"), [f for f in published(len(ctx.corpus.relations)) if f.linked],
        source_file, ctx.changed.get(entity.id),
        ctx.edit_url_base + source_file if ctx.edit_url_base else None, str(ctx.iris.entity(entity)))
    headings = Headings()
    body = ctx.template("entity.html.j2").render(
        entity=entity, type_label=ctx.type_label(entity), facts=ctx.facts(entity),
        description=Markup(sanitize_markdown(entity.description)) if entity.description else None,
        groups=groups, parts=parts, heading=headings)
    front_matter = ctx.template("front_matter.md.j2").render(
        title=entity.name, description=entity.summary or entity.name)
    return Page(front_matter, {name: str(html).encode() for name, html in parts.items()},  # UTF-8: half a str's memory
                listed=False, body=Body(body.strip(), tuple(headings.found)))


def linked_data(ctx: Context, entity: Entity) -> dict:
    """What the page says about its entity for machines (schema.org JSON-LD in its head)."""
    classes = [c.split(":", 1)[1] for c in ctx.v.standard_classes(entity.type_id) if c.startswith("schema:")]
    data = {"@context": {"@vocab": "https://schema.org/"}, "@id": str(ctx.iris.entity(entity)),
            "@type": classes or ["Thing"], "name": entity.name, "mainEntityOfPage": str(ctx.iris.page(entity)),
            "url": str(ctx.iris.page(entity))}
    if entity.summary:
        data["description"] = entity.summary
    if entity.aliases:
        data["alternateName"] = list(entity.aliases)
    same = [term for key, value in sorted(entity.facts.items()) if "owl:sameAs" in ctx.v.keys[key].properties
            and ctx.v.keys[key].kind == "identifier" for term in ctx.v.keys[key].value_kind.terms(value, ctx.v.keys[key])]
    if same:
        data["sameAs"] = [str(term) for term in same]
    return data


def relation_groups(ctx: Context, entity: Entity, url: str) -> list[RelationGroup]:
    """The entity's relations in both directions, grouped by predicate and reading
    (a relation to it reads with the inverse label), in the vocabulary's order."""
    groups: dict[tuple[str, bool], RelationGroup] = {}
    order = {p: i for i, p in enumerate(ctx.v.predicates)}
    pairs = [(r, False) for r in entity.relations] + [(r, True) for r in ctx.corpus.incoming(entity.id)]
    for relation, incoming in pairs:
        predicate = ctx.v.predicates[relation.predicate]
        inverse_reading = incoming and not predicate.symmetric
        label = predicate.inverse.site if inverse_reading else predicate.label.site
        other = ctx.corpus[relation.subject if incoming else relation.target]
        row = RelationRow(
            other=other, href=relative_url(url, page_url(other)), relation=relation,
            when=relation_when(relation), anchor=None if incoming else relation.key)
        group = groups.setdefault((relation.predicate, inverse_reading),
                                  RelationGroup(label[:1].upper() + label[1:], relation.predicate,
                                                inverse_reading, []))
        group.rows.append(row)
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.relation.sort_date, r.other.name.lower(), r.other.id))
        _shorten(ctx, entity, url, group)
    return [groups[k] for k in sorted(groups, key=lambda k: (order[k[0]], k[1]))]


def take_lead(ctx: Context, entity: Entity, groups: list[RelationGroup]) -> tuple[list[RelationRow],
                                                                                list[RelationGroup]]:
    """The relations that open the page, ranked by the vocabulary's `lead` for the
    entity's type (the most recent first within a predicate), taken out of their groups:
    each relation is shown once. Groups left empty go."""
    by_reading = {(g.predicate, g.incoming): g for g in groups}
    lead: list[RelationRow] = []
    for predicate, backwards in ctx.v.lead_of(entity.type_id):
        incoming = backwards and not ctx.v.predicates[predicate].symmetric
        group = by_reading.get((predicate, incoming))
        if group is None:
            continue
        rows = [r for r in group.rows if (r.anchor is None) == backwards or ctx.v.predicates[predicate].symmetric]
        chosen = sorted(rows, key=lambda r: r.relation.sort_date, reverse=True)[:LEAD_PER_PREDICATE]
        chosen = chosen[:LEAD_ROWS - len(lead)]
        for row in chosen:
            row.label = group.label
        lead += chosen
        taken = {id(r) for r in chosen}
        group.rows = [r for r in group.rows if id(r) not in taken]
        if len(lead) >= LEAD_ROWS:
            break
    return lead, [g for g in groups if g.rows or g.more]


def _shorten(ctx: Context, entity: Entity, url: str, group: RelationGroup) -> None:
    """Leave out the oldest relations to the entity past HUB_ROWS (never its own)."""
    incoming = [row for row in group.rows if row.anchor is None]
    extra = min(len(group.rows) - HUB_ROWS, len(incoming))
    if extra > 0:
        dropped = {id(row) for row in incoming[:extra]}
        group.rows = [row for row in group.rows if id(row) not in dropped]
        group.more = More(len(incoming), query_link(url, _all_incoming(ctx, entity, group.predicate)))


def backed_claims(ctx: Context, source: Entity, url: str) -> list[Backed]:
    """The claims a source backs, with its own quotes for each."""
    backed = []
    for relation in ctx.corpus.cited_by(source.id):
        subject, target = ctx.corpus[relation.subject], ctx.corpus[relation.target]
        backed.append(Backed(
            subject=subject, subject_href=relative_url(url, page_url(subject)),
            label=ctx.v.predicates[relation.predicate].label.site,
            target=target, target_href=relative_url(url, page_url(target)),
            relation=relation, when=relation_when(relation),
            evidence=[ctx.sources.evidence(c, url) for c in relation.citations if c.source == source.id]))
    return backed


def see_also(ctx: Context, entity: Entity, limit: int = 5) -> list[Entity]:
    """Entities that share the most neighbours with this one (hubs excluded from the count)."""
    mine = ctx.corpus.neighbours(entity.id)
    shared_through = ctx.see_also_neighbours
    scores = Counter(chain.from_iterable(shared_through[n] for n in mine if n in shared_through))
    for excluded in (entity.id, *mine):
        scores.pop(excluded, None)
    if not scores:
        return []
    # The best scores, ties in name order. Those above the limit's score all make it;
    # those at it (often most: one neighbour shared) are taken by name order alone.
    floor = heapq.nlargest(limit, scores.values())[-1]
    rank = ctx.name_rank
    above = sorted((-score, rank[other]) for other, score in scores.items() if score > floor)
    at_floor = heapq.nsmallest(limit - len(above), (rank[other] for other, score in scores.items()
                                                    if score == floor))
    order = ctx.name_order
    return [ctx.corpus[order[r]] for r in [r for _, r in above] + at_floor]
