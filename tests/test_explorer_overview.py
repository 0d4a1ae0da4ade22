"""The explorer at scale: above a size it opens on the most connected entities and the
relations among them (a browser draws them at once), each entity whose relations are not
all drawn says how many are not and where its ego network is; in Chromium, such an
entity offers its page or its missing relations, which the page adds from that file."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from builder.dev.synthetic import generate
from builder.network.render import NetworkRenderer, network_json
from builder.paths import EXPLORER_FILE, network_file
from builder.pipeline import load_corpus

LIMIT = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("overview")
    return load_corpus(generate(tmp, 300, seed=3), root=tmp)


@pytest.fixture(scope="module")
def files(corpus) -> dict[str, bytes]:
    return dict(NetworkRenderer(corpus).files(explorer_limit=LIMIT))


def test_the_overview_holds_the_most_connected_and_the_relations_among_them(corpus, files):
    data = json.loads(files[EXPLORER_FILE])
    connected = [i for i, degree in corpus.degrees.items() if degree]
    assert len(connected) > LIMIT and data["connected"] == len(connected)
    ids = [node["id"] for node in data["nodes"]]
    assert len(ids) == LIMIT and ids == sorted(ids)
    weakest_shown = min(corpus.degree(i) for i in ids)
    assert all(corpus.degree(i) <= weakest_shown for i in connected if i not in ids)
    shown = set(ids)
    expected = Counter((r.subject, r.predicate, r.target) for r in corpus.relations
                       if r.subject in shown and r.target in shown)
    assert Counter((e["from"], e["predicate"], e["to"]) for e in data["edges"]) == expected
    drawn = Counter(end for e in data["edges"] for end in (e["from"], e["to"]))
    for node in data["nodes"]:
        more = corpus.degree(node["id"]) - drawn[node["id"]]
        assert node.get("more", 0) == more, node["id"]
        if more:  # its ego network, relative to the explorer page, is a file of the site
            assert node["expand"] == "../" + network_file(corpus[node["id"]])
            assert network_file(corpus[node["id"]]) in files


def test_a_graph_under_the_limit_is_drawn_whole(corpus):
    data = json.loads(dict(NetworkRenderer(corpus).files(explorer_limit=10_000))[EXPLORER_FILE])
    assert "connected" not in data and not any("more" in node for node in data["nodes"])
    assert len(data["edges"]) == len(corpus.relations)


@pytest.fixture(scope="module")
def big_explorer(mini_site, files, tmp_path_factory) -> Path:
    """The mini site with the synthetic graph's explorer data and ego networks in it."""
    site = tmp_path_factory.mktemp("big-explorer") / "site"
    shutil.copytree(mini_site, site)
    for path, data in files.items():
        if path.endswith(".json"):
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
    return site


def test_an_entity_offers_its_page_or_its_missing_relations(page, big_explorer, serve, files):
    data = json.loads(files[EXPLORER_FILE])
    node = max((n for n in data["nodes"] if n.get("more")), key=lambda n: n["more"])
    page.goto(serve(big_explorer) + "explorer/")
    page.wait_for_selector("#pg-explorer[data-drawn-ms]", state="attached", timeout=30000)
    assert page.evaluate("window.policygraph.explorer.nodes.length") == LIMIT
    page.fill(".pg-explorer-search", node["name"])
    page.press(".pg-explorer-search", "Enter")
    page.wait_for_selector(".pg-explorer-expand")
    assert page.get_attribute(".pg-explorer-found a", "href").endswith(node["url"].removeprefix("../"))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.click(".pg-explorer-expand")
    page.wait_for_function("document.querySelector('#pg-explorer[data-expanded]') || document.querySelector("
                           "'.pg-explorer-found').textContent.includes('could not')", timeout=10000)
    assert not errors and page.get_attribute("#pg-explorer", "data-expanded"), (
        errors, page.text_content(".pg-explorer-found"))
    ego = json.loads(files["/".join(node["expand"].split("/")[1:])])
    neighbours = {n["id"] for n in ego["nodes"]} - {n["id"] for n in data["nodes"]}
    state = page.evaluate("""() => {
        const e = window.policygraph.explorer;
        const keys = e.edges.get().map((edge) => `${edge.from} ${edge.predicate} ${edge.to} ${edge.t0 || ''}`);
        return {nodes: e.nodes.getIds(), keys, urls: e.nodes.get().map((n) => n.url),
                status: document.querySelector('.pg-explorer-found').textContent,
                visible: Number(e.root.dataset.visibleNodes)};
    }""")
    assert set(state["nodes"]) == {n["id"] for n in data["nodes"]} | neighbours
    assert len(state["keys"]) == len(set(state["keys"]))  # no relation drawn twice
    shown = set(state["nodes"])
    for edge in ego["edges"]:
        if edge["from"] in shown and edge["to"] in shown:
            assert f"{edge['from']} {edge['predicate']} {edge['to']} {edge.get('t0') or ''}" in state["keys"]
    assert state["visible"] == len(shown)
    assert f"Added {len(neighbours)} entities" in state["status"]
    # an added entity opens its own page, wherever its address was written from
    added = sorted(neighbours)[0]
    url = page.evaluate("(id) => window.policygraph.explorer.nodes.get(id).url", added)
    assert url.endswith(f"/{added}/") and "/../" not in url


def test_the_network_files_are_the_standard_librarys_json(files):
    """orjson writes them (render.network_json): the bytes the standard library's compact,
    key-sorted UTF-8 JSON would be, text of every script included."""
    assert any(not content.isascii() for content in files.values())  # names with accents
    for name, content in files.items():
        assert content == _stdlib_json(json.loads(content)), name
    tricky = {"b": ["García «Ω» 名", "</script><!--", "tab\tnew\nline\x01\x1f", "\u2028\u2029", '"\\'],
              "a": {"z": 0.5, "y": 0.04, "x": -2000, "w": 2**53 + 1, "v": None, "u": True}, "": []}
    assert network_json(tricky) == _stdlib_json(tricky)


def _stdlib_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
