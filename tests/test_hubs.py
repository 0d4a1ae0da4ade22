"""A hub's page stays readable and small: past HUB_ROWS, the oldest relations to an
entity (and the claims of a source past HUB_ROWS) give way to a link whose query lists
every one of them. The entity's own relations are all kept: each is its statement's
anchor."""

from __future__ import annotations

import html
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from builder.network.select import WALK_DEGREE
from builder.pages import render_pages
from builder.pages.context import Context
from builder.pages.entity import HUB_ROWS, see_also
from builder.pipeline import load_corpus
from builder.rdf.export import query_store_content

from conftest import MINI, ROOT, write_tree

SITE = "https://policygraph.example.org/"
FANS = HUB_ROWS + 37


def hub_corpus(tmp_path):
    shutil.copytree(MINI, tmp_path / "entities")
    files = {}
    for number in range(FANS):
        files[f"entities/people/fan-{number:03d}.yaml"] = (
            f"type: person\nname: Fan {number:03d}\nsummary: A fictional critic.\nrelations:\n"
            f"  - predicate: criticizes\n    target: demo-agency\n    date: 2025-{number % 12 + 1:02d}-01\n"
            "    sources:\n      - source: demo-2025-12-02-article\n"
            "        quote: \"l’agence enquête sur le robot\"\n"
            "        translation: {en: \"the agency is investigating the robot\"}\n")
    write_tree(tmp_path, files)
    return load_corpus(tmp_path / "entities", root=tmp_path)


def test_a_hub_page_lists_the_most_recent_and_links_to_all(tmp_path):
    corpus = hub_corpus(tmp_path)
    rendered = render_pages(Context(corpus, SITE))
    parts = rendered.parts["organizations/demo-agency.md"]
    listed = parts["relations-criticizes-inverse"].decode()
    assert listed.count('class="pg-rel"') == HUB_ROWS
    dates = re.findall(r'data-date="([^"]+)"', listed)
    assert min(dates) >= "2025-02"  # the oldest (January) left out first
    assert f"Showing the most recent {HUB_ROWS} of {FANS} relations to this entity" in listed
    href = html.unescape(re.search(r'<p class="pg-more">.*?<a href="([^"]+)"', listed)[1])
    assert href.startswith("../../query/?query=")
    query = parse_qs(urlsplit(href).query)["query"][0]

    graph = ox.Store()
    for data, rdf_format in query_store_content(corpus, SITE):
        graph.load(data, format=rdf_format)
    subjects = {row["subject"].value for row in graph.query(query)}
    assert len(subjects) == FANS
    assert all(s.startswith(SITE + "people/fan-") for s in subjects)

    # The source backs every one of those claims: its page lists the first ones and links to all.
    backed = rendered.parts["sources/demo-2025-12-02-article.md"]["backed"].decode()
    total = len(corpus.cited_by("demo-2025-12-02-article"))
    assert backed.count("<li>") == HUB_ROWS
    assert f"Showing the first {HUB_ROWS} of {total} claims" in backed
    href = html.unescape(re.search(r'<p class="pg-more">.*?<a href="([^"]+)"', backed)[1])
    statements = {row["statement"].value for row in graph.query(parse_qs(urlsplit(href).query)["query"][0])}
    assert len(statements) == total


def test_an_entitys_own_relations_are_never_left_out(tmp_path):
    shutil.copytree(MINI, tmp_path / "entities")
    relations = "".join(
        f"  - predicate: criticizes\n    target: fan-{number:03d}\n"
        "    sources:\n      - source: demo-2025-12-02-article\n"
        "        quote: \"l’agence enquête sur le robot\"\n"
        "        translation: {en: \"the agency is investigating the robot\"}\n" for number in range(FANS))
    files = {f"entities/people/fan-{number:03d}.yaml": f"type: person\nname: Fan {number:03d}\nsummary: S.\n"
             for number in range(FANS)}
    files["entities/people/critic.yaml"] = f"type: person\nname: The Critic\nsummary: S.\nrelations:\n{relations}"
    write_tree(tmp_path, files)
    corpus = load_corpus(tmp_path / "entities", root=tmp_path)
    parts = render_pages(Context(corpus, SITE)).parts["people/critic.md"]
    listed = parts["relations-criticizes"].decode() + parts["lead"].decode()  # the lead opens the page
    assert listed.count('class="pg-rel" id="criticizes-fan-') == FANS
    assert "pg-more" not in listed


def test_see_also_suggests_the_entities_sharing_the_most_neighbours_that_are_no_hubs(tmp_path):
    """See also: the five entities (no source, none of the entity's neighbours) that share
    the most neighbours with it, a hub (more than WALK_DEGREE relations) or a source counting
    for none; ties in name order. Checked against the definition, counted again for every
    entity of the real corpus and of a corpus with a hub."""
    real = load_corpus(ROOT / "entities", root=ROOT)
    for corpus in (real, hub_corpus(tmp_path)):
        ctx = Context(corpus, SITE)
        sources = {e.id for e in corpus.sources()}
        shared = {i: {n for n in corpus.neighbours(i) if n not in sources}
                  for i in corpus.entities if corpus.degrees[i] <= WALK_DEGREE}
        name_order = sorted(corpus.entities.values(), key=lambda e: (e.name.lower(), e.id))
        rank = {e.id: place for place, e in enumerate(name_order)}
        suggested = 0
        for entity in corpus.entities.values():
            mine = set(corpus.neighbours(entity.id))
            scores = {}
            for neighbour in mine & shared.keys():
                for other in shared[neighbour] - mine - {entity.id}:
                    scores[other] = scores.get(other, 0) + 1
            expected = sorted(scores, key=lambda other: (-scores[other], rank[other]))[:5]
            assert [e.id for e in see_also(ctx, entity)] == expected, entity.id
            suggested += bool(expected)
        assert suggested > len(corpus.entities) / 2
