"""What a reader sees of a network, in Chromium: labels that do not pile up (the focus
and the best connected labelled, the others on hover), a view that fits after a change,
and on a phone a network that lets a swipe scroll the page until it is tapped."""

from __future__ import annotations

import pytest

from conftest import ROOT, show_networks

pytestmark = pytest.mark.browser


def drawn(page, url: str) -> None:
    page.goto(url)
    show_networks(page)


def node_point(page, node_id: str) -> dict:
    return page.evaluate("""(id) => {
        const n = window.policygraph.networks[0];
        const dom = n.network.canvasToDOM(n.network.getPositions([id])[id]);
        const rect = n.figure.querySelector('.pg-network-canvas').getBoundingClientRect();
        return {x: rect.left + dom.x, y: rect.top + dom.y};
    }""", node_id)


def test_labels_show_for_the_focus_and_hubs_and_on_hover(page, real_site, serve):
    drawn(page, serve(real_site) + "organizations/openai/")
    counts = page.evaluate("""() => {
        const n = window.policygraph.networks[0];
        const shown = n.view.get().filter((node) => node.label);
        return {shown: shown.length, all: n.view.length, focus: !!n.nodes.get('openai').label};
    }""")
    assert counts["all"] > 12 and 1 <= counts["shown"] <= 9 and counts["focus"], counts
    hidden = page.evaluate("window.policygraph.networks[0].view.get().find((node) => !node.label).id")
    page.locator("figure.pg-network").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the layout settles
    point = node_point(page, hidden)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_function("(id) => !!window.policygraph.networks[0].nodes.get(id).label", arg=hidden, timeout=5000)
    edges = page.evaluate("window.policygraph.networks[0].edges.get().filter((e) => e.label).length")
    assert edges == 0  # edge labels show on hover only: parallel edges' labels no longer overlap


LABEL_BOXES = """(which) => {
    const n = which === 'explorer' ? window.policygraph.explorer : window.policygraph.networks[0];
    const scale = n.network.getScale();
    return n.nodes.get().filter((node) => node.label).map((node) => ({
        id: node.id, px: (node.font && node.font.size || 0) * scale, box: n.network.getBoundingBox(node.id)}));
}"""


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [(a["id"], b["id"]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if a["box"]["left"] < b["box"]["right"] and b["box"]["left"] < a["box"]["right"]
            and a["box"]["top"] < b["box"]["bottom"] and b["box"]["top"] < a["box"]["bottom"]]


@pytest.mark.parametrize("path", ["organizations/openai/", "people/david-sacks/", "explorer/"])
def test_labels_never_overlap_and_stay_readable(page, real_site, serve, path):
    """The labels drawn (their boxes as vis-network draws them, node and label) overlap
    none other, at 14 screen pixels, on the first draw and again after a zoom."""
    which = "explorer" if path == "explorer/" else "ego"
    page.goto(serve(real_site) + path)
    if which == "explorer":
        page.wait_for_selector("#pg-explorer[data-drawn-ms]", state="attached", timeout=30000)
    else:
        show_networks(page)
        page.wait_for_timeout(2000)  # the layout settles, then the labels are placed again
    for step in ("first draw", "zoomed"):
        labels = page.evaluate(LABEL_BOXES, which)
        assert len(labels) >= (5 if which == "explorer" else 3), (step, labels)
        assert overlapping(labels) == [], step
        assert all(abs(label["px"] - 14) < 0.5 for label in labels), (step, labels)
        page.evaluate("""(which) => {
            const n = which === 'explorer' ? window.policygraph.explorer : window.policygraph.networks[0];
            n.network.moveTo({scale: n.network.getScale() * 1.8});
            n.network.emit('zoom', {});
        }""", which)
        page.wait_for_timeout(400)


def test_two_hops_fit_in_view(page, real_site, serve):
    drawn(page, serve(real_site) + "people/david-sacks/")
    page.locator("figure.pg-network").scroll_into_view_if_needed()
    page.click(".pg-network-widen")
    page.wait_for_selector("figure.pg-network[data-hops='2']")  # the second hop fetched
    page.wait_for_timeout(4000)  # stabilisation, then the fit
    outside = page.evaluate("""() => {
        const n = window.policygraph.networks[0];
        const canvas = n.figure.querySelector('.pg-network-canvas');
        const ids = n.view.getIds();
        const positions = n.network.getPositions(ids);
        return ids.filter((id) => {
            const p = n.network.canvasToDOM(positions[id]);
            return p.x < 0 || p.y < 0 || p.x > canvas.clientWidth || p.y > canvas.clientHeight;
        });
    }""")
    assert outside == []


def test_a_swipe_over_a_network_scrolls_the_phone_page(browser, real_site, serve):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        drawn(page, serve(real_site) + "people/david-sacks/")
        page.evaluate("document.querySelector('figure.pg-network .pg-network-canvas')"
                      ".scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        session = context.new_cdp_session(page)

        def swipe_down() -> int:
            """A finger drawn 250 px down over the network; how far the page scrolled."""
            box = page.locator("figure.pg-network .pg-network-canvas").bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - 125
            before = page.evaluate("window.scrollY")
            session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
            for step in range(1, 11):
                session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + 25 * step}]})
                page.wait_for_timeout(16)
            session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            page.wait_for_timeout(400)
            return before - page.evaluate("window.scrollY")

        assert swipe_down() > 100  # the page scrolled back up: the network did not take the gesture
        assert page.get_attribute("figure.pg-network", "data-touch") == "off"
        page.locator(".pg-network-veil").first.tap()
        assert page.get_attribute("figure.pg-network", "data-touch") == "on"
        assert page.locator(".pg-network-done").first.is_visible()
        assert swipe_down() == 0  # now the network pans instead
    finally:
        context.close()


