"""Themes: the big stories, as editorial objects in `themes/<id>.yaml`. The editors
choose a theme's members (the builder only suggests candidates: `suggest_members`),
write its introduction, and name the few lead entities the story is about:

    title: Grok, X and sexual deepfakes
    summary: One line for the home page and search results.
    intro: |
      Two short paragraphs, from what the sources say.
    lead: [grok-deepfake-scandal, grok]
    members: [ofcom, elon-musk, ...]

A theme's network, timeline and entity list come from its members; its timeline
holds the dated items that lie wholly inside the story (see pages/items.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from builder.errors import EntityError, EntityErrors, Location
from builder.model import Corpus
from builder.read.hints import suggest
from builder.read.validate import ID_RE
from builder.read.yaml import Marks, decode, parse_yaml
from builder.vocabulary.kinds import KINDS

# key -> (kind, required)
KEYS = {"title": ("text", True), "summary": ("text", True), "intro": ("markdown", False),
        "lead": ("list", True), "members": ("list", False)}
HINT = "a theme has a title, a one-line summary, an intro, its lead entities and its members (entity ids)"


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    summary: str
    intro: str
    lead: tuple[str, ...]
    members: tuple[str, ...]  # the lead entities and the other members, by id


def load_themes(folder: Path, corpus: Corpus, root: Path | None = None) -> list[Theme]:
    """Read and check every theme file; raise EntityErrors with every mistake."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    errors: list[EntityError] = []
    themes = []
    for path in sorted(folder.iterdir()):
        shown = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.as_posix()
        if path.name.startswith(".") or path.suffix != ".yaml":
            if not path.name.startswith("."):
                errors.append(EntityError(Location(shown), "not a theme file: the name must end in .yaml",
                                          "theme files are themes/<id>.yaml"))
            continue
        try:
            data, marks = parse_yaml(decode(path.read_bytes(), shown), shown)
        except EntityError as error:
            errors.append(error)
            continue
        theme = _Check(path.stem, shown, marks, corpus, errors).theme(data)
        if theme is not None:
            themes.append(theme)
    if errors:
        raise EntityErrors(errors)
    return themes


class _Check:
    def __init__(self, theme_id, shown, marks: Marks, corpus, errors) -> None:
        self.theme_id, self.shown, self.marks, self.corpus, self.errors = theme_id, shown, marks, corpus, errors

    def at(self, path: tuple) -> Location:
        return Location(self.shown, *self.marks.nearest(path))

    def report(self, where: Location, message: str, hint: str = "") -> None:
        self.errors.append(EntityError(where, message, hint))

    def theme(self, data: dict) -> Theme | None:
        before = len(self.errors)
        if not ID_RE.fullmatch(self.theme_id) or self.theme_id == "index":
            self.report(Location(self.shown), f"invalid theme id '{self.theme_id}' (from the file name)",
                        "use lowercase ASCII letters, digits and single hyphens (and not 'index')")
        for key in data:
            if key not in KEYS:
                where = Location(self.shown, *(self.marks.key((key,)) or (1, 1)))
                self.report(where, f"unknown theme key '{key}'", suggest(key, KEYS) or HINT)
        values = {}
        for key, (kind, required) in KEYS.items():
            if data.get(key) in (None, "", []):
                if required:
                    self.report(self.at(()), f"missing required theme key '{key}'", HINT)
                continue
            values[key] = KINDS[kind].clean(data[key], key, lambda sub, key=key: self.at((key, *sub)), self.report)
        lead = self.entity_ids(values.get("lead") or (), "lead")
        members = self.entity_ids(values.get("members") or (), "members")
        for index, entity_id in enumerate(values.get("members") or ()):
            if entity_id in lead:
                self.report(self.at(("members", index)), f"'{entity_id}' is already a lead entity",
                            "list it once, under lead")
        if len(self.errors) > before:
            return None
        return Theme(self.theme_id, values["title"], values["summary"], values.get("intro", ""), lead,
                     tuple(sorted(set(lead) | set(members))))

    def entity_ids(self, ids: tuple[str, ...], key: str) -> tuple[str, ...]:
        seen = Counter(ids)
        for index, entity_id in enumerate(ids):
            where = self.at((key, index))
            if entity_id not in self.corpus:
                self.report(where, f"unknown entity '{entity_id}' in {key}",
                            suggest(entity_id, self.corpus.entities) or "give the id of an entity file")
            elif self.corpus.is_source(entity_id):
                self.report(where, f"'{entity_id}' is a source",
                            "a story's members are people, organizations, laws, events and products")
            elif seen[entity_id] > 1 and ids.index(entity_id) < index:
                self.report(where, f"'{entity_id}' is listed twice in {key}", "keep one")
        return tuple(dict.fromkeys(ids))


def themes_of(themes: list[Theme]) -> dict[str, list[str]]:
    """Entity id -> ids of the themes it belongs to."""
    index: dict[str, list[str]] = {}
    for theme in themes:
        for member in theme.members:
            index.setdefault(member, []).append(theme.id)
    return index


def suggest_members(corpus: Corpus, theme: Theme, limit: int = 20) -> list[tuple[str, int]]:
    """Entities outside the theme most connected to its members, with how many of its
    members each is related to: candidates for the editors, never added by themselves."""
    members = set(theme.members)
    counts = Counter(n for m in members for n in corpus.neighbours(m)
                     if n not in members and not corpus.is_source(n))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
