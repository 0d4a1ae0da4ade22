"""The build, in order (the README's diagram):

    read_project      entity files -> raw specs with positions -> validated Corpus; themes
    render_pages      Corpus -> Markdown pages and their HTML parts     (build process)
    write_data_files  Corpus -> network data and RDF files              (data process,
                                                                         beside MkDocs)
    MkDocs            pages -> HTML site; the plugin puts parts and data files in place

The MkDocs plugin (site/plugin.py) calls these in this order; the commands of
tools/cli.py call the first and then the stage they need."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from builder.model import Corpus
from builder.pages import render_pages  # noqa: F401 - a stage of the pipeline, for its callers
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
