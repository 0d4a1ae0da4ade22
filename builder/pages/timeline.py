"""The timeline page (every dated item, filterable by theme and actor) and the RSS feed
of the newest items."""

from __future__ import annotations

import datetime
import email.utils

from builder.model import EDate
from builder.pages.context import Context
from builder.paths import page_url


def timeline_page(ctx: Context) -> str:
    return ctx.env.get_template("timeline.md.j2").render(
        count=len(ctx.items), themes=ctx.themes, timeline=ctx.timeline_html(ctx.items, "timeline/"))


def rfc822(value: EDate) -> str:
    """An RSS date for the first day the date can mean (deterministic: no clock)."""
    day = datetime.date.fromisoformat(value.earliest)
    return email.utils.format_datetime(datetime.datetime(day.year, day.month, day.day,
                                                         tzinfo=datetime.timezone.utc))


def feed(ctx: Context, limit: int = 30) -> str:
    newest = sorted(ctx.items, key=lambda item: item.key, reverse=True)[:limit]
    rows = [{"title": item.title, "description": item.summary or item.entity.summary,
             "link": f"{ctx.iris.site_url}{page_url(item.entity)}" + (f"#{item.anchor}" if item.anchor else ""),
             "pub_date": rfc822(item.when)} for item in newest]
    return ctx.html_env.get_template("feed.xml.j2").render(items=rows, site_url=ctx.iris.site_url)