def _expected(corpus, entity_id: str) -> tuple[dict, dict]:
    """What the corpus says each node and edge of an ego network shows: a node's tooltip,
    colour and shape; a relation's tooltip and whether it is dashed (not asserted as fact)."""
    v = corpus.vocabulary
    nodes = {}
    for i in (entity_id, *corpus.neighbours(entity_id)):
        e = corpus[i]
        nodes[i] = {"title": f"{e.name} ({v.types[e.type_id].label.site})",
                    "color": v.types[e.type].color, "shape": v.types[e.type].shape}
    edges = {}
    for r in corpus.relations:
        if entity_id in (r.subject, r.target):
            dates = " – ".join(str(d) for d in r.dates)
            label = v.predicates[r.predicate].label.site
            edges[(r.subject, r.predicate, r.target, dates)] = {
                "title": f"{label}" + (f" ({dates})" if dates else "") + f" · {r.status}",
                "dashes": not v.statuses[r.status].truthy}
    return nodes, edges


def test_a_network_draws_what_the_corpus_says(page, real_site, serve):
    """The network files name each node's type and each relation's predicate, status and
    dates; the page makes the texts, colours, shapes and dashes from them: they match the
    corpus, and a node keeps its kind's colour once its label is shown or hidden."""
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    entity = max((e for e in corpus.entities.values() if not corpus.is_source(e.id)),
                 key=lambda e: (len({r.status for r in corpus.relations if e.id in (r.subject, r.target)}),
                                corpus.degree(e.id), e.id))
    nodes, edges = _expected(corpus, entity.id)
    assert any(e["dashes"] for e in edges.values()) and any(not e["dashes"] for e in edges.values())
    drawn(page, serve(real_site) + page_url(entity))
    seen = page.evaluate("""() => {
        const n = window.policygraph.networks[0];
        const body = n.network.body;
        const node = (id) => ({title: n.nodes.get(id).title.textContent,
            color: body.nodes[id].options.color.background, shape: body.nodes[id].options.shape});
        return {
            nodes: Object.fromEntries(n.nodes.get().filter((x) => x.hop !== 2).map((x) => [x.id, node(x.id)])),
            edges: n.edges.get().map((e) => ({key: [e.from, e.predicate, e.to, e.dates || e.t0 || ""],
                title: e.title.textContent, dashes: body.edges[e.id] ? body.edges[e.id].options.dashes : e.dashes})),
        };
    }""")
    for node_id, expected in nodes.items():
        assert seen["nodes"][node_id] == expected, node_id
    around = [e for e in seen["edges"] if entity.id in (e["key"][0], e["key"][2])]
    assert len(around) == len(edges)
    for edge in around:
        assert {"title": edge["title"], "dashes": edge["dashes"]} == edges[tuple(edge["key"])], edge["key"]
    hidden = page.evaluate("window.policygraph.networks[0].view.get().find((node) => !node.label).id")
    page.locator("figure.pg-network").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    point = node_point(page, hidden)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_function("(id) => !!window.policygraph.networks[0].nodes.get(id).label", arg=hidden, timeout=5000)
    color = page.evaluate("(id) => window.policygraph.networks[0].network.body.nodes[id].options.color.background",
                          hidden)
    assert color == nodes[hidden]["color"]


