"""The built site in Debian's headless Chromium: networks draw, nodes navigate,
citations show, a followed link draws its network, and nothing is fetched from elsewhere."""

from __future__ import annotations

import re

import pytest

from conftest import show_networks


@pytest.fixture
def site_url(mini_site, serve):
    return serve(mini_site)


def watch_requests(page, base: str) -> list[str]:
    outside: list[str] = []

    def check(request):
        url = request.url
        if not (url.startswith(base) or url.startswith(("data:", "blob:", "about:"))):
            outside.append(url)
    page.on("request", check)
    return outside


def wait_for_network(page):
    show_networks(page, timeout=15000)


def node_position(page, node_id: str) -> dict:
    """Viewport coordinates of a node, once the layout has settled."""
    return page.evaluate(
        """async (id) => {
            const entry = window.policygraph.networks[0];
            entry.figure.scrollIntoView({block: "center", behavior: "instant"});
            entry.network.stopSimulation();
            const where = () => {
                const dom = entry.network.canvasToDOM(entry.network.getPositions([id])[id]);
                const rect = entry.figure.querySelector('.pg-network-canvas').getBoundingClientRect();
                return {x: rect.left + dom.x, y: rect.top + dom.y};
            };
            const frame = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
            // Scrolling and the view's fit can still be moving: wait until two frames agree.
            let last = where();
            for (let i = 0; i < 120; i++) {
                await frame();
                const now = where();
                if (Math.abs(now.x - last.x) < 0.5 && Math.abs(now.y - last.y) < 0.5) return now;
                last = now;
            }
            return last;
        }""", node_id)


def test_entity_page_draws_its_network(page, site_url):
    outside = watch_requests(page, site_url)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + "people/ada-example/")
    wait_for_network(page)
    counts = page.evaluate("[window.policygraph.networks[0].view.length, window.policygraph.networks[0].edges.length]")
    assert counts[0] == 4  # Ada and her three neighbours; the second hop waits for a click
    assert page.locator("canvas").count() >= 1
    legend = page.locator(".pg-legend li").all_inner_texts()
    assert legend == ["People", "Organizations", "Laws", "Events"]
    assert errors == [] and outside == []


def test_relations_show_their_evidence_in_place(page, site_url):
    page.goto(site_url + "people/ada-example/")
    item = page.locator("li", has=page.locator("#holds-role-at-demo-agency"))
    assert "Demo Agency" in item.inner_text() and "Chief adviser" in item.inner_text()
    evidence = item.locator("details.pg-evidence")
    quote = evidence.locator("blockquote")
    assert not quote.is_visible()
    evidence.locator("summary").click()
    assert quote.is_visible() and quote.get_attribute("lang") == "fr"
    assert quote.locator("mark").inner_text() == "elle conseille l’agence depuis janvier"
    assert "Depuis," in quote.inner_text()  # the sentence around the quote, from the archived text
    assert "she has been advising the agency since January" in evidence.locator(".pg-translation").inner_text()
    assert "Demo News" in evidence.locator("figcaption").inner_text()


def test_clicking_a_node_opens_its_page(page, site_url):
    outside = watch_requests(page, site_url)
    page.goto(site_url + "people/ada-example/")
    wait_for_network(page)
    point = node_position(page, "demo-agency")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r".*/organizations/demo-agency/$"), timeout=10000)
    assert page.locator("h1").inner_text().startswith("Demo Agency")
    wait_for_network(page)
    assert outside == []


def test_network_draws_after_following_a_link(page, site_url):
    page.goto(site_url)
    page.locator("article a[href$='demo-agency/']").first.click()
    page.wait_for_url(re.compile(r".*/organizations/demo-agency/$"))
    wait_for_network(page)
    assert page.evaluate("window.policygraph.networks.length") == 1


def test_explorer_draws_the_whole_graph(page, site_url):
    outside = watch_requests(page, site_url)
    page.goto(site_url + "explorer/")
    page.wait_for_selector("#pg-explorer[data-drawn-ms]", state="attached", timeout=20000)
    # every entity but the sources, which are cited rather than related
    assert page.evaluate("window.policygraph.networks[0].nodes.length") == 5
    assert page.get_attribute("#pg-explorer", "data-visible-nodes") == "5"
    assert outside == []


def test_tooltips_are_text(page, site_url):
    page.goto(site_url + "people/ada-example/")
    wait_for_network(page)
    title = page.evaluate("window.policygraph.networks[0].nodes.get('ada-example').title.textContent")
    assert title.startswith("Ada Example (Person)")


def test_vis_network_loads_only_where_a_network_is_drawn(page, site_url):
    """vis-network (about 660 KB) is fetched by the pages that draw a network, not by the
    others."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "vis-network" in url]
    page.goto(site_url + "people/ada-example/")
    wait_for_network(page)
    assert len([url for url in fetched if url.endswith("vis-network.min.js")]) == 1
    assert len([url for url in fetched if url.endswith("vis-network.css")]) == 1
