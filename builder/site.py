"""Stage 6: the MkDocs plugin that runs the pipeline inside the MkDocs build, and
`build_site`, which builds into a fresh folder and replaces the published site
only when the whole build succeeded.

The plugin validates in `on_config` (before MkDocs cleans or writes anything), then
hands every generated page and data file to MkDocs in memory in `on_files`, and
watches the entity files under `mkdocs serve`."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .errors import BuildError, PolicygraphError
from .catalogue import load_catalogue
from .datafiles import DataJob, data_file_names
from .incremental import affected_pages
from .model import Corpus
from .networks import VIS_ASSETS
from .pages import PageBuilder, entity_file, fill_parts, render_workers
from .pipeline import batch_gc, load_corpus
from .schema import SCHEMA_DIR, render_schemas
from .themes import load_themes
from .vocabulary import DEFAULT_PATH, load_vocabulary

log = logging.getLogger("mkdocs.plugins.policygraph")


class PolicygraphPluginConfig(base.Config):
    entities = c.Type(str, default="entities")
    themes = c.Type(str, default="themes")
    vocabulary = c.Optional(c.Type(str))
    # Where "Edit this page" leads: the repository's edit address for the project root,
    # e.g. https://github.com/OWNER/REPO/edit/main/ (entity paths are appended).
    edit_url_base = c.Optional(c.Type(str))
    # A SPARQL 1.1 endpoint: the query page sends queries there instead of running them
    # in the browser.
    sparql_endpoint = c.Optional(c.Type(str))
    # Oxigraph's WebAssembly build, installed by `npm ci` (package.json pins it).
    oxigraph_dir = c.Type(str, default="node_modules/oxigraph")


class PolicygraphPlugin(BasePlugin[PolicygraphPluginConfig]):
    """Builds the knowledge graph's pages, networks and RDF exports into the site."""

    corpus: Corpus | None = None
    themes: list = []
    changed: dict[str, str] = {}
    prefix: str = "entities/"
    parts: dict[str, dict[str, bytes]] = {}
    data_job: DataJob | None = None
    pending: DataJob | None = None
    lock = threading.Lock()
    incremental = False  # mkdocs serve --dirty: re-render only the pages an edit changes
    serving = False
    preview: Preview | None = None
    vocabulary_text = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        batch_gc()
        self.serving = command == "serve"
        self.incremental = self.serving and dirty
        self.lock = threading.Lock()

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).resolve().parent

    def _paths(self, config: MkDocsConfig) -> tuple[Path, Path, Path]:
        root = Path(config.config_file_path).resolve().parent
        entities = (root / self.config.entities).resolve()
        vocabulary = (root / self.config.vocabulary).resolve() if self.config.vocabulary else DEFAULT_PATH
        return root, entities, vocabulary

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            raise PluginError("policygraph: set site_url in mkdocs.yml; entity IRIs are built from it")
        root, entities, vocabulary = self._paths(config)
        try:
            self.corpus = load_corpus(entities, load_vocabulary(vocabulary), root=root)
        except PolicygraphError as error:
            raise PluginError(str(error)) from None
        try:
            self.themes = load_themes(self._root(config) / self.config.themes, self.corpus, root=root)
        except PolicygraphError as error:
            raise PluginError(str(error)) from None
        self.changed = last_changed(entities)
        self.vocabulary_text = vocabulary.read_text(encoding="utf-8")
        self.on_shutdown()  # a previous build's data process, if a rebuild overtook it
        self.prefix = repository_prefix(entities, root)
        for asset in sorted(VIS_ASSETS):
            if asset.endswith(".js") and asset not in config.extra_javascript:
                config.extra_javascript.insert(0, asset)
            if asset.endswith(".css") and asset not in config.extra_css:
                config.extra_css.insert(0, asset)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.corpus is not None
        root, entities, vocabulary = self._paths(config)
        builder = PageBuilder(self.corpus, config.site_url, changed=self.changed,
                              edit_url_base=self.config.edit_url_base, file_prefix=self.prefix,
                              themes=self.themes)
        entity_pages = {f"{e.kind}/{e.id}.md" for e in self.corpus.entities.values()}
        entity_pages |= {f"themes/{t.id}.md" for t in self.themes}
        previous = self.preview if self.preview and self.preview.vocabulary == self.vocabulary_text else None
        only = affected_pages(previous.corpus, self.corpus, previous.themes, self.themes) if previous else None
        # On every core for a build; on one while the preview serves (its server runs threads).
        pages = builder.render_all(only, workers=render_workers())
        # The data process starts now, not before the pages: they render on every core.
        self.data_job = DataJob(entities, vocabulary, root, config.site_url)
        kept = set()
        if previous is not None:
            kept = {src for src in previous.pages if src not in pages and src in entity_pages}
            kept |= {src for src in pages if previous.pages.get(src) == pages[src]
                     and previous.parts.get(src) == builder.parts.get(src)}
            pages = {**{src: previous.pages[src] for src in kept}, **pages}
            builder.parts = {**{src: previous.parts[src] for src in kept if src in previous.parts}, **builder.parts}
            builder.network_files = {**{src: data for src, data in previous.networks.items()
                                        if src.removesuffix(".network.json") + ".md" in kept},
                                     **builder.network_files}
        for src, content in pages.items():
            inclusion = InclusionLevel.NOT_IN_NAV if src in entity_pages else InclusionLevel.UNDEFINED
            page = GeneratedFile.generated(config, src, content=content, inclusion=inclusion)
            page.unchanged = src in kept
            _add(files, page)
        if self.incremental:
            self.preview = Preview(self.corpus, self.themes, self.vocabulary_text, pages, dict(builder.parts),
                                   dict(builder.network_files))
        self.parts = builder.parts
        for src, content in builder.network_files.items():
            network = FreedFile.generated(config, src, content=content)
            network.unchanged = previous is not None and previous.networks.get(src) == content
            _add(files, network)
        builder.network_files = {}
        # In the preview, the networks of the re-rendered pages come with them; the data
        # process rewrites every network a moment later (a relation changes networks two
        # hops away, beyond the pages re-rendered).
        immediate = dict(builder.networks.ego_files(only)) if only is not None else {}
        for src, content in immediate.items():
            _add(files, FreedFile.generated(config, src, content=content))
        for src in data_file_names(self.corpus):
            if src not in immediate:
                _add(files, LateFile.generated(config, src, abs_src_path=os.devnull))
        examples = examples_for_page(config.site_url)
        _add(files, File.generated(config, "query.md", content=builder.query_page(
            examples, self.config.sparql_endpoint)))
        _add(files, File.generated(config, "sparql.md", content=builder.sparql_docs(examples, EXTRA_DOWNLOADS)))
        for src, path in oxigraph_assets(self._root(config), self.config.oxigraph_dir).items():
            _add(files, File.generated(config, src, abs_src_path=str(path)))
        _add(files, File.generated(config, "feed.xml", content=builder.feed(config.site_url)))
        for name, text in render_schemas(self.corpus.vocabulary, config.site_url).items():
            _add(files, File.generated(config, f"{SCHEMA_DIR}/{name}", content=text))
        for src, path in VIS_ASSETS.items():
            _add(files, File.generated(config, src, abs_src_path=str(path)))
        return files

    def on_page_markdown(self, markdown: str, page, config: MkDocsConfig, files: Files) -> str:
        entity = self._entity_of(page.file.src_uri)
        if entity is not None and self.config.edit_url_base:
            page.edit_url = self.config.edit_url_base.rstrip("/") + "/" + entity_file(self.prefix, entity)
        return markdown

    def on_post_page(self, output: str, page, config: MkDocsConfig) -> str:
        parts = self.parts.pop(page.file.src_uri, None)  # each page is written once: free its parts
        return fill_parts(output, parts) if parts else output

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Put the data files in place once their process is done; under `mkdocs serve`,
        without waiting for it: the pages reload at once and the data follows."""
        job, self.data_job = self.data_job, None
        if self.serving:
            self.pending = job
            threading.Thread(target=self._move_data_files, args=(job, Path(config.site_dir)), daemon=True).start()
            return
        try:
            _move_tree(job.finish(), Path(config.site_dir))
        except RuntimeError as error:
            raise PluginError(f"policygraph: {error}") from None

    def _move_data_files(self, job: DataJob, site: Path) -> None:
        try:
            folder = job.finish()
        except RuntimeError as error:
            if not job.cancelled:
                log.error(f"policygraph: {error}")
            return
        with self.lock:
            if not job.cancelled:
                _move_tree(folder, site)
                log.info("policygraph: RDF data files updated")

    def on_build_error(self, error: Exception) -> None:
        self.on_shutdown()

    def on_shutdown(self) -> None:
        """Stops a data process still running (also reached when a build is interrupted:
        KeyboardInterrupt skips on_build_error)."""
        with self.lock:
            for job in (self.data_job, self.pending):
                if job is not None:
                    job.cancel()
            self.data_job = self.pending = None

    def _entity_of(self, src_uri: str):
        kind, _, name = src_uri.partition("/")
        entity = self.corpus.entities.get(name.removesuffix(".md")) if self.corpus else None
        return entity if entity is not None and entity.kind == kind else None

    def on_serve(self, server, config: MkDocsConfig, builder):
        _, entities, vocabulary = self._paths(config)
        server.watch(str(entities))
        server.watch(str(vocabulary))
        if (self._root(config) / self.config.themes).is_dir():
            server.watch(str(self._root(config) / self.config.themes))
        return server


OXIGRAPH_FILES = ("web.js", "web_bg.wasm")
EXTRA_DOWNLOADS = [
    {"name": "void.ttl", "format": "Turtle", "what": "dataset description (VoID and DCAT: counts, dumps, licence)"},
    {"name": "shapes.ttl", "format": "Turtle", "what": "SHACL shapes generated from the vocabulary"},
    {"name": "nodes.csv", "format": "CSV", "what": "nodes for network tools (Gephi, networkx, igraph)"},
    {"name": "edges.csv", "format": "CSV", "what": "edges with predicate, status, dates and sources"},
    {"name": "graph.graphml", "format": "GraphML", "what": "the network, for networkx, igraph, Cytoscape"},
    {"name": "graph.gexf", "format": "GEXF", "what": "the network, for Gephi"},
]


def oxigraph_assets(root: Path, oxigraph_dir: str) -> dict[str, Path]:
    """Oxigraph's browser build (from npm), to ship as site assets. Looked for beside the
    configuration, then beside this package (a configuration kept elsewhere)."""
    for folder in (root / oxigraph_dir, Path(__file__).resolve().parents[1] / oxigraph_dir):
        if all((folder / name).is_file() for name in OXIGRAPH_FILES):
            return {f"assets/vendor/oxigraph/{name}": folder / name for name in OXIGRAPH_FILES}
    raise PluginError(f"policygraph: {oxigraph_dir}/web.js is missing: run `npm ci` (make site does it)")


def examples_for_page(site_url: str) -> list[dict]:
    return [{"id": e.id, "title": e.title, "description": e.description, "text": e.text}
            for e in load_catalogue(site_url=site_url)]


def repository_prefix(entities: Path, root: Path) -> str:
    """The entities folder as a path inside its git repository (for edit links), else
    relative to the project."""
    try:
        prefix = subprocess.run(["git", "-C", str(entities), "rev-parse", "--show-prefix"], capture_output=True,
                                text=True, timeout=20, check=True).stdout.strip()
        return prefix if prefix.endswith("/") else prefix + "/"
    except (OSError, subprocess.SubprocessError):
        try:
            return entities.relative_to(root).as_posix() + "/"
        except ValueError:
            return "entities/"


def last_changed(entities: Path) -> dict[str, str]:
    """Entity id -> date of the last commit that touched its file, from one `git log`.
    Empty (and the pages say nothing) outside a git checkout. The same commit always
    gives the same dates, so builds stay reproducible."""
    try:
        out = subprocess.run(["git", "-C", str(entities), "log", "--format=%x00%cs", "--name-only",
                              "--relative", "--", "."], capture_output=True, text=True, timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    for block in out.split("\x00")[1:]:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        date, names = lines[0], lines[1:]
        for name in names:
            if name.endswith(".yaml"):
                dates.setdefault(Path(name).stem, date)
    return dates


class LateFile(File):
    """A file written by the data process: MkDocs knows it (links to it are checked)
    but does not copy it; the plugin moves it into the site at post-build."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


