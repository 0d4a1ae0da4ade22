"""The build, in order (the README's diagram):

    read_project      entity files -> raw specs with positions -> validated Corpus; themes
                      (a build: in a child process, pickled; many files in two
                      shares, on both cores: load_corpus)
    render_pages      Corpus -> Markdown pages and their HTML parts     (MkDocs' process)
    write_data_files  Corpus -> network data and RDF files              (data process,
                                                                         beside MkDocs)
    MkDocs            pages -> HTML site; the plugin puts parts in place
    search            HTML pages -> Pagefind's index (site/search.py); then the data
                      files are moved in

The MkDocs plugin (site/plugin.py) calls these in this order, or, under `policygraph
build`, site/build.py reads, starts the data process and makes the search itself around
MkDocs' forked process; the commands of tools/cli.py call the first and then the stage
they need."""

from __future__ import annotations

import gc
import heapq
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from builder.model import Corpus
from builder.pages import render_pages  # noqa: F401 - a stage of the pipeline, for its callers
from builder.processes import Forked, can_fork
from builder.read import catalogue
from builder.read.themes import Theme, load_themes
from builder.read.validate import check_files, validate
from builder.read.yaml import Checked, LoadResult, ParsedFiles, load_entities
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
    Raises what read_project raises. Where it cannot fork (processes.can_fork), reads
    here (and returns no pickle)."""
    if not can_fork():
        return read_project(paths), None
    pickled = read_project_pickled(paths)
    return pickle.loads(pickled), pickled


def read_project_pickled(paths: ProjectPaths) -> bytes:
    """`read_project` in a forked process (see read_project_apart), the project pickled,
    for a process that hands it on without using it (site/build.py). Raises what
    read_project raises."""
    with Forked("reading the entity files", read_project, paths) as reading:
        return reading.pickled()


# Below this many files in entities/, a second reading process costs more than it saves.
PARALLEL_MIN_FILES = 1000


def load_corpus(entities_dir: Path, vocabulary: Vocabulary | None = None, root: Path | None = None,
                parsed: ParsedFiles | None = None) -> Corpus:
    """Load and validate every entity file; raise EntityErrors listing all mistakes.
    Many files (and no `parsed`: the preview keeps its own) are read in two shares, one
    by a forked process: parsing and each file's own checks, most of reading, take both
    cores; the checks across files follow here."""
    vocabulary = vocabulary or load_vocabulary(DEFAULT_PATH)
    if parsed is None and can_fork() and _file_count(Path(entities_dir)) >= PARALLEL_MIN_FILES:
        with Forked("reading the entity files", _read_share, entities_dir, vocabulary, root, 1) as other:
            first, first_checked = _read_share(entities_dir, vocabulary, root, 0)
            second, second_checked = other.result()
        raws = list(heapq.merge(first.entities, second.entities, key=lambda raw: (raw.kind, raw.path)))
        checked = Checked(files={**first_checked.files, **second_checked.files})
        return validate(raws, vocabulary, first.errors + second.errors, checked)
    result = read_entities(entities_dir, vocabulary, root, parsed)
    return validate(result.entities, vocabulary, result.errors, parsed.checked(vocabulary) if parsed else None)


def _read_share(entities_dir: Path, vocabulary: Vocabulary, root: Path | None, share: int):
    """One of two shares of the entity files, read, and each file's own checks."""
    result = read_entities(entities_dir, vocabulary, root, share=(share, 2))
    return result, check_files(result.entities, vocabulary)


def _file_count(entities_dir: Path) -> int:
    try:
        return sum(len(os.listdir(folder)) for folder in entities_dir.iterdir() if folder.is_dir())
    except OSError:
        return 0  # read_entities says what is wrong


def read_entities(entities_dir: Path, vocabulary: Vocabulary, root: Path | None = None,
                  parsed: ParsedFiles | None = None, share: tuple[int, int] = (0, 1)) -> LoadResult:
    """The entity files (and archived texts) as read, before validation (`share`: see
    load_entities)."""
    return load_entities(Path(entities_dir), tuple(vocabulary.kinds), root=root,
                         text_kinds=frozenset(k for k, t in vocabulary.kinds.items() if t.archived_text),
                         parsed=parsed, share=share)


def batch_gc() -> None:
    """Collect garbage less often. A build allocates millions of long-lived objects
    (entities, RDF terms, page data) and few cycles; with the default thresholds the
    collector rescans them so often that loading and the graph grow faster than the
    corpus."""
    gc.set_threshold(100_000, 50, 1000)
