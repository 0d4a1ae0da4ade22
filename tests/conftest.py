"""Shared fixtures: temporary entity trees, real site builds, a local HTTP server
and Debian's Chromium driven by Playwright.

Tests fall in three tiers, marked by the fixtures they use: `browser` (Chromium),
`site` (a real MkDocs build), and the rest, fast (`make test-fast`: no build, no
browser). `make test` runs them all."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini" / "entities"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: content} under root; return root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def validation_errors(root: Path, files: dict[str, str | bytes]) -> list[str]:
    """Write the files under root and return every validation error, formatted."""
    from builder.errors import EntityErrors
    from builder.pipeline import load_corpus
    write_tree(root, files)
    try:
        load_corpus(root / "entities", root=root)
    except EntityErrors as error:
        return [e.format() for e in error.errors]
    return []


def site_config(tmp: Path, entities: Path, site_dir: Path | None = None, **options) -> Path:
    """A mkdocs.yml inheriting the project's, pointed at another entities folder, with
    more of the plugin's `options` if given."""
    config = tmp / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {ROOT / 'site_src'}\n"
        f"site_dir: {site_dir or tmp / 'site'}\n"
        f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
        "plugins:\n  - policygraph:\n"
        f"      entities: {entities}\n"
        + "".join(f"      {name}: {value}\n" for name, value in options.items()),
        encoding="utf-8")
    return config


def build(tmp: Path, entities: Path) -> Path:
    from builder.site.build import build_site
    return build_site(site_config(tmp, entities), tmp / "site")


BROWSER_FIXTURES = {"browser", "page", "sized_page"}
SITE_FIXTURES = {"mini_site", "real_site", "evil_site", "site_build"}


def show_networks(page, timeout: float = 30000, interactive: bool = True) -> None:
    """Scroll to each network of the page (a network is drawn once it comes near the view)
    and wait until all are drawn: an ego network as its sketch first, then (with
    interactive) by vis-network, as its "Move and zoom" button asks."""
    figures = page.locator("figure.pg-network[data-src]")
    for figure in figures.all():
        figure.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('figure.pg-network[data-src]')]"
                           ".every(f => ['static', 'true'].includes(f.dataset.ready))", timeout=timeout)
    if not interactive:
        return
    for button in page.locator("figure.pg-network .pg-network-interact").all():
        button.click()
    page.wait_for_function("[...document.querySelectorAll('figure.pg-network[data-src]')]"
                           ".every(f => f.dataset.ready === 'true')", timeout=timeout)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        elif fixtures & SITE_FIXTURES or item.get_closest_marker("site"):
            item.add_marker(pytest.mark.site)


@pytest.fixture
def site_build():
    """build_site, for a test that builds a site of its own."""
    from builder.site.build import build_site
    return build_site


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("mini")
    return build(tmp, MINI)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The project's own site, built from entities/ with mkdocs.yml."""
    from builder.site.build import build_site
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("real") / "site")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                      ".json": "application/json", ".nt": "application/n-triples", ".ttl": "text/turtle"}

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def serve():
    """serve(site_dir) -> base URL of a local HTTP server for that folder."""
    servers = []

    def start(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