def test_two_hops_are_assembled_from_the_neighbours_files(page, real_site, serve):
    """An ego network's file holds one hop; "Show two hops" fetches the files of the
    neighbours it walks through and adds the entities the file names as its second hop
    (select.py) and every relation among the entities shown that those files hold: each
    file holds the relations among its entity and its neighbours."""
    from builder.network.select import Selection
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    select = Selection(corpus)
    entity = max((e for e in corpus.entities.values() if not corpus.is_source(e.id)),
                 key=lambda e: (len(select.ego(e.id).second), len(select.ego(e.id).walked), e.id))
    ego = select.ego(entity.id)
    assert ego.second and ego.walked
    shown = {entity.id, *ego.first, *ego.second}

    def closed(entity_id: str) -> set[str]:
        return {entity_id, *corpus.neighbours(entity_id)}

    files = [closed(x) for x in (entity.id, *ego.walked)]
    expected = {(r.subject, r.predicate, r.target, min(d.earliest for d in r.dates) if r.dates else "")
                for r in corpus.relations if r.subject in shown and r.target in shown
                and any(r.subject in f and r.target in f for f in files)}
    beyond = {(r.subject, r.target) for r in corpus.relations if r.subject in shown and r.target in shown} - \
        {(s, t) for s, _, t, _ in expected}
    site = serve(real_site)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    drawn(page, site + page_url(entity))
    one = page.evaluate("window.policygraph.networks[0].view.getIds()")
    assert set(one) == {entity.id, *ego.first}
    with page.expect_response(lambda r: r.url.endswith(".network.json") and r.url != site + page_url(entity)):
        page.click(".pg-network-widen")
    page.wait_for_selector("figure.pg-network[data-hops='2']")
    seen = page.evaluate("""() => {
        const n = window.policygraph.networks[0];
        return {ids: n.view.getIds(), second: n.nodes.get().filter((x) => x.hop === 2).map((x) => [x.id, x.url]),
                keys: n.edges.get().map((e) => [e.from, e.predicate, e.to, e.t0 || ""]),
                status: n.figure.querySelector('.pg-network-status').textContent};
    }""")
    assert set(seen["ids"]) == shown and len(seen["ids"]) == len(shown)
    assert {tuple(k) for k in seen["keys"]} == expected and len(seen["keys"]) == len(expected)
    assert {i: url for i, url in seen["second"]} == {i: site + page_url(corpus[i]) for i in ego.second}
    assert f"Added {len(ego.second)} entities" in seen["status"] and not failed
    print(f"{entity.id}: {len(ego.first)} neighbours, {len(ego.walked)} files fetched, {len(ego.second)} second hop, "
          f"{len(expected)} relations; {len(beyond)} among those shown in no file fetched")
    page.click(".pg-network-widen")
    assert page.get_attribute("figure.pg-network", "data-hops") == "1"
    assert set(page.evaluate("window.policygraph.networks[0].view.getIds()")) == set(one)


