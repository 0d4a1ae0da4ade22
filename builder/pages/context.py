"""What every page family shares: the corpus and its site addresses, the template
environments, and the indexes several pages read (dated items, themes by entity,
"see also" candidates), each computed once.

Every `{{ value }}` in a Markdown template is escaped for Markdown and HTML by default
(the environment's `finalize`); only fragments the page modules build themselves are
marked safe with `Markup` (links between pages, sanitized descriptions, network HTML).
HTML fragments come from autoescaping templates."""

from __future__ import annotations

import functools
import html
import json
import os
import pickle
import re
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Collection, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markdown.extensions.toc import slugify, strip_tags, unique
from markupsafe import Markup, escape

from builder import TEMPLATES
from builder.model import Corpus, EDate, Entity, Relation
from builder.network.render import NetworkRenderer, json_data
from builder.network.select import WALK_DEGREE
from builder.pages.evidence import Sources
from builder.pages.items import Item, by_actor, timeline
from builder.pages.text import md_inline, text_html
from builder.paths import Iris, page_src, page_url, relative_md, relative_url
from builder.read.themes import Theme, themes_of


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md_inline(value)


# The environments are kept for the process's life: the preview's every build would
# otherwise compile every template again (Jinja reloads a template whose file changed).
@functools.lru_cache(maxsize=1)
def template_environment() -> Environment:
    """For Markdown pages: every value escaped for Markdown and HTML unless marked safe."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, finalize=_finalize,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["json_data"] = json_data
    env.globals["placeholder"] = placeholder
    env.filters["yaml_string"] = lambda text: Markup(json.dumps(str(text), ensure_ascii=False)
                                                     .replace("<", "\\u003c").replace(">", "\\u003e"))
    return env


@functools.lru_cache(maxsize=1)
def html_environment() -> Environment:
    """For HTML and XML fragments: everything is escaped unless marked safe."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["json_data"] = json_data
    env.filters["text"] = lambda value: value if isinstance(value, Markup) else text_html(value)
    env.globals["placeholder"] = placeholder
    return env


def fence(text: str, language: str) -> Markup:
    """A fenced code block that no backtick run inside the text can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marker = "`" * max(3, longest + 1)
    return Markup(f"{marker}{language}\n{text.rstrip()}\n{marker}")


PART = re.compile(r'<div class="pg-part" data-part="([a-z0-9-]+)"></div>')


@functools.lru_cache(maxsize=None)
def placeholder(name: str) -> Markup:
    """Marks where a pre-rendered part goes; Python-Markdown passes this block through."""
    return Markup('<div class="pg-part" data-part="{}"></div>').format(name)


HEAD_PART = "head"  # goes at the end of the page's <head>, not in a placeholder


def fill_parts(html: str, parts: dict[str, bytes] | StoredParts) -> str:
    """Put a page's pre-rendered HTML parts (UTF-8) in place of their placeholders, and its
    head part (machine-readable links and data) at the end of its <head>."""
    if isinstance(parts, StoredParts):
        parts = parts.load()
    html = PART.sub(lambda m: parts[m.group(1)].decode() if m.group(1) in parts else m.group(0), html)
    if HEAD_PART in parts:
        html = html.replace("</head>", parts[HEAD_PART].decode() + "</head>", 1)
    return html


def show_date(value: EDate | None) -> str:
    return "" if value is None else value.shown()


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


class Heading(NamedTuple):
    level: int
    id: str
    name: str  # its text, as HTML


class Body(NamedTuple):
    """A page written as HTML by a template rather than as Markdown: what MkDocs would
    have made of the Markdown, its content (or where it was written: PartsFile) and its
    headings (for the table of contents)."""

    html: str | StoredText
    headings: tuple[Heading, ...]


class Headings:
    """A page's headings as Python-Markdown's toc extension (as mkdocs.yml configures it)
    writes them: ids from the text, made unique in the page's order, and a permalink.
    Called by a template in document order; collects them for the table of contents."""

    def __init__(self) -> None:
        self.found: list[Heading] = []
        self.ids: set[str] = set()

    def __call__(self, level: int, text: str) -> Markup:
        shown, name, slug = _heading_text(text)
        anchor = unique(slug, self.ids)
        self.found.append(Heading(level, anchor, name))
        anchor = escape(anchor)  # an f-string: Markup.format's escaping formatter was most of a heading's time
        return Markup(f'<h{level:d} id="{anchor}">{shown}<a class="headerlink" href="#{anchor}" '
                      f'title="Permanent link">&para;</a></h{level:d}>')


@functools.lru_cache(maxsize=1024)  # section titles and relation labels recur on every page
def _heading_text(text: str) -> tuple[Markup, str, str]:
    """A heading's text as HTML, as the table of contents names it, and its id before
    it is made unique."""
    shown = text_html(text)
    name = strip_tags(shown)
    return shown, name, slugify(html.unescape(name), "-")


@dataclass
class Page:
    """A page's Markdown (or only its front matter, if its body is written as HTML), its
    pre-rendered HTML parts (UTF-8) by part name, or where they were written (PartsFile),
    and whether the site's navigation lists it (entity pages and reference pages are
    reached by links)."""

    markdown: str
    parts: dict[str, bytes] | StoredParts = field(default_factory=dict)
    listed: bool = True
    body: Body | None = None


class StoredParts(NamedTuple):
    """Where a page's parts were written: read back when MkDocs writes the page."""

    path: str
    offset: int
    length: int

    def load(self) -> dict[str, bytes]:
        return pickle.loads(_read_back(self.path, self.offset, self.length))


