"""Read `entities/<kind>/<id>.yaml` into raw specs that remember where
each key and value stood, so that later stages can point at file:line:col.

Parsing uses libyaml's composer (fast, with positions); values are then built
from the node tree by hand so that duplicate keys, anchors, aliases and tags are
refused instead of silently accepted."""

from __future__ import annotations

import os
import re
import stat
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from builder.errors import EntityError, Location

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is a declared dependency
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 16

PathKey = tuple  # a path to a value: ("relations", 0, "target")

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


class Marks:
    """Where the values and keys of a parsed file stand, by the value's path: (line,
    column), counted from 1. A position is held as one int, and a key's path is its
    value's path object: held as pairs, under paths of their own, the positions were two
    thirds of a parsed file's memory (3.8 GB for 100,000 files)."""

    __slots__ = ("_values", "_keys")

    def __init__(self) -> None:
        self._values: dict[PathKey, int] = {}
        self._keys: dict[PathKey, int] = {}

    def set_value(self, path: PathKey, line: int, col: int) -> None:
        self._values[path] = line << 32 | col

    def set_key(self, path: PathKey, line: int, col: int) -> None:
        self._keys[path] = line << 32 | col

    def value(self, path: PathKey) -> tuple[int, int] | None:
        """Where the value at `path` starts, if it was parsed."""
        packed = self._values.get(path)
        return None if packed is None else (packed >> 32, packed & 0xFFFFFFFF)

    def key(self, path: PathKey) -> tuple[int, int] | None:
        """Where the key naming the value at `path` stands, if the value has one."""
        packed = self._keys.get(path)
        return None if packed is None else (packed >> 32, packed & 0xFFFFFFFF)

    def nearest(self, path: PathKey) -> tuple[int, int]:
        """Where the value at `path` starts, or its nearest parsed parent; (1, 1) if none."""
        values = self._values
        while (packed := values.get(path)) is None and path:
            path = path[:-1]
        return (1, 1) if packed is None else (packed >> 32, packed & 0xFFFFFFFF)

    def paths(self) -> Iterable[PathKey]:
        return self._values.keys()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Marks) and (self._values, self._keys) == (other._values, other._keys)


@dataclass
class RawEntity:
    """An entity file as read: plain values plus the position of every key and value."""

    id: str
    kind: str
    path: str
    data: dict
    marks: Marks = field(default_factory=Marks)
    text: str | None = None  # the archived text beside the file (`<id>.txt`), for kinds that have one
    text_path: str | None = None

    def at(self, path: PathKey = ()) -> Location:
        """Where the value at `path` starts (or its nearest recorded parent)."""
        return Location(self.path, *self.marks.nearest(tuple(path)))

    def key_at(self, path: PathKey) -> Location:
        """Where the key naming the value at `path` stands."""
        mark = self.marks.key(tuple(path))
        return Location(self.path, *mark) if mark else self.at(path)


@dataclass
class LoadResult:
    entities: list[RawEntity]
    errors: list[EntityError]


@dataclass
class Checked:
    """What validation keeps between the preview's builds (read/validate.py): each file's
    own checks (by path: its data, archived text, entity and own mistakes), each quote's
    check against its source's text (by source id: the text, and per quote the problem
    found or None), and the entities whose references passed (by path: the entity and
    the entities it refers to)."""

    files: dict[str, tuple] = field(default_factory=dict)
    quotes: dict[str, tuple[str, dict]] = field(default_factory=dict)
    references: dict[str, tuple] = field(default_factory=dict)


class ParsedFiles:
    """What each entity file parsed to, kept between the preview's builds (`make serve`):
    a file whose text has not changed is not parsed again (parsing is most of reading
    10,000 files). Keyed by the file's path, holding its latest text only."""

    # A file changed less than this long before it was read may change again within the
    # same tick of the file system's clock, its size and times unchanged: read it again.
    RACY_NS = 2_000_000_000

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[str, tuple[dict, Marks]]] = {}
        self._texts: dict[str, tuple[tuple, str]] = {}
        self._checked = Checked()
        self._vocabulary = None

    def text(self, path: Path, info: os.stat_result, shown: str) -> str:
        """The file's text: read again only if its size, times or inode changed since it
        was last read here (as make and git tell a changed file)."""
        key = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
        kept = self._texts.get(shown)
        if kept is not None and kept[0] == key:
            return kept[1]
        text = decode(path.read_bytes(), shown)
        if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > self.RACY_NS:
            self._texts[shown] = (key, text)
        else:
            self._texts.pop(shown, None)
        return text

    def parse(self, text: str, shown: str) -> tuple[dict, Marks]:
        kept = self._parsed.get(shown)
        if kept is not None and kept[0] == text:
            return kept[1]
        parsed = parse_yaml(text, shown)
        self._parsed[shown] = (text, parsed)
        return parsed

    def checked(self, vocabulary) -> Checked:
        """What validation kept here, for this vocabulary: forgotten when it changes."""
        if self._vocabulary != vocabulary:
            self._checked, self._vocabulary = Checked(), vocabulary
        return self._checked


