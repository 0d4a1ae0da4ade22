"""Stage 5a: one Markdown article per entity, an index per kind, the home page,
the explorer and the vocabulary reference, all from Jinja2 templates.

Every `{{ value }}` in a template is escaped for Markdown and HTML by default (the
environment's `finalize`); only fragments this module builds itself are marked
safe with `Markup` (links between pages, sanitized descriptions, network HTML)."""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import functools
import gc
import heapq
import json
import multiprocessing
import os
import re
import threading
import traceback
from collections import Counter
from itertools import chain
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib import Graph
from markupsafe import Markup

from .graph import Iris, relation_graph
from .model import HUB_DEGREE, Corpus, EDate, Entity, Relation
from .networks import EGO_OPTIONS, NetworkRenderer, json_data
from .text import md_inline, relative_md, relative_url, sanitize_markdown
from .themes import Theme, themes_of
from .timeline import Item, by_actor, concerning, timeline

TEMPLATES = Path(__file__).with_name("templates")
DATA_FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "vocabulary.ttl")


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md_inline(value)


def template_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, finalize=_finalize,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["json_data"] = json_data
    env.globals["placeholder"] = placeholder
    env.filters["yaml_string"] = lambda text: Markup(json.dumps(str(text), ensure_ascii=False)
                                                     .replace("<", "\\u003c").replace(">", "\\u003e"))
    return env


def fence(text: str, language: str) -> Markup:
    """A fenced code block that no backtick run inside the text can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marker = "`" * max(3, longest + 1)
    return Markup(f"{marker}{language}\n{text.rstrip()}\n{marker}")


# Below this many entity pages, forking renderers costs more than it saves.
PARALLEL_MIN_PAGES = 500
RENDER_CHUNK = 50  # entity pages taken at a time


class SharedRendering:
    """Entity pages rendered by `workers - 1` forked processes while the caller goes on
    with other work; `finish()` then joins in until none is left and collects them.
    Work is shared out in chunks through a pair of shared counters: the forks take
    chunks from the front, the caller from the back, so all finish together however
    unequal the pages. The forks inherit the corpus and its indexes (nothing is sent
    to them) and send their pages back once, at the end: pages sent as they come would
    fill the pipe and wait for this process, busy rendering, to read them. With one
    worker, few pages, or no fork (Windows), everything is rendered here."""

    def __init__(self, builder: PageBuilder, entity_ids: list[str], workers: int) -> None:
        self.builder, self.ids = builder, entity_ids
        self.chunks = [entity_ids[i:i + RENDER_CHUNK] for i in range(0, len(entity_ids), RENDER_CHUNK)]
        # Forking a process that runs other threads (the preview's server) is unsafe.
        self.workers = min(workers, len(self.chunks)) if len(entity_ids) >= PARALLEL_MIN_PAGES and \
            threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else 1
        self.untaken = None  # shared: [first chunk not taken, one past the last not taken]
        self.chunks_here = 0  # rendered by the caller
        self.renderers: list = []

    def __enter__(self) -> SharedRendering:
        if self.workers < 2:
            return self
        context = multiprocessing.get_context("fork")
        self.untaken = context.Array("q", [0, len(self.chunks)])
        self.builder.warm_shared_indexes()
        gc.freeze()  # the forks' collector leaves the inherited objects (and their memory pages) alone
        try:
            for _ in range(self.workers - 1):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=self._render_in_fork, args=(send,), daemon=True)
                process.start()
                send.close()
                self.renderers.append((process, receive))
        finally:
            gc.unfreeze()
        return self

    def _take(self, from_end: bool) -> list[str] | None:
        with self.untaken.get_lock():
            first, end = self.untaken[0], self.untaken[1]
            if first >= end:
                return None
            if from_end:
                self.untaken[1] = end - 1
                return self.chunks[end - 1]
            self.untaken[0] = first + 1
            return self.chunks[first]

    def _render_in_fork(self, send) -> None:
        pages: dict[str, str] = {}
        try:
            while (chunk := self._take(from_end=False)) is not None:
                pages.update(self.builder.entity_pages(chunk))
            send.send((pages, {src: self.builder.parts[src] for src in pages}, None))
        except BaseException:  # noqa: BLE001 - reported by the parent, which fails the build
            with contextlib.suppress(OSError):  # the parent may have failed first and closed its end
                send.send(({}, {}, traceback.format_exc()))
        finally:
            send.close()

    def finish(self) -> dict[str, str]:
        """Every entity page, by source path, in the order of the ids given."""
        if self.workers < 2:
            return self.builder.entity_pages(self.ids)
        pages: dict[str, str] = {}
        while (chunk := self._take(from_end=True)) is not None:
            pages.update(self.builder.entity_pages(chunk))
            self.chunks_here += 1
        for process, receive in self.renderers:
            try:
                their_pages, parts, error = receive.recv()
            except EOFError:
                process.join()
                raise RuntimeError(f"a page renderer stopped (exit code {process.exitcode})") from None
            if error:
                raise RuntimeError(f"a page renderer failed:\n{error}")
            pages.update(their_pages)
            self.builder.parts.update(parts)
        corpus = self.builder.corpus
        return {src: pages[src] for src in (entity_src(corpus[i]) for i in self.ids)}

    def __exit__(self, error_type, *exc) -> None:
        for process, receive in self.renderers:
            receive.close()
            if error_type is not None:  # the render failed here: the forks' pages are not wanted
                process.terminate()
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


MAX_RENDER_WORKERS = 4  # each fork copies the memory it touches: 378 MB at 10,000 entities


def render_workers() -> int:
    """How many processes may render pages: the cores this process may run on, up to
    MAX_RENDER_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_RENDER_WORKERS))


