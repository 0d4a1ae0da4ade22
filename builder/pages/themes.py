"""Theme pages (a story's network, timeline and entities) and their index."""

from __future__ import annotations

from markupsafe import Markup

from builder.pages.context import Context
from builder.pages.items import concerning
from builder.paths import from_page, theme_network_file, theme_src, theme_url
from builder.read.themes import Theme


def themes_index(ctx: Context) -> str:
    rows = [{"theme": t, "link": Markup(f"{t.id}.md"), "members": len(t.members),
             "dated": len(concerning(ctx.items, set(t.members)))} for t in ctx.themes]
    return ctx.env.get_template("themes_index.md.j2").render(rows=rows)


def theme_page(ctx: Context, theme: Theme) -> str:
    src, url = theme_src(theme.id), theme_url(theme.id)
    members = [ctx.corpus[m] for m in theme.members]
    network = ctx.networks.figure(  # its data file comes from the data process
        src=from_page(theme_network_file(theme.id)), height="560px",
        caption=f"Network of the theme {theme.title}: {len(members)} entities.")
    corpus = ctx.corpus
    rows = [{"entity": e, "link": ctx.link(src, e), "type": ctx.type_label(e), "degree": corpus.degree(e.id)}
            for e in sorted(members, key=lambda e: (-corpus.degree(e.id), e.name.lower()))]
    return ctx.env.get_template("theme.md.j2").render(
        theme=theme, members=rows, network=network,
        seeds=[{"name": corpus[s].name, "link": ctx.link(src, corpus[s])} for s in theme.seeds],
        timeline=ctx.timeline_html(concerning(ctx.items, set(theme.members)), url))
