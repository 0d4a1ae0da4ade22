"""The site's generated pages, as Markdown for MkDocs, one module per family: entity
articles (entity.py), indexes, home, coverage and explorer (indexes.py), the timeline
and its feed (timeline.py), themes (themes.py), and the researchers' reference pages
(reference.py). Each page function returns a `Page`: its Markdown (entity articles:
their front matter, and their body as HTML), and the HTML parts put in after MkDocs
renders it (see context.fill_parts)."""

from __future__ import annotations

from dataclasses import dataclass

from builder.pages import indexes, reference, themes, timeline
from builder.pages.context import Body, Context, Page
from builder.pages.parallel import SharedRendering
from builder.paths import THEMES_INDEX, kind_index_src, theme_src


@dataclass
class Rendered:
    """Pages by Markdown source path, their parts and their bodies written as HTML by
    the same path, and the pages the navigation does not list."""

    markdown: dict[str, str]
    parts: dict[str, dict[str, bytes]]
    unlisted: set[str]
    bodies: dict[str, Body]


def render_pages(ctx: Context, only: set[str] | None = None, workers: int = 1) -> Rendered:
    """Every generated page (of entities, only those in `only` if given: see
    site/preview.py), entity pages first. With `workers` > 1, forked processes render
    entity pages while this one renders the others; who renders what changes no byte."""
    ids = [e.id for e in ctx.corpus.entities.values() if only is None or e.id in only]
    with SharedRendering(ctx, ids, workers) as shared:
        others = other_pages(ctx)
        entity_pages = shared.finish()
    markdown = {src: page.markdown for src, page in entity_pages.items()}
    markdown.update({src: page.markdown for src, page in others.items()})
    every = {**entity_pages, **others}
    parts = {src: page.parts for src, page in every.items() if page.parts}
    return Rendered(markdown, parts, {src for src, page in every.items() if not page.listed},
                    {src: page.body for src, page in every.items() if page.body is not None})


def other_pages(ctx: Context) -> dict[str, Page]:
    """The pages that are not an entity's: indexes, home, timeline, themes..."""
    pages = {kind_index_src(kind): indexes.kind_index(ctx, kind) for kind in ctx.v.kinds}
    pages["index.md"] = indexes.home(ctx)
    pages["explorer.md"] = Page(indexes.explorer(ctx))
    pages["vocab.md"] = Page(reference.vocabulary_page(ctx))
    pages["vocab/shapes.md"] = Page(reference.shapes_page(ctx), listed=False)
    pages["data/index.md"] = Page(reference.dataset_page(ctx), listed=False)
    pages.update(timeline.timeline_pages(ctx))
    pages["coverage.md"] = Page(indexes.coverage(ctx))
    pages[THEMES_INDEX] = Page(themes.themes_index(ctx))
    for theme in ctx.themes:
        pages[theme_src(theme.id)] = Page(themes.theme_page(ctx, theme))
    return pages