def test_a_second_hop_that_fails_to_load_says_so_and_can_be_asked_again(page, real_site, serve):
    """A neighbour's file that does not arrive: the page says the second hop could not be
    loaded, keeps one hop and the button's focus, and loads it when asked again."""
    site = serve(real_site)
    drawn(page, site + "people/david-sacks/")
    failing = {"on": True}
    page.route("**/*.network.json", lambda route: route.abort() if failing["on"] and not route.request.url.endswith(
        "/david-sacks.network.json") else route.continue_())
    page.focus(".pg-network-widen")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.pg-network-status').textContent.includes('could not be loaded')")
    assert page.get_attribute("figure.pg-network", "data-hops") in (None, "1")
    assert page.evaluate("document.activeElement.classList.contains('pg-network-widen')")
    assert page.text_content(".pg-network-widen") == "Show two hops"
    failing["on"] = False
    page.keyboard.press("Enter")
    page.wait_for_selector("figure.pg-network[data-hops='2']")
    assert page.text_content(".pg-network-status").startswith("Added ")


SHAPES = {"dot": "circle", "square": "rect", "box": "rect", "diamond": "polygon", "triangle": "polygon",
          "star": "polygon"}

SKETCH = """() => {
    const svg = document.querySelector('figure.pg-network .pg-sketch');
    const nodes = [...svg.querySelectorAll('.pg-sketch-node')].map((g) => {
        const body = g.firstElementChild;
        const text = g.querySelector('text');
        const box = body.getBoundingClientRect();
        return {id: g.dataset.id, title: g.querySelector('title').textContent, tag: body.tagName,
                color: body.getAttribute('fill'), label: text.textContent,
                named: getComputedStyle(text).visibility === 'visible',
                x: box.left + box.width / 2, y: box.top + box.height / 2, text: text.getBoundingClientRect().toJSON()};
    });
    const edges = [...svg.querySelectorAll('.pg-sketch-edges path')].map((path) => ({
        title: path.querySelector('title').textContent, dashes: path.hasAttribute('stroke-dasharray')}));
    return {nodes, edges, frame: svg.getBoundingClientRect().toJSON()};
}"""


def _sketched(page, url: str) -> dict:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    show_networks(page, interactive=False)
    assert page.get_attribute("figure.pg-network", "data-ready") == "static"
    assert not [u for u in requested if "vis-network" in u]  # the sketch needs none of it
    return page.evaluate(SKETCH)


def test_an_ego_network_is_sketched_from_the_corpus_without_vis_network(page, real_site, serve):
    """Before the reader asks for the interactive view, an entity's network is drawn at
    once as an SVG: every node of the file with its kind's colour and shape and its
    tooltip, every relation with its tooltip, dashed when not asserted as fact."""
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    entity = max((e for e in corpus.entities.values() if not corpus.is_source(e.id)),
                 key=lambda e: (len({r.status for r in corpus.relations if e.id in (r.subject, r.target)}),
                                corpus.degree(e.id), e.id))
    nodes, edges = _expected(corpus, entity.id)
    seen = _sketched(page, serve(real_site) + page_url(entity))
    assert {n["id"] for n in seen["nodes"]} == set(nodes)
    for node in seen["nodes"]:
        expected = nodes[node["id"]]
        assert (node["title"], node["color"], node["tag"]) == (
            expected["title"], expected["color"], SHAPES[expected["shape"]]), node["id"]
    around = {(e["title"], e["dashes"]) for e in edges.values()}
    drawn_edges = {(e["title"], e["dashes"]) for e in seen["edges"]}
    assert around <= drawn_edges and any(d for _, d in around) and any(not d for _, d in around)
    focus = next(n for n in seen["nodes"] if n["id"] == entity.id)
    assert focus["named"] and focus["label"] == entity.name


