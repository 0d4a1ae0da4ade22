"""Readers' pages in headless Chromium, at desktop and phone sizes: the explorer's
filters, search and clicks, the timeline and its filters, a theme page, two-hop ego
networks, sortable and filterable tables, and the RSS feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from email.utils import parsedate_to_datetime

import pytest

from builder.pipeline import load_corpus
from builder.read.themes import load_themes

from conftest import ROOT, show_networks

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "entities", root=ROOT)


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser):
    context = browser.new_context(viewport=SIZES[request.param], is_mobile=request.param == "phone",
                                  has_touch=request.param == "phone")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def open_explorer(page, base):
    page.goto(base + "explorer/")
    page.wait_for_selector("#pg-explorer[data-drawn-ms]", state="attached", timeout=30000)


def visible(page) -> tuple[int, int]:
    return (int(page.get_attribute("#pg-explorer", "data-visible-nodes")),
            int(page.get_attribute("#pg-explorer", "data-visible-edges")))


def test_explorer_filters(sized_page, real_site, serve, corpus):
    page = sized_page
    open_explorer(page, serve(real_site))
    nodes, edges = visible(page)
    drawn = {r.subject for r in corpus.relations} | {r.target for r in corpus.relations}
    assert (nodes, edges) == (len(drawn), len(corpus.relations))
    assert not page.is_visible(".pg-explorer-types")  # the graph first: the filters are folded away
    page.click(".pg-explorer-filters summary")
    people = sum(1 for i in drawn if corpus[i].kind == "people")
    page.uncheck(".pg-explorer-types input[value='person']")
    assert visible(page)[0] == nodes - people
    # a hidden entity's relations go with it
    assert visible(page)[1] == sum(1 for r in corpus.relations
                                   if corpus[r.subject].kind != "people" and corpus[r.target].kind != "people")
    page.check(".pg-explorer-types input[value='person']")
    page.select_option(".pg-explorer-predicates", ["investigates"])
    assert visible(page)[1] == sum(1 for r in corpus.relations if r.predicate == "investigates")
    page.select_option(".pg-explorer-predicates", [p for p in {r.predicate for r in corpus.relations}])
    page.uncheck(".pg-explorer-undated")
    assert visible(page)[1] == sum(1 for r in corpus.relations if r.dates)
    ranges = page.locator(".pg-explorer-range")
    ranges.nth(1).fill("0")
    assert visible(page)[1] < sum(1 for r in corpus.relations if r.dates)
    ranges.nth(1).fill(ranges.nth(1).get_attribute("max"))
    page.check(".pg-explorer-undated")
    before = visible(page)
    assert before == (nodes, edges)
    page.check(".pg-explorer-hubs")
    after = visible(page)
    assert after[0] < before[0] and after[1] < before[1]  # hiding hubs hides their relations too


def test_explorer_search_focuses_and_opens(sized_page, real_site, serve):
    page = sized_page
    open_explorer(page, serve(real_site))
    page.fill(".pg-explorer-search", "David Sacks")
    page.press(".pg-explorer-search", "Enter")
    page.wait_for_selector("#pg-explorer[data-focused='david-sacks']", state="attached")
    assert "David Sacks" in page.inner_text(".pg-explorer-found")
    assert page.evaluate("window.policygraph.explorer.network.getSelectedNodes()") == ["david-sacks"]
    page.focus("#pg-explorer .pg-network-canvas")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/people/david-sacks/$"))


def test_explorer_node_click_opens_page(page, real_site, serve):
    open_explorer(page, serve(real_site))
    page.fill(".pg-explorer-search", "Capgemini")
    page.press(".pg-explorer-search", "Enter")
    page.wait_for_selector("#pg-explorer[data-focused='capgemini']", state="attached")
    page.evaluate("window.policygraph.explorer.canvas.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(600)
    point = page.evaluate("""() => {
        const e = window.policygraph.explorer;
        const dom = e.network.canvasToDOM(e.network.getPositions(['capgemini']).capgemini);
        const rect = e.canvas.getBoundingClientRect();
        return {x: rect.left + dom.x, y: rect.top + dom.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r".*/organizations/capgemini/$"))


