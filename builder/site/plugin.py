"""The MkDocs plugin: runs the pipeline inside the MkDocs build. It reads and validates
in `on_config` (before MkDocs cleans or writes anything), hands every generated page to
MkDocs in memory in `on_files` while the data process writes the data files, puts the
pages' HTML parts in place in `on_post_page`, indexes the pages for search and moves the
data files into the site in `on_post_build`, and under `mkdocs serve` watches the entity
files (site/watch.py). Under `policygraph build`, which runs MkDocs in a forked process
(site/build.py), it takes the project read by that command, and leaves the data process
and the search to it (`apart`)."""

from __future__ import annotations

import functools
import logging
import pickle
import threading
import time
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from builder import pipeline
from builder.errors import BuildError, PolicygraphError
from builder.network.render import NetworkRenderer
from builder.pages import reference
from builder.pages.context import Context, PartsFile, StoredParts, fill_parts
from builder.pages.parallel import render_workers
from builder.pages.search import NAMES_FIRST_PAGES, NAMES_FOLDER, names_index
from builder.pages.timeline import feed
from builder.paths import THEMES_INDEX, entity_file, kind_index_src, page_src, scratch_folder, theme_src
from builder.processes import give_back_memory
from builder.rdf.export import Release
from builder.read.catalogue import DEFAULT_FOLDER
from builder.read.yaml import ParsedFiles
from builder.site.assets import asset_files
from builder.site.datajob import DataJob, DataResult, data_file_names
from builder.site.files import FreedFile, HtmlPage, MadeFiles, add_file, move_tree
from builder.site.fragments import SharedFragments
from builder.site.git import last_changed, last_commit_date, repository_prefix
from builder.site.preview import Preview, affected_pages, stale_items, with_kept
from builder.site.search import BUNDLE, MIN_PAGES_PER_BUNDLE, PAGES_PER_BUNDLE, SearchCopies, index_site, search_bundles
from builder.site.watch import NativeWatch
from builder.tools.schema import SCHEMA_DIR, render_schemas
from builder.vocabulary import DEFAULT_PATH

log = logging.getLogger("mkdocs.plugins.policygraph")
PREVIEW_DATA_DELAY = 1.0  # seconds


class PolicygraphPluginConfig(base.Config):
    entities = c.Type(str, default="entities")
    themes = c.Type(str, default="themes")
    vocabulary = c.Optional(c.Type(str))
    # The example queries' folder (queries/*.rq); by default the one beside builder/.
    queries = c.Optional(c.Type(str))
    # Where "Edit this page" leads: the repository's edit address for the project root,
    # e.g. https://github.com/OWNER/REPO/edit/main/ (entity paths are appended).
    edit_url_base = c.Optional(c.Type(str))
    # A SPARQL 1.1 endpoint: the query page sends queries there instead of running them
    # in the browser.
    sparql_endpoint = c.Optional(c.Type(str))
    # Oxigraph's WebAssembly build, installed by `npm ci` (package.json pins it).
    oxigraph_dir = c.Type(str, default="node_modules/oxigraph")
    # How `mkdocs serve` sees edits of the entity files: the system's file events, or
    # MkDocs' polling (slower at scale, but it also sees edits that send no event, as on
    # some network drives and container bind mounts).
    watch = c.Choice(("events", "polling"), default="events")
    # Beyond this many pages, the search index is made in several bundles (site/search.py).
    pages_per_search_bundle = c.Type(int, default=PAGES_PER_BUNDLE)
    # From this many pages on, the search answers from the entities' names first and loads
    # Pagefind for the full text only when the names do not answer or the reader asks
    # (pages/search.py `names_index`).
    search_names_from_pages = c.Type(int, default=NAMES_FIRST_PAGES)


def with_kind_indexes(nav: list, vocabulary) -> list:
    """The configured nav, with the index of every entities/ folder: those it lacks (a type
    just added to the vocabulary) go after the last one it has."""
    wanted = {kind_index_src(kind): base.plural.site for kind, base in vocabulary.kinds.items()}
    present = [i for i, item in enumerate(nav) if isinstance(item, dict) and set(item.values()) & set(wanted)]
    have = {value for item in nav if isinstance(item, dict) for value in item.values()}
    missing = [{label: src} for src, label in wanted.items() if src not in have]
    at = present[-1] + 1 if present else len(nav)
    return nav[:at] + missing + nav[at:]


