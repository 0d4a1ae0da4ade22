"""`policygraph serve-sparql` and `policygraph query` against hostile queries and stray
flags: SERVICE refused, runaway queries stopped, folders it did not make never deleted,
no server left behind after SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from builder.errors import QueryError, ServerError
from builder.pipeline import load_corpus
from builder.rdf.export import rdf_prefixes
from builder.rdf.query_text import refuse_service
from builder.tools.cli import main
from builder.tools.server import STORE_MARKER, load_store, start_server
from builder.tools.sparql import TABLE, Limits, csv_text

from conftest import MINI

SITE = "https://policygraph.example.org/"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def mini_server(tmp_path_factory):
    corpus = load_corpus(MINI, root=MINI.parent)
    store = load_store(corpus, SITE, tmp_path_factory.mktemp("oxigraph") / "store")
    server = start_server(store, rdf_prefixes(corpus.vocabulary, SITE), limits=Limits(timeout=2))
    yield server
    server.stop()


def ask(endpoint: str, text: str, method: str = "POST", form: bool = False) -> tuple[int, str]:
    if method == "GET":
        request = urllib.request.Request(endpoint + "?" + urllib.parse.urlencode({"query": text}))
    elif form:
        request = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": text}).encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(endpoint, data=text.encode(), headers={
            "Content-Type": "application/sparql-query"})
    request.add_header("Accept", "application/sparql-results+json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://169.254.169.254/latest/> { ?s ?p ?o } }",
    "SELECT * WHERE {\n  # a comment\n  SeRvIcE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://10.0.0.1/> } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:p ?o . SERVICE<http://127.0.0.1:2/>{?a ?b ?c} }",
]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_service_is_refused_everywhere(mini_server, text):
    for method, form in (("POST", False), ("POST", True), ("GET", False)):
        status, body = ask(mini_server.endpoint, text, method, form)
        assert status == 400 and "SERVICE" in body and "not allowed" in body, (method, form)


@pytest.mark.parametrize("text", [
    'SELECT ?x WHERE { BIND("SERVICE" AS ?x) }',
    "SELECT ?service WHERE { VALUES ?service { <http://example.org/service> } }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment",
    "SELECT ?x WHERE { BIND('''a\nSERVICE <http://x/> {}''' AS ?x) }",
])
def test_the_word_service_elsewhere_is_allowed(text):
    refuse_service(text)


def test_a_runaway_query_is_stopped(mini_server):
    started = time.monotonic()
    status, _ = ask(mini_server.endpoint, CARTESIAN)
    assert status >= 400
    assert time.monotonic() - started < 30


def test_ordinary_queries_and_cors(mini_server):
    status, body = ask(mini_server.endpoint, "SELECT ?s WHERE { ?s a <https://schema.org/Person> }", "GET")
    assert status == 200 and json.loads(body)["results"]["bindings"]
    request = urllib.request.Request(mini_server.endpoint, method="OPTIONS")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    update = urllib.request.Request(mini_server.endpoint, data=b"update=CLEAR+ALL",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(update, timeout=10)
    assert refused.value.code == 403


def test_the_store_never_deletes_a_folder_it_did_not_make(tmp_path):
    corpus = load_corpus(MINI, root=MINI.parent)
    precious = tmp_path / "checkout"
    (precious / ".git").mkdir(parents=True)
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(ServerError, match="never deleted"):
        load_store(corpus, SITE, precious)
    assert (precious / "notes.txt").read_text() == "keep me" and (precious / ".git").is_dir()
    store = load_store(corpus, SITE, tmp_path / "store")
    assert (store / STORE_MARKER).is_file()
    assert load_store(corpus, SITE, store) == store  # its own store is rebuilt


def test_sigterm_leaves_no_process_behind(tmp_path):
    """Even with a runaway query still running, SIGTERM ends the server and its children."""
    project = tmp_path / "project"
    (project / "entities").mkdir(parents=True)
    for kind in MINI.iterdir():
        (project / "entities" / kind.name).mkdir()
        for path in kind.iterdir():
            (project / "entities" / kind.name / path.name).write_bytes(path.read_bytes())
    (project / "mkdocs.yml").write_text(f"site_name: t\nsite_url: {SITE}\n")
    command = [str(Path(sys.executable).with_name("policygraph")), "serve-sparql", "--port", "0"]
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), process.stderr.read()
    endpoint = line.split()[2]
    runaway = subprocess.Popen(["curl", "-s", "-m", "60", "--data-urlencode", f"query={CARTESIAN}", endpoint])
    deadline = time.monotonic() + 10
    while len(_descendants(process.pid)) < 2 and time.monotonic() < deadline:  # the fork server and the query
        time.sleep(0.1)
    children = _descendants(process.pid)
    assert len(children) >= 2
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    runaway.kill()
    deadline = time.monotonic() + 10
    while [p for p in children if _alive(p)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in children if _alive(p)] == []


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# -- policygraph query --------------------------------------------------------------------

@pytest.fixture
def mini_project(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "entities").mkdir(parents=True)
    for kind in MINI.iterdir():
        (project / "entities" / kind.name).mkdir()
        for path in kind.iterdir():
            (project / "entities" / kind.name / path.name).write_bytes(path.read_bytes())
    (project / "mkdocs.yml").write_text(f"site_name: t\nsite_url: {SITE}\n")
    monkeypatch.chdir(project)
    return project


def test_query_refuses_service(mini_project):
    result = CliRunner().invoke(main, ["query", SERVICE_QUERIES[0]])
    assert result.exit_code == 1
    assert result.output == ("SPARQL error: SERVICE (line 1) is not allowed: queries run over this graph only, "
                             "never against other addresses\n")


def test_query_stops_at_its_time_limit(mini_project):
    started = time.monotonic()
    result = CliRunner().invoke(main, ["query", CARTESIAN, "--timeout", "1"])
    assert result.exit_code == 1 and "ran for over 1 s and was stopped" in result.output
    assert time.monotonic() - started < 20


def test_query_answers_as_rdflib_did(mini_project):
    """DESCRIBE, ASK and a query that rdflib could not evaluate (an unbound variable in
    a projected expression) all answer."""
    assert CliRunner().invoke(main, ["query", "ASK { ?s pg:holdsRoleAt ?o }"]).output == "true\n"
    text = "SELECT ?s (STR(?missing) AS ?scopeName) WHERE { ?s a pg:Person } LIMIT 1"
    result = CliRunner().invoke(main, ["query", text])
    assert result.exit_code == 0 and result.output.splitlines()[-1] == "(1 row)"


def test_csv_neutralises_formulas():
    text = csv_text([["name"], ["=HYPERLINK(\"http://x\")"], ["+1"], ["-2"], ["@SUM(A1)"], ["\tx"], ["a\rb"],
                     ["plain"]])
    assert text.split("\r\n")[:6] == ["name", "\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert "\"a\rb\"" in text and text.endswith("plain\r\n")


def test_refusal_names_the_line():
    with pytest.raises(QueryError, match=r"SERVICE \(line 3\)"):
        refuse_service("SELECT *\nWHERE {\n service <http://x/> { ?s ?p ?o } }")




def test_query_stops_at_its_memory_limit():
    """A query that only grows (a string of every value, over a cartesian product) is
    stopped at the memory it may add, however large the calling process already is."""
    from builder.errors import QueryError
    from builder.tools.sparql import MemoryStore, run_query

    ballast = bytearray(600 * 1024 ** 2)  # the caller's own memory does not count against the query
    store = MemoryStore([(b"".join(b"<http://x/%d> <http://x/p> \"%s\" .\n" % (i, b"v" * 200) for i in range(3000)),
                          ox.RdfFormat.N_TRIPLES)])
    text = "SELECT (GROUP_CONCAT(?o) AS ?all) WHERE { ?a ?p ?o . ?b ?q ?r }"
    started = time.monotonic()
    with pytest.raises(QueryError, match="more memory than allowed"):
        run_query(store, text, TABLE, {}, Limits(timeout=120, memory=300 * 1024 ** 2))
    assert time.monotonic() - started < 100
    assert run_query(store, "ASK { ?s ?p ?o }", TABLE, {}, Limits(memory=300 * 1024 ** 2)).data.strip() == b"true"
    del ballast
