"""Entity pages render on several processes in a build (pages/parallel.py): the
pages and their parts must be the same bytes whoever renders them, and a renderer
that fails must fail the build rather than leave pages out.

Each render runs in a fresh interpreter: renderers are forked only from a process
without other threads, and this test session runs servers in threads."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from builder.dev.synthetic import generate
from builder.pages.parallel import PARALLEL_MIN_PAGES

from conftest import ROOT

pytestmark = pytest.mark.site  # renders hundreds of pages in subprocesses

RENDER = """
import os, pickle, sys
from pathlib import Path
import builder.pages, builder.pages.entity
from builder.pages.context import Context
from builder.pages.parallel import SharedRendering
from builder.pipeline import load_corpus

folder, workers, fail, out = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
corpus = load_corpus(folder / "entities", root=folder)
caller, original = os.getpid(), builder.pages.entity.entity_page

def entity_page(ctx, entity):
    if os.getpid() != caller and fail == "raise":
        raise ValueError(f"boom on {entity.id}")
    if os.getpid() != caller and fail == "die":
        os._exit(3)
    return original(ctx, entity)

builder.pages.entity.entity_page = entity_page
if fail == "caller":
    def other_pages(ctx):
        raise ValueError("boom in the caller")
    builder.pages.other_pages = other_pages
spill, stored, bodies_stored = None, 0, 0
if fail == "spill":
    from builder.pages.context import PartsFile, StoredParts, StoredText
    spill = PartsFile(Path(out + ".parts"))
    spill.folder.mkdir()
rendered = builder.pages.render_pages(Context(corpus, "https://policygraph.example.org/"), workers=workers,
                                      spill=spill)
if spill is not None:
    stored = sum(isinstance(page.parts, StoredParts) for page in rendered.pages.values())
    bodies_stored = sum(page.body is not None and isinstance(page.body.html, StoredText)
                        for page in rendered.pages.values())
    for page in rendered.pages.values():
        if isinstance(page.parts, StoredParts):
            page.parts = page.parts.load()
        if page.body is not None and isinstance(page.body.html, StoredText):
            page.body = page.body._replace(html=page.body.html.load())
with SharedRendering(Context(corpus, "https://policygraph.example.org/"), list(corpus.entities), workers) as shared:
    shared.finish()
with open(out, "wb") as file:
    pickle.dump({"pages": rendered.markdown, "parts": rendered.parts, "chunks_here": shared.chunks_here,
                 "bodies": {src: page.body for src, page in rendered.pages.items()},
                 "chunks": len(shared.chunks), "stored": stored, "bodies_stored": bodies_stored,
                 "files": len(list(spill.folder.iterdir())) if spill else 0}, file)
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    generate(folder, PARALLEL_MIN_PAGES + 100, seed=3)
    return folder


def render(folder, tmp_path, workers: int, fail: str = "") -> tuple[dict, subprocess.CompletedProcess]:
    out = tmp_path / f"render-{workers}-{fail}.pickle"
    result = subprocess.run([sys.executable, "-c", RENDER, str(folder), str(workers), fail, str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    return (pickle.loads(out.read_bytes()) if result.returncode == 0 else {}), result


def test_pages_are_the_same_bytes_on_any_number_of_processes(folder, tmp_path):
    one, _ = render(folder, tmp_path, 1)
    assert len(one["parts"]) >= PARALLEL_MIN_PAGES
    for workers in (2, 3):
        many, result = render(folder, tmp_path, workers)
        assert result.returncode == 0, result.stderr
        assert 0 < many["chunks_here"] < many["chunks"]  # the caller and the forks both rendered
        assert list(many["pages"]) == list(one["pages"])  # the same pages, in the same order
        assert many["pages"] == one["pages"]
        assert many["parts"] == one["parts"] and many["bodies"] == one["bodies"]


def test_a_builds_parts_wait_on_disk_and_come_back_the_same(folder, tmp_path):
    """A build writes each entity page's parts and body to a file as the page is
    rendered (each renderer process to its own), and reads them back the same bytes."""
    one, _ = render(folder, tmp_path, 1)
    for workers in (1, 2):
        spilled, result = render(folder, tmp_path, workers, "spill")
        assert result.returncode == 0, result.stderr
        assert spilled["stored"] >= PARALLEL_MIN_PAGES and spilled["files"] == workers
        assert spilled["bodies_stored"] == spilled["stored"]
        assert spilled["pages"] == one["pages"] and spilled["parts"] == one["parts"]
        assert spilled["bodies"] == one["bodies"]


def test_a_page_whose_body_waits_on_disk_holds_it_only_while_mkdocs_uses_it(tmp_path):
    """MkDocs renders every page before it writes the first: a page whose body was
    written to a file (site/files.HtmlPage) reads it when MkDocs asks for its content,
    and forgets it once handed back unchanged; content that a plugin changed is kept."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File

    from builder.pages.context import Body, Heading, PartsFile, StoredText
    from builder.pages.context import Page as Generated
    from builder.site.files import HtmlPage

    spill = PartsFile(tmp_path / "parts")
    spill.folder.mkdir()
    html = '<h1 id="acme">Acme · société</h1>\n<p>Text</p>'
    page = spill.keep({"a.md": Generated("---\ntitle: Acme\n---\n", body=Body(html, (Heading(1, "acme", "Acme"),)))})
    spill.flush()
    body = page["a.md"].body
    assert isinstance(body.html, StoredText)
    config = load_config(str(ROOT / "mkdocs.yml"))
    html_page = HtmlPage(File("a.md", str(tmp_path), str(tmp_path / "site"), True), config, body)
    html_page.render(config, None)
    assert html_page._read is None  # nothing read yet
    content = html_page.content
    assert content == html and html_page.content is content  # read once while in use
    html_page.content = content  # handed back unchanged (MkDocs' on_page_content)
    assert html_page._read is None and html_page.content == html
    html_page.content = "<p>changed</p>"
    assert html_page.content == "<p>changed</p>"
    html_page.content = None  # the plugin, once the page is written
    assert html_page.content is None
    spill.remove()


def test_a_renderer_that_raises_fails_the_render(folder, tmp_path):
    _, result = render(folder, tmp_path, 2, fail="raise")
    assert result.returncode != 0
    assert "RenderError: a page renderer failed:" in result.stderr
    assert "ValueError: boom on" in result.stderr


def test_a_renderer_that_dies_fails_the_render(folder, tmp_path):
    _, result = render(folder, tmp_path, 2, fail="die")
    assert result.returncode != 0
    assert "RenderError: a page renderer stopped (exit code 3)" in result.stderr


def test_a_failure_in_the_caller_stops_the_renderers(folder, tmp_path):
    _, result = render(folder, tmp_path, 2, fail="caller")
    assert result.returncode != 0
    assert "ValueError: boom in the caller" in result.stderr
    assert result.stderr.count("Traceback") == 1  # the forks were stopped quietly, not left to fail
