"""Entity pages render on several processes in a build (pages.SharedRendering): the
pages and their parts must be the same bytes whoever renders them, and a renderer
that fails must fail the build rather than leave pages out.

Each render runs in a fresh interpreter: renderers are forked only from a process
without other threads, and this test session runs servers in threads."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from builder.pages import PARALLEL_MIN_PAGES
from builder.synthetic import generate
from conftest import ROOT

RENDER = """
import os, pickle, sys
from pathlib import Path
from builder.pages import PageBuilder, SharedRendering
from builder.pipeline import load_corpus

folder, workers, fail, out = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
corpus = load_corpus(folder / "entities", root=folder)
caller, original = os.getpid(), PageBuilder.entity_page

def entity_page(self, entity):
    if os.getpid() != caller and fail == "raise":
        raise ValueError(f"boom on {entity.id}")
    if os.getpid() != caller and fail == "die":
        os._exit(3)
    return original(self, entity)

PageBuilder.entity_page = entity_page
if fail == "caller":
    def other_pages(self):
        raise ValueError("boom in the caller")
    PageBuilder.other_pages = other_pages
builder = PageBuilder(corpus, "https://policygraph.example.org/")
pages = builder.render_all(workers=workers)
shared_builder = PageBuilder(corpus, "https://policygraph.example.org/")
with SharedRendering(shared_builder, list(corpus.entities), workers) as shared:
    shared.finish()
with open(out, "wb") as file:
    pickle.dump({"pages": pages, "parts": builder.parts, "chunks_here": shared.chunks_here,
                 "chunks": len(shared.chunks)}, file)
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
        assert many["parts"] == one["parts"]


def test_a_renderer_that_raises_fails_the_render(folder, tmp_path):
    _, result = render(folder, tmp_path, 2, fail="raise")
    assert result.returncode != 0
    assert "RuntimeError: a page renderer failed:" in result.stderr
    assert "ValueError: boom on" in result.stderr


def test_a_renderer_that_dies_fails_the_render(folder, tmp_path):
    _, result = render(folder, tmp_path, 2, fail="die")
    assert result.returncode != 0
    assert "RuntimeError: a page renderer stopped (exit code 3)" in result.stderr


def test_a_failure_in_the_caller_stops_the_renderers(folder, tmp_path):
    _, result = render(folder, tmp_path, 2, fail="caller")
    assert result.returncode != 0
    assert "ValueError: boom in the caller" in result.stderr
    assert result.stderr.count("Traceback") == 1  # the forks were stopped quietly, not left to fail
