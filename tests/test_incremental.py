"""`mkdocs serve --dirty` re-renders only the pages incremental.affected_pages names:
for real edits of every kind, every page that differs between a full render before
and a full render after the edit must be among them (and a summary edit must not
re-render the whole graph)."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from builder.dev.synthetic import generate
from builder.pages import render_pages
from builder.pages.context import Context, Made
from builder.pages.indexes import kind_index
from builder.pages.items import Item, timeline
from builder.pages.timeline import timeline_pages
from builder.paths import page_src
from builder.pipeline import load_corpus
from builder.read.themes import load_themes
from builder.site.preview import Preview, affected_pages, stale_items

from conftest import ROOT

SITE = "https://policygraph.example.org/"
TIMELINE_LIMIT = 40  # dated items per timeline page, low enough to split the synthetic timeline


def render(corpus, themes) -> dict[str, tuple]:
    """Each entity's page and parts, by entity id (a full render). Network data is not
    here: the data process rebuilds it in full on every build."""
    rendered = render_pages(Context(corpus, SITE, themes=themes))
    return {e.id: (rendered.markdown[page_src(e)], rendered.parts.get(page_src(e))) for e in corpus.entities.values()}


def two_hops(corpus, entity_id) -> set[str]:
    first = set(corpus.neighbours(entity_id))
    return {entity_id} | first | {n for f in first for n in corpus.neighbours(f)}


def edit(entities: Path, kind: str, entity_id: str, change) -> None:
    path = entities / kind / f"{entity_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _add_relation(data):
    quoted = copy.deepcopy(data["relations"][0]["sources"][0])  # words already quoted from that source
    data["relations"].append({"predicate": "criticizes", "target": "organization-00003", "sources": [quoted]})


EDITS = {
    "summary": ("people", "person-00001", lambda d: d.update(summary="Edited summary, nothing else.")),
    "rename": ("organizations", "organization-00003", lambda d: d.update(name="Renamed Authority")),
    "add relation": ("people", "person-00002", _add_relation),
    "drop relation": ("people", "person-00001", lambda d: d["relations"].pop()),
    "source title": ("sources", "source-00002", lambda d: d.update(title="A corrected title")),
    "event date": ("events", "event-00001", lambda d: d.update(date="2020-02-02")),
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    entities = generate(folder, 300, seed=7)
    corpus = load_corpus(entities, root=folder)
    return folder, corpus, render(corpus, [])


@pytest.mark.parametrize("name", sorted(EDITS))
def test_every_changed_page_is_re_rendered(synthetic, tmp_path, name):
    folder, before, old_pages = synthetic
    entities = tmp_path / "entities"
    shutil.copytree(folder / "entities", entities)
    kind, entity_id, change = EDITS[name]
    edit(entities, kind, entity_id, change)
    after = load_corpus(entities, root=tmp_path)
    new_pages = render(after, [])
    differing = {i for i in new_pages if new_pages[i] != old_pages.get(i)}
    affected = affected_pages(before, after, [], [])
    assert entity_id in differing  # the edit shows
    assert differing <= affected, f"stale pages: {sorted(differing - affected)[:10]}"
    if name in ("summary", "event date"):
        assert len(affected) < len(after) / 10
    if name in ("add relation", "drop relation"):  # narrower than everything two relations away
        assert len(affected) < len(two_hops(before, entity_id) | two_hops(after, entity_id))
    # the dated items the preview keeps from the last build give the same timeline, made
    # again only for the entities an edit may change; the last build's items stand for
    # those made again that show the same
    made: dict = {}
    order = timeline(before, made)
    stale = stale_items(Preview(before, [], "", {}, Made(items=made)), after)
    assert entity_id in stale and len(stale) < len(after) * 0.1
    kept = {i: items for i, items in made.items() if i not in stale}
    merged = timeline(after, dict(kept), made, order)
    full = timeline(after)
    assert len(merged) == len(full) and all(map(Item.shows_as, merged, full))
    assert (merged is order) == (len(order) == len(full) and all(map(Item.shows_as, order, full)))
    was = {id(item) for item in order}
    assert sum(id(item) in was for item in merged) > len(merged) * 0.9
    # and the timeline pages the preview keeps give the same pages (split by period here,
    # as at scale): a period's list is made again only if one of its items is new
    last = Context(before, SITE, last=Made(items=made, timeline=order))
    timeline_pages(last, limit=TIMELINE_LIMIT)
    indexes = {kind: kind_index(last, kind) for kind in before.vocabulary.kinds}
    ctx = Context(after, SITE, last=last.made, stale_items=stale)  # as the plugin does
    pages = timeline_pages(ctx, limit=TIMELINE_LIMIT)
    assert len(pages) > 3
    assert pages == timeline_pages(Context(after, SITE), limit=TIMELINE_LIMIT)
    reused = set()
    for at, now in ctx.made.timelines.items():
        was = last.made.timelines.get(at)
        same_items = was is not None and len(was.items) == len(now.items) \
            and all(a is b for a, b in zip(was.items, now.items))
        assert (was is not None and now.html is was.html) == same_items, at
        reused |= {at} if same_items else set()
    assert reused
    # and so do the kinds' indexes: a kind's page is made again only if one of its rows changed
    fresh = Context(after, SITE)
    for kind in after.vocabulary.kinds:
        page = kind_index(ctx, kind)
        assert page == kind_index(fresh, kind)
        now, was = ctx.made.indexes[kind].rows, last.made.indexes[kind].rows
        assert (page is indexes[kind]) == (len(now) == len(was) and all(a is b for a, b in zip(now, was))), kind
    assert any(kind_index(ctx, kind) is indexes[kind] for kind in after.vocabulary.kinds)


def test_theme_membership_changes_are_re_rendered():
    """On the real corpus with its themes: the editors add an entity to a theme."""
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    themes_before = load_themes(ROOT / "themes", corpus, root=ROOT)
    outsider = next(e for e in sorted(corpus.entities.values(), key=lambda e: e.id)
                    if e.kind == "organizations" and corpus.degree(e.id)
                    and not any(e.id in t.members for t in themes_before))
    first = themes_before[0]
    themes_after = [dataclasses.replace(first, members=tuple(sorted((*first.members, outsider.id)))),
                    *themes_before[1:]]
    before, after = corpus, corpus
    old_pages, new_pages = render(before, themes_before), render(after, themes_after)
    differing = {i for i in new_pages if new_pages[i] != old_pages.get(i)}
    assert outsider.id in differing
    assert differing <= affected_pages(before, after, themes_before, themes_after)


@pytest.mark.parametrize("mode", ["events", "polling"])
def test_an_edit_in_the_entities_folder_starts_a_rebuild(tmp_path, mode):
    """Under `mkdocs serve` the plugin has the entities folder watched through the
    system's file events (site/watch.py), or with `watch: polling` by MkDocs' own
    polling: MkDocs' live-reload server rebuilds when a file in it is written, renamed
    into it or removed."""
    import threading
    import time

    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    from conftest import site_config

    entities = tmp_path / "entities"
    (entities / "people").mkdir(parents=True)
    config_file = site_config(tmp_path, entities)
    if mode == "polling":
        config_file.write_text(config_file.read_text(encoding="utf-8") + "      watch: polling\n", encoding="utf-8")
    config = load_config(str(config_file))
    plugin = config.plugins["policygraph"]
    builds = threading.Semaphore(0)
    server = LiveReloadServer(builder=builds.release, host="127.0.0.1", port=0, root=str(tmp_path))
    plugin.on_serve(server, config=config, builder=builds.release)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        time.sleep(1)  # MkDocs' observer takes its first look
        (tmp_path / "new.yaml").write_text("name: New\n", encoding="utf-8")
        edits = [lambda: (entities / "people/ada.yaml").write_text("name: Ada\n", encoding="utf-8"),
                 lambda: (tmp_path / "new.yaml").replace(entities / "people/new.yaml"),
                 lambda: (entities / "people/ada.yaml").unlink()]
        for edit in edits:
            edit()
            assert builds.acquire(timeout=10), "no rebuild"
            time.sleep(0.8)  # the events of one edit start one rebuild
            while builds.acquire(blocking=False):
                pass
        # polled by MkDocs only when asked: 10,000 files stat-ed twice a second otherwise
        assert (str(entities) in server._watched_paths) == (mode == "polling")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        marker = plugin.native_watch.marker_dir if plugin.native_watch else None
        plugin.on_shutdown()
    assert marker is None or not marker.exists()


@pytest.mark.site
def test_the_preview_writes_the_pages_a_clean_build_writes(tmp_path, monkeypatch):
    """`mkdocs serve --dirty` after edits of every kind, one after the other (the
    timeline split by period, as at scale): every page the preview's site holds is the
    page a clean build of the same files writes, those it kept from earlier builds and
    those it wrote again alike."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    import builder.pages.timeline
    import builder.site.plugin

    from conftest import site_config

    monkeypatch.setattr(builder.pages.timeline, "TIMELINE_PAGE_ITEMS", TIMELINE_LIMIT)
    monkeypatch.setattr(builder.site.plugin, "PREVIEW_DATA_DELAY", 10**6)  # the data files are not compared
    monkeypatch.setattr(builder.site.plugin, "index_site", lambda *args, **kwargs: None)  # nor the search index
    entities = generate(tmp_path, 150, seed=11)
    url = "http://127.0.0.1:8000/"

    def site(folder: str, *, dirty: bool, fresh: bool) -> dict[str, bytes]:
        if fresh:
            MkDocsConfig.plugins.plugin_cache.clear()  # a new plugin: a first build
        config = load_config(str(site_config(tmp_path / folder, entities)), strict=False)
        config.site_url = url
        if fresh:
            config.plugins.on_startup(command="serve", dirty=dirty)
        build(config, serve_url=url, dirty=dirty)
        root = Path(config.site_dir)
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.suffix in (".html", ".xml") and p.name != "sitemap.xml" and "pagefind" not in p.parts}

    (tmp_path / "preview").mkdir()
    (tmp_path / "clean").mkdir()
    try:
        site("preview", dirty=True, fresh=True)
        plugin = MkDocsConfig.plugins.plugin_cache["policygraph"]
        for name in ("summary", "add relation", "rename", "event date", "drop relation", "source title"):
            kind, entity_id, change = EDITS[name]
            edit(entities, kind, entity_id, change)
            MkDocsConfig.plugins.plugin_cache["policygraph"] = plugin
            served = site("preview", dirty=True, fresh=False)
            plugin = MkDocsConfig.plugins.plugin_cache["policygraph"]
            clean = site("clean", dirty=False, fresh=True)
            assert len(clean) > 150 and served.keys() >= clean.keys()
            differing = [path for path in clean if served[path] != clean[path]]
            assert not differing, f"after the {name} edit: {differing[:10]}"
    finally:
        MkDocsConfig.plugins.plugin_cache.clear()
