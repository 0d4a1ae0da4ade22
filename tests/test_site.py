"""Whole-site builds with MkDocs: pages, data, escaping, strictness and atomicity."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from builder.errors import BuildError
from builder.site.build import build_site

from conftest import MINI, ROOT, build, site_config, write_tree


def test_every_entity_has_a_page(mini_site):
    for path in sorted(MINI.glob("*/*.yaml")):
        assert (mini_site / path.parent.name / path.stem / "index.html").is_file(), path


def test_index_pages_and_data(mini_site):
    for kind in ("people", "organizations", "laws", "events", "products", "sources"):
        assert (mini_site / kind / "index.html").is_file()
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "vocabulary.ttl", "network.json", "void.ttl",
                 "shapes.ttl", "nodes.csv", "edges.csv", "graph.graphml", "graph.gexf"):
        assert (mini_site / "data" / name).stat().st_size > 100
    assert (mini_site / "assets/vendor/vis-network/vis-network.min.js").is_file()


def test_entity_page_content(mini_site):
    html = (mini_site / "people/ada-example/index.html").read_text(encoding="utf-8")
    assert "<h1 id=\"ada-example\">Ada Example" in html
    assert "Holds role at" in html and "Chief adviser" in html and "2025-01 → 2025-11-30" in html
    assert 'id="holds-role-at-demo-agency"' in html
    assert '<mark>elle conseille l’agence depuis janvier</mark>' in html
    assert "“she has been advising the agency since January”" in html
    assert 'href="../../sources/demo-2025-12-02-article/"' in html
    assert '<link rel="alternate describedby" type="text/turtle" href="../ada-example.ttl"' in html
    assert '"@id":"https://policygraph.example.org/people/ada-example/#id"' in html


def test_incoming_relations_read_with_the_inverse_label(mini_site):
    html = (mini_site / "organizations/demo-agency/index.html").read_text(encoding="utf-8")
    assert "Role held by" in html and "Adopted" in html
    assert 'href="../../people/ada-example/"' in html


def test_source_page_lists_the_claims_it_backs(mini_site):
    html = (mini_site / "sources/demo-2026-01-10-column/index.html").read_text(encoding="utf-8")
    assert "Claims this source backs" in html
    assert "<mark>the act is a mistake</mark>" in html
    assert "Jane Columnist" in html


class _NavLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "md-nav__link" in (attrs.get("class") or ""):
            self.hrefs.append(attrs.get("href") or "")


class _Attributes(HTMLParser):
    """Finds event-handler attributes and javascript: URLs in real markup (not in text)."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.script_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}.{name}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.script_urls.append(value)


def test_entity_pages_stay_out_of_the_nav(mini_site):
    parser = _NavLinks()
    parser.feed((mini_site / "index.html").read_text(encoding="utf-8"))
    assert "people/" in parser.hrefs and "vocab/" in parser.hrefs
    assert not [h for h in parser.hrefs if "ada-example" in h]


def test_no_external_resources(mini_site):
    for page in mini_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for marker in ("fonts.googleapis", "cdn.jsdelivr", "cdnjs.cloudflare", "unpkg.com"):
            assert marker not in text, (page, marker)


