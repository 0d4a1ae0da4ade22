"""The SPARQL example catalogue (queries/*.rq), run with pyoxigraph over the project's
own graph: each answer is the one stored beside its query (queries/<id>.tsv, rewritten
by `make answers`), is not empty, and agrees with the model it comes from."""

from __future__ import annotations

import pytest

from builder.dev.answers import answer, answer_path, store
from builder.dev.bench import stop_serving
from builder.pipeline import load_corpus
from builder.read.catalogue import load_catalogue

from conftest import ROOT

SITE = "https://policygraph.example.org/"
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def graph():
    return store(ROOT)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "entities", root=ROOT)


def rows(graph, example_id: str) -> list[list[str]]:
    """An answer's rows, as plain values (IRIs and literals without their syntax)."""
    example = next(e for e in CATALOGUE if e.id == example_id)
    return [[term.value if term is not None else "" for term in row] for row in graph.query(example.text)]


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 15
    assert all(e.title and e.description for e in CATALOGUE)


@pytest.mark.parametrize("example", CATALOGUE, ids=[e.id for e in CATALOGUE])
def test_answer_is_the_stored_one(graph, example):
    text = answer(graph, example)
    assert text.count("\n") > 1, f"{example.id}: empty answer"
    stored = answer_path(example)
    assert stored.is_file(), f"{stored.name} is missing: run `make answers`"
    assert text == stored.read_text(encoding="utf-8"), f"{stored.name} is out of date: run `make answers`"


def test_opinions_come_only_from_opinion_pieces(graph, corpus):
    """The status rule, seen through SPARQL: opinions are held by columns and blog posts."""
    kinds = {s.facts["title"]: s.subtype for s in corpus.sources()}
    found = rows(graph, "opinions")
    assert found and {kinds[r[4]] for r in found} <= {"column", "blog-post"}


def test_sources_and_claims(graph, corpus):
    claims = {r[1]: int(r[4]) for r in rows(graph, "sources-and-claims")}
    for source in corpus.sources():
        assert claims[source.facts["title"]] == len(corpus.cited_by(source.id))


def test_relations_per_predicate(graph, corpus):
    counts = {r[0]: int(r[1]) for r in rows(graph, "relations-per-predicate")}
    assert sum(counts.values()) == len(corpus.relations)


def test_catalogue_rebases_onto_another_site():
    example = load_catalogue(site_url="https://other.example.net/kg")[0]
    assert "https://other.example.net/kg/vocab/#" in example.text and SITE not in example.text


def test_catalogue_mistakes_are_located(tmp_path):
    from builder.errors import CatalogueError

    from conftest import write_tree
    write_tree(tmp_path, {
        "queries/a-good.rq": "# title: Good\n# description: Fine.\nSELECT * WHERE { ?s ?p ?o }\n",
        "queries/b-syntax.rq": "# title: T\n# description: D.\nSELECT * WHERE {\n  ?s ?p\n}\n",
        "queries/c-service.rq": "# title: T\n# description: D.\nSELECT * WHERE {\n"
                                "  SERVICE <http://169.254.169.254/> { ?s ?p ?o } }\n",
        "queries/d-prefix.rq": "# title: T\n# description: D.\nSELECT * WHERE { ?s nope:x ?o }\n",
        "queries/e-headers.rq": "# description:\nSELECT * WHERE { ?s ?p ?o }\n",
        "queries/f-update.rq": "# title: T\n# description: D.\nDELETE WHERE { ?s ?p ?o }\n",
    })
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path / "queries", root=tmp_path)
    lines = str(info.value).splitlines()
    assert lines[0] == "queries/b-syntax.rq:6:1: SPARQL syntax error: expected OPTIONAL"
    assert lines[1] == "queries/c-service.rq:4:1: SERVICE is not allowed: the examples run over this graph only"
    assert lines[2] == "queries/d-prefix.rq:3:27: SPARQL syntax error: unknown prefix (declare it with a PREFIX line)"
    assert lines[3].startswith("queries/e-headers.rq:1:1: missing `# title: ...` line")
    assert lines[4].startswith("queries/e-headers.rq:1:1: missing `# description: ...` line")
    assert lines[5] == "queries/f-update.rq:3:1: an update, not a query: the examples only read the graph"
    assert lines[6] == "6 problems in the query catalogue"


@pytest.mark.site
def test_the_preview_reports_a_broken_query_and_recovers(tmp_path):
    """`make serve` watches queries/: a query that does not parse is reported with its
    file and line (not a bare traceback), and fixing it brings the query page back."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from conftest import MINI, site_config, write_tree
    write_tree(tmp_path, {"queries/people.rq": "# title: First title\n# description: D.\n"
                                               "SELECT * WHERE { ?s ?p ?o }\n"})
    config = site_config(tmp_path, MINI)
    config.write_text(config.read_text() + f"      queries: {tmp_path / 'queries'}\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--livereload",
                                   "--no-strict", "-a", f"127.0.0.1:{port}"], cwd=ROOT, stdout=output,
                                  stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})

    def wait_for(condition, timeout: float = 180.0) -> None:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(log.read_text(errors="replace")[-3000:])

    def query_page_shows(text: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/query/", timeout=5) as response:
                return text in response.read().decode("utf-8")
        except OSError:
            return False

    try:
        wait_for(lambda: query_page_shows("First title"))
        (tmp_path / "queries/people.rq").write_text("# title: Second title\n# description: D.\n"
                                                    "SELECT * WHERE {\n  ?s ?p\n}\n")
        wait_for(lambda: "queries/people.rq:6:1: SPARQL syntax error" in log.read_text(errors="replace"))
        (tmp_path / "queries/people.rq").write_text("# title: Third title\n# description: D.\n"
                                                    "SELECT * WHERE { ?s ?p ?o }\n")
        wait_for(lambda: query_page_shows("Third title"))
    finally:
        stop_serving(server)