def test_timeline_order_and_filters(sized_page, real_site, serve, corpus):
    page = sized_page
    page.goto(serve(real_site) + "timeline/")
    page.wait_for_selector("#pg-timeline[data-ready='true']")
    dates = page.eval_on_selector_all(".pg-timeline-item", "items => items.map(i => i.dataset.date)")
    assert len(dates) > 20 and dates == sorted(dates, reverse=True)
    total = len(dates)
    page.select_option(".pg-timeline-theme", "surveillance-chatcontrol")
    shown = int(page.get_attribute("#pg-timeline", "data-shown"))
    assert 0 < shown < total
    page.select_option(".pg-timeline-theme", "")
    page.fill(".pg-timeline-actor", "sacks")
    texts = page.eval_on_selector_all(".pg-timeline-item:not([hidden])", "items => items.map(i => i.dataset.actors)")
    assert texts and all("david sacks" in t.lower() for t in texts)


def test_theme_page(sized_page, real_site, serve, corpus):
    page = sized_page
    page.goto(serve(real_site) + "themes/surveillance-chatcontrol/")
    show_networks(page)
    theme = next(t for t in load_themes(ROOT / "themes", corpus) if t.id == "surveillance-chatcontrol")
    assert page.evaluate("window.policygraph.networks[0].nodes.length") == len(theme.members)
    assert page.locator(".pg-timeline-item").count() > 0
    names = page.eval_on_selector_all("article table tbody tr td:first-child a", "as => as.map(a => a.textContent)")
    assert "Patrick Breyer" in names and len(names) == len(theme.members)


def test_entity_page_widens_to_two_hops_and_sorts(sized_page, real_site, serve):
    page = sized_page
    page.goto(serve(real_site) + "people/david-sacks/")
    show_networks(page)
    one = page.evaluate("window.policygraph.networks[0].view.length")
    page.click(".pg-network-widen")
    page.wait_for_selector("figure.pg-network[data-hops='2']")
    assert page.evaluate("window.policygraph.networks[0].view.length") > one
    page.click(".pg-relation-sort button[data-key='date']")
    dates = page.eval_on_selector_all("#holds-role-at-white-house ~ *, span.pg-rel", "s => s.map(x => x.dataset.date || '')")
    assert page.get_attribute(".pg-relation-sort", "data-sorted") == "date"
    assert dates
    assert page.locator("h2#see-also").count() == 1


def test_index_table_filters_and_sorts(sized_page, real_site, serve, corpus):
    page = sized_page
    page.goto(serve(real_site) + "organizations/")
    page.wait_for_selector(".pg-table-tools[data-ready='true']", state="attached")
    page.fill(".pg-filter", "government")
    rows = page.eval_on_selector_all("article table tbody tr:not([hidden])", "rs => rs.map(r => r.textContent)")
    assert rows and all("government" in r.lower() for r in rows)
    page.fill(".pg-filter", "")
    page.click("th:nth-child(5) .pg-sort")
    page.click("th:nth-child(5) .pg-sort")
    counts = page.eval_on_selector_all("article table tbody tr td:nth-child(5)", "cs => cs.map(c => +c.textContent)")
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == max(corpus.degree(e.id) for e in corpus.by_kind("organizations"))


def test_phone_pages_do_not_overflow(browser, real_site, serve):
    context = browser.new_context(viewport=SIZES["phone"], is_mobile=True)
    page = context.new_page()
    base = serve(real_site)
    for path in ("", "people/david-sacks/", "timeline/", "explorer/", "themes/grok-x-deepfakes/", "query/"):
        page.goto(base + path)
        page.wait_for_timeout(300)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    context.close()


def test_rss_feed(real_site):
    tree = ElementTree.parse(real_site / "feed.xml")
    items = tree.findall("./channel/item")
    assert 0 < len(items) <= 30
    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in items]
    assert dates == sorted(dates, reverse=True)
    assert all(item.findtext("link").startswith("https://policygraph.example.org/") for item in items)