def test_contributor_markup_is_escaped(tmp_path, site_build):
    entities = write_tree(tmp_path / "in", {
        "entities/sources/s.yaml": "type: source\ntitle: 'T <script>alert(1)</script>'\npublisher: P\n"
                                   "date: 2025-01-01\nlanguage: en\n",
        "entities/sources/s.txt": "T <script>alert(1)</script>\nSaid: </script><script>alert(4)</script>.\n",
        "entities/people/p.yaml": (
            "type: person\nname: '<img src=x onerror=alert(1)>'\nsummary: '[x](javascript:alert(1)) {: onclick=x}'\n"
            "description: |\n  Hello <script>alert(2)</script> [bad](javascript:alert(3)) **bold**\n"
            "relations:\n  - predicate: works-for\n    target: o\n    role: '<b>r</b>'\n"
            "    sources:\n      - source: s\n        quote: '</script><script>alert(4)</script>'\n"),
        "entities/organizations/o.yaml": "type: organization\nname: O\nsummary: S.\n",
    }) / "entities"
    site = build(tmp_path, entities)
    html = (site / "people/p/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    scan = _Attributes()
    scan.feed(html)
    assert scan.handlers == [] and scan.script_urls == []
    assert "<strong>bold</strong>" in html
    assert "<title>&lt;img src=x onerror=alert(1)&gt; - policygraph</title>" in html
    assert "<h1 id=\"img-srcx-onerroralert1\">&lt;img src=x onerror=alert(1)&gt;" in html
    # the kind's index (an HTML part, not Markdown) shows the same text, as text
    index = (site / "people/index.html").read_text(encoding="utf-8")
    scan = _Attributes()
    scan.feed(index)
    assert scan.handlers == [] and scan.script_urls == [] and "<img src=x" not in index
    assert ('<td><a href="p/">&lt;img src=x onerror=alert(1)&gt;</a></td>\n<td>Person</td>\n'
            '<td>[x](javascript:alert(1)) {: onclick=x}</td>') in index


def test_bad_entities_stop_the_build_and_keep_the_old_site(tmp_path, site_build):
    entities = write_tree(tmp_path / "in", {"entities/people/p.yaml": "type: person\nname: P\n"}) / "entities"
    site = tmp_path / "site"
    write_tree(site, {"index.html": "previous site", ".policygraph-site": ""})
    with pytest.raises(BuildError) as info:
        build_site(site_config(tmp_path, entities), site)
    assert "entities/people/p.yaml:1:1: missing required key 'summary'" in str(info.value)
    assert (site / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "in", "mkdocs.yml", "site"]


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_builds_are_byte_identical(tmp_path, mini_site):
    again = build(tmp_path, MINI)
    assert _digest(again) == _digest(mini_site)


def _record_pids(monkeypatch, where: Path) -> None:
    """Each page MkDocs writes, each Pagefind run and each data process started, with the
    process that did it (and, for Pagefind, the processes that wrote pages still alive)."""
    import os

    from builder.site import plugin, search
    on_post_page, run, data_job_for = (plugin.PolicygraphPlugin.on_post_page, search._run,
                                       plugin.PolicygraphPlugin.data_job_for)

    def note(line: str) -> None:
        with open(where, "a") as stream:
            stream.write(line + "\n")

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def page_written(self, output, page, config):
        note(f"page {os.getpid()}")
        return on_post_page(self, output, page, config)

    def pagefind(*args):
        writers = {int(line.split()[1]) for line in where.read_text().splitlines() if line.startswith("page ")}
        note(f"search {os.getpid()} " + " ".join(str(pid) for pid in sorted(writers) if alive(pid)))
        return run(*args)

    def data_job(self, config, project):
        note(f"data {os.getpid()}")
        return data_job_for(self, config, project)
    monkeypatch.setattr(plugin.PolicygraphPlugin, "on_post_page", page_written)
    monkeypatch.setattr(plugin.PolicygraphPlugin, "data_job_for", data_job)
    monkeypatch.setattr(search, "_run", pagefind)


def test_mkdocs_runs_in_a_process_that_ends_before_the_search_is_made(tmp_path, monkeypatch, site_build):
    """Where it can fork, a build runs MkDocs in a forked process, and indexes the pages for
    search in its own once that one has ended, beside the data process it started itself
    (site/build.py): the same site, byte for byte, as MkDocs run in the build's process
    (where it cannot fork: here, as if another thread ran). A failure in MkDocs' process
    fails the build with MkDocs' message, its data process stopped, the old site kept."""
    import os

    from builder import processes
    config = site_config(tmp_path, MINI)
    sites = {}
    for threads in (1, 2):
        monkeypatch.setattr(processes.threading, "active_count", lambda threads=threads: threads)
        where = tmp_path / f"pids-{threads}"
        _record_pids(monkeypatch, where)
        sites[threads] = site_build(config, tmp_path / f"site-{threads}")
        pids = [line.split() for line in where.read_text().splitlines()]
        writers = {int(pid) for what, pid, *_ in pids if what == "page"}
        searches = [(int(pid), rest) for what, pid, *rest in pids if what == "search"]
        data = [int(pid) for what, pid, *_ in pids if what == "data"]
        assert searches and data == [os.getpid()]
        assert all(pid == os.getpid() for pid, _ in searches)
        if threads == 1:
            assert len(writers) == 1 and os.getpid() not in writers
            assert all(still == [] for _, still in searches)  # MkDocs' process had ended
        else:
            assert writers == {os.getpid()}
    assert _digest(sites[1]) == _digest(sites[2]) and len(_digest(sites[1])) > 100

    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)
    from builder.site import datajob
    started = []
    monkeypatch.setattr(datajob.DataJob, "__init__", lambda self, *args, __init__=datajob.DataJob.__init__, **kw:
                        started.append(self) or __init__(self, *args, **kw))
    docs = write_tree(tmp_path / "docs", {"about.md": "# About\n\n[broken](nowhere.md)\n"})
    config.write_text(config.read_text().replace(f"docs_dir: {ROOT / 'site_src'}", f"docs_dir: {docs}"))
    with pytest.raises(BuildError) as info:
        site_build(config, sites[1])
    assert "nowhere.md" in str(info.value) and "The build failed" in str(info.value)
    assert len(started) == 1 and started[0].process.poll() is not None and not started[0].work.exists()
    assert _digest(sites[1]) == _digest(sites[2])

    def full_disk(self, output, page, config):
        raise OSError(28, "No space left on device", "somewhere/index.html")
    monkeypatch.setattr("builder.site.plugin.PolicygraphPlugin.on_post_page", full_disk)
    with pytest.raises(BuildError) as info:
        site_build(site_config(tmp_path, MINI), sites[1])
    assert str(info.value).startswith("could not write the site: No space left on device (somewhere/index.html)")
    assert len(started) == 2 and not started[1].work.exists() and _digest(sites[1]) == _digest(sites[2])


