"""The front of the pipeline shared by every command: entity files in, validated
corpus out (or every mistake at once)."""

from __future__ import annotations

import gc
from pathlib import Path

from .load import LoadResult, load_entities
from .model import Corpus
from .validate import validate
from .vocabulary import DEFAULT_PATH, Vocabulary, load_vocabulary


def load_corpus(entities_dir: Path, vocabulary: Vocabulary | None = None, root: Path | None = None) -> Corpus:
    """Load and validate every entity file; raise EntityErrors listing all mistakes."""
    vocabulary = vocabulary or load_vocabulary(DEFAULT_PATH)
    result = read_entities(entities_dir, vocabulary, root)
    return validate(result.entities, vocabulary, result.errors)


def read_entities(entities_dir: Path, vocabulary: Vocabulary, root: Path | None = None) -> LoadResult:
    """The entity files (and archived texts) as read, before validation."""
    return load_entities(Path(entities_dir), tuple(vocabulary.kinds), root=root,
                         text_kinds=frozenset(k for k, t in vocabulary.kinds.items() if t.archived_text))


def batch_gc() -> None:
    """Collect garbage less often. A build allocates millions of long-lived objects
    (entities, RDF terms, page data) and few cycles; with the default thresholds the
    collector rescans them so often that loading and the graph grow faster than the
    corpus (at 10,000 entities: load and validate 7.7 s -> 4.8 s, graph 13.7 s -> 9.5 s)."""
    gc.set_threshold(100_000, 50, 1000)