def html_environment() -> Environment:
    """For HTML and XML fragments: everything is escaped unless marked safe."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def rfc822(value: EDate) -> str:
    """An RSS date for the first day the date can mean (deterministic: no clock)."""
    day = datetime.date.fromisoformat(value.earliest)
    return email.utils.format_datetime(datetime.datetime(day.year, day.month, day.day,
                                                         tzinfo=datetime.timezone.utc))


def entity_src(entity: Entity) -> str:
    return f"{entity.kind}/{entity.id}.md"


def entity_file(prefix: str, entity: Entity) -> str:
    """The entity's YAML file, as a path in the repository."""
    return f"{prefix}{entity.kind}/{entity.id}.yaml"


def entity_url(entity: Entity) -> str:
    return f"{entity.kind}/{entity.id}/"


def show_date(value: EDate | None) -> str:
    if value is None:
        return ""
    return f"c. {value.text}" if value.approximate else value.text


def relation_when(relation: Relation) -> str:
    if relation.date:
        return show_date(relation.date)
    if relation.start and relation.end:
        return f"{show_date(relation.start)} → {show_date(relation.end)}"
    if relation.start:
        return f"since {show_date(relation.start)}"
    if relation.end:
        return f"until {show_date(relation.end)}"
    return ""


@dataclass
class Footnotes:
    """Numbered citations of one page: one number per distinct (source, quote), and the
    ids of the places that cite it (fnref:N, then fnref2:N..., as Python-Markdown names them)."""

    numbers: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)

    def cite(self, source: str, quote: str) -> "Ref":
        number = self.numbers.setdefault((source, quote), len(self.numbers) + 1)
        refs = self.refs.setdefault(number, [])
        ref_id = f"fnref:{number}" if not refs else f"fnref{len(refs) + 1}:{number}"
        refs.append(ref_id)
        return Ref(ref_id, number)


# Rows handed to the HTML templates are named tuples, not dicts: Jinja reads `row.x`
# with getattr first, and a dict pays for a raised AttributeError on every access
# (millions of them at 10,000 entities).
class Ref(NamedTuple):
    id: str
    number: int


class Note(NamedTuple):
    number: int
    source: Entity
    publisher: str
    title: str
    href: str
    quote: str
    refs: list[str]
    date: str


class TimelineRow(NamedTuple):
    when: EDate
    shown: str
    title: str
    summary: str
    href: str
    themes: list[str]
    actor_names: list[str]
    status: str


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
    quotes: list[str]


@dataclass
class RelationRow:
    other: Entity
    href: str
    relation: Relation
    when: str
    refs: list[dict]
    anchor: str | None