class GeneratedFile(File):
    """A generated file that a dirty rebuild (`mkdocs serve --dirty`) may skip: the
    plugin marks it unchanged when the same content is already in the site."""

    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()


class FreedFile(GeneratedFile):
    """Generated data whose content is dropped once it is written into the site (read
    back from there if asked again): 10,000 ego networks held until the end of the
    build cost about half a gigabyte."""

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        if self._content is not None:
            self._content = None
            self.abs_src_path = self.abs_dest_path


@dataclass
class Preview:
    """What the previous build of `mkdocs serve --dirty` made, kept to re-render only
    the pages an edit changes (see incremental.py)."""

    corpus: Corpus
    themes: list
    vocabulary: str
    pages: dict[str, str]
    parts: dict[str, dict[str, bytes]]
    networks: dict[str, bytes]


def _move_tree(folder: Path, site: Path) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        target = site / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    shutil.rmtree(folder, ignore_errors=True)


def _add(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        raise PluginError(f"policygraph: {file.src_uri} is generated; remove it from the docs folder")
    files.append(file)


def site_url_from(config_file: Path) -> str:
    """The site_url of a MkDocs configuration, read without validating the rest of it."""
    from mkdocs.utils.yaml import yaml_load
    try:
        with open(config_file, encoding="utf-8") as stream:
            config = yaml_load(stream) or {}
    except (OSError, MkDocsException, ValueError) as error:
        raise BuildError(f"{config_file}: cannot read the configuration: {error}") from None
    site_url = config.get("site_url") if isinstance(config, dict) else None
    if not site_url:
        raise BuildError(f"{config_file}: set site_url; entity IRIs are built from it")
    return str(site_url)


def _source_date_epoch(root: Path) -> str:
    """Timestamps in the output (sitemap) come from the last commit, not the clock."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True,
                             text=True, check=True, timeout=20).stdout.strip()
        return out or "0"
    except (OSError, subprocess.SubprocessError):
        return "0"


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so that a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


SITE_MARKER = ".policygraph-site"  # in every folder a build creates: only those are ever deleted


def build_site(config_file: Path, site_dir: Path | None = None) -> Path:
    """Build into a temporary folder beside the target, then swap it in. A failed or
    interrupted build leaves the previous site untouched; a folder the builder did not
    make is never replaced; one build at a time per target."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file = Path(config_file).resolve()
    os.environ.setdefault("SOURCE_DATE_EPOCH", _source_date_epoch(config_file.parent))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        config = load_config(str(config_file))
    except (MkDocsException, OSError) as error:
        raise BuildError(f"{config_file}: {error}") from None
    target = Path(site_dir).resolve() if site_dir else Path(config.site_dir).resolve()
    check_site_dir(target, config_file.parent, Path(config.docs_dir).resolve())
    with build_lock(target):
        _remove_leftovers(target)
        staging = _new_folder(target, "building")
        config.site_dir = str(staging)
        collect = _Collect()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(collect)
        try:
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except (Abort, MkDocsException) as error:
            shutil.rmtree(staging, ignore_errors=True)
            details = "\n".join(collect.messages + [str(error)])
            raise BuildError(f"{details}\nThe build failed; {target} was left as it was.") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            mkdocs_log.removeHandler(collect)
        _swap(staging, target)
    return target


def check_site_dir(target: Path, project: Path, docs_dir: Path) -> None:
    """MkDocs' rule, applied to the folder actually written (a --site-dir bypasses
    MkDocs' own check): the site folder holds no input and sits in none; and a folder
    that exists must be a site this builder made."""
    for folder, what in ((project, "the project folder"), (docs_dir, "the docs folder")):
        if target == folder or folder.is_relative_to(target):
            raise BuildError(f"the site folder {target} contains {what} ({folder}): it would be replaced by the "
                             "site; choose an empty or new folder, such as site/")
    if target.is_relative_to(docs_dir):
        raise BuildError(f"the site folder {target} is inside the docs folder {docs_dir}; choose one outside it")
    if target.exists() and not _ours(target):
        raise BuildError(f"{target} exists and was not made by policygraph (no {SITE_MARKER} file in it): "
                         "it is never replaced; remove it yourself or choose another folder")


def _ours(folder: Path) -> bool:
    if not folder.is_dir() or folder.is_symlink():
        return False
    if (folder / SITE_MARKER).is_file() or not any(folder.iterdir()):
        return True
    # A site built before the marker existed: its own index and dumps, and no sources.
    return all((folder / name).is_file() for name in ("index.html", "sitemap.xml", "data/graph.nt")) and \
        not any((folder / name).exists() for name in (".git", "mkdocs.yml", "pyproject.toml", "entities"))


@contextlib.contextmanager
def build_lock(target: Path):
    """One build at a time into a target (as Hugo's .hugo_build.lock): a second one fails
    at once instead of publishing a site with the other's files missing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f".{target.name}.lock")
    with open(path, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build into {target} is running (it holds {path}); wait for it to end") \
                from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _new_folder(target: Path, purpose: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.{purpose}-", dir=target.parent))
    (folder / SITE_MARKER).write_text("Built by policygraph: `policygraph build` replaces this folder.\n",
                                      encoding="utf-8")
    return folder


def _remove_leftovers(target: Path) -> None:
    """Folders of interrupted builds (under the lock, so no running build's)."""
    for purpose in ("building", "old"):
        for folder in target.parent.glob(f".{target.name}.{purpose}-*"):
            if (folder / SITE_MARKER).is_file() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
