"""The site search (Pagefind): its index is built with the site and fails the build when
it fails; an entity's page comes first for each of its names and aliases, whatever the
case, accents or spaces; snippets are summaries, not infobox cells or SPARQL; a query
downloads a few small files; the search field works by keyboard and is labelled."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from builder.errors import BuildError
from builder.model import Entity
from builder.pages.search import search_words

from conftest import MINI, ROOT, site_config, write_tree

# -- the words an entity is found by (fast) ---------------------------------------------


def entity(name: str, names: dict | None = None, aliases: tuple = ()) -> Entity:
    return Entity(id="x", kind="organizations", type="organization", subtype=None, name=name,
                  names=names or {}, aliases=aliases, summary="", description="", facts={}, relations=(),
                  path="entities/organizations/x.yaml")


def test_a_one_word_name_weighs_most():
    assert dict(search_words(entity("GitHub", aliases=("Github",)))) == {"github": 10.0, "git": 5.0, "hub": 5.0}
    words = dict(search_words(entity("GitHub Actions")))
    assert words["github"] == words["actions"] == words["githubactions"] == 8.1


def test_names_come_also_run_together_and_count_once():
    words = dict(search_words(entity("Child Sexual Abuse Regulation", aliases=("ChatControl", "Chat Control"))))
    assert words["chatcontrol"] == 10.0 and words["chat"] == words["control"] == 8.1
    assert "childsexualabuseregulation" not in words  # four words: nobody types them joined
    words = search_words(entity("French Senate", {"en": "French Senate", "fr": "Sénat"}, ("Senat", "Senates")))
    assert [word for word, _ in words] == ["french", "senate", "frenchsenate", "sénat"]
    assert dict(search_words(entity("US Congress", {"fr": "Congrès des États-Unis"})))["étatsunis"] == 6.6


def test_a_possessive_does_not_count_a_name_twice():
    # Pagefind's stemmer makes "openais" "openai": it would weigh OpenAI's deals over OpenAI.
    words = dict(search_words(entity("OpenAI's circular deals", {"fr": "Accords circulaires d'OpenAI"})))
    assert "openais" not in words and words["openai"] == words["dopenai"] == 7.2


# -- the index, built with the site ------------------------------------------------------


def fragments(site: Path, bundle: str = "pagefind/") -> dict[str, dict]:
    """Every page's Pagefind fragment in a bundle (gzip, after a 12-byte signature), by URL."""
    pages = {}
    for path in (site / bundle / "fragment").iterdir():
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        pages[fragment["url"]] = fragment
    return pages


