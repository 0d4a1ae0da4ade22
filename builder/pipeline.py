"""The front of the pipeline shared by every command: entity files in, validated
corpus out (or every mistake at once)."""

from __future__ import annotations

from pathlib import Path

from .load import load_entities
from .model import Corpus
from .validate import validate
from .vocabulary import DEFAULT_PATH, Vocabulary, load_vocabulary


def load_corpus(entities_dir: Path, vocabulary: Vocabulary | None = None, root: Path | None = None) -> Corpus:
    """Load and validate every entity file; raise EntityErrors listing all mistakes."""
    vocabulary = vocabulary or load_vocabulary(DEFAULT_PATH)
    result = load_entities(Path(entities_dir), tuple(vocabulary.kinds), root=root)
    return validate(result.entities, vocabulary, result.errors)
