"""Researchers' tools, for real: the query page in Chromium (oxigraph WebAssembly) against
pyoxigraph over the same dump, the page in endpoint mode, and the Oxigraph SPARQL server
answering the whole catalogue over the SPARQL 1.1 protocol."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from builder.pipeline import load_corpus
from builder.rdf.export import rdf_prefixes
from builder.read.catalogue import load_catalogue
from builder.site.build import build_site
from builder.tools.server import load_store, start_server

from conftest import ROOT, site_config

SITE = "https://policygraph.example.org/"
PEOPLE = """PREFIX pg: <https://policygraph.example.org/vocab/#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person ?name WHERE { ?person a pg:Person ; rdfs:label ?name . FILTER (lang(?name) = "en") }
ORDER BY ?name"""


@pytest.fixture(scope="module")
def dump_graph(real_site):
    """The published dump and vocabulary in pyoxigraph: the reference the pages must match."""
    graph = ox.Store()
    graph.load(path=str(real_site / "data/graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    graph.load(path=str(real_site / "data/vocabulary.ttl"), format=ox.RdfFormat.TURTLE)
    return graph


def reference_rows(graph, text: str) -> list[tuple[str, ...]]:
    result = graph.query(text)
    return [tuple("" if term is None else term.value for term in row) for row in result]


def run_in_page(page, text: str) -> None:
    page.fill("#pg-query-text", text)
    page.click("#pg-query-run")
    page.wait_for_function("['done', 'error'].includes(document.getElementById('pg-query').dataset.state)",
                           timeout=30000)


def table(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#pg-query-results tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.title || c.textContent))")


def test_typed_query_matches_the_dump(page, real_site, serve, dump_graph):
    base = serve(real_site)
    page.goto(base + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    run_in_page(page, PEOPLE)
    assert page.get_attribute("#pg-query", "data-state") == "done"
    expected = [list(row) for row in reference_rows(dump_graph, PEOPLE)]
    shown = table(page)
    links = page.eval_on_selector_all("#pg-query-results tbody tr td:first-child a", "as => as.map(a => a.title)")
    assert expected and shown and len(shown) == len(expected)
    assert links == [person for person, _ in expected]
    assert [name.removesuffix("@en") for _, name in shown] == [name for _, name in expected]  # the tag shows
    status = page.inner_text("#pg-query-status")
    assert re.match(r"^\d+ rows in \d+ ms\. Graph of [\d,]+ triples loaded in \d+ ms\.$", status), status


def test_result_links_open_entity_pages(page, real_site, serve):
    base = serve(real_site)
    page.goto(base + "query/?query=" + urllib.parse.quote(PEOPLE))
    page.wait_for_function("document.getElementById('pg-query').dataset.state === 'done'", timeout=30000)
    first = page.locator("#pg-query-results tbody a").first
    href = first.get_attribute("href")
    assert href.startswith(base + "people/")
    first.click()
    page.wait_for_url(href)
    assert page.locator("h1").count() == 1


def test_query_is_kept_in_the_address(page, real_site, serve):
    base = serve(real_site)
    page.goto(base + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    run_in_page(page, PEOPLE)
    shared = page.url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(shared).query)["query"] == [PEOPLE]
    other = page.context.new_page()
    other.goto(shared)
    other.wait_for_function("document.getElementById('pg-query').dataset.state === 'done'", timeout=30000)
    assert other.input_value("#pg-query-text") == PEOPLE
    assert table(other) == table(page)


def test_parser_errors_are_shown(page, real_site, serve):
    page.goto(serve(real_site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    run_in_page(page, "SELECT ?s WHERE { ?s a }")
    assert page.get_attribute("#pg-query", "data-state") == "error"
    assert page.is_visible("#pg-query-error")
    assert "error at 1:" in page.inner_text("#pg-query-error")


def test_examples_menu_and_downloads(page, real_site, serve):
    page.goto(serve(real_site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    catalogue = load_catalogue()
    options = page.eval_on_selector_all("#pg-query-menu option", "os => os.map(o => o.value).filter(Boolean)")
    assert options == [e.id for e in catalogue]
    page.select_option("#pg-query-menu", "roles")
    assert page.input_value("#pg-query-text") == next(e.text for e in catalogue if e.id == "roles")
    page.click("#pg-query-run")
    page.wait_for_function("document.getElementById('pg-query').dataset.state === 'done'", timeout=30000)
    with page.expect_download() as csv_download:
        page.click("#pg-query-csv")
    lines = open(csv_download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0] == "person,name,organization,organizationName,role,start,end"
    assert any("David Sacks" in line and "AI and crypto czar" in line for line in lines[1:])
    with page.expect_download() as json_download:
        page.click("#pg-query-json")
    data = json.load(open(json_download.value.path(), encoding="utf-8"))
    assert data["head"]["vars"][0] == "person" and data["results"]["bindings"]


@pytest.fixture(scope="module")
def sparql_server(tmp_path_factory):
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    store = load_store(corpus, SITE, tmp_path_factory.mktemp("oxigraph") / "store")
    server = start_server(store, rdf_prefixes(corpus.vocabulary, SITE))
    yield server
    server.stop()


def protocol_rows(endpoint: str, text: str) -> list[tuple]:
    request = urllib.request.Request(endpoint, data=text.encode("utf-8"), method="POST", headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        data = json.load(response)
    names = data["head"]["vars"]
    return sorted(tuple(b[n]["value"] if n in b else "" for n in names) for b in data["results"]["bindings"])


def test_server_answers_the_catalogue(sparql_server, dump_graph):
    assert sparql_server.endpoint.startswith("http://127.0.0.1:")
    for example in load_catalogue():
        expected = sorted(reference_rows(dump_graph, example.text))
        assert protocol_rows(sparql_server.endpoint, example.text) == expected, example.id


def test_query_page_uses_a_configured_endpoint(page, tmp_path, serve, sparql_server, dump_graph):
    config = site_config(tmp_path, ROOT / "entities")
    config.write_text(config.read_text() + f"      sparql_endpoint: {sparql_server.endpoint}\n")
    site = build_site(config, tmp_path / "site")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(serve(site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    run_in_page(page, PEOPLE)
    assert page.get_attribute("#pg-query", "data-state") == "done"
    assert sparql_server.endpoint in sent
    assert not [url for url in sent if url.endswith(("graph.nt", ".wasm"))]
    assert len(table(page)) == len(reference_rows(dump_graph, PEOPLE))


HOSTILE_IRIS = """SELECT ?x WHERE { VALUES ?x {
  <https://policygraph.example.org/javascript:alert(1)//>
  <https://policygraph.example.org/JavaScript:alert(2)>
  <https://policygraph.example.org/data:text/html,alert(3)>
  <https://policygraph.example.org///evil.example/>
  <javascript:alert(4)>
  <https://policygraph.example.org/people/david-sacks/>
  <https://example.com/elsewhere>
} }"""


def test_result_links_are_only_http(page, real_site, serve):
    """A site IRI whose remainder is itself a URL (`javascript:`, `data:`) is shown as text,
    never as a link: stored (a source's url) or reflected (?query=) alike."""
    base = serve(real_site)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "query/?query=" + urllib.parse.quote(HOSTILE_IRIS))
    page.wait_for_function("['done', 'error'].includes(document.getElementById('pg-query').dataset.state)",
                           timeout=30000)
    assert page.get_attribute("#pg-query", "data-state") == "done"
    assert len(table(page)) == 7
    hrefs = page.eval_on_selector_all("#pg-query-results tbody a", "as => as.map(a => a.href)")
    assert hrefs == [base + "people/david-sacks/", "https://example.com/elsewhere"]
    assert dialogs == []


