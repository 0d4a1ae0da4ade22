"""The pages that list entities: an index per kind, the home page, the coverage report
and the explorer's page (whose data, laid out, comes from the data process)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup

from builder.model import EDate
from builder.pages.context import Context, MadeIndex, MadeRow, Page, same_objects, show_date
from builder.pages.items import Item, within
from builder.pages.text import text_html
from builder.paths import kind_index_src, page_src, page_url, published, theme_url
from builder.read.themes import Theme


class IndexRow(NamedTuple):
    href: str
    name: Markup
    type: Markup
    summary: Markup
    dates: Markup
    degree: int


def kind_index(ctx: Context, kind: str) -> Page:
    """A kind's entities in a table. Its date column: the entity's own date for a kind
    whose entities have one (events, laws...), else the date of the latest dated item
    that concerns it; a column no row fills is left out. The table is an HTML part (a
    Markdown table of thousands of rows is seconds of Python-Markdown at every build),
    written as Python-Markdown wrote it (text_html). The preview's builds reuse the rows
    and the page their last build made from the same things."""
    base = ctx.v.kinds[kind]
    sources = kind in ctx.v.source_kinds
    dated_kind = bool(base.when)
    rows = []
    for entity in sorted(ctx.corpus.by_kind(kind), key=lambda e: ctx.name_rank[e.id]):
        items = ctx.items_by_actor.get(entity.id)
        when = entity.when if dated_kind else (items[-1].when if items else None)
        count = len(ctx.corpus.cited_by(entity.id)) if sources else ctx.corpus.degree(entity.id)
        shown = (kind, entity.name, entity.type_id, entity.summary or entity.facts.get("publisher") or "", when, count)
        made = ctx.last.index_rows.get(entity.id)
        if made is None or made.shown != shown:
            made = MadeRow(shown, IndexRow(
                page_url(entity).removeprefix(f"{kind}/"), text_html(entity.name),
                text_html(ctx.v.types[entity.type_id].label.site), text_html(shown[3]),
                text_html(show_date(when) if when else ""), count))
        ctx.made.index_rows[entity.id] = made
        rows.append(made.row)
    last = ctx.last.indexes.get(kind)
    if last is not None and same_objects(last.rows, rows):
        page = last.page
    else:
        date_label = ("Date" if dated_kind else "Latest dated item") if any(r.dates for r in rows) else None
        parts = {"entity-table": str(ctx.parts_macros.entity_table(
            rows, date_label, "Claims" if sources else "Relations")).encode()} if rows else {}
        page = Page(ctx.template("kind_index.md.j2").render(base=base, count=len(rows)), parts)
    ctx.made.indexes[kind] = MadeIndex(rows, page)
    return page


@dataclass(frozen=True)
class Story:
    """A theme as the home page shows it: its size, and its latest dated item."""

    theme: Theme
    href: str
    actors: int
    claims: int
    latest: Item | None
    latest_href: str
    latest_date: str


def stories(ctx: Context) -> list[Story]:
    """The themes, for the home page (at the site's root)."""
    found = []
    for theme in ctx.themes:
        members = set(theme.members)
        dated = within(ctx.items, members)
        claims = sum(1 for r in ctx.corpus.relations if r.subject in members and r.target in members)
        latest = dated[-1] if dated else None
        found.append(Story(
            theme, theme_url(theme.id), len(members), claims, latest,
            page_url(latest.entity) + (f"#{latest.anchor}" if latest.anchor else "") if latest else "",
            show_date(latest.when) if latest else ""))
    return found


def home(ctx: Context) -> Page:
    corpus = ctx.corpus
    kinds = [{"kind": kind, "label": base.plural.site, "count": len(corpus.by_kind(kind)),
              "link": Markup(kind_index_src(kind))} for kind, base in ctx.v.kinds.items()]
    hubs = sorted((e for e in corpus.entities.values() if not corpus.is_source(e.id)),
                  key=lambda e: (-corpus.degree(e.id), e.name.lower()))[:12]
    source_dates = sorted(s.sort_date for s in corpus.sources() if s.sort_date)
    parts = {"stories": ctx.parts_macros.stories(stories(ctx))} if ctx.themes else {}
    markdown = ctx.template("home.md.j2").render(
        kinds=kinds, relations=len(corpus.relations), entities=len(corpus) - len(source_dates),
        sources=len(list(corpus.sources())),
        first_source=show_date(EDate.parse(source_dates[0])) if source_dates else "",
        last_source=show_date(EDate.parse(source_dates[-1])) if source_dates else "",
        updated=max(ctx.changed.values(), default=""), parts=parts,
        hubs=[{"entity": e, "link": Markup(page_src(e)), "degree": corpus.degree(e.id)} for e in hubs],
        data_files=[Markup(f.path) for f in published(len(corpus.relations)) if f.featured])
    return Page(markdown, {name: str(html).encode() for name, html in parts.items()})


def explorer(ctx: Context) -> str:
    connected = ctx.networks.select.connected()
    shown, drawn = ctx.networks.select.overview()
    return ctx.template("explorer.md.j2").render(
        legend=ctx.networks.legend(shown), count=len(connected), relations=len(ctx.corpus.relations),
        shown=len(shown), drawn=len(drawn))


def coverage(ctx: Context) -> str:
    c = ctx.corpus
    entities = [e for e in c.entities.values() if not c.is_source(e.id)]
    by_type = [{"label": base.plural.site, "count": len(c.by_kind(kind))} for kind, base in ctx.v.kinds.items()]
    shown = [s for s in ctx.v.statuses if s != ctx.v.default_status and not ctx.v.statuses[s].truthy]
    counts: dict[str, dict] = {}
    for relation in c.relations:
        row = counts.setdefault(relation.predicate, {"count": 0, **{s: 0 for s in shown}})
        row["count"] += 1
        if relation.status in row:
            row[relation.status] += 1
    by_predicate = [{"id": p, "label": ctx.v.predicates[p].label.site, **counts[p]}
                    for p in sorted(counts, key=lambda p: (-counts[p]["count"], p))]
    hubs = sorted(entities, key=lambda e: (-c.degree(e.id), e.name.lower()))[:20]
    per_source = []
    for source in sorted(c.sources(), key=lambda s: (s.sort_date, s.id)):
        backed = c.cited_by(source.id)
        per_source.append({"source": source, "link": Markup(page_src(source)), "claims": len(backed),
                           "date": show_date(source.facts.get("date")),
                           "entities": len({r.subject for r in backed} | {r.target for r in backed})})
    thin = [e for e in sorted(entities, key=lambda e: (e.name.lower(), e.id)) if c.degree(e.id) == 1]
    return ctx.template("coverage.md.j2").render(
        statuses=[ctx.v.statuses[s] for s in shown],
        entities=len(entities), relations=len(c.relations), sources=len(c.sources()),
        citations=sum(len(r.citations) for r in c.relations), by_type=by_type, by_predicate=by_predicate,
        hubs=[{"entity": e, "link": Markup(page_src(e)), "degree": c.degree(e.id)} for e in hubs],
        per_source=per_source,
        thin=[{"entity": e, "link": Markup(page_src(e))} for e in thin])