def test_the_index_holds_articles_not_lists_nor_furniture(real_site):
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    pages = fragments(real_site)
    assert {"/" + page_url(e) for e in corpus.entities.values()} <= set(pages)
    assert {"/about/", "/sparql/", "/themes/surveillance-ice/"} <= set(pages)
    assert not {"/", "/people/", "/sources/", "/timeline/", "/explorer/", "/coverage/", "/themes/"} & set(pages)
    assert not (real_site / "search" / "search_index.json").exists()  # the theme's search is gone
    for url, page in pages.items():
        text = page["content"]
        assert not re.search(r"Fact Value|Skip to content|Table of contents|PREFIX \w+:|SELECT \?", text), url
        assert "¶" not in text, url
    openai = pages["/organizations/openai/"]
    assert openai["meta"]["title"] == "OpenAI" and openai["meta"]["names"] == "OpenAI"
    assert openai["meta"]["summary"] == corpus["openai"].summary
    assert openai["meta"]["type"] == "Organization › Company"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_search_reads_each_pages_article_and_makes_the_index_the_pages_make(real_site, tmp_path):
    """A build hands Pagefind what it indexes of each marked page (SearchCopies: its
    language, title and article but the claims' evidence), not the theme's header, menus
    and footer around it: the index is the one Pagefind makes from the whole pages, byte
    for byte. A page without the mark has no copy, and the copies are gone once the site
    is built."""
    from pagefind_bin import get_executable

    from builder.site.search import BUNDLE, SearchCopies, _run
    copies = SearchCopies(tmp_path / "copies")
    pages = sorted(real_site.rglob("*.html"))
    for path in pages:
        copies.add(path.relative_to(real_site).as_posix(), path.read_text(encoding="utf-8"))
    copied = {p.relative_to(copies.folder) for p in copies.folder.rglob("*")}
    marked = {p.relative_to(real_site) for p in pages if b"<div data-pagefind-body" in p.read_bytes()}
    assert {p for p in copied if p.suffix == ".html"} == marked and len(pages) > len(marked) > 300
    openai = (copies.folder / "organizations/openai/index.html").read_text(encoding="utf-8")
    page = (real_site / "organizations/openai/index.html").read_text(encoding="utf-8")
    assert openai.startswith('<!doctype html>\n<html lang="en"') and "<title>OpenAI - policygraph</title>" in openai
    assert not re.search(r"md-header|md-nav|md-footer|<script", openai) and re.search(r"md-header|md-nav|md-footer", page)
    article = page[page.index("<div data-pagefind-body"):page.rindex("</article>")].rstrip()
    evidence = re.findall(r'<details class="pg-evidence".*?</details>', article, re.S)
    assert len(evidence) > 10 and "pg-evidence" not in openai
    for quote in evidence:
        article = article.replace(quote, "", 1)
    assert openai.endswith(f"<body>{article}</body></html>\n")
    copies.remove()
    assert not copies.folder.exists()

    whole = tmp_path / "whole"
    _run(get_executable(), real_site, whole, "en", False)
    assert _files(whole) == _files(real_site / BUNDLE) and len(_files(whole)) > 300
    assert [p.name for p in real_site.parent.iterdir() if ".search-" in p.name] == []


def test_a_failing_search_index_fails_the_build(tmp_path, monkeypatch, site_build):
    """Pagefind runs in the build's folder before it replaces the site: if it fails, the
    build fails and the previous site stays."""
    site = tmp_path / "site"
    write_tree(site, {"index.html": "previous", ".policygraph-site": ""})
    monkeypatch.setattr("pagefind_bin.get_executable", lambda: Path("/bin/false"))
    with pytest.raises(BuildError, match="the search index could not be built"):
        site_build(site_config(tmp_path, MINI), site)
    assert (site / "index.html").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "mkdocs.yml", "site"]


# -- in the browser -------------------------------------------------------------------------

# (query, the page that must come first): names typed as readers type them.
HAND = [
    ("OpenAI", "organizations/openai/"),
    ("ICE", "organizations/ice/"),
    ("Grok", "products/grok/"),
    ("Chat Control", "laws/csar/"),
    ("ChatControl", "laws/csar/"),
    ("Aurore Berge", "people/aurore-berge/"),  # Bergé, typed without its accent
    ("eric bothorel", "people/eric-bothorel/"),  # Éric
    ("david sacks", "people/david-sacks/"),
    # an alias of five entities
    ("CSAR", "laws/csar/"),
    ("Pentagon", "organizations/us-department-of-defense/"),
    ("UAE", "organizations/united-arab-emirates/"),
    ("DSA", "laws/digital-services-act/"),
    ("Skydance-Paramount", "organizations/paramount-skydance/"),
]
NOT_A_SNIPPET = re.compile(r"Fact|Value|Identifier|PREFIX|SELECT|\?\w+ ")


@pytest.fixture(scope="module")
def base(real_site, serve) -> str:
    return serve(real_site)


def open_search(page) -> None:
    page.wait_for_selector("[data-pg-search][data-state] button")
    page.click("[data-pg-search] button")
    page.wait_for_selector("pagefind-modal dialog[open] input")


