"""`policygraph diff BASE HEAD`: what a change does to the graph, between two git
revisions: entities and relations added, removed and changed, as text or as
Markdown for a pull-request summary."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from builder import TEMPLATES
from builder.errors import DiffError, PolicygraphError
from builder.model import Corpus, Entity, Relation
from builder.pages.text import md_inline
from builder.pipeline import load_corpus
from builder.vocabulary import DEFAULT_PATH, load_vocabulary

ENTITY_FIELDS = ("type", "subtype", "name", "names", "aliases", "summary", "description", "facts")
RELATION_FIELDS = ("status", "start", "end", "date", "role", "note", "citations")


@dataclass
class GraphDiff:
    base: str
    head: str
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[tuple[Entity, list[str]]] = field(default_factory=list)
    added_relations: list[Relation] = field(default_factory=list)
    removed_relations: list[Relation] = field(default_factory=list)
    changed_relations: list[tuple[Relation, list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.changed, self.added_relations, self.removed_relations,
                        self.changed_relations))


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True, timeout=120).stdout
    except subprocess.CalledProcessError as error:
        raise DiffError(f"git {' '.join(args)}: {error.stderr.decode(errors='replace').strip()}") from None
    except OSError as error:
        raise DiffError(f"cannot run git: {error}") from None


def corpus_at(repo: Path, revision: str, entities: str = "entities") -> Corpus:
    """The validated corpus as it was at a git revision."""
    commit = _git(repo, "rev-parse", "--verify", f"{revision}^{{commit}}").decode().strip()
    with tempfile.TemporaryDirectory(prefix="policygraph-diff-") as tmp:
        root = Path(tmp)
        listing = _git(repo, "ls-tree", "--name-only", commit, entities).decode().strip()
        if listing:
            archive = _git(repo, "archive", "--format=tar", commit, entities)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(root, filter="data")
        (root / entities).mkdir(parents=True, exist_ok=True)
        vocabulary_file = root / "vocabulary.yaml"
        try:
            vocabulary_file.write_bytes(_git(repo, "show", f"{commit}:builder/vocabulary.yaml"))
        except DiffError:
            vocabulary_file.write_bytes(DEFAULT_PATH.read_bytes())
        try:
            return load_corpus(root / entities, load_vocabulary(vocabulary_file), root=root)
        except PolicygraphError as error:
            raise DiffError(f"{revision} does not validate:\n{error}") from None


def _relation_key(relation: Relation) -> tuple[str, str]:
    return relation.subject, relation.key


# What a change of a field means to a reader: a citation's status is part of the claim's
# standing (its status), not of what the citation says.
_COMPARED = {
    "status": lambda r: (r.status, tuple(c.status for c in r.citations)),
    "citations": lambda r: tuple((c.source, c.quote, c.translations) for c in r.citations),
}


def _changes(old, new, fields) -> list[str]:
    return [name for name in fields
            if _COMPARED.get(name, lambda o: getattr(o, name))(old) != _COMPARED.get(name, lambda o: getattr(o, name))(new)]


def diff_corpora(base: Corpus, head: Corpus, base_name: str = "base", head_name: str = "head") -> GraphDiff:
    result = GraphDiff(base_name, head_name)
    result.added = [e for i, e in head.entities.items() if i not in base]
    result.removed = [e for i, e in base.entities.items() if i not in head]
    for entity_id, new in head.entities.items():
        if entity_id in base:
            changed = _changes(base[entity_id], new, ENTITY_FIELDS)
            if changed:
                result.changed.append((new, changed))
    old_relations = {_relation_key(r): r for r in base.relations}
    new_relations = {_relation_key(r): r for r in head.relations}
    result.added_relations = [r for k, r in new_relations.items() if k not in old_relations]
    result.removed_relations = [r for k, r in old_relations.items() if k not in new_relations]
    for key, new in new_relations.items():
        if key in old_relations:
            changed = _changes(old_relations[key], new, RELATION_FIELDS)
            if changed:
                result.changed_relations.append((new, changed))
    return result


def diff_revisions(repo: Path, base: str, head: str) -> GraphDiff:
    return diff_corpora(corpus_at(repo, base), corpus_at(repo, head), base, head)


# What a terminal or a CI log would act on rather than print: control characters
# (escape sequences, carriage returns that overwrite a line), and direction overrides.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value) -> str:
    """Contributor text as it reads, its control characters shown as escapes (\\x1b)."""
    text = "" if value is None else str(value)
    return _UNPRINTABLE.sub(lambda m: "\\x{:02x}".format(ord(m.group())) if ord(m.group()) < 256
                            else "\\u{:04x}".format(ord(m.group())), text)


def _environment(markdown: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=(lambda v: md_inline(visible(v))) if markdown else visible)
    return env


def render_diff(diff: GraphDiff, output_format: str = "text") -> str:
    markdown = output_format == "markdown"
    template = _environment(markdown).get_template("diff.md.j2" if markdown else "diff.txt.j2")
    return template.render(diff=diff, when=_when)


def _when(relation: Relation) -> str:
    dates = [str(d) for d in (relation.date, relation.start, relation.end) if d is not None]
    return " – ".join(dates)