class StoredText(NamedTuple):
    """Where a page's body was written (UTF-8): read back when MkDocs renders the page."""

    path: str
    offset: int
    length: int

    def load(self) -> str:
        return _read_back(self.path, self.offset, self.length).decode()


def _read_back(path: str, offset: int, length: int) -> bytes:
    """What PartsFile wrote at `offset` of `path`."""
    with open(path, "rb") as stream:
        return os.pread(stream.fileno(), length, offset)


class PartsFile:
    """Pages' parts written to files of `folder` as the pages are rendered (by each
    process to its own: the forked renderers too), so that a build does not hold every
    page's parts until MkDocs writes the page: most of a page's bytes, gigabytes at
    100,000 entities. Its body too (site/files.HtmlPage reads it when MkDocs asks for
    it): MkDocs would hold every page's otherwise, from the first page it renders to the
    last it writes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stream = None
        self._pid: int | None = None

    def keep(self, pages: dict[str, Page]) -> dict[str, Page]:
        """The pages, their parts and bodies written and replaced by where they are."""
        for page in pages.values():
            if isinstance(page.parts, dict) and page.parts:
                data = pickle.dumps(page.parts, protocol=pickle.HIGHEST_PROTOCOL)
                page.parts = StoredParts(*self._write(data))
            if page.body is not None and isinstance(page.body.html, str):
                page.body = page.body._replace(html=StoredText(*self._write(page.body.html.encode())))
        return pages

    def _write(self, data: bytes) -> tuple[str, int, int]:
        stream = self._own_stream()
        where = (stream.name, stream.tell(), len(data))
        stream.write(data)
        return where

    def _own_stream(self):
        if self._pid != os.getpid():
            self._stream, self._pid = open(self.folder / f"parts-{os.getpid()}", "ab"), os.getpid()  # noqa: SIM115
        return self._stream

    def flush(self) -> None:
        if self._stream is not None and self._pid == os.getpid():
            self._stream.flush()

    def remove(self) -> None:
        if self._stream is not None and self._pid == os.getpid():
            self._stream.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# Rows handed to the HTML templates are named tuples, not dicts: Jinja reads `row.x`
# with getattr first, and a dict pays for a raised AttributeError on every access
# (millions of them at 10,000 entities).
class TimelineRow(NamedTuple):
    when: EDate
    shown: str
    title: str
    summary: str
    href: str
    themes: list[str]
    actor_names: list[str]
    status: str


class MadeTimeline(NamedTuple):
    """A timeline page's list of items as one build rendered it (Context.period_timeline_html)."""

    items: list[Item]
    theme_index: dict[str, list[str]]
    html: Markup


class MadeRow(NamedTuple):
    """An entity's row of its kind's index, and what it shows (indexes.kind_index)."""

    shown: tuple
    row: tuple


class MadeIndex(NamedTuple):
    """A kind's index page, and the rows it was made from (indexes.kind_index)."""

    rows: list[tuple]
    page: Page


def same_objects(kept: list, now: list) -> bool:
    """Whether two lists hold the very same objects, in order (what Made's pieces were
    made from, against what they would be made from now)."""
    return len(kept) == len(now) and all(a is b for a, b in zip(kept, now))


@dataclass
class Made:
    """What one rendering of the pages made that the preview's next build may reuse, each
    piece only if what it was made from is the same: each entity's dated items (see
    site/preview.stale_items and items.timeline), the timeline in order, its index by
    actor and its periods (if the timeline is the very same list), the timeline pages'
    lists and the kinds' index pages (if they list the very same items or rows, objects
    kept from that build), the kinds' index rows (if they show the same values)."""

    items: dict[str, list[Item]] = field(default_factory=dict)
    timeline: list[Item] | None = None
    by_actor: dict[str, list[Item]] | None = None
    periods: tuple | None = None  # (timeline, limit, its periods): pages.timeline.timeline_pages
    timelines: dict[str, MadeTimeline] = field(default_factory=dict)
    index_rows: dict[str, MadeRow] = field(default_factory=dict)
    indexes: dict[str, MadeIndex] = field(default_factory=dict)


