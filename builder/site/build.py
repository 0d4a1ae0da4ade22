"""`build_site`: the whole build into a fresh folder beside the target, swapped in only
when everything succeeded, so that a failed or interrupted build leaves the published
site as it was; one build at a time per target; and never a folder replaced that the
builder did not make.

Where it can fork (processes.can_fork), this process reads the project, starts the data
process and forks a process that runs MkDocs (the pages); once that one has ended, this
one indexes the pages for search while the data process finishes. What MkDocs held (its
pages, files and navigation, and the heap it leaves behind, which a process does not give
back) is gone before Pagefind, the build's largest process, starts beside the data
process. Elsewhere MkDocs runs here, and the plugin does all of it."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import Abort, MkDocsException

from builder import pipeline
from builder.errors import BuildError, PolicygraphError
from builder.paths import SITE_MARKER
from builder.processes import Forked, can_fork
from builder.site.datajob import DataResult, peak_memory_mb
from builder.site.git import source_date_epoch
from builder.site.plugin import PolicygraphPlugin, finish_site
from builder.site.search import SearchCopies


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


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so that a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())




@dataclass(frozen=True)
class Built:
    """A finished build: where the site is, what its data process reported, and the peak
    memory (MB) of the process that ran MkDocs."""

    target: Path
    data: DataResult | None
    peak_memory_mb: int | None = None


def build_site(config_file: Path, site_dir: Path | None = None) -> Path:
    """Build the site (see `build`); the folder it is in."""
    return build(config_file, site_dir).target


def build(config_file: Path, site_dir: Path | None = None) -> Built:
    """Build into a temporary folder beside the target, then swap it in. A failed or
    interrupted build leaves the previous site untouched; a folder the builder did not
    make is never replaced; one build at a time per target."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config_file = Path(config_file).resolve()
    with _environment(SOURCE_DATE_EPOCH=source_date_epoch(config_file.parent), NO_MKDOCS_2_WARNING="1"):
        try:
            config = load_config(str(config_file))
        except (MkDocsException, OSError) as error:
            raise BuildError(f"{config_file}: {error}") from None
        target = Path(site_dir).resolve() if site_dir else Path(config.site_dir).resolve()
        check_site_dir(target, config_file.parent, Path(config.docs_dir).resolve())
        try:
            return _build(config, target, mkdocs_build)
        except OSError as error:  # a read-only folder, a full disk...
            raise BuildError(f"could not write the site: {_os_problem(error)}; "
                             f"{target} was left as it was") from None


def _os_problem(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}"


@contextlib.contextmanager
def _environment(**defaults: str):
    """Set environment variables that are not set yet, for the build only (MkDocs reads
    SOURCE_DATE_EPOCH for the sitemap's dates), and put everything back afterwards."""
    added = {name: value for name, value in defaults.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _build(config, target: Path, build) -> Built:
    with build_lock(target):
        _remove_leftovers(target)
        staging = _new_folder(target, "building")
        config.site_dir = str(staging)
        plugin = config.plugins.get("policygraph")
        try:
            if isinstance(plugin, PolicygraphPlugin) and can_fork():
                data, peak = _build_apart(config, plugin, build)
            else:
                _run_mkdocs(config, build)
                data, peak = getattr(plugin, "data_result", None), peak_memory_mb()
        except BuildError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise BuildError(f"{error}\nThe build failed; {target} was left as it was.") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _swap(staging, target)
    return Built(target, data, peak)


def _build_apart(config, plugin: PolicygraphPlugin, build) -> tuple[DataResult, int | None]:
    """The build with MkDocs in a forked process (see the module's docstring): the data
    process's result, and the peak memory of MkDocs' process."""
    pipeline.batch_gc()
    try:
        try:
            plugin.check(config)
            plugin.handover = pipeline.read_project_pickled(plugin.paths(config))
        except (PolicygraphError, MkDocsException) as error:
            raise BuildError(str(error)) from None
        job = plugin.data_job_for(config, plugin.handover)
        try:
            plugin.apart = True
            with Forked("building the pages", _pages_apart, config, build) as pages:
                plugin.handover = None  # that process has it; here, it would be held to the end
                bundles, copies, peak = pages.result()
            return finish_site(Path(config.site_dir), plugin.language(config), bundles, job, copies), peak
        except BaseException:
            job.cancel()
            raise
    finally:  # MkDocs keeps a plugin from one build to the next in a process
        plugin.apart, plugin.handover = False, None


def _pages_apart(config, build) -> tuple[tuple[str, ...], SearchCopies | None, int | None]:
    """In MkDocs' process: the pages built; the search's bundles, what it reads of the pages,
    and this process's peak memory."""
    try:
        _run_mkdocs(config, build)
    except OSError as error:  # a full disk...: said in one line, as build() does, not as a traceback
        raise BuildError(f"could not write the site: {_os_problem(error)}") from None
    plugin = config.plugins["policygraph"]
    copies, plugin.handed_copies = plugin.handed_copies, None
    return plugin.search_bundles, copies, peak_memory_mb()


def _run_mkdocs(config, build) -> None:
    """MkDocs' build, with the plugins' start and end. Raises BuildError with what MkDocs
    logged if it fails."""
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
        raise BuildError("\n".join(collect.messages + [str(error)])) from None
    finally:
        mkdocs_log.removeHandler(collect)


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