def search(page, query: str) -> list[dict]:
    """Type a query in the open dialog; the results it shows (href, title, snippet)."""
    page.fill("pagefind-modal input", query)
    page.wait_for_function("q => document.querySelector('pagefind-summary').textContent.includes(q)", arg=query)
    page.wait_for_selector("pagefind-results .pf-result-link")
    return page.eval_on_selector_all("pagefind-results .pf-result", """items => items.map(item => ({
        href: item.querySelector('.pf-result-link')?.getAttribute('href'),
        title: item.querySelector('.pf-result-link')?.textContent,
        snippet: item.querySelector('.pf-result-excerpt')?.textContent || ''}))""")


def test_names_typed_in_the_search_field_find_their_entity_first(page, base):
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    page.goto(base + "about/")
    open_search(page)
    for query, expected in HAND:
        first = search(page, query)[0]
        assert first["href"] == "/" + expected, (query, first)
        entity = corpus[expected.rstrip("/").rsplit("/", 1)[1]]
        assert first["snippet"].strip() == entity.summary, (query, first)  # its summary: no infobox, no query
        assert not NOT_A_SNIPPET.search(first["snippet"]), (query, first)


def test_the_search_works_by_keyboard_and_closes_on_a_result(page, base):
    page.goto(base + "people/david-sacks/")
    page.wait_for_selector("[data-pg-search][data-state] button")
    page.keyboard.press("/")
    page.wait_for_selector("pagefind-modal dialog[open]")
    assert page.evaluate("document.activeElement.matches('pagefind-modal input')")
    page.keyboard.type("OpenAI")
    page.wait_for_function("document.querySelector('pagefind-summary').textContent.includes('OpenAI')")
    page.wait_for_selector("pagefind-results .pf-result-link")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/organizations/openai/"
    page.keyboard.press("Enter")
    page.wait_for_url(base + "organizations/openai/")
    page.wait_for_selector("[data-pg-search][data-state]", state="attached")
    assert page.locator("pagefind-modal dialog[open]").count() == 0
    assert page.locator("h1").first.inner_text().startswith("OpenAI")


def test_a_keyboard_reader_reaching_the_button_keeps_it(page, base):
    """The search's script loads when its button takes the focus, and replaces the page's
    own button with Pagefind's: the focus stays on the search button, and Enter opens it."""
    page.goto(base + "about/")
    page.wait_for_selector("[data-pg-search][data-state] button")
    assert not page.evaluate("'PagefindComponents' in window")
    page.focus("[data-pg-search] button")
    page.wait_for_selector("[data-pg-search][data-state=ready]", state="attached")
    page.wait_for_function("document.activeElement.matches('pagefind-modal-trigger button')")
    page.keyboard.press("Enter")
    page.wait_for_selector("pagefind-modal dialog[open]")
    assert page.evaluate("document.activeElement.matches('pagefind-modal input')")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_field_and_dialog_are_labelled(browser, base, scheme):
    """axe-core finds nothing wrong in the search (field, dialog, results, keyboard hints)."""
    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme).new_page()
    page.goto(base + "about/")
    open_search(page)
    search(page, "Grok")
    page.add_script_tag(content=axe)
    violations = page.evaluate("""async () => {
        const result = await axe.run(document.querySelector('.pg-search'), {resultTypes: ['violations']});
        return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}; ${v.nodes[0].target.join(' ')}`);
    }""")
    assert not violations, violations
    assert page.get_attribute("pagefind-modal dialog", "aria-label")
    label = page.evaluate("document.querySelector('pagefind-modal input').labels[0].textContent")
    assert label.strip()
    page.context.close()