@pytest.mark.parametrize("path", ["organizations/openai/", "people/david-sacks/"])
def test_the_sketchs_names_never_overlap_and_stay_inside_it(page, real_site, serve, path):
    """The names drawn (the focus's and, in a large network, those of the best connected)
    overlap no other name and stay inside the drawing; the others show on hover."""
    seen = _sketched(page, serve(real_site) + path)
    named = [n for n in seen["nodes"] if n["named"]]
    assert len(named) >= 3
    boxes = [{"id": n["id"], "box": n["text"]} for n in named]
    assert overlapping(boxes) == []
    frame = seen["frame"]
    for n in named:
        box = n["text"]
        assert frame["left"] - 1 <= box["left"] and box["right"] <= frame["right"] + 1, n
    hidden = [n for n in seen["nodes"] if not n["named"]]
    if hidden:
        page.mouse.move(hidden[0]["x"], hidden[0]["y"])
        page.wait_for_function("(id) => getComputedStyle(document.querySelector("
                               "`.pg-sketch-node[data-id='${id}'] text`)).visibility === 'visible'", arg=hidden[0]["id"])


def test_a_click_on_a_sketched_entity_opens_its_page(page, real_site, serve):
    from builder.paths import page_url
    from builder.pipeline import load_corpus
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    site = serve(real_site)
    seen = _sketched(page, site + "people/david-sacks/")
    target = next(n for n in seen["nodes"] if n["id"] != "david-sacks")
    with page.expect_navigation():
        page.mouse.click(target["x"], target["y"])
    assert page.url == site + page_url(corpus[target["id"]])


def test_move_and_zoom_brings_the_interactive_view_in_place_of_the_sketch(page, real_site, serve):
    """"Move and zoom" fetches vis-network, which draws the same entities where the sketch
    was; the button goes and the keyboard's focus moves to the network. "Show two hops"
    on a sketch brings the interactive view too."""
    site = serve(real_site)
    seen = _sketched(page, site + "people/david-sacks/")
    assert page.get_attribute("figure.pg-network .pg-network-canvas", "tabindex") is None  # no dead keyboard stop
    with page.expect_response(lambda r: "vis-network.min.js" in r.url):
        page.focus(".pg-network-interact")
        page.keyboard.press("Enter")
    page.wait_for_selector("figure.pg-network[data-ready='true']")
    assert page.locator(".pg-sketch").count() == 0 and page.locator(".pg-network-interact").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('pg-network-canvas')")
    ids = page.evaluate("window.policygraph.networks[0].view.getIds()")
    assert set(ids) == {n["id"] for n in seen["nodes"]}
    _sketched(page, site + "organizations/openai/")
    page.click(".pg-network-widen")
    page.wait_for_selector("figure.pg-network[data-hops='2']")
    assert page.get_attribute("figure.pg-network", "data-ready") == "true"
    assert page.locator(".pg-sketch").count() == 0


def test_a_sketch_whose_interactive_view_fails_to_load_stays_and_says_so(page, real_site, serve):
    site = serve(real_site)
    page.route("**/vis-network.min.js", lambda route: route.abort())
    _sketched(page, site + "people/david-sacks/")
    page.click(".pg-network-interact")
    page.wait_for_function("document.querySelector('.pg-network-status').textContent.includes('could not be loaded')")
    assert page.locator(".pg-sketch").count() == 1
    assert page.get_attribute("figure.pg-network", "data-ready") == "static"
    page.unroute("**/vis-network.min.js")
    page.click(".pg-network-interact")
    page.wait_for_selector("figure.pg-network[data-ready='true']")