def test_theme_files_are_checked_with_locations(tmp_path, corpus):
    from builder.errors import EntityErrors

    from conftest import write_tree
    write_tree(tmp_path, {"themes/bad.yaml": "title: T\nsummary: S.\nlead: [david-sacks, davd-sacks]\n"
                                             "members: [david-sacks, next-2025-12-02-david-sacks]\nmembres: []\n",
                          "themes/notes.txt": "x"})
    with pytest.raises(EntityErrors) as info:
        load_themes(tmp_path / "themes", corpus, root=tmp_path)
    assert [e.format() for e in info.value.errors] == [
        "themes/bad.yaml:3:21: unknown entity 'davd-sacks' in lead (did you mean 'david-sacks'?)",
        "themes/bad.yaml:4:11: 'david-sacks' is already a lead entity (list it once, under lead)",
        "themes/bad.yaml:4:24: 'next-2025-12-02-david-sacks' is a source (a story's members are people, "
        "organizations, laws, events and products)",
        "themes/bad.yaml:5:1: unknown theme key 'membres' (did you mean 'members'?)",
        "themes/notes.txt:1:1: not a theme file: the name must end in .yaml (theme files are themes/<id>.yaml)",
    ]


def test_a_theme_cannot_take_the_index_address(tmp_path, corpus):
    """themes/index.yaml would have replaced the themes index page; a title cannot carry
    a tab or a second line into the page, the tabs and the feed."""
    from builder.errors import EntityErrors

    from conftest import write_tree
    write_tree(tmp_path, {"themes/index.yaml": "title: Index\nsummary: S.\nlead: [david-sacks]\n",
                          "themes/tabbed.yaml": 'title: "A\\tB"\nsummary: S.\nlead: [david-sacks]\n'})
    with pytest.raises(EntityErrors) as info:
        load_themes(tmp_path / "themes", corpus, root=tmp_path)
    found = [e.format() for e in info.value.errors]
    assert found[0] == ("themes/index.yaml:1:1: invalid theme id 'index' (from the file name) "
                        "(use lowercase ASCII letters, digits and single hyphens (and not 'index'))")
    assert found[1].startswith("themes/tabbed.yaml:1:8: ") and "tab" in found[1], found


def test_themes_index_counts_members_and_dated_items(real_site, corpus):
    """The index table gives numbers (it once printed a dict method's repr, with a memory
    address that also made builds differ)."""
    from builder.pages.items import timeline, within
    html = (real_site / "themes/index.html").read_text(encoding="utf-8")
    assert "built-in method" not in html
    items = timeline(corpus)
    for theme in load_themes(ROOT / "themes", corpus):
        cells = re.search(rf'href="{theme.id}/">[^<]*</a></td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>', html)
        assert cells, theme.id
        assert (int(cells.group(1)), int(cells.group(2))) == (
            len(theme.members), len(within(items, set(theme.members))))


STORY_PAGES = ["people/david-sacks/", "organizations/capgemini/", "laws/loi-sren/", "laws/csar/",
               "organizations/openai/"]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_claim_shows_its_evidence_in_place(browser, real_site, serve, corpus, width):
    """On the story pages, each relation's quote, translation and source open from its own
    row, by click, Enter or tap, with no jump: the page does not scroll to elsewhere."""
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844},
                                  has_touch=width < 400, is_mobile=width < 400)
    page = context.new_page()
    base = serve(real_site)
    try:
        for path in STORY_PAGES:
            page.goto(base + path)
            rows = page.locator("ul.pg-claims > li")
            count = rows.count()
            entity = corpus[path.strip("/").split("/")[1]]
            expected = len(entity.relations) + len(corpus.incoming(entity.id))
            assert count == expected, path
            for index in range(count):
                row = rows.nth(index)
                details = row.locator("details.pg-evidence")
                summary = details.locator("summary")
                summary.scroll_into_view_if_needed()
                before = page.evaluate("window.scrollY")
                how = ("tap", "click", "enter")[index % 3] if width < 400 else ("click", "enter")[index % 2]
                if how == "tap":
                    summary.tap()
                elif how == "click":
                    summary.click()
                else:
                    summary.focus()
                    page.keyboard.press("Enter")
                assert details.get_attribute("open") is not None, (path, index, how)
                assert abs(page.evaluate("window.scrollY") - before) < 50, (path, index, "the page jumped")
                for quote in details.locator(".pg-quote").all():
                    blockquote = quote.locator("blockquote")
                    assert blockquote.is_visible() and blockquote.locator("mark").count() >= 1
                    language = blockquote.get_attribute("lang")
                    if language != "en":
                        assert quote.locator(".pg-translation").inner_text().startswith("Editors' translation:")
                    assert quote.locator("figcaption a").first.get_attribute("href")
    finally:
        context.close()