@pytest.mark.parametrize("bundled", [False, True], ids=["one index", "in bundles"])
def test_every_name_and_alias_finds_its_entity_first(browser, request, serve, bundled):
    """Through the site's own search module (Pagefind, then a result named exactly as the
    query first), every name, name by language and alias of every entity, each source's
    title included. Pagefind's ranking alone (the names' weights) gets nearly all of them;
    as much in bundles of 150 pages merged (each ranking with the page's options, as
    assets/search.js has them)."""
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    cases = [(name, "/" + page_url(e)) for e in corpus.entities.values()
             for name in dict.fromkeys((e.name, *e.names.values(), *e.aliases))]
    site = request.getfixturevalue("bundled_site" if bundled else "real_site")
    page = browser.new_context().new_page()
    page.goto(serve(site) + "about/")
    options = json.loads(page.text_content(".pg-search-options"))
    assert bool(options.get("mergeIndex")) == bundled
    firsts = page.evaluate("""async ([cases, {mergeIndex, ...options}]) => {
        const site = await import('/assets/search/pagefind.js');
        const plain = await import('/pagefind/pagefind.js');
        const ours = site.createInstance(options), pagefind = plain.createInstance(options);
        for (const index of mergeIndex || []) {
            await ours.mergeIndex('/' + index.bundlePath, options);
            await pagefind.mergeIndex('/' + index.bundlePath, options);
        }
        const first = async (instance, query) => (await (await instance.search(query)).results[0]?.data())?.url;
        const out = [];
        for (const [query] of cases) out.push([await first(ours, query), await first(pagefind, query)]);
        return out;
    }""", [cases, options])
    page.context.close()
    wrong = [(query, expected, got) for (query, expected), (got, _) in zip(cases, firsts) if got != expected]
    by_weights = sum(plain == expected for (_, expected), (_, plain) in zip(cases, firsts))
    print(f"\n{len(cases)} names: {len(cases) - len(wrong)} find their entity first; "
          f"{by_weights} by Pagefind's ranking alone")
    assert not wrong, "\n".join(f"{q!r}: expected {e}, got {g}" for q, e, g in wrong)
    assert by_weights >= 0.98 * len(cases), "the names' weights (pages.search.search_words) rank worse than before"


def test_a_press_on_the_search_button_while_the_search_loads_opens_it(browser, base):
    """The page's own button is replaced by Pagefind's once the search has loaded: a press
    that began on it before and ends after (a slow connection, a busy machine) opens the
    search all the same, where the click it never got left the reader with nothing."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(base + "about/")
        page.wait_for_selector("[data-pg-search][data-state] button")
        held = []
        page.route("**/assets/search/dialog.html", lambda route: held.append(route))  # the search's elements wait
        box = page.locator("[data-pg-search] .pg-search-fallback button").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # starts loading
        page.mouse.down()
        while not held:
            page.wait_for_timeout(20)
        held[0].continue_()
        page.wait_for_selector("[data-pg-search][data-state=ready]", state="attached")
        page.mouse.up()
        page.wait_for_selector("pagefind-modal dialog[open] input", timeout=10_000)
    finally:
        page.close()


def test_a_query_downloads_little(browser, base):
    """What the search costs: no Pagefind code with the page; when the reader opens it,
    its interface's code; then the first query Pagefind's engine and only the index chunks
    of the query's words and the fragments of the results shown; a second query, chunks."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    got: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: got.append(
        (request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])))
    page.goto(base + "people/david-sacks/")
    page.wait_for_load_state("networkidle")
    assert not [url for url, _ in got if "pagefind" in url and not url.endswith(".css")]  # its style draws the button
    got.clear()
    def finished(ending: str) -> None:  # its event may come after the network is idle, on a busy machine
        for _ in range(200):
            if any(url.endswith(ending) for url, _ in got):
                return
            page.wait_for_timeout(50)

    open_search(page)
    page.wait_for_load_state("networkidle")
    finished("pagefind-component-ui.js")
    interface = sum(size for _, size in got)
    got.clear()
    search(page, "OpenAI")
    page.wait_for_load_state("networkidle")
    finished(".pf_fragment")
    first = sum(size for _, size in got)
    index = sum(size for url, size in got if re.search(r"\.pf_(index|fragment|meta|filter)$", url))
    got.clear()
    search(page, "Chat Control")
    page.wait_for_load_state("networkidle")
    second = sum(size for _, size in got)
    context.close()
    print(f"\nthe search's interface: {interface / 1024:.0f} KiB; first query: {first / 1024:.0f} KiB "
          f"({index / 1024:.0f} KiB of index and fragments), second query: {second / 1024:.0f} KiB")
    assert interface < 250 * 1024 and first < 300 * 1024 and second < 100 * 1024


