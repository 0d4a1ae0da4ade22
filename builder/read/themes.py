"""Themes: the big stories, declared as data in `themes/<id>.yaml`.

A theme names a few seed entities; its members are the seeds and the entities within
`depth` relations of them (sources excluded). Pages, networks and timelines of a theme
are derived from that membership, never from hand-written lists of every member."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.errors import EntityError, EntityErrors, Location
from builder.model import Corpus
from builder.read.hints import suggest
from builder.read.validate import ID_RE
from builder.read.yaml import decode, parse_yaml

KEYS = {"title", "summary", "seeds", "depth"}
MAX_DEPTH = 2


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    summary: str
    seeds: tuple[str, ...]
    depth: int
    members: tuple[str, ...]


def _members(corpus: Corpus, seeds: tuple[str, ...], depth: int) -> tuple[str, ...]:
    members = set(seeds)
    frontier = set(seeds)
    for _ in range(depth):
        frontier = {n for entity_id in frontier for n in corpus.neighbours(entity_id)} - members
        members |= frontier
    return tuple(sorted(m for m in members if not corpus.is_source(m)))


def load_themes(folder: Path, corpus: Corpus, root: Path | None = None) -> list[Theme]:
    """Read and check every theme file; raise EntityErrors with every mistake."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    errors: list[EntityError] = []
    themes = []
    for path in sorted(folder.glob("*.yaml")):
        shown = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.as_posix()
        try:
            data, marks, key_marks = parse_yaml(decode(path.read_bytes(), shown), shown)
        except EntityError as error:
            errors.append(error)
            continue
        theme = _check(path.stem, data, marks, key_marks, shown, corpus, errors)
        if theme is not None:
            themes.append(theme)
    if errors:
        raise EntityErrors(errors)
    return themes


def _check(theme_id, data, marks, key_marks, shown, corpus, errors) -> Theme | None:
    before = len(errors)

    def position(table, path, default):
        return Location(shown, *table[path]) if path in table else default

    def at(key):
        return position(marks, (key,), Location(shown))

    if not ID_RE.match(theme_id):
        errors.append(EntityError(Location(shown), f"invalid theme id '{theme_id}' (from the file name)",
                                  "use lowercase ASCII letters, digits and single hyphens"))
    for key in data:
        if key not in KEYS:
            errors.append(EntityError(position(key_marks, (key,), Location(shown)), f"unknown theme key '{key}'",
                                      suggest(key, KEYS) or "a theme has: " + ", ".join(sorted(KEYS))))
    for key in ("title", "summary", "seeds"):
        if not data.get(key):
            errors.append(EntityError(Location(shown), f"missing required theme key '{key}'",
                                      "a theme has a title, a one-sentence summary and a list of seed entity ids"))
    for key in ("title", "summary"):
        if data.get(key) is not None and not isinstance(data[key], str):
            errors.append(EntityError(at(key), f"'{key}' must be a text", f'quote it: {key}: "..."'))
    seeds = data.get("seeds") or []
    if not isinstance(seeds, list):
        errors.append(EntityError(at("seeds"), "'seeds' must be a list of entity ids", "write seeds: [id, other-id]"))
        seeds = []
    for index, seed in enumerate(seeds):
        if not isinstance(seed, str) or seed not in corpus:
            errors.append(EntityError(position(marks, ("seeds", index), at("seeds")), f"unknown seed entity '{seed}'",
                                      suggest(str(seed), corpus.entities) or "give the id of an entity file"))
        elif corpus.is_source(seed):
            errors.append(EntityError(position(marks, ("seeds", index), at("seeds")), f"seed '{seed}' is a source",
                                      "seed a theme with people, organizations, laws, events or products"))
    depth = data.get("depth", 1)
    if not isinstance(depth, int) or isinstance(depth, bool) or not 0 <= depth <= MAX_DEPTH:
        errors.append(EntityError(at("depth"), f"'depth' must be 0, 1 or {MAX_DEPTH}",
                                  "how many relations away from the seeds members may be"))
    if len(errors) > before:
        return None
    seeds = tuple(dict.fromkeys(seeds))
    return Theme(theme_id, data["title"].strip(), data["summary"].strip(), seeds, depth,
                 _members(corpus, seeds, depth))


def themes_of(themes: list[Theme]) -> dict[str, list[str]]:
    """Entity id -> ids of the themes it belongs to."""
    index: dict[str, list[str]] = {}
    for theme in themes:
        for member in theme.members:
            index.setdefault(member, []).append(theme.id)
    return index