def load_entities(entities_dir: Path, kinds: tuple[str, ...], root: Path | None = None,
                  text_kinds: frozenset[str] = frozenset(), parsed: ParsedFiles | None = None,
                  share: tuple[int, int] = (0, 1)) -> LoadResult:
    """Read every entity file below `entities_dir`. Files that cannot be read become
    errors; the others are returned in a stable order (kind, then id). In the folders of
    `text_kinds`, `<id>.txt` beside `<id>.yaml` is the entity's archived text. With
    `parsed`, a file unchanged since it was last parsed there is not parsed again. With
    `share` (i, n), only the i-th of n shares of the files, by name (a file and its
    archived text fall in the same one); the mistakes of entities/ itself in share 0."""
    index, shares = share
    entities_dir = Path(entities_dir)
    root = Path(root) if root is not None else entities_dir.parent
    errors: list[EntityError] = []
    entities: list[RawEntity] = []
    if not entities_dir.is_dir():
        errors.append(EntityError(Location(_display(entities_dir, root)), "the entities folder does not exist",
                                  "create it with one folder per kind: " + ", ".join(kinds)))
        return LoadResult(entities, errors if index == 0 else [])
    for child in sorted(entities_dir.iterdir()):
        if child.name.startswith("."):
            continue
        if not child.is_dir() or child.name not in kinds:
            if index != 0:
                continue
            errors.append(EntityError(
                Location(_display(child, root)), f"unexpected {'folder' if child.is_dir() else 'file'} in entities/",
                "entity files go in entities/<kind>/<id>.yaml with kind one of: " + ", ".join(kinds)))
            continue
        folder = _load_folder(child, root, child.name in text_kinds, parsed, share)
        entities.extend(folder.entities)
        errors.extend(folder.errors)
    return LoadResult(entities, errors)


def _load_folder(child: Path, root: Path, with_texts: bool, parsed: ParsedFiles | None = None,
                 share: tuple[int, int] = (0, 1)) -> LoadResult:
    """One entities/<kind>/ folder: its entity files, and their archived texts if the kind has them."""
    errors: list[EntityError] = []
    folder = _display(child, root)  # once per folder: resolving each file's path costs syscalls
    texts: dict[str, tuple[Path, os.stat_result]] = {}
    loaded: list[RawEntity] = []
    index, shares = share
    for path in sorted(child.iterdir()):
        if path.name.startswith(".") and not path.name.endswith(".yaml"):
            continue  # editor and VCS files (.gitkeep, .swp): never entities
        if shares > 1 and zlib.crc32(path.stem.encode("utf-8", "surrogateescape")) % shares != index:
            continue
        if with_texts and path.suffix == ".txt" and (info := _regular_file(path)) is not None:
            texts[path.stem] = (path, info)
            continue
        raw, error = load_file(path, child.name, root, shown=f"{folder}/{path.name}", parsed=parsed)
        if error is not None:
            errors.append(error)
        elif raw is not None:
            loaded.append(raw)
    known = {raw.id for raw in loaded} | {Path(e.location.path).stem for e in errors}
    for stem, (path, _) in texts.items():
        if stem not in known:
            errors.append(EntityError(Location(f"{folder}/{path.name}"), "archived text without its entity file",
                                      f"create {folder}/{stem}.yaml, or rename the text after its source's id"))
    for raw in loaded:
        if raw.id in texts:
            raw.text_path = f"{folder}/{raw.id}.txt"
            raw.text, error = load_text(*texts[raw.id], raw.text_path, parsed)
            if error is not None:
                errors.append(error)
    return LoadResult(loaded, errors)


def _regular_file(path: Path) -> os.stat_result | None:
    """A regular file's status; None for a link, a folder or an unreadable file (load_file
    then says what is wrong)."""
    try:
        info = path.lstat()
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def load_text(path: Path, info: os.stat_result, shown: str,
              parsed: ParsedFiles | None = None) -> tuple[str | None, EntityError | None]:
    """An archived source text: UTF-8 plain text, stored exactly as published (read again
    by the preview only if it changed: see ParsedFiles.text)."""
    try:
        return (parsed.text(path, info, shown) if parsed else decode(path.read_bytes(), shown)), None
    except OSError as exc:
        return None, EntityError(Location(shown), f"cannot read the file: {exc.strerror}", "check its permissions")
    except EntityError as error:
        return None, error