def test_real_site_builds(real_site):
    assert (real_site / "index.html").is_file()
    assert (real_site / "data/graph.nt").is_file()


def test_edit_link_and_last_change_date(tmp_path, site_build):
    config = site_config(tmp_path, MINI)
    config.write_text(config.read_text() + "      edit_url_base: https://git.example.org/repo/edit/main/\n")
    site = build_site(config, tmp_path / "site")
    html = (site / "people/ada-example/index.html").read_text(encoding="utf-8")
    edit = "https://git.example.org/repo/edit/main/tests/fixtures/mini/entities/people/ada-example.yaml"
    assert f'<a href="{edit}" title="Edit this page" class="md-content__button md-icon" rel="edit">' in html
    assert "Source file: <code>tests/fixtures/mini/entities/people/ada-example.yaml</code>" in html
    # the fixture is committed: its date comes from git, not from the clock
    import re
    import subprocess
    date = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(MINI / "people/ada-example.yaml")],
                          capture_output=True, text=True, cwd=MINI).stdout.strip()
    if date:
        assert f"last changed {date}" in html
    else:
        assert "last changed" not in html and not re.search(r"last changed \d", html)


def test_no_dates_outside_git(tmp_path, site_build):
    entities = tmp_path / "elsewhere" / "entities"
    shutil.copytree(MINI, entities)
    site = build(tmp_path, entities)
    html = (site / "people/ada-example/index.html").read_text(encoding="utf-8")
    assert "Source file: <code>elsewhere/entities/people/ada-example.yaml</code>" in html
    assert "last changed" not in html


def test_coverage_page_counts_what_the_corpus_holds(mini_site):
    from builder.pipeline import load_corpus
    corpus = load_corpus(MINI, root=MINI.parent)
    html = (mini_site / "coverage/index.html").read_text(encoding="utf-8")
    entities = sum(1 for e in corpus.entities.values() if e.kind != "sources")
    assert f"<strong>{entities}</strong> entities, <strong>{len(corpus.relations)}</strong> relations" in html
    assert "<td>holds role at (<code>holds-role-at</code>)</td>\n<td>1</td>" in html
    thin = [e.name for e in corpus.entities.values() if e.kind != "sources" and corpus.degree(e.id) == 1]
    assert f"{len(thin)} entities rest on one relation only" in html


