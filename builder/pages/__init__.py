"""The site's generated pages, as Markdown for MkDocs, one module per family: entity
articles (entity.py), indexes, home, coverage and explorer (indexes.py), the timeline
and its feed (timeline.py), themes (themes.py), and the researchers' reference pages
(reference.py). Each page function returns a `Page`: its Markdown (entity articles:
their front matter, and their body as HTML), and the HTML parts put in after MkDocs
renders it (see context.fill_parts)."""

from __future__ import annotations

from dataclasses import dataclass

from builder.pages import indexes, reference, themes, timeline
from builder.pages.context import Context, Page, PartsFile
from builder.pages.parallel import SharedRendering
from builder.paths import THEMES_INDEX, kind_index_src, theme_src


@dataclass
class Rendered:
    """The pages by Markdown source path, entity pages first."""

    pages: dict[str, Page]

    @property
    def markdown(self) -> dict[str, str]:
        return {src: page.markdown for src, page in self.pages.items()}

    @property
    def parts(self) -> dict[str, dict[str, bytes]]:
        return {src: page.parts for src, page in self.pages.items() if page.parts}


def render_pages(ctx: Context, only: set[str] | None = None, workers: int = 1,
                 spill: PartsFile | None = None) -> Rendered:
    """Every generated page (of entities, only those in `only` if given: see
    site/preview.py), entity pages first. With `workers` > 1, forked processes render
    entity pages while this one renders the others; who renders what changes no byte.
    With a `spill`, the entity pages' parts are written to it as they are rendered."""
    ids = [e.id for e in ctx.corpus.entities.values() if only is None or e.id in only]
    with SharedRendering(ctx, ids, workers, spill) as shared:
        others = other_pages(ctx)
        entity_pages = shared.finish()
    return Rendered({**entity_pages, **others})


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