def load_file(path: Path, kind: str, root: Path, shown: str | None = None,
              parsed: ParsedFiles | None = None) -> tuple[RawEntity | None, EntityError | None]:
    shown = shown or _display(path, root)
    try:
        info = path.lstat()
    except OSError as exc:
        return None, EntityError(Location(shown), f"cannot read the file: {exc.strerror}", "check its permissions")
    if stat.S_ISLNK(info.st_mode):
        return None, EntityError(Location(shown), "symbolic links are not allowed in entities/",
                                 "replace the link with the file itself")
    if stat.S_ISDIR(info.st_mode):
        return None, EntityError(Location(shown), "a folder stands where an entity file should be",
                                 f"entity files go directly in entities/{kind}/; move or remove this folder")
    if path.suffix != ".yaml":
        hint = f"rename it to {path.stem}.yaml" if path.suffix in (".yml", ".YAML", ".YML") else \
            "only <id>.yaml files belong here"
        return None, EntityError(Location(shown), "not an entity file: the name must end in .yaml", hint)
    if info.st_size > MAX_FILE_BYTES:
        return None, EntityError(Location(shown), f"file too large ({info.st_size:,} bytes; the limit is "
                                 f"{MAX_FILE_BYTES:,})", "an entity file holds one entity: split long descriptions or relations")
    try:
        text = parsed.text(path, info, shown) if parsed else decode(path.read_bytes(), shown)
        value, marks = parsed.parse(text, shown) if parsed else parse_yaml(text, shown)
    except OSError as exc:
        return None, EntityError(Location(shown), f"cannot read the file: {exc.strerror}", "check its permissions")
    except EntityError as error:
        return None, error
    return RawEntity(id=path.stem, kind=kind, path=shown, data=value, marks=marks), None


def decode(data: bytes, shown: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        raise EntityError(Location(shown, 1, 1), "the file starts with a byte-order mark (BOM)",
                          "save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise EntityError(Location(shown, line, col), f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
                          "save the file as UTF-8") from None
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line, col = _line_col(text, bad.start())
        raise EntityError(Location(shown, line, col), f"control character U+{ord(bad.group()):04X} in the file",
                          "remove it; entity files are plain text")
    return text


def parse_yaml(text: str, shown: str) -> tuple[dict, Marks]:
    """Parse one YAML document into its value and where its values and keys stand."""
    if not text.strip() or all(l.strip().startswith("#") or not l.strip() for l in text.splitlines()):
        raise EntityError(Location(shown, 1, 1), "the file is empty", "start it with `type:` and `name:`")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, shown) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is marked
        raise EntityError(Location(shown), f"YAML error: {exc}") from None
    if node is None:
        raise EntityError(Location(shown, 1, 1), "the file is empty", "start it with `type:` and `name:`")
    if not isinstance(node, yaml.MappingNode):
        raise EntityError(_mark(node.start_mark, shown), "the file must be a mapping of keys to values",
                          "start it with `type:` and `name:`, one key per line")
    builder = _ValueBuilder(shown)
    value = builder.build(node, (), 0)
    return value, builder.marks


class _ValueBuilder:
    """Turns a composed node tree into plain values, refusing what YAML allows but
    entity files must not contain."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.marks = Marks()
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: tuple, depth: int):
        mark = node.start_mark
        if id(node) in self.seen:
            where = _mark(mark, self.shown)
            raise EntityError(where, "YAML anchors and aliases (&name, *name) are not allowed",
                              "write each value out in full")
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise EntityError(_mark(mark, self.shown), "the file is nested too deeply",
                              "entity files are at most a few levels deep")
        if node.tag not in _PLAIN_TAGS:
            raise EntityError(_mark(mark, self.shown), f"YAML tag {node.tag!r} is not allowed", "remove the `!` tag")
        self.marks.set_value(path, mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: tuple, depth: int) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            key_where = (key_mark.line + 1, key_mark.column + 1)
            if key_node.tag == _TAG + "merge":
                raise EntityError(Location(self.shown, *key_where), "YAML merge keys (<<) are not allowed",
                                  "write each key out in full")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _TAG + "str":
                raise EntityError(Location(self.shown, *key_where), "keys must be plain words",
                                  "write the key as a word followed by a colon")
            key = key_node.value
            sub = path + (key,)
            if key in result:
                first_line = self.marks.key(sub)[0]
                raise EntityError(Location(self.shown, *key_where),
                                  f"duplicate key '{key}' (first set at line {first_line})", "keep only one of them")
            self.marks.set_key(sub, *key_where)
            result[key] = self.build(value_node, sub, depth + 1)
        return result


def _scalar(node: yaml.ScalarNode):
    tag = node.tag[len(_TAG):]
    if tag == "null":
        return None
    if tag == "bool":
        return node.value.lower() in ("true", "yes", "on")
    if tag == "int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag == "float":
        try:
            return float(node.value.replace("_", ""))
        except ValueError:
            return node.value
    return node.value  # str, and timestamps kept as written: dates are checked as text


def _mark(mark, shown: str) -> Location:
    return Location(shown, mark.line + 1, mark.column + 1)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, shown: str) -> EntityError:
    mark = exc.problem_mark or exc.context_mark
    where = _mark(mark, shown) if mark else Location(shown)
    problem = exc.problem or "syntax error"
    if "tab" in problem or (mark is not None and _char_at(text, mark.line, mark.column) == "\t"):
        return EntityError(where, "tab character in YAML indentation", "indent with spaces, never tabs")
    if "expected a single document" in str(exc):
        return EntityError(where, "more than one YAML document in the file", "remove the extra `---` line")
    context = f" {exc.context}" if exc.context else ""
    return EntityError(where, f"YAML syntax error: {problem}{context}",
                       "check the indentation and quote values that contain ': ' or start with a special character")


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _display(path: Path, root: Path) -> str:
    """The path as contributors know it (relative to the project, links not followed)."""
    path = Path(path)
    try:
        return (path.parent.resolve() / path.name).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