class _Anchors(HTMLParser):
    """Every element id and every local link of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        href = attrs.get("href") if tag == "a" else None
        if href and not href.startswith(("http:", "https:", "mailto:")):
            self.hrefs.append(href)


def test_every_local_link_and_anchor_resolves(real_site):
    """Entity pages' relation lists, networks and citations are put in after MkDocs
    renders (MkDocs no longer checks those links): every link must land somewhere."""
    pages = sorted(real_site.glob("*/*/index.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'class="pg-part"' not in html, f"{page}: a part was not filled in"
        parser = _Anchors()
        parser.feed(html)
        assert len(parser.ids) == len(set(parser.ids)), f"{page}: duplicate ids"
        for href in parser.hrefs:
            path, _, fragment = href.partition("#")
            path = path.partition("?")[0]
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page}: broken link {href}"
            if fragment and target == page:
                assert fragment in parser.ids, f"{page}: no anchor #{fragment}"


def test_a_renamed_entity_keeps_its_old_address(tmp_path, site_build):
    """`replaces: [old-id]`: the old page leads to the new one, and the graph says they are
    the same thing."""
    entities = tmp_path / "in" / "entities"
    shutil.copytree(MINI, entities)
    agency = entities / "organizations" / "demo-agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8") + "replaces: [old-agency]\n", encoding="utf-8")
    site = site_build(site_config(tmp_path, entities), tmp_path / "site")
    redirect = (site / "organizations/old-agency/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../../organizations/demo-agency/"' in redirect
    assert '<link rel="canonical" href="https://policygraph.example.org/organizations/demo-agency/">' in redirect
    nt = (site / "data/graph.nt").read_text(encoding="utf-8")
    assert ("<https://policygraph.example.org/organizations/demo-agency/#id> <http://www.w3.org/2002/07/owl#sameAs> "
            "<https://policygraph.example.org/organizations/old-agency/#id> .") in nt


def test_a_summary_cannot_make_blocks(tmp_path, site_build):
    """A summary sits alone on its line: Markdown's block syntax in it stays text (no
    admonition asking readers to log in somewhere, no second <h1>)."""
    entities = tmp_path / "in" / "entities"
    shutil.copytree(MINI, entities)
    bot = entities / "products" / "demo-bot.yaml"
    text = bot.read_text(encoding="utf-8")
    summary = next(line for line in text.splitlines() if line.startswith("summary:"))
    bot.write_text(text.replace(summary, 'summary: "!!! danger \\"Log in at evil.example\\""'), encoding="utf-8")
    site = site_build(site_config(tmp_path, entities), tmp_path / "site")
    html = (site / "products/demo-bot/index.html").read_text(encoding="utf-8")
    assert 'class="admonition' not in html and "!!! danger" in html
    agency = entities / "organizations" / "demo-agency.yaml"
    text = agency.read_text(encoding="utf-8")
    summary = next(line for line in text.splitlines() if line.startswith("summary:"))
    agency.write_text(text.replace(summary, 'summary: "# A second title"'), encoding="utf-8")
    site = site_build(site_config(tmp_path, entities), tmp_path / "site")
    html = (site / "organizations/demo-agency/index.html").read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "# A second title" in html


def _nav_targets(site: Path, page: Path) -> list[str]:
    """The pages (addresses from the site root) the page's main navigation links to; not
    the links into the current page's own sections, which the theme nests in its item."""
    html = page.read_text(encoding="utf-8")
    nav = html[html.index('class="md-sidebar md-sidebar--primary"'):html.index('class="md-sidebar md-sidebar--secondary"')]
    url = "/" + page.parent.relative_to(site).as_posix() + "/"
    return [urljoin(url, href) for href in re.findall(r'<a href="([^"#]*)"', nav)]