# -- a large site's index, in bundles -------------------------------------------------------


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory, real_site) -> Path:
    """The project's site with its search index in bundles of at most 150 pages."""
    from builder.site.build import build_site
    tmp = tmp_path_factory.mktemp("bundled")
    config = site_config(tmp, ROOT / "entities", themes=ROOT / "themes", pages_per_search_bundle=150)
    return build_site(config, tmp / "site")


def merged_bundles(site: Path) -> list[str]:
    """The bundles a page's search merges into the first (its options), from the site's root."""
    page = (site / "about" / "index.html").read_text(encoding="utf-8")
    options = json.loads(re.search(r'class="pg-search-options">(.*?)</script>', page, re.S)[1])
    return [index["bundlePath"] for index in options.get("mergeIndex", [])]


def test_too_few_pages_per_bundle_is_refused_before_anything_is_built(tmp_path, site_build):
    config = site_config(tmp_path, MINI, pages_per_search_bundle=5)
    with pytest.raises(BuildError, match=r"mkdocs.yml: policygraph: pages_per_search_bundle is 5; set it to 100 or more"):
        site_build(config, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_a_large_sites_index_comes_in_bundles_holding_each_page_once(bundled_site, real_site):
    """Beyond its pages per bundle, the index is made in several bundles, one after the
    other, over shares of the pages: together they hold the pages one index holds, each
    once and the same, and each holds pages of every kind (people, laws, sources...); the
    others hold only their index (the code is the first's), and every page's search names
    them."""
    merged = merged_bundles(bundled_site)
    pages = len(list(real_site.rglob("*.html")))
    assert len(merged) + 1 >= pages // 150 >= 2 and not merged_bundles(real_site)
    assert merged == [f"pagefind/{number}/" for number in range(2, len(merged) + 2)]
    together: dict[str, dict] = {}
    for folder in ["pagefind/", *merged]:
        part = fragments(bundled_site, folder)
        assert len(part) > 100 and not set(part) & set(together), folder
        together.update(part)
    assert together == fragments(real_site)
    kinds = Counter(url.split("/")[1] for url in together)
    for folder in ["pagefind/", *merged]:  # each bundle a sample of all kinds of page
        held = {url.split("/")[1] for url in fragments(bundled_site, folder)}
        assert {kind for kind, count in kinds.items() if count > len(merged)} <= held, folder
    for folder in merged:
        assert {p.name for p in (bundled_site / folder).iterdir() if not p.name.endswith(".pf_meta")} <= {
            "pagefind-entry.json", "index", "fragment", "filter"}


def test_a_search_across_bundles_finds_each_entity_first(browser, bundled_site, serve):
    """In the browser, the bundles answer as one index: each hand-picked name, and the
    name of the last entity of every bundle, from a page at the root and one two folders
    down (the bundles' addresses are the site's, whatever the page's)."""
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    entities = {"/" + page_url(e): e for e in corpus.entities.values()}
    cases = list(HAND)
    for folder in ["pagefind/", *merged_bundles(bundled_site)]:
        last = sorted(set(fragments(bundled_site, folder)) & set(entities))[-1]
        cases.append((entities[last].name, last.lstrip("/")))
    base = serve(bundled_site)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for start in ("about/", "people/david-sacks/"):
        page.goto(base + start)
        open_search(page)
        for query, expected in cases:
            assert search(page, query)[0]["href"] == "/" + expected, (start, query)
    page.context.close()


# -- a large site's first step: the entities' names -------------------------------------------


def names_of(corpus) -> dict[str, bytes]:
    from builder.pages.search import names_index
    return names_index(corpus.entities.values(), lambda e: e.type, corpus.degree)


def test_the_names_index_deals_every_entity_out_by_its_words():
    """Each file holds the entities with a word beginning its key, as many as the manifest
    says, at most NAMES_PER_FILE but those of one word, each once; the keys of a file split
    further are the longer ones; a key of other than plain ASCII letters is named in hex;
    the same corpus gives the same bytes."""
    from builder.pages.search import NAMES_MANIFEST, entity_names, name_key, name_words, names_file, names_index
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    index = names_index(corpus.entities.values(), lambda e: e.type, corpus.degree, per_file=8)
    assert index == names_index(reversed(list(corpus.entities.values())), lambda e: e.type, corpus.degree, per_file=8)
    keys = json.loads(index[NAMES_MANIFEST])["keys"]
    assert set(index) == {NAMES_MANIFEST, *(names_file(key) for key in keys)}
    assert any(len(key) > 2 for key in keys)  # 8 a file: some are split
    words = {page: {w for name in entity_names(e) for w in [*name_words(name), name_key(name)]} for page, e in
             ((f"{e.kind}/{e.id}/", e) for e in corpus.entities.values())}
    for key, count in keys.items():
        cards = json.loads(gzip.decompress(index[names_file(key)]))
        pages = [card[0] for card in cards]
        assert len(pages) == len(set(pages)) == count, key
        assert all(any(w.startswith(key) for w in words[page]) for page in pages), key
        if count > 8:
            assert all(key in words[page] for page in pages), key  # too many: all have the word itself
    assert names_file("zürich".replace("ü", "u")) == "search/names/zurich.json.gz"
    assert names_file("北京") == "search/names/_e58c97e4baac.json.gz"


@pytest.fixture(scope="module")
def names_site(tmp_path_factory, real_site) -> Path:
    """The project's site with two more names' indexes for its search: one in files of at
    most 8 entities (split by longer keys), one with hostile names."""
    import shutil

    from builder.pages.search import NAMES_FOLDER, names_index
    from builder.pipeline import load_corpus
    site = tmp_path_factory.mktemp("names") / "site"
    shutil.copytree(real_site, site)
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    for src, content in names_index(corpus.entities.values(), lambda e: e.type, corpus.degree, per_file=8).items():
        path = site / "small" / src.removeprefix(NAMES_FOLDER)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return site


def with_names(page, folder: str = "search/") -> None:
    """Before the search loads, the page's search answers from the names first, as a large
    site's pages say (their options' "names")."""
    page.evaluate("""folder => { const options = document.querySelector('.pg-search-options');
        options.textContent = JSON.stringify({...JSON.parse(options.textContent), names: folder}); }""", folder)


@pytest.mark.parametrize("folder", ["search/", "small/"], ids=["400 a file", "8 a file"])
def test_every_name_finds_its_entity_first_from_the_names_alone(browser, names_site, serve, folder):
    """From the names' index alone (no Pagefind fetched), every name, name by language and
    alias of every entity finds it first; so does each name typed in lowercase without its
    accents, and the beginning of its words ("eur comm"), which finds it among the results;
    a word no name has is left to Pagefind, a letter no name's word is (a word being typed)
    finds nothing yet. As much with files split down to 8 entities."""
    from builder.pages.search import entity_names
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)

    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()

    cases = [(query, "/" + page_url(e)) for e in corpus.entities.values() for name in entity_names(e)
             for query in dict.fromkeys((name, plain(name)))]
    starts = [(" ".join(word[:3] for word in name.split()), "/" + page_url(e))
              for e in corpus.entities.values() for name in entity_names(e)[:1]]
    keys = json.loads((names_site / folder / "names.json").read_bytes())["keys"]
    letter = next(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in keys)  # no name's word: one being typed
    page = browser.new_context().new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(serve(names_site) + "about/")
    got = page.evaluate("""async ([cases, starts, folder, letter]) => {
        const site = await import('/assets/search/pagefind.js');
        const ours = site.createInstance({names: '/' + folder});
        const urls = async (query) => {
            const found = await ours.search(query);
            return [found.fromNames, await Promise.all(found.results.map(r => r.data().then(d => d.url)))];
        };
        const out = {firsts: [], starts: []};
        for (const [query] of cases) { const [names, found] = await urls(query); out.firsts.push([names, found[0]]); }
        for (const [query] of starts) { const [names, found] = await urls(query); out.starts.push([names, found]); }
        out.letter = await urls(letter);
        out.before = performance.getEntriesByType('resource').map(e => e.name);
        out.unknown = (await ours.search('zqxwv')).fromNames || false;
        return out;
    }""", [cases, starts, folder, letter])
    page.context.close()
    wrong = [(query, expected, found) for (query, expected), (names, found) in zip(cases, got["firsts"])
             if not names or found != expected]
    assert not wrong, "\n".join(f"{q!r}: expected {e}, got {g}" for q, e, g in wrong[:20])
    missing = [(query, expected) for (query, expected), (names, found) in zip(starts, got["starts"])
               if not names or expected not in found]
    assert not missing, missing[:20]
    assert got["letter"] == [True, []]  # no result yet, and no Pagefind
    assert not [url for url in got["before"] if "/pagefind/" in url and not url.endswith(".css")]  # names alone
    assert got["unknown"] is False and [url for url in fetched if url.endswith("/pagefind/pagefind.js")]
    print(f"\n{len(cases)} names and {len(starts)} beginnings found from the names' files ({folder})")


