"""The timeline (every dated item, filterable by theme and actor; split by period at
scale) and the RSS feed of the newest items."""

from __future__ import annotations

import datetime
import email.utils
import heapq
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from markupsafe import Markup
from mkdocs.utils import get_relative_url

from builder.model import EDate
from builder.pages.context import Context, Page
from builder.pages.items import Item
from builder.paths import (
    TIMELINE,
    page_folder,
    page_url,
    relative_md,
    relative_url,
    timeline_src,
    timeline_url,
)

# Above this many dated items the timeline is a page per year, and a year of more items
# than this a page per month: every item on one page would not fit a reader's browser.
TIMELINE_PAGE_ITEMS = 2_000


@dataclass(frozen=True)
class Period:
    label: str  # "2024" or "2024-03"; "" when the timeline is one page
    src: str
    items: list[Item]


def periods(items: list[Item], limit: int) -> list[Period]:
    """The timeline's pages, newest first: one page when it holds at most `limit` items;
    else one a year, and for a year of more than `limit` items one a month (its items
    dated to the year only on a page of their own, labelled by the year). The newest
    period's page is the timeline's own."""
    if len(items) <= limit:
        return [Period("", TIMELINE, items)]
    years: dict[str, list[Item]] = {}
    for item in items:
        years.setdefault(item.when.text[:4], []).append(item)
    groups: dict[str, list[Item]] = {}
    for year, dated in years.items():
        if len(dated) <= limit:
            groups[year] = dated
            continue
        for item in dated:
            groups.setdefault(item.when.text[:4] if item.when.precision == "year" else item.when.text[:7],
                              []).append(item)
    labels = sorted(groups, reverse=True)
    return [Period(label, TIMELINE if i == 0 else timeline_src(label), groups[label]) for i, label in enumerate(labels)]


def timeline_pages(ctx: Context, limit: int | None = None) -> dict[str, Page]:
    """The timeline (every dated item, filterable by theme and actor), by source path;
    only its first page in the navigation."""
    limit = TIMELINE_PAGE_ITEMS if limit is None else limit
    last = ctx.last.periods
    split = last[2] if last and last[0] is ctx.items and last[1] == limit else periods(ctx.items, limit)
    ctx.made.periods = (ctx.items, limit, split)
    split_years = {p.label[:4] for p in split if len(p.label) == 7}
    years: list[dict] = []  # the periods a year at a time, newest first, for every page's list
    for p in split if len(split) > 1 else []:
        year = p.label[:4]
        if not years or years[-1]["year"] != year:
            years.append({"year": year, "split": year in split_years, "periods": []})
        shown = p.label[5:] if len(p.label) == 7 else "year only" if year in split_years else p.label
        years[-1]["periods"].append({"period": p, "shown": shown, "count": len(p.items),
                                     "label": f"{p.label}, dated to the year only" if shown == "year only" else p.label})
    pages = {}
    lines: dict[tuple[str, int], Markup] = {}
    for period in split:
        at = timeline_url(period.src)
        # the periods and the items are HTML parts: Python-Markdown would walk them on every
        # page, and the preview re-renders every page when a count changes
        # (the list last on the page: without its last newline, as Python-Markdown ends a page)
        parts = {"timeline": ctx.period_timeline_html(period.items, at).rstrip("\n")}
        if years:
            parts["periods"] = periods_list(ctx, years, period, lines)
        pages[period.src] = Page(ctx.template("timeline.md.j2").render(
            title="Timeline" if period.src == TIMELINE else f"Timeline: {period.label}",
            count=len(period.items), total=len(ctx.items), period=period, years=years,
            feed=relative_md(period.src, "feed.xml"), script=relative_url(at, "assets/timeline.js"),
            themes=ctx.themes), {name: str(html).encode() for name, html in parts.items()},
            listed=period.src == TIMELINE)
    return pages


class PeriodLink(NamedTuple):
    shown: str
    label: str
    count: int
    href: str
    here: bool


def periods_list(ctx: Context, years: list[dict], page: Period, made: dict[tuple[str, int], Markup]) -> Markup:
    """The periods' list of a timeline page: a line per year. A year without the page's
    own period has the same line on every page of a folder: made once, kept in `made`
    (by folder and year) for the next page (hundreds of pages list hundreds of periods)."""
    at = timeline_url(page.src)
    folder = page_folder(at)
    lines = []
    for index, year in enumerate(years):
        mine = any(p["period"] is page for p in year["periods"])
        line = None if mine else made.get((folder, index))
        if line is None:
            line = ctx.parts_macros.timeline_year(year, [PeriodLink(
                p["shown"], p["label"], p["count"], get_relative_url(timeline_url(p["period"].src), at),
                p["period"] is page) for p in year["periods"]])
            if not mine:
                made[(folder, index)] = line
        lines.append(line)
    return ctx.parts_macros.timeline_periods(lines)


def rfc822(value: EDate) -> str:
    """An RSS date for the first day the date can mean (deterministic: no clock)."""
    day = datetime.date.fromisoformat(value.earliest)
    return email.utils.format_datetime(datetime.datetime(day.year, day.month, day.day,
                                                         tzinfo=datetime.timezone.utc))


def feed(ctx: Context, limit: int = 30) -> str:
    newest = heapq.nlargest(limit, ctx.items, key=attrgetter("key"))
    # an item kept from the preview's last build may hold its entity as it was then
    rows = [{"title": item.title, "description": item.summary or ctx.corpus[item.entity.id].summary,
             "link": f"{ctx.iris.site_url}{page_url(item.entity)}" + (f"#{item.anchor}" if item.anchor else ""),
             "pub_date": rfc822(item.when)} for item in newest]
    return ctx.template("feed.xml.j2").render(items=rows, site_url=ctx.iris.site_url)