class Context:
    """The shared state of one rendering of the site's pages."""

    def __init__(self, corpus: Corpus, site_url: str, *, changed: dict[str, str] | None = None,
                 edit_url_base: str | None = None, file_prefix: str = "entities/",
                 themes: list[Theme] | None = None, last: Made | None = None,
                 stale_items: Collection[str] = ()) -> None:
        self.corpus = corpus
        # what the preview's last build made, and what this one makes: the last build's
        # items but those of the entities in `stale_items` (site/preview.stale_items), with
        # the others added
        self.last = last or Made()
        self.made = Made(items={i: items for i, items in self.last.items.items() if i not in stale_items})
        self.v = corpus.vocabulary
        self.themes = themes or []
        self.theme_index = themes_of(self.themes)
        self.changed = changed or {}
        self.edit_url_base = edit_url_base.rstrip("/") + "/" if edit_url_base else None
        self.file_prefix = file_prefix
        self.iris = Iris.for_site(site_url)
        self.env = template_environment()
        self.html_env = html_environment()
        self.networks = NetworkRenderer(corpus)
        self.sources = Sources(corpus)
        self.templates: dict[str, Template] = {}
        self.parts_macros = self.template("entity_parts.html.j2").module

    def warm(self) -> None:
        """Build the indexes every page reads now (before forking renderers, so that no
        process builds its own)."""
        self.corpus.build_indexes()
        self.items_by_actor, self.name_rank, self.see_also_neighbours  # noqa: B018

    # -- indexes -------------------------------------------------------------------

    @cached_property
    def items(self) -> list[Item]:
        self.made.timeline = timeline(self.corpus, self.made.items, self.last.items, self.last.timeline)
        return self.made.timeline

    @cached_property
    def items_by_actor(self) -> dict[str, list[Item]]:
        same = self.items is self.last.timeline and self.last.by_actor is not None
        self.made.by_actor = self.last.by_actor if same else by_actor(self.items)
        return self.made.by_actor

    @cached_property
    def see_also_neighbours(self) -> dict[str, tuple[str, ...]]:
        """Entity id -> its neighbours that may be suggested (not sources), for every entity
        that is not a hub: sharing a hub says little."""
        degree = self.corpus.degrees
        return {i: tuple(n for n in self.corpus.neighbours(i) if n not in self.source_ids)
                for i in self.corpus.entities if degree[i] <= WALK_DEGREE}

    @cached_property
    def name_order(self) -> list[str]:
        """Entity ids in name order (lowercased name, then id)."""
        return [e.id for e in sorted(self.corpus.entities.values(), key=lambda e: (e.name.lower(), e.id))]

    @cached_property
    def name_rank(self) -> dict[str, int]:
        """Entity id -> its place in name order."""
        return {entity_id: rank for rank, entity_id in enumerate(self.name_order)}

    @cached_property
    def source_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.corpus.sources())

    # -- helpers -------------------------------------------------------------------

    def template(self, name: str) -> Template:
        """A template, looked up once per rendering (a lookup checks the file's time, and
        entity pages are thousands): Markdown ones (`.md.j2`) escape for Markdown and
        HTML, the others autoescape HTML."""
        template = self.templates.get(name)
        if template is None:
            env = self.env if name.endswith(".md.j2") else self.html_env
            template = self.templates[name] = env.get_template(name)
        return template

    def link(self, from_src: str, entity: Entity) -> Markup:
        return Markup(relative_md(from_src, page_src(entity)))

    def type_label(self, entity: Entity) -> str:
        base = self.v.types[entity.type].label.site
        return f"{base} › {self.v.types[entity.subtype].label.site}" if entity.subtype else base

    def facts(self, entity: Entity) -> list[tuple[str, object]]:
        """The type's keys the entity has, labelled and shown as their kind shows them."""
        rows = []
        for key in self.v.types[entity.type].keys:
            value = entity.facts.get(key)
            if value is not None:
                rows.append((key.replace("_", " ").capitalize(), self.v.keys[key].value_kind.show(value)))
        return rows

    def evidence_html(self, relation: Relation, url: str) -> Markup:
        """A claim's evidence as the page at `url` shows it."""
        return self.parts_macros.evidence([self.sources.evidence(c, url) for c in relation.citations])

    def period_timeline_html(self, items: list[Item], from_page: str) -> Markup:
        """`timeline_html` for a timeline page, or the HTML the preview's last build made
        for that page if it listed the very same items (item objects are kept between
        builds unless an entity they concern changed: see site/preview.kept_items) and
        the entities' themes are the same."""
        made = self.last.timelines.get(from_page)
        if made is not None and made.theme_index == self.theme_index and same_objects(made.items, items):
            html = made.html
        else:
            html = self.timeline_html(items, from_page)
        self.made.timelines[from_page] = MadeTimeline(items, self.theme_index, html)
        return html

    def timeline_html(self, items: list[Item], from_page: str) -> Markup:
        rows = []
        for item in reversed(items):
            href = relative_url(from_page, page_url(item.entity)) + (f"#{item.anchor}" if item.anchor else "")
            themes = sorted({t for actor in item.actors for t in self.theme_index.get(actor, [])})
            status = item.status or self.v.default_status
            rows.append(TimelineRow(
                when=item.when, shown=show_date(item.when) + (f" → {show_date(item.end)}" if item.end else ""),
                title=item.title, summary=item.summary, href=href, themes=themes,
                actor_names=[self.corpus[a].name for a in item.actors],
                status="" if status == self.v.default_status else status))
        return Markup(self.template("timeline.html.j2").render(items=rows))