def test_a_large_sites_search_answers_from_names_and_offers_the_full_text(browser, names_site, serve):
    """With the names first (a large site's search), a name typed in the dialog shows its
    entity first with its summary, having fetched only the names' files, and a button for
    the full text; pressed, it brings Pagefind's results for the same query (more of
    them) and gives the focus back to the field; a query no name answers goes to Pagefind
    and shows no such button. axe-core finds nothing wrong in the dialog."""
    from builder.pages.search import entity_names, name_words
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    named = {w for e in corpus.entities.values() for name in entity_names(e) for w in name_words(name)}
    unnamed = next(word for word in name_words(corpus["european-commission"].summary)  # a word of a page's text
                   if len(word) > 5 and not any(w.startswith(word) for w in named))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    got: list[str] = []
    page.on("requestfinished", lambda request: got.append(request.url))
    page.goto(serve(names_site) + "about/")
    with_names(page)
    open_search(page)
    found = search(page, "Chat Control")
    page.wait_for_load_state("networkidle")
    assert found[0]["href"] == "/laws/csar/" and found[0]["snippet"].strip() == corpus["csar"].summary
    assert not [url for url in got if "/pagefind/" in url and "component-ui" not in url], got
    assert any(url.endswith("/search/names.json") for url in got)
    page.wait_for_selector(".pg-search-more:not([hidden]) button")
    axe = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    page.add_script_tag(content=axe)
    violations = page.evaluate("""async () => (await axe.run(document.querySelector('.pg-search'),
        {resultTypes: ['violations']})).violations.map(v => `${v.id}: ${v.help}`)""")
    assert not violations, violations
    page.click(".pg-search-more button")
    page.wait_for_function("document.querySelectorAll('pagefind-results .pf-result').length > 1")
    page.wait_for_load_state("networkidle")
    assert [url for url in got if url.endswith("/pagefind/pagefind.js")]
    assert page.evaluate("document.activeElement.matches('pagefind-modal input')")
    full = search(page, "Chat Control")
    assert len(full) > len(found) and full[0]["href"] == "/laws/csar/"
    assert page.locator(".pg-search-more").get_attribute("hidden") is not None
    page.goto(page.url)
    with_names(page)
    open_search(page)
    search(page, unnamed)
    assert page.locator(".pg-search-more").get_attribute("hidden") is not None
    page.context.close()