@dataclass
class RelationGroup:
    label: str
    predicate: str
    incoming: bool
    rows: list[RelationRow]

    @property
    def part(self) -> str:
        return f"relations-{self.predicate}{'-inverse' if self.incoming else ''}"


PART = re.compile(r'<div class="pg-part" data-part="([a-z0-9-]+)"></div>')


@functools.lru_cache(maxsize=None)
def placeholder(name: str) -> Markup:
    """Marks where a pre-rendered part goes; Python-Markdown passes this block through."""
    return Markup('<div class="pg-part" data-part="{}"></div>').format(name)


def fill_parts(html: str, parts: dict[str, bytes]) -> str:
    """Put a page's pre-rendered HTML parts (UTF-8) in place of their placeholders."""
    return PART.sub(lambda m: parts[m.group(1)].decode() if m.group(1) in parts else m.group(0), html)


class PageBuilder:
    """Renders every generated page of the site from a validated corpus."""

    def __init__(self, corpus: Corpus, site_url: str, *, changed: dict[str, str] | None = None,
                 edit_url_base: str | None = None, file_prefix: str = "entities/",
                 themes: list[Theme] | None = None) -> None:
        self.corpus = corpus
        self.themes = themes or []
        self.theme_index = themes_of(self.themes)
        self.changed = changed or {}
        self.edit_url_base = edit_url_base.rstrip("/") + "/" if edit_url_base else None
        self.file_prefix = file_prefix
        self.v = corpus.vocabulary
        self.iris = Iris.for_site(site_url)
        self.env = template_environment()
        self.html_env = html_environment()
        self.networks = NetworkRenderer(corpus)
        self.network_files: dict[str, bytes] = {}  # theme networks' data, filled while pages render
        self.parts: dict[str, dict[str, bytes]] = {}  # likewise: HTML parts of each page, by source path
        self.parts_macros = self.html_env.get_template("entity_parts.html.j2").module

    def render_all(self, only: set[str] | None = None, workers: int = 1) -> dict[str, str]:
        """Every generated Markdown page, by source path (of entities, only those in
        `only` if it is given: see incremental.py), entity pages first. With `workers`
        > 1, forked processes render entity pages while this one renders the others
        (see `SharedRendering`); who renders what does not change a byte (tested)."""
        ids = [e.id for e in self.corpus.entities.values() if only is None or e.id in only]
        with SharedRendering(self, ids, workers) as entity_pages:
            others = self.other_pages()
            pages = entity_pages.finish()
        return {**pages, **others}

    def entity_pages(self, entity_ids: list[str]) -> dict[str, str]:
        return {entity_src(e): self.entity_page(e) for e in map(self.corpus.__getitem__, entity_ids)}

    def other_pages(self) -> dict[str, str]:
        """The pages that are not an entity's: indexes, home, timeline, themes..."""
        pages = {f"{kind}/index.md": self.kind_index(kind) for kind in self.v.kinds}
        pages["index.md"] = self.home()
        pages["explorer.md"] = self.explorer()
        pages["vocab.md"] = self.vocabulary_page()
        pages["timeline.md"] = self.timeline_page()
        pages["coverage.md"] = self.coverage_page()
        pages["themes/index.md"] = self.themes_index()
        for theme in self.themes:
            pages[f"themes/{theme.id}.md"] = self.theme_page(theme)
        return pages

    def warm_shared_indexes(self) -> None:
        """Build the indexes every page reads before forking, so no process builds its own."""
        self.corpus.build_indexes()
        self.items_by_actor, self.name_rank, self.see_also_neighbours  # noqa: B018

    def coverage_page(self) -> str:
        c = self.corpus
        entities = [e for e in c.entities.values() if e.kind != "sources"]
        by_type = [{"label": base.plural.en, "count": len(c.by_kind(kind))} for kind, base in self.v.kinds.items()]
        counts: dict[str, dict] = {}
        for relation in c.relations:
            row = counts.setdefault(relation.predicate, {"count": 0, "alleged": 0, "opinion": 0, "denied": 0})
            row["count"] += 1
            if relation.status in row:
                row[relation.status] += 1
        by_predicate = [{"id": p, "label": self.v.predicates[p].label.en, **counts[p]}
                        for p in sorted(counts, key=lambda p: (-counts[p]["count"], p))]
        hubs = sorted(entities, key=lambda e: (-c.degree(e.id), e.name.lower()))[:20]
        per_source = []
        for source in sorted(c.by_kind("sources"), key=lambda s: (s.sort_date, s.id)):
            backed = c.cited_by(source.id)
            per_source.append({"source": source, "link": Markup(entity_src(source)), "claims": len(backed),
                               "date": show_date(source.facts.get("date")),
                               "entities": len({r.subject for r in backed} | {r.target for r in backed})})
        thin = [e for e in sorted(entities, key=lambda e: (e.name.lower(), e.id)) if c.degree(e.id) == 1]
        return self.env.get_template("coverage.md.j2").render(
            entities=len(entities), relations=len(c.relations), sources=len(c.by_kind("sources")),
            citations=sum(len(r.citations) for r in c.relations), by_type=by_type, by_predicate=by_predicate,
            hubs=[{"entity": e, "link": Markup(entity_src(e)), "degree": c.degree(e.id)} for e in hubs],
            per_source=per_source,
            thin=[{"entity": e, "link": Markup(entity_src(e))} for e in thin])

    # -- timeline, themes, feed -----------------------------------------------------

    @cached_property
    def items(self) -> list[Item]:
        return timeline(self.corpus)

    @cached_property
    def items_by_actor(self) -> dict[str, list[Item]]:
        return by_actor(self.items)

    def timeline_html(self, items: list[Item], page_url: str) -> Markup:
        rows = []
        for item in reversed(items):
            href = relative_url(page_url, entity_url(item.entity)) + (f"#{item.anchor}" if item.anchor else "")
            themes = sorted({t for actor in item.actors for t in self.theme_index.get(actor, [])})
            rows.append(TimelineRow(
                when=item.when, shown=show_date(item.when) + (f" → {show_date(item.end)}" if item.end else ""),
                title=item.title, summary=item.summary, href=href, themes=themes,
                actor_names=[self.corpus[a].name for a in item.actors],
                status=item.relation.status if item.relation and item.relation.status != "reported" else ""))
        return Markup(self.html_env.get_template("timeline.html.j2").render(items=rows))

    def timeline_page(self) -> str:
        return self.env.get_template("timeline.md.j2").render(
            count=len(self.items), themes=self.themes, timeline=self.timeline_html(self.items, "timeline/"))

    def themes_index(self) -> str:
        rows = [{"theme": t, "link": Markup(f"{t.id}.md"), "members": len(t.members),
                 "dated": len(concerning(self.items, set(t.members)))} for t in self.themes]
        return self.env.get_template("themes_index.md.j2").render(rows=rows)

    def theme_page(self, theme: Theme) -> str:
        src, url = f"themes/{theme.id}.md", f"themes/{theme.id}/"
        members = [self.corpus[m] for m in theme.members]
        data = self.networks.subgraph(theme.members, url, highlight=set(theme.seeds))
        network, payload = self.networks.html(
            data, options=EGO_OPTIONS, height="560px", src=f"../{theme.id}.network.json",
            caption=f"Network of the theme {theme.title}: {len(data.nodes)} entities.")
        self.network_files[f"themes/{theme.id}.network.json"] = payload
        rows = [{"entity": e, "link": self.link(src, e), "type": self.type_label(e), "degree": self.corpus.degree(e.id)}
                for e in sorted(members, key=lambda e: (-self.corpus.degree(e.id), e.name.lower()))]
        return self.env.get_template("theme.md.j2").render(
            theme=theme, members=rows, network=network,
            seeds=[{"name": self.corpus[s].name, "link": self.link(src, self.corpus[s])} for s in theme.seeds],
            timeline=self.timeline_html(concerning(self.items, set(theme.members)), url))

    def feed(self, site_url: str, limit: int = 30) -> str:
        newest = sorted(self.items, key=lambda item: item.key, reverse=True)[:limit]
        rows = [{"title": item.title, "description": item.summary or item.entity.summary,
                 "link": f"{self.iris.site_url}{entity_url(item.entity)}" + (f"#{item.anchor}" if item.anchor else ""),
                 "pub_date": rfc822(item.when)} for item in newest]
        return self.html_env.get_template("feed.xml.j2").render(items=rows, site_url=self.iris.site_url)

    def see_also(self, entity: Entity, limit: int = 5) -> list[Entity]:
        """Entities that share the most neighbours with this one (hubs excluded from the count)."""
        mine = self.corpus.neighbours(entity.id)
        shared_through = self.see_also_neighbours
        scores = Counter(chain.from_iterable(shared_through[n] for n in mine if n in shared_through))
        for excluded in (entity.id, *mine):
            scores.pop(excluded, None)
        if not scores:
            return []
        floor = heapq.nlargest(limit, scores.values())[-1]  # only those scoring as high can make it
        rank = self.name_rank
        best = heapq.nsmallest(limit, [(-score, rank[other], other) for other, score in scores.items()
                                       if score >= floor])
        return [self.corpus[other] for _, _, other in best]

    @cached_property
    def see_also_neighbours(self) -> dict[str, tuple[str, ...]]:
        """Entity id -> its neighbours that may be suggested (not sources), for every entity
        that is not a hub: sharing a hub says little."""
        degree, sources = self.corpus.degrees, self.source_ids
        return {i: tuple(n for n in self.corpus.neighbours(i) if n not in sources)
                for i in self.corpus.entities if degree[i] <= HUB_DEGREE}

    @cached_property
    def name_rank(self) -> dict[str, int]:
        """Entity id -> its place in name order (lowercased name, then id)."""
        ordered = sorted(self.corpus.entities.values(), key=lambda e: (e.name.lower(), e.id))
        return {e.id: rank for rank, e in enumerate(ordered)}

    @cached_property
    def source_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.corpus.by_kind("sources"))

    # -- helpers ------------------------------------------------------------------

    def link(self, from_src: str, entity: Entity) -> Markup:
        return Markup(relative_md(from_src, entity_src(entity)))

    def type_label(self, entity: Entity) -> str:
        base = self.v.types[entity.type].label.en
        return f"{base} › {self.v.types[entity.subtype].label.en}" if entity.subtype else base

    def facts(self, entity: Entity) -> list[tuple[str, object]]:
        rows = []
        base = self.v.types[entity.type]
        for key in base.keys:
            value = entity.facts.get(key)
            if value is None:
                continue
            label = key.replace("_", " ").capitalize()
            if isinstance(value, EDate):
                rows.append((label, show_date(value)))
            elif isinstance(value, tuple):
                rows.append((label, ", ".join(value)))
            elif self.v.keys[key].kind == "url":
                rows.append((label, Markup('<a href="{0}" rel="noopener nofollow">{0}</a>').format(value)))
            elif self.v.keys[key].kind == "choice":
                rows.append((label, value.replace("-", " ")))
            else:
                rows.append((label, value))
        return rows

    def groups(self, entity: Entity, url: str, notes: Footnotes) -> list[RelationGroup]:
        groups: dict[tuple[str, bool], RelationGroup] = {}
        order = {p: i for i, p in enumerate(self.v.predicates)}
        pairs = [(r, False) for r in entity.relations] + [(r, True) for r in self.corpus.incoming(entity.id)]
        for relation, incoming in pairs:
            predicate = self.v.predicates[relation.predicate]
            inverse_reading = incoming and not predicate.symmetric
            label = predicate.inverse.en if inverse_reading else predicate.label.en
            other = self.corpus[relation.subject if incoming else relation.target]
            row = RelationRow(
                other=other, href=relative_url(url, entity_url(other)), relation=relation,
                when=relation_when(relation), refs=[notes.cite(c.source, c.quote) for c in relation.citations],
                anchor=None if incoming else relation.key)
            group = groups.setdefault((relation.predicate, inverse_reading),
                                      RelationGroup(label[:1].upper() + label[1:], relation.predicate,
                                                    inverse_reading, []))
            group.rows.append(row)
        for group in groups.values():
            group.rows.sort(key=lambda r: (r.relation.sort_date, r.other.name.lower(), r.other.id))
        return [groups[k] for k in sorted(groups, key=lambda k: (order[k[0]], k[1]))]

    def footnote_items(self, url: str, notes: Footnotes) -> list[Note]:
        items = []
        for (source_id, quote), number in notes.numbers.items():
            source = self.corpus[source_id]
            items.append(Note(number=number, source=source, publisher=source.facts.get("publisher"),
                              title=source.facts.get("title"), href=relative_url(url, entity_url(source)),
                              quote=quote, refs=notes.refs[number], date=show_date(source.facts.get("date"))))
        return items

    # -- pages --------------------------------------------------------------------

    def entity_page(self, entity: Entity) -> str:
        """The entity's Markdown article; its bulky parts (relations, network, timeline,
        citations) go to `self.parts[src]`, to be filled in by `fill_parts` after MkDocs."""
        src, url = entity_src(entity), entity_url(entity)
        notes = Footnotes()
        groups = self.groups(entity, url, notes)
        macros = self.parts_macros
        parts = {group.part: macros.relation_list(group, self.v.statuses) for group in groups}
        backed = []
        if entity.kind == "sources":
            for relation in self.corpus.cited_by(entity.id):
                subject, target = self.corpus[relation.subject], self.corpus[relation.target]
                backed.append(Backed(
                    subject=subject, subject_href=relative_url(url, entity_url(subject)),
                    label=self.v.predicates[relation.predicate].label.en,
                    target=target, target_href=relative_url(url, entity_url(target)),
                    relation=relation, when=relation_when(relation),
                    quotes=[c.quote for c in relation.citations if c.source == entity.id]))
            if backed:
                parts["backed"] = macros.backed(backed)
        if self.networks.has_ego(entity):  # its data file comes from the data process (datafiles.py)
            network = self.networks.figure(
                src=f"../{entity.id}.network.json",
                caption=f"Network of {entity.name}: {len(self.corpus.neighbours(entity.id))} connected entities. "
                        f"Click a node to open its page.")
            parts["network"] = macros.network(network, self.networks.ego_legend(entity.id))
        dated = self.items_by_actor.get(entity.id, [])
        if dated:
            parts["timeline"] = self.timeline_html(dated, url)
        see_also = [Linked(e, relative_url(url, entity_url(e))) for e in self.see_also(entity)]
        themes = [ThemeLink(t, relative_url(url, f"themes/{t.id}/"))
                  for t in self.themes if t.id in self.theme_index.get(entity.id, [])]
        if see_also or themes:
            parts["see-also"] = macros.see_also(see_also, themes)
        parts["data-links"] = macros.data_links(
            entity, relative_url(url, "data/"), entity_file(self.file_prefix, entity), self.changed.get(entity.id),
            self.edit_url_base + entity_file(self.file_prefix, entity) if self.edit_url_base else None)
        if notes.numbers:
            parts["footnotes"] = macros.footnotes(self.footnote_items(url, notes))
        self.parts[src] = {name: str(html).encode() for name, html in parts.items()}  # UTF-8: half the memory of str
        return self.env.get_template("entity.md.j2").render(
            entity=entity, type_label=self.type_label(entity), facts=self.facts(entity),
            description=Markup(sanitize_markdown(entity.description)) if entity.description else None,
            groups=groups, parts=parts, iri=str(self.iris.entity(entity)))

    def kind_index(self, kind: str) -> str:
        base = self.v.kinds[kind]
        src = f"{kind}/index.md"
        rows = []
        for entity in sorted(self.corpus.by_kind(kind), key=lambda e: (e.name.lower(), e.id)):
            dates = [show_date(v) for k, v in entity.facts.items() if isinstance(v, EDate)]
            rows.append({"entity": entity, "link": self.link(src, entity),
                         "type": self.v.types[entity.type_id].label.en,
                         "dates": dates[0] if dates else "",
                         "degree": self.corpus.degree(entity.id) if kind != "sources"
                         else len(self.corpus.cited_by(entity.id))})
        return self.env.get_template("kind_index.md.j2").render(base=base, kind=kind, rows=rows)

    def home(self) -> str:
        kinds = [{"kind": kind, "label": base.plural.en, "count": len(self.corpus.by_kind(kind)),
                  "link": Markup(f"{kind}/index.md")} for kind, base in self.v.kinds.items()]
        hubs = sorted((e for e in self.corpus.entities.values() if e.kind != "sources"),
                      key=lambda e: (-self.corpus.degree(e.id), e.name.lower()))[:12]
        return self.env.get_template("home.md.j2").render(
            kinds=kinds, relations=len(self.corpus.relations), entities=len(self.corpus),
            hubs=[{"entity": e, "link": Markup(entity_src(e)), "degree": self.corpus.degree(e.id)} for e in hubs],
            themes=[{"theme": t, "link": Markup(f"themes/{t.id}.md")} for t in self.themes],
            data_files=[Markup(f"data/{name}") for name in DATA_FILES])

    def explorer(self) -> str:
        """The explorer's page; its data (`data/network.json`, with the layout) comes from
        the data process."""
        entities = self.networks.connected()
        return self.env.get_template("explorer.md.j2").render(
            legend=self.networks.legend(entities), count=len(entities), relations=len(self.corpus.relations))

    def query_page(self, examples: list[dict], endpoint: str | None = None) -> str:
        prefixes = sorted(((p, str(ns)) for p, ns in self.prefixes().items()), key=lambda item: -len(item[1]))
        return self.env.get_template("query.md.j2").render(
            examples=examples, prefixes=prefixes, endpoint=endpoint or "", site_url=self.iris.site_url)

    def sparql_docs(self, examples: list[dict], extra_downloads: list[dict] | None = None) -> str:
        relation = next((r for r in self.corpus.relations if r.citations), None)
        example = {"entity": f"{self.iris.site_url}people/<id>/", "statement": "", "citation": "",
                   "label": "", "turtle": ""}
        if relation is not None:
            subject = self.corpus[relation.subject]
            statement = self.iris.statement(subject, relation)
            citation = self.iris.citation(subject, relation, 1)
            graph = relation_graph(self.corpus, self.iris.site_url, relation)
            excerpt = Graph(bind_namespaces="core")
            for prefix, namespace in graph.namespaces():
                excerpt.bind(prefix, namespace)
            for node in (statement, citation):
                for triple in graph.triples((node, None, None)):
                    excerpt.add(triple)
            example = {"entity": str(self.iris.entity(subject)), "statement": str(statement),
                       "citation": str(citation),
                       "label": f"{subject.name} {self.v.predicates[relation.predicate].label.en} "
                                f"{self.corpus[relation.target].name}",
                       "turtle": fence(excerpt.serialize(format="turtle"), "turtle")}
        return self.env.get_template("sparql.md.j2").render(
            site_url=self.iris.site_url, namespace=str(self.iris.vocab), example=example,
            statuses=list(self.v.statuses.values()), predicates=list(self.v.predicates.values()),
            prefixes=sorted(self.prefixes().items()), extra_downloads=extra_downloads or [],
            examples=[{**e, "fenced": fence(e["text"], "sparql")} for e in examples])

    def prefixes(self) -> dict[str, str]:
        from rdflib import Graph
        from .graph import bind_prefixes
        graph = Graph(bind_namespaces="core")
        bind_prefixes(graph, self.v, self.iris)
        return {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}

    def vocabulary_page(self) -> str:
        types = [{"type": t, "iri": str(self.iris.type_class(t.id)), "anchor": t.class_name,
                  "classes": ", ".join(t.classes), "parent": t.parent or ""} for t in self.v.types.values()]
        predicates = [{"p": p, "iri": str(self.iris.predicate(p.id)), "anchor": p.property_name,
                       "domain": ", ".join(p.domain), "range": ", ".join(p.range),
                       "maps_to": (("inverse of " if p.maps_to_inverse else "") + p.maps_to) if p.maps_to else ""}
                      for p in self.v.predicates.values()]
        statuses = [{"s": s, "iri": str(self.iris.status(s.id)), "anchor": s.id} for s in self.v.statuses.values()]
        return self.env.get_template("vocab.md.j2").render(
            types=types, predicates=predicates, statuses=statuses, namespace=str(self.iris.vocab),
            keys=list(self.v.keys.values()))