def test_timeline_sentences_never_repeat_an_actor_nor_an_item(corpus):
    """Each dated relation reads as its predicate's sentence; an actor named inside the
    other's name is referred back to, not repeated; an event's own item is not doubled
    by a relation saying the same on the same day; no item twice."""
    from builder.pages.items import sentence, timeline
    items = timeline(corpus)
    keys = [(i.when, i.title, i.entity.id) for i in items]
    assert len(keys) == len(set(keys))
    for item in (i for i in items if i.relation):
        subject, target = corpus[item.relation.subject], corpus[item.relation.target]
        for name in {subject.name, target.name}:
            assert item.title.count(name) <= 1 or subject.name == target.name, item.title
    titles = {i.title for i in items}
    assert "OpenAI reacts to Raine family lawsuit against it" in titles
    assert not any(t.startswith("Influence operation against Sanae Takaichi targets") for t in titles)
    assert not any(t.startswith("Amazon organizes Amazon layoffs") for t in titles)
    relation = next(r for r in corpus.relations if r.predicate == "proposed-by")
    french = sentence(corpus, relation, "fr")
    assert french.startswith(corpus[relation.target].names.get("fr", corpus[relation.target].name) + " propose ")


def test_the_home_page_opens_on_the_stories(sized_page, real_site, serve, corpus):
    """At least three stories in the first screen on a desktop, in the first two on a
    phone; each says how many actors and claims it holds and its latest dated item."""
    page = sized_page
    page.goto(serve(real_site))
    height = page.viewport_size["height"]
    screens = 1 if page.viewport_size["width"] > 800 else 2
    tops = page.eval_on_selector_all(".pg-story", "cards => cards.map(c => c.getBoundingClientRect().bottom)")
    themes = load_themes(ROOT / "themes", corpus)
    assert len(tops) == len(themes)
    assert sum(1 for bottom in tops if bottom <= screens * height) >= 3, tops
    meta = page.inner_text(".pg-story-meta >> nth=0")
    assert re.match(r"\d+ actors · \d+ claims", meta)
    assert re.search(r"\d+ sources dated \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}", page.inner_text(".pg-home-meta"))


def test_stories_are_in_the_menu(real_site, corpus):
    themes = load_themes(ROOT / "themes", corpus)
    home = (real_site / "index.html").read_text(encoding="utf-8")
    for theme in themes:
        assert f'href="themes/{theme.id}/"' in home, theme.id  # in the nav, hence the phone's drawer


def test_an_entity_page_opens_with_its_lead_and_shows_each_relation_once(real_site, corpus):
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.lead, self.rows, self.in_lead = [], [], False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "ul" and "pg-lead" in (attrs.get("class") or ""):
                self.in_lead = True
            elif tag == "ul" and self.in_lead:
                self.in_lead = False
            if tag == "span" and attrs.get("class") == "pg-rel":
                (self.lead if self.in_lead else self.rows).append(attrs.get("data-name"))

    for entity_id in ("openai", "david-sacks"):
        entity = corpus[entity_id]
        html = (real_site / entity.kind / entity_id / "index.html").read_text(encoding="utf-8")
        parser = Rows()
        parser.feed(html)
        expected = len(entity.relations) + len(corpus.incoming(entity_id))
        assert 3 <= len(parser.lead) <= 6
        assert len(parser.lead) + len(parser.rows) == expected  # every relation, once
        assert html.index('id="in-brief"') < html.index("<table")  # the lead comes before the infobox
        infobox = html.split("<table")[1].split("</table>")[0]
        assert "<td>Type</td>" not in infobox and "https://policygraph.example.org/" not in infobox
    openai = (real_site / "organizations/openai/index.html").read_text(encoding="utf-8")
    assert "Led by:</span>" in openai.split('id="in-brief"')[1].split("</ul>")[0]


