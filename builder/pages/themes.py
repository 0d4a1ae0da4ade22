"""Theme pages (a story's network, timeline and entities) and their index."""

from __future__ import annotations

from markupsafe import Markup

from builder.pages.context import Context
from builder.pages.items import within
from builder.pages.text import sanitize_markdown
from builder.paths import from_page, theme_network_file, theme_src, theme_url
from builder.read.themes import Theme


def themes_index(ctx: Context) -> str:
    rows = [{"theme": t, "link": Markup(f"{t.id}.md"), "members": len(t.members),
             "dated": len(within(ctx.items, set(t.members)))} for t in ctx.themes]
    return ctx.template("themes_index.md.j2").render(rows=rows)


def theme_page(ctx: Context, theme: Theme) -> str:
    src, url = theme_src(theme.id), theme_url(theme.id)
    members = [ctx.corpus[m] for m in theme.members]
    network = ctx.networks.figure(  # its data file comes from the data process
        src=from_page(theme_network_file(theme.id)), height="560px",
        caption=f"Network of the theme {theme.title}: {len(members)} entities.")
    corpus = ctx.corpus
    rows = [{"entity": e, "link": ctx.link(src, e), "type": ctx.type_label(e), "degree": corpus.degree(e.id)}
            for e in sorted(members, key=lambda e: (-corpus.degree(e.id), e.name.lower()))]
    dated = within(ctx.items, set(theme.members))
    return ctx.template("theme.md.j2").render(
        theme=theme, members=rows, network=network, dated=len(dated),
        intro=Markup(sanitize_markdown(theme.intro)) if theme.intro else None,
        lead=[{"name": corpus[i].name, "link": ctx.link(src, corpus[i])} for i in theme.lead],
        timeline=ctx.timeline_html(dated, url) if dated else None)