def with_stories(nav: list, themes) -> list:
    """The nav entry of the themes index becomes a section holding it and every story
    (so the stories are one tap away in the phone's menu too)."""
    out = []
    for item in nav:
        if isinstance(item, dict) and list(item.values()) == [THEMES_INDEX] and themes:
            (label,) = item
            item = {label: [{"All stories": THEMES_INDEX}, *({t.title: theme_src(t.id)} for t in themes)]}
        out.append(item)
    return out


class PolicygraphPlugin(BasePlugin[PolicygraphPluginConfig]):
    """Builds the knowledge graph's pages, networks and RDF exports into the site."""

    def __init__(self) -> None:
        super().__init__()
        self.project: pipeline.Project | None = None
        self.pickled: bytes | None = None  # the project as its reading process handed it over
        # `policygraph build` reads the project, starts the data process and makes the search
        # itself, and runs MkDocs in a forked process (site/build.py): the project it read,
        # pickled, for this process, which then leaves the data files and the search to it.
        self.handover: bytes | None = None
        self.apart = False
        self.spill: PartsFile | None = None  # where a build's entity pages' parts wait
        self.prefix = "entities/"
        self.parts: dict[str, dict[str, bytes] | StoredParts] = {}
        self.data_job: DataJob | None = None
        self.pending: DataJob | None = None
        self.data_start = None  # the preview's data process, started after its build (DataJob's arguments)
        self.builds = 0  # counts the builds begun, for the preview's data process
        self.lock = threading.Lock()
        self.serving = False
        self.incremental = False  # mkdocs serve --dirty: re-render only the pages an edit changes
        self.preview: Preview | None = None
        self.parsed: ParsedFiles | None = None
        self.data_result: DataResult | None = None  # what the last data process reported
        self.search_lock = threading.Lock()  # one search indexing at a time (the preview's run in threads)
        self.search_bundles: tuple[str, ...] = (BUNDLE,)
        self.search_copies: SearchCopies | None = None  # what the search reads of a build's pages
        self.handed_copies: SearchCopies | None = None  # those of a build made `apart`, for its search
        self.dirty = False  # mkdocs build --dirty: MkDocs writes only the pages it finds changed
        self.native_watch: NativeWatch | None = None  # the entities folder's, under mkdocs serve
        self.listed: set[str] = set()  # the source paths of the pages in the nav
        self.theme_env = None  # the preview's theme environment, and what it was made for
        self.made_files: MadeFiles | None = None  # the preview's last build's
        self.edit_urls: dict[str, str] = {}  # "Edit this page" of each entity page, by page

    def on_startup(self, *, command: str, dirty: bool) -> None:
        pipeline.batch_gc()
        self.serving = command == "serve"
        self.incremental = self.serving and dirty
        self.dirty = dirty
        self.parsed = ParsedFiles() if self.serving else None  # files unchanged between rebuilds

    def paths(self, config: MkDocsConfig) -> pipeline.ProjectPaths:
        root = Path(config.config_file_path).resolve().parent
        return pipeline.ProjectPaths(
            root=root, entities=(root / self.config.entities).resolve(), themes=root / self.config.themes,
            vocabulary=(root / self.config.vocabulary).resolve() if self.config.vocabulary else DEFAULT_PATH,
            queries=(root / self.config.queries).resolve() if self.config.queries else DEFAULT_FOLDER)

    def check(self, config: MkDocsConfig) -> None:
        """Raise PluginError if the plugin's settings cannot make a site."""
        if not config.site_url:
            raise PluginError("policygraph: set site_url in mkdocs.yml; entity IRIs are built from it")
        if self.config.pages_per_search_bundle < MIN_PAGES_PER_BUNDLE:
            raise PluginError(f"{config.config_file_path}: policygraph: pages_per_search_bundle is "
                              f"{self.config.pages_per_search_bundle}; "
                              f"set it to {MIN_PAGES_PER_BUNDLE} or more (every bundle must hold pages)")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.check(config)
        paths = self.paths(config)
        try:
            # the preview keeps what it parsed between its builds; a build reads apart
            if self.handover is not None:
                self.project, self.pickled, self.handover = pickle.loads(self.handover), None, None
            elif self.serving:
                self.project, self.pickled = pipeline.read_project(paths, self.parsed), None
            else:
                self.project, self.pickled = pipeline.read_project_apart(paths)
        except PolicygraphError as error:
            raise PluginError(str(error)) from None
        self._cancel_data_jobs()  # a previous build's data process, if a rebuild overtook it
        if self.preview is not None:
            # The sitemap lists every page for crawlers, no preview reader: the rebuilds leave
            # the first build's (an entity added meanwhile is missing from it).
            config.theme.static_templates.discard("sitemap.xml")
        self.prefix = repository_prefix(paths.entities, paths.root)
        if config.nav:
            config.nav = with_stories(with_kind_indexes(config.nav, self.project.corpus.vocabulary),
                                      self.project.themes)
        return config

    def on_nav(self, nav, config: MkDocsConfig, files: Files):
        self.listed = {page.file.src_uri for page in nav.pages}
        return nav

    def on_env(self, env, config: MkDocsConfig, files: Files):
        if self.serving:
            # The preview's builds share its first build's theme environment: MkDocs makes
            # a new one for each build, whose templates are compiled again. Reloading a
            # template whose file changed keeps edits of the overrides showing.
            key = (tuple(config.theme.dirs), str(config.theme.locale))
            if self.theme_env is not None and self.theme_env[0] == key:
                env = self.theme_env[1]
            else:
                env.auto_reload = True
                self.theme_env = (key, env)
        env.trim_blocks = env.lstrip_blocks = True
        env.globals["shared_fragment"] = SharedFragments(self.listed)
        pages = len(files.documentation_pages())
        self.search_bundles = search_bundles(pages, self.config.pages_per_search_bundle)
        # What the search reads of each page, as it is written, for each bundle (not in a
        # dirty build, which writes only some of them; nor in the preview, whose pages the
        # search reads later).
        if not self.serving and not self.dirty:
            self.search_copies = SearchCopies(scratch_folder(Path(config.site_dir), "search"), len(self.search_bundles))
        # The bundles the pages' search merges into the first, from the site's root.
        env.globals["search_merge"] = [{"bundlePath": f"{bundle}/"} for bundle in self.search_bundles[1:]]
        env.globals["search_names"] = NAMES_FOLDER if pages >= self.config.search_names_from_pages else None
        return env

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        project = self.project
        assert project is not None
        corpus, themes = project.corpus, project.themes
        previous = self.preview if self.preview and self.preview.vocabulary == project.vocabulary_text else None
        only = affected_pages(previous.corpus, corpus, previous.themes, themes) if previous else None
        ctx = Context(corpus, config.site_url, changed=last_changed(self.paths(config).entities),
                      edit_url_base=self.config.edit_url_base, file_prefix=self.prefix, themes=themes,
                      last=previous.made if previous else None,
                      stale_items=stale_items(previous, corpus) if previous else ())
        start = functools.partial(self.data_job_for, config, self.pickled or project)
        self.pickled = None
        # A build's data process starts now, beside the pages' rendering (it is the longest
        # of a build's stages); the preview's once the pages are written (handing it the corpus
        # takes half a second at 10,000 entities, which the edited page would wait for).
        if self.serving:
            self.data_start = start
        elif not self.apart:
            self.data_job = start()
        # On the cores the data process leaves for a build; on one while the preview serves
        # (its server runs threads).
        # A build's entity pages' parts wait in a file for MkDocs to write their pages (the
        # preview's few are kept as they are).
        self.spill = None if self.serving else PartsFile(scratch_folder(Path(config.site_dir), "parts"))
        pages = pipeline.render_pages(ctx, only, workers=render_workers(), spill=self.spill).pages
        pages, kept = with_kept(previous, pages, corpus, themes) if previous else (pages, set())
        made_files = MadeFiles(config, self.made_files if previous else None)
        for src, page in pages.items():
            add_file(files, made_files.page(src, page, src in kept))
        if self.incremental:
            self.preview = Preview(corpus, themes, project.vocabulary_text, pages, ctx.made)
        self.parts = {src: page.parts for src, page in pages.items() if page.parts}
        # In the preview, the networks of the re-rendered pages come with them; the data
        # process rewrites every network a moment later (a relation changes the degrees
        # that rank the second hop named in networks two hops away, beyond the pages
        # re-rendered).
        immediate = dict(NetworkRenderer(corpus).files(only=only)) if only is not None else {}
        for src, content in immediate.items():
            add_file(files, FreedFile.generated(config, src, content=content))
        for src in data_file_names(corpus, themes):
            if src not in immediate:
                add_file(files, made_files.data(src))
        self.made_files = made_files if self.incremental else None
        self._add_reference_files(files, config, ctx, project)
        edit_base = (self.config.edit_url_base or "").rstrip("/")
        self.edit_urls = {page_src(e): f"{edit_base}/{entity_file(e, self.prefix)}" for e in corpus.entities.values()} \
            if edit_base else {}
        if not self.serving:
            self.project = None  # a build needs the corpus no more: its pages are made (a gigabyte at 100,000 entities)
        return files

    def _add_reference_files(self, files: Files, config: MkDocsConfig, ctx: Context, project) -> None:
        """The query page, the SPARQL guide, the feed, the redirects, the schemas and the assets."""
        examples = [{"id": e.id, "title": e.title, "description": e.description, "text": e.text}
                    for e in (e.for_site(config.site_url) for e in project.examples)]
        add_file(files, File.generated(config, "query.md", content=reference.query_page(
            ctx, examples, self.config.sparql_endpoint)))
        add_file(files, File.generated(config, "sparql.md", content=reference.sparql_docs(ctx, examples)))
        add_file(files, File.generated(config, "feed.xml", content=feed(ctx)))
        corpus = project.corpus
        for src, content in names_index(corpus.entities.values(), ctx.type_label, corpus.degree).items():
            add_file(files, File.generated(config, src, content=content))
        for src, content in reference.redirects(ctx).items():
            add_file(files, File.generated(config, src, content=content))
        for name, text in render_schemas(project.corpus.vocabulary, config.site_url).items():
            add_file(files, File.generated(config, f"{SCHEMA_DIR}/{name}", content=text))
        for src, asset in asset_files(self.paths(config).root, self.config.oxigraph_dir).items():
            if isinstance(asset, Path):
                add_file(files, File.generated(config, src, abs_src_path=str(asset)))
            else:
                add_file(files, File.generated(config, src, content=asset()))

    def data_job_for(self, config: MkDocsConfig, project) -> DataJob:
        """The data process of a build, started (`project`: a pipeline.Project or its pickle)."""
        return DataJob(project, config.site_url, Release(
            modified=last_commit_date(self.paths(config).root), endpoint=self.config.sparql_endpoint),
            beside=Path(config.site_dir), background=self.serving)

    def on_page_markdown(self, markdown: str, page, config: MkDocsConfig, files: Files) -> str:
        edit_url = self.edit_urls.get(page.file.src_uri)
        if edit_url is not None:
            page.edit_url = edit_url
        return markdown

    def on_post_page(self, output: str, page, config: MkDocsConfig) -> str:
        parts = self.parts.pop(page.file.src_uri, None)  # each page is written once: free its parts
        if not self.serving:  # nor does MkDocs need its HTML again, which it keeps otherwise
            page.content = None
            if isinstance(page, HtmlPage):
                page.body = page.toc = None
        output = fill_parts(output, parts) if parts else output
        if self.search_copies is not None:
            self.search_copies.add(page.file.dest_uri, output)
        return output

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Index the written pages for search (builder/site/search.py) while the data
        process works, then put the data files in place once it is done: a failure of
        either fails the build. Under `mkdocs serve`, without waiting for either: the pages
        reload at once, and the data and the search index follow."""
        job, self.data_job = self.data_job, None
        site, language = Path(config.site_dir), self.language(config)
        if self.serving:
            start, self.data_start = self.data_start, None
            threading.Thread(target=self._data_in_background, args=(start, self.builds, site), daemon=True).start()
            threading.Thread(target=self._index_preview, args=(site, language, self.search_bundles), daemon=True).start()
            return
        copies, self.search_copies = self.search_copies, None  # finish_site removes them
        self._remove_scratch()
        if self.apart:  # the build's process makes the search (finish_site)
            self.handed_copies = copies
            return
        give_back_memory()  # the pages' HTML, now written, for Pagefind
        try:
            self.data_result = finish_site(site, language, self.search_bundles, job, copies)
        except BuildError as error:
            raise PluginError(f"policygraph: {error}") from None

    def language(self, config: MkDocsConfig) -> str:
        return config.theme.get("language") or "en"

    def _index_preview(self, site: Path, language: str, bundles: tuple[str, ...]) -> None:
        with self.search_lock:
            try:
                index_site(site, language, background=True, bundles=bundles)
            except BuildError as error:
                log.warning(f"policygraph: {error}")

    def _data_in_background(self, start, build: int, site: Path) -> None:
        """The preview's data process: started a moment after the build unless a newer
        build began meanwhile, then its files moved into the site. The moment lets the
        server answer the reloading page first: handing the process the corpus holds
        the interpreter (the server's threads too) for most of a second at 10,000 entities."""
        time.sleep(PREVIEW_DATA_DELAY)
        with self.lock:
            if start is None or build != self.builds:
                return
            try:
                job = self.pending = start()
            except (OSError, pickle.PicklingError) as error:
                log.error(f"policygraph: the data process could not start ({error})")
                return
        try:
            result = job.finish()
        except BuildError as error:
            if not job.cancelled:
                log.error(f"policygraph: {error}")
            return
        with self.lock:
            if not job.cancelled:
                move_tree(result.folder, site)
                log.info("policygraph: RDF data files updated")
            job.remove()

    def on_build_error(self, error: Exception) -> None:
        self._cancel_data_jobs()
        self._remove_scratch()

    def _remove_scratch(self) -> None:
        """The build's temporary folders: its pages' parts, the search's copies."""
        for scratch in (self.spill, self.search_copies):
            if scratch is not None:
                scratch.remove()
        self.spill = self.search_copies = None

    def on_shutdown(self) -> None:
        """Stops a data process still running (also reached when a build is interrupted:
        KeyboardInterrupt skips on_build_error) and the preview's watch."""
        self._cancel_data_jobs()
        self._remove_scratch()
        if self.native_watch is not None:
            self.native_watch.stop()
            self.native_watch = None

    def _cancel_data_jobs(self) -> None:
        with self.lock:
            self.builds += 1  # a preview's data process not started yet never starts
            for job in (self.data_job, self.pending):
                if job is not None:
                    job.cancel()
            self.data_job = self.pending = None

    def on_serve(self, server, config: MkDocsConfig, builder):
        paths = self.paths(config)
        if self.config.watch == "polling":
            server.watch(str(paths.entities))
        elif self.native_watch is None:
            self.native_watch = NativeWatch(server, paths.entities)
        server.watch(str(paths.vocabulary))
        for folder in (paths.themes, paths.queries):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def finish_site(site: Path, language: str, bundles: tuple[str, ...], job: DataJob,
                copies: SearchCopies | None = None) -> DataResult:
    """The last of a build, once its pages are written in `site`: index them (or their
    `copies`, removed here) for search (site/search.py) while the data process works, then
    move its files in. Raises BuildError if either fails, the data process then stopped."""
    removing = None
    try:
        index_site(site, language, bundles=bundles, copies=copies)
        if copies is not None:  # while the data process ends: a folder per page, 100,000 of them
            removing = threading.Thread(target=copies.remove)
            removing.start()
        result = job.finish()
        move_tree(result.folder, site)
        return result
    except BuildError:
        job.cancel()
        raise
    finally:
        job.remove()
        if removing is not None:
            removing.join()
        elif copies is not None:
            copies.remove()