def test_kind_indexes_date_every_row_they_can(real_site):
    people = (real_site / "people/index.html").read_text(encoding="utf-8")
    assert "<th>Latest dated item</th>" in people
    events = (real_site / "events/index.html").read_text(encoding="utf-8")
    assert "<th>Date</th>" in events


def test_lists_in_sentences_keep_their_spaces(real_site):
    """Separators written by the templates between listed items keep their spaces (the
    Markdown environment trims every value it prints, so they are template text)."""
    theme = (real_site / "themes/grok-x-deepfakes/index.html").read_text(encoding="utf-8")
    assert re.search(r"The story of <a [^>]+>[^<]+</a>, <a [^>]+>[^<]+</a>, .* and <a ", theme)
    sparql = (real_site / "sparql/index.html").read_text(encoding="utf-8")
    assert "<code>reported</code> &gt; <code>alleged</code>" in sparql
    assert re.search(r"<code>pg:\w+</code>, <code>pg:\w+</code>", sparql)
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"</a> · <a ", home)


@pytest.mark.site
def test_a_large_timeline_is_a_page_per_period(tmp_path, monkeypatch, page, serve):
    """Above TIMELINE_PAGE_ITEMS dated items the timeline is a page per year, and a year
    over the limit a page per month: every item on exactly one page, in its period, newest
    first; the newest period at timeline/; every page lists the periods (its own marked)
    and filters its items by actor."""
    from builder.dev.synthetic import generate
    from builder.pages import timeline as timelines
    from builder.pages.items import timeline

    from conftest import build
    limit = 25
    monkeypatch.setattr(timelines, "TIMELINE_PAGE_ITEMS", limit)
    entities = generate(tmp_path, 150, seed=3)
    items = timeline(load_corpus(entities, root=tmp_path))
    periods = timelines.periods(items, limit)
    assert len(items) > limit and len(periods) > 2
    assert any(len(p.label) == 7 for p in periods) and any(len(p.label) == 4 for p in periods)
    site = build(tmp_path, entities)
    url = serve(site)
    seen = []
    for period in periods:
        page.goto(url + ("timeline/" if period.src == "timeline.md" else f"timeline/{period.label}/"))
        page.wait_for_selector("#pg-timeline[data-ready='true']", state="attached")
        dates = page.eval_on_selector_all(".pg-timeline-item", "items => items.map(i => i.dataset.date)")
        assert dates == sorted(dates, reverse=True) and len(dates) == len(period.items)
        assert all(d.startswith(period.label) for d in dates)
        named = "as => as.map(a => [a.getAttribute('aria-label') || a.textContent, a.href])"
        current = page.eval_on_selector_all(".pg-timeline-periods a[aria-current='page']", named)
        assert len(current) == 1 and current[0][0].startswith(period.label) and current[0][1] == page.url
        listed = page.eval_on_selector_all(".pg-timeline-periods a", named)
        assert [name[:len(p.label)] for (name, _), p in zip(listed, periods)] == [p.label for p in periods]
        assert [href for _, href in listed] == [url + ("timeline/" if p.src == "timeline.md" else f"timeline/{p.label}/")
                                               for p in periods]
        seen += page.eval_on_selector_all(".pg-timeline-item a", "as => as.map(a => a.href)")
        assert len(dates) <= limit or len(period.label) == 7  # a month holds what it holds
    assert len(seen) == len(items) and page.title().startswith(f"Timeline: {periods[-1].label}")
    page.fill(".pg-timeline-actor", "zzz-nobody")
    assert page.get_attribute("#pg-timeline", "data-shown") == "0"
    assert page.text_content(".pg-timeline-count") == f"0 of {len(periods[-1].items)} items"