def test_a_long_query_can_be_stopped_and_the_page_stays_responsive(page, real_site, serve):
    """A `?query=` link with a query that would run for hours: it runs in a worker, the
    page keeps answering, Stop ends it, and the next query runs (on a reloaded graph)."""
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    page.goto(serve(real_site) + "query/?" + urllib.parse.urlencode({"query": endless}))
    page.wait_for_selector("#pg-query[data-ready='true']")
    page.wait_for_function("document.getElementById('pg-query-status').textContent.startsWith('Running the query')",
                           timeout=30000)
    page.evaluate("window.ticks = 0; setInterval(() => window.ticks++, 100)")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.ticks") >= 8  # the main thread kept running its timers
    assert page.get_attribute("#pg-query", "data-state") == "running"
    assert page.is_disabled("#pg-query-run") and page.is_enabled("#pg-query-stop")
    page.click("#pg-query-stop")
    page.wait_for_function("document.getElementById('pg-query').dataset.state === 'stopped'", timeout=5000)
    assert "Stopped" in page.inner_text("#pg-query-status")
    run_in_page(page, PEOPLE)
    assert page.get_attribute("#pg-query", "data-state") == "done"
    assert len(table(page)) > 10


def test_a_large_answer_is_drawn_in_part_and_downloaded_whole(page, real_site, serve, dump_graph):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2500"
    page.goto(serve(real_site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    run_in_page(page, text)
    assert len(table(page)) == 1000
    assert "2,500 rows (the first 1,000 shown" in page.inner_text("#pg-query-status")
    with page.expect_download() as info:
        page.click("#pg-query-csv")
    import csv
    with open(info.value.path(), encoding="utf-8", newline="") as stream:
        assert len(list(csv.reader(stream))) == 2501


def test_the_csv_download_neutralises_formulas(page, real_site, serve):
    page.goto(serve(real_site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    run_in_page(page, 'SELECT ?a ?b ?c WHERE { VALUES (?a ?b ?c) { ("=HYPERLINK(\\"https://evil.example/\\")" '
                      '"@SUM(A1)" "line\\rbreak") } }')
    with page.expect_download() as info:
        page.click("#pg-query-csv")
    import csv
    with open(info.value.path(), encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows == [["a", "b", "c"], ["'=HYPERLINK(\"https://evil.example/\")", "'@SUM(A1)", "line\rbreak"]]


def test_a_graph_too_large_for_a_tab_is_not_loaded(page, real_site, serve):
    """The page loads the compressed dump and reads it as it arrives: past the page's limit
    (lowered here to the real dump's size less one byte) it stops and says to use an
    endpoint. The uncompressed dump is never requested."""
    size = (real_site / "data/graph.nt").stat().st_size
    page.goto(serve(real_site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    dumps = []
    page.on("request", lambda request: dumps.append(request.url.rsplit("/", 1)[1]) if "/graph.nt" in request.url else None)
    page.evaluate(f"document.getElementById('pg-query').dataset.browserLimit = '{size - 1}'")
    run_in_page(page, PEOPLE)
    assert page.get_attribute("#pg-query", "data-state") == "error"
    assert "too large to load in a browser tab" in page.inner_text("#pg-query-error")
    assert dumps == ["graph.nt.gz"]


def test_the_page_loads_the_compressed_dump_whole(page, real_site, serve):
    """Under the limit, every triple of the dump is loaded (the count matches the
    uncompressed dump's lines), and only the compressed dump is fetched."""
    triples = sum(1 for line in (real_site / "data/graph.nt").read_text(encoding="utf-8").splitlines() if line.strip())
    page.goto(serve(real_site) + "query/")
    page.wait_for_selector("#pg-query[data-ready='true']")
    dumps = []
    page.on("request", lambda request: dumps.append(request.url.rsplit("/", 1)[1]) if "/graph.nt" in request.url else None)
    run_in_page(page, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert page.get_attribute("#pg-query", "data-state") == "done"
    cell = page.inner_text("#pg-query-results tbody td")
    count = int(re.match(r"[\d,]+", cell.strip()).group().replace(",", ""))
    assert count >= triples, cell  # the dump's triples, and the vocabulary's
    assert dumps == ["graph.nt.gz"]


def test_the_compressed_dump_is_the_dump(real_site):
    import gzip
    assert gzip.decompress((real_site / "data/graph.nt.gz").read_bytes()) == (real_site / "data/graph.nt").read_bytes()
