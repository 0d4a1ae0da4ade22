"""Exports for network tools, read back with networkx and csv."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from builder.network.formats import render_network_exports
from builder.pipeline import load_corpus

from conftest import MINI


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(MINI, root=MINI.parent)


@pytest.fixture(scope="module")
def exports(corpus):
    return render_network_exports(corpus)


def test_csv(exports, corpus):
    nodes = list(csv.DictReader(io.StringIO(exports["nodes.csv"].decode())))
    edges = list(csv.DictReader(io.StringIO(exports["edges.csv"].decode())))
    assert len(nodes) == len([e for e in corpus.entities.values() if e.kind != "sources"])
    assert len(edges) == len(corpus.relations)
    role = next(e for e in edges if e["predicate"] == "holds-role-at")
    assert (role["source"], role["target"], role["start"], role["end"], role["label"], role["sources"]) == (
        "ada-example", "demo-agency", "2025-01", "2025-11-30", "holds role at", "1")
    agency = next(n for n in nodes if n["id"] == "demo-agency")
    assert (agency["type"], agency["subtype"], agency["page"]) == ("organization", "government-agency",
                                                                   "organizations/demo-agency/")


@pytest.mark.parametrize("name, reader", [("graph.graphml", nx.read_graphml), ("graph.gexf", nx.read_gexf)])
def test_graph_files(exports, corpus, tmp_path, name, reader):
    path = tmp_path / name
    path.write_bytes(exports[name])
    graph = reader(path)
    assert graph.number_of_edges() == len(corpus.relations)
    assert graph.nodes["demo-agency"]["label"] == "Demo Agency"
    edges = [data for _, _, data in graph.edges("ada-example", data=True) if data.get("predicate") == "criticizes"]
    assert edges and edges[0]["status"] == "opinion" and edges[0]["date"] == "2026-01-08~"


def test_deterministic(corpus, exports):
    assert render_network_exports(corpus) == exports