def test_every_page_navigation_leads_where_the_nav_says(real_site):
    """The navigation and the header around the page's title are rendered once per
    folder for the pages outside the navigation (site/fragments.py): from every page, in
    every folder, their links reach the same pages, the header names the page, and the
    nav's own pages mark where they are."""
    pages = sorted(p for p in real_site.rglob("index.html") if "pagefind" not in p.parts)
    expected = _nav_targets(real_site, real_site / "index.html")
    assert "/people/" in expected and "/timeline/" in expected
    folders = set()
    for page in pages:
        assert _nav_targets(real_site, page) == expected, page
        html = page.read_text(encoding="utf-8")
        url = "/" + page.parent.relative_to(real_site).as_posix() + "/"
        header = html[html.index('<header class="md-header'):html.index("</header>")]
        logo = re.search(r'<a href="([^"]*)" title="[^"]*" class="md-header__button md-logo"', header).group(1)
        search = re.search(r'data-ui="([^"]*)"', header).group(1)
        assert (urljoin(url, logo).rstrip("/"), urljoin(url, search)) == ("", "/pagefind/pagefind-component-ui.js"), page
        title = re.search(r"<title>(.*?)(?: - policygraph)?</title>", html).group(1)
        topic = re.search(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', header)
        assert topic.group(1) == title or page == real_site / "index.html", page
        folders.add(page.parent.parent)
    assert len(folders) > 5
    people = (real_site / "people/index.html").read_text(encoding="utf-8")
    assert 'md-nav__item--active' in people
    entity = next((real_site / "people").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'md-nav__item--active' not in entity


class _Headings(HTMLParser):
    """A page's headings (level, id, text without the permalink) in the article, and
    the links of the theme's table of contents (the secondary sidebar)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[list] = []
        self.toc: list[list[str]] = []
        self._in: list | None = None
        self._toc_depth = 0
        self._link: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3") and self._in is None:
            self._in = [int(tag[1]), attrs.get("id"), ""]
        if tag == "a" and "headerlink" in (attrs.get("class") or ""):
            self._in and self.headings.append(self._in)
            self._in = None
        if tag == "nav" and "md-nav--secondary" in (attrs.get("class") or ""):
            self._toc_depth = 1
        elif tag == "nav" and self._toc_depth:
            self._toc_depth += 1
        if self._toc_depth and tag == "a":
            self._link = [attrs.get("href"), ""]

    def handle_endtag(self, tag):
        if tag == "nav" and self._toc_depth:
            self._toc_depth -= 1
        if tag == "a" and self._link is not None:
            self.toc.append([self._link[0], " ".join(self._link[1].split())])
            self._link = None

    def handle_data(self, data):
        if self._in is not None:
            self._in[2] += data
        if self._link is not None:
            self._link[1] += data


def test_a_table_of_contents_is_made_again_only_once_it_has_left_the_kept_ones():
    """site/fragments.py keeps the theme's tables of contents it made, the latest TOC_KEPT
    of them: one met again among those is not made again, and no more are held."""
    from markdown.extensions.toc import nest_toc_tokens
    from mkdocs.structure.toc import get_toc

    from builder.site import fragments

    def toc(number: int):
        return get_toc(nest_toc_tokens([{"level": 1, "id": "title", "name": "Title"},
                                        {"level": 2, "id": f"part-{number}", "name": f"Part {number}"}]))

    shared, made = fragments.SharedFragments(set()), []

    def show(number: int) -> str:
        return shared("toc", None, lambda: made.append(number) or f"toc {number}", toc=toc(number))

    assert show(0) == "toc 0" and show(0) == "toc 0" and made == [0]
    for number in range(1, fragments.TOC_KEPT):
        show(number)
    assert show(0) == "toc 0" and len(made) == fragments.TOC_KEPT  # still kept, and now the latest met
    show(fragments.TOC_KEPT)  # one more: the least recently met (1) goes
    assert len(shared.tocs) == fragments.TOC_KEPT
    show(0), show(2)
    assert len(made) == fragments.TOC_KEPT + 1
    assert show(1) == "toc 1" and made[-1] == 1 and len(shared.tocs) == fragments.TOC_KEPT


def test_headings_and_table_of_contents_follow_the_names(tmp_path, site_build):
    """Entity pages are written as HTML (pages/entity.py, not Markdown): the title is the
    name as written, whatever it holds (a trailing `#`, markup, an ampersand), headings
    get unique ids even when a name is a section's title, and the theme's table of
    contents links to every heading."""
    entities = tmp_path / "in" / "entities"
    shutil.copytree(MINI, entities)
    names = {"organizations/demo-agency.yaml": "Network",
             "people/ada-example.yaml": "C# <b>Ada</b> & “Co” #",
             "products/demo-bot.yaml": "Relations"}
    for path, name in names.items():
        file = entities / path
        text = file.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith("name:"))
        text = text.replace(line, "name: " + json.dumps(name, ensure_ascii=False))
        file.write_text(re.sub(r"\nnames:\n(  .*\n)+", "\n", text), encoding="utf-8")
    site = site_build(site_config(tmp_path, entities), tmp_path / "site")
    for path, name in names.items():
        page = site / path.removesuffix(".yaml") / "index.html"
        parser = _Headings()
        parser.feed(page.read_text(encoding="utf-8"))
        (level, first, title), *sections = parser.headings
        assert (level, title) == (1, name), page
        ids = [first] + [h[1] for h in sections]
        assert len(set(ids)) == len(ids), (page, ids)
        assert [h[2] for h in sections if h[2] == "Network"] and "Relations" in [h[2] for h in sections], page
        assert parser.toc == [["#" + anchor, text] for _, anchor, text in sections], page  # the theme omits the h1
    # the theme's table of contents is made once per distinct contents (site/fragments.py):
    # every entity page still lists its own headings
    pages = sorted(site.glob("*/*/index.html"))
    tocs = set()
    for page in (p for p in pages if p.parent.parent.name in {"people", "organizations", "laws", "events",
                                                               "products", "sources"}):
        parser = _Headings()
        parser.feed(page.read_text(encoding="utf-8"))
        _, *sections = parser.headings
        assert parser.toc == [["#" + anchor, text] for _, anchor, text in sections], page
        tocs.add(str(parser.toc))
    assert len(tocs) > 3
    agency = (site / "organizations/demo-agency/index.html").read_text(encoding="utf-8")
    assert '<h1 id="network">' in agency and '<h2 id="network_1">' in agency
