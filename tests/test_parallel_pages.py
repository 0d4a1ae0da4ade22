"""Entity pages render on several processes in a build (pages.SharedRendering): the
pages and their parts must be the same bytes whoever renders them, and a renderer
that fails must fail the build rather than leave pages out."""

from __future__ import annotations

import os

import pytest

from builder.pages import PARALLEL_MIN_PAGES, PageBuilder, SharedRendering
from builder.pipeline import load_corpus
from builder.synthetic import generate

SITE = "https://policygraph.example.org/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parallel")
    corpus = load_corpus(generate(folder, PARALLEL_MIN_PAGES + 100, seed=3), root=folder)
    assert len(corpus) >= PARALLEL_MIN_PAGES
    return corpus


def render(corpus, workers: int) -> tuple[dict, dict]:
    builder = PageBuilder(corpus, SITE)
    pages = builder.render_all(workers=workers)
    return pages, builder.parts


def test_pages_are_the_same_bytes_on_any_number_of_processes(corpus):
    one_pages, one_parts = render(corpus, 1)
    for workers in (2, 3):
        pages, parts = render(corpus, workers)
        assert list(pages) == list(one_pages)  # the same pages, in the same order
        assert pages == one_pages
        assert parts == one_parts
    assert len(one_parts) == len(corpus)


def test_both_the_caller_and_the_forks_render(corpus):
    builder = PageBuilder(corpus, SITE)
    ids = list(corpus.entities)
    with SharedRendering(builder, ids, 2) as shared:
        pages = shared.finish()
    assert len(pages) == len(ids) and set(builder.parts) == set(pages)
    assert 0 < shared.chunks_here < len(shared.chunks)


def test_a_renderer_that_raises_fails_the_render(corpus, monkeypatch):
    original, caller = PageBuilder.entity_page, os.getpid()

    def fails_in_forks(self, entity):
        if os.getpid() != caller:
            raise ValueError(f"boom on {entity.id}")
        return original(self, entity)

    monkeypatch.setattr(PageBuilder, "entity_page", fails_in_forks)
    with pytest.raises(RuntimeError, match="a page renderer failed:(.|\n)*ValueError: boom on"):
        render(corpus, 2)


def test_a_renderer_that_dies_fails_the_render(corpus, monkeypatch):
    original, caller = PageBuilder.entity_page, os.getpid()

    def dies_in_forks(self, entity):
        if os.getpid() != caller:
            os._exit(3)
        return original(self, entity)

    monkeypatch.setattr(PageBuilder, "entity_page", dies_in_forks)
    with pytest.raises(RuntimeError, match=r"a page renderer stopped \(exit code 3\)"):
        render(corpus, 2)
