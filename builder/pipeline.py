"""The build, in order (the README's diagram):

    read_project      entity files -> raw specs with positions -> validated Corpus; themes
                      (a build: read_project_apart, in a child process)
    render_pages      Corpus -> Markdown pages and their HTML parts     (build process)
    write_data_files  Corpus -> network data and RDF files              (data process,
                                                                         beside MkDocs)
    MkDocs            pages -> HTML site; the plugin puts parts and data files in place

The MkDocs plugin (site/plugin.py) calls these in this order; the commands of
tools/cli.py call the first and then the stage they need."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError, PolicygraphError
from builder.model import Corpus
from builder.pages import render_pages  # noqa: F401 - a stage of the pipeline, for its callers
from builder.processes import die_with_parent
from builder.read import catalogue
from builder.read.themes import Theme, load_themes
from builder.read.validate import validate
from builder.read.yaml import LoadResult, ParsedFiles, load_entities
from builder.site.datajob import write_data_files  # noqa: F401 - a stage of the pipeline, for its callers
from builder.vocabulary import DEFAULT_PATH, Vocabulary, load_vocabulary


@dataclass(frozen=True)
class ProjectPaths:
    root: Path
    entities: Path
    themes: Path
    vocabulary: Path = DEFAULT_PATH
    queries: Path = catalogue.DEFAULT_FOLDER


@dataclass(frozen=True)
class Project:
    """Everything read and checked: the corpus, the themes, the vocabulary's text (the
    preview re-renders everything when it changes) and the example queries, as written
    (for the default site_url)."""

    corpus: Corpus
    themes: list[Theme]
    vocabulary_text: str
    examples: list[catalogue.Example]


def read_project(paths: ProjectPaths, parsed: ParsedFiles | None = None) -> Project:
    """Read and validate the entities, themes and example queries; raise EntityErrors
    (or CatalogueError) listing every mistake. With `parsed` (the preview's), unchanged
    entity files are not parsed again."""
    vocabulary = load_vocabulary(paths.vocabulary)
    corpus = load_corpus(paths.entities, vocabulary, root=paths.root, parsed=parsed)
    themes = load_themes(paths.themes, corpus, root=paths.root)
    examples = catalogue.load_catalogue(paths.queries, root=paths.root)
    return Project(corpus, themes, paths.vocabulary.read_text(encoding="utf-8"), examples)


def read_project_apart(paths: ProjectPaths) -> tuple[Project, bytes | None]:
    """`read_project` in a forked process, which hands the project over pickled and
    exits: the memory that parsing thousands of files leaves behind (more than the
    corpus itself) goes back to the system with it, and this process holds only the
    project as unpickled. Returns the project and its pickle (for the data process).
    Raises what read_project raises. Where there is no fork (Windows), or threads run
    (forking them is unsafe), reads here (and returns no pickle)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return read_project(paths), None
    with tempfile.TemporaryFile() as stream:  # no name: nothing is left behind if the build is killed
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, measured by the tests through its parent
            _read_into(paths, stream)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if code != 0:
            raise BuildError(f"reading the entity files failed (exit code {code}); its error is printed above")
        stream.seek(0)
        pickled = stream.read()
    result = pickle.loads(pickled)
    if isinstance(result, PolicygraphError):
        raise result
    return result, pickled


def _read_into(paths: ProjectPaths, stream) -> None:
    code = 1
    try:
        die_with_parent()
        try:
            result = read_project(paths)
        except PolicygraphError as error:
            result = error
        pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.flush()
        code = 0
    except KeyboardInterrupt:  # the build's own process reports it
        pass
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def load_corpus(entities_dir: Path, vocabulary: Vocabulary | None = None, root: Path | None = None,
                parsed: ParsedFiles | None = None) -> Corpus:
    """Load and validate every entity file; raise EntityErrors listing all mistakes."""
    vocabulary = vocabulary or load_vocabulary(DEFAULT_PATH)
    result = read_entities(entities_dir, vocabulary, root, parsed)
    return validate(result.entities, vocabulary, result.errors, parsed.checked(vocabulary) if parsed else None)


def read_entities(entities_dir: Path, vocabulary: Vocabulary, root: Path | None = None,
                  parsed: ParsedFiles | None = None) -> LoadResult:
    """The entity files (and archived texts) as read, before validation."""
    return load_entities(Path(entities_dir), tuple(vocabulary.kinds), root=root,
                         text_kinds=frozenset(k for k, t in vocabulary.kinds.items() if t.archived_text),
                         parsed=parsed)


def batch_gc() -> None:
    """Collect garbage less often. A build allocates millions of long-lived objects
    (entities, RDF terms, page data) and few cycles; with the default thresholds the
    collector rescans them so often that loading and the graph grow faster than the
    corpus."""
    gc.set_threshold(100_000, 50, 1000)
