"""Exports for network tools, read back with networkx and csv."""

from __future__ import annotations

import csv
import io
import re

import networkx as nx
import pytest

from builder.network.formats import network_export_files
from builder.pipeline import load_corpus

from conftest import MINI, ROOT


def joined(corpus) -> dict[str, bytes]:
    return {name: b"".join(pieces) for name, pieces in network_export_files(corpus)}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(MINI, root=MINI.parent)


@pytest.fixture(scope="module")
def exports(corpus):
    return joined(corpus)


def test_csv(exports, corpus):
    nodes = list(csv.DictReader(io.StringIO(exports["nodes.csv"].decode())))
    edges = list(csv.DictReader(io.StringIO(exports["edges.csv"].decode())))
    assert len(nodes) == len([e for e in corpus.entities.values() if e.kind != "sources"])
    assert len(edges) == len(corpus.relations)
    role = next(e for e in edges if e["predicate"] == "holds-role-at")
    assert (role["source"], role["target"], role["start_date"], role["end_date"], role["label"]) == (
        "ada-example", "demo-agency", "2025-01", "2025-11-30", "holds role at")
    assert (role["start_date_precision"], role["end_date_precision"]) == ("month", "day")
    assert role["sources"] == "demo-2025-12-02-article" and role["citations"] == "1"  # the sources' ids
    assert role["label_fr"] == "occupe une fonction à" and role["truthy"] == "True"
    agency = next(n for n in nodes if n["id"] == "demo-agency")
    assert (agency["type"], agency["subtype"], agency["page"]) == ("organization", "government-agency",
                                                                   "organizations/demo-agency/")
    assert (agency["label_en"], agency["label_fr"]) == ("Demo Agency", "Agence de démonstration")


@pytest.mark.parametrize("name, reader", [("graph.graphml", nx.read_graphml), ("graph.gexf", nx.read_gexf)])
def test_graph_files(exports, corpus, tmp_path, name, reader):
    path = tmp_path / name
    path.write_bytes(exports[name])
    graph = reader(path)
    assert graph.number_of_edges() == len(corpus.relations)
    assert graph.nodes["demo-agency"]["label"] == "Demo Agency"
    edges = [data for _, _, data in graph.edges("ada-example", data=True) if data.get("predicate") == "criticizes"]
    assert edges and edges[0]["status"] == "opinion" and edges[0]["date"] == "2026-01-08~"
    assert edges[0]["date_precision"] == "day" and edges[0]["truthy"] in (False, "false")
    assert isinstance(graph.nodes["demo-agency"]["degree"], int)  # typed, not a string


def test_gexf_is_dynamic(exports, tmp_path):
    """Gephi's timeline: each dated relation is an interval, from the earliest day its
    dates can mean to the latest."""
    text = exports["graph.gexf"].decode()
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert 'start="2025-01-01" end="2025-11-30"' in text


@pytest.mark.parametrize("chunk", [1, 7, 5_000])
def test_the_gexf_is_networkxs_made_a_chunk_at_a_time(chunk, monkeypatch):
    """The GEXF, whose elements are made a few nodes or edges at a time (networkx's writer
    holds the whole graph's element tree: gigabytes at scale), is byte for byte what
    networkx writes (but for its date), whatever the chunks' size: here on the real
    corpus, whose entities' edges run across chunks and point at sources still to come."""
    from builder.network.formats import _ChunkedGEXF, edge_row, gexf, network, node_rows
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    graph = network(corpus, node_rows(corpus), [edge_row(corpus, r) for r in corpus.relations], dynamic=True)
    written = io.BytesIO()
    nx.write_gexf(graph, written, encoding="utf-8")
    expected = re.sub(rb'lastmodifieddate="[0-9-]+"', b'lastmodifieddate="1970-01-01"', written.getvalue(), count=1)
    monkeypatch.setattr(_ChunkedGEXF, "CHUNK", chunk)
    assert b"".join(gexf(graph)) == expected
    assert graph.number_of_edges() > 600 and b"<edge " in expected


def test_an_empty_network_has_networkxs_empty_gexf():
    from builder.network.formats import gexf
    graph = nx.MultiDiGraph(name="policygraph")
    written = io.BytesIO()
    nx.write_gexf(graph, written, encoding="utf-8")
    expected = re.sub(rb'lastmodifieddate="[0-9-]+"', b'lastmodifieddate="1970-01-01"', written.getvalue(), count=1)
    assert b"".join(gexf(graph)) == expected
    graph.add_node("lonely", label="Lonely")
    written = io.BytesIO()
    nx.write_gexf(graph, written, encoding="utf-8")
    expected = re.sub(rb'lastmodifieddate="[0-9-]+"', b'lastmodifieddate="1970-01-01"', written.getvalue(), count=1)
    assert b"".join(gexf(graph)) == expected


def test_deterministic(corpus, exports):
    assert joined(corpus) == exports


def test_csv_cells_cannot_be_formulas(tmp_path):
    """A name or role a spreadsheet would run as a formula is written with a leading quote
    (OWASP). Carriage returns and tabs cannot reach a cell: validation refuses them."""
    import shutil

    from conftest import write_tree
    shutil.copytree(MINI, tmp_path / "entities")
    write_tree(tmp_path, {"entities/people/formula.yaml": (
        'type: person\nname: "=HYPERLINK(\\"https://evil.example/\\", \\"x\\")"\nsummary: "@SUM(A1)"\n'
        "relations:\n  - predicate: criticizes\n    target: demo-act\n    role: \"+1 -2\"\n"
        "    sources:\n      - source: demo-2025-12-02-article\n"
        "        quote: \"la loi encadre le robot\"\n"
        "        translation: {en: \"the law governs the robot\"}\n")})
    exports = joined(load_corpus(tmp_path / "entities", root=tmp_path))
    nodes = list(csv.DictReader(io.StringIO(exports["nodes.csv"].decode(), newline="")))
    edges = list(csv.DictReader(io.StringIO(exports["edges.csv"].decode(), newline="")))
    node = next(n for n in nodes if n["id"] == "formula")
    assert node["label"] == "'=HYPERLINK(\"https://evil.example/\", \"x\")"
    edge = next(e for e in edges if e["source"] == "formula")
    assert edge["role"] == "'+1 -2"


def test_the_shipped_vis_stylesheet_keeps_what_the_site_draws():
    """vis-network's stylesheet without its editing toolbar and configurator: every rule
    of the navigation buttons and tooltips kept as it is, the rest of the file left out."""
    import re

    from builder.network.render import VIS_DIR, vis_stylesheet
    original = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    shipped = vis_stylesheet()
    rules = [rule.strip() for rule in re.findall(r"[^{}]+\{[^{}]*\}", original)]
    needed = [r for r in rules if "vis-navigation" in r.split("{")[0] or "vis-tooltip" in r.split("{")[0]]
    assert len(needed) >= 10 and all(rule in shipped for rule in needed)
    assert "vis-manipulation" not in shipped and "vis-configuration" not in shipped
    assert len(shipped) < len(original) / 4
