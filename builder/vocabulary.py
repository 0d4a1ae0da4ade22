"""The vocabulary: entity types, keys, relation predicates and claim statuses,
read from `vocabulary.yaml`. Everything downstream derives from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from .errors import VocabularyError

DEFAULT_PATH = Path(__file__).with_name("vocabulary.yaml")

LANGUAGES = ("en", "fr")
VALUE_KINDS = {"text", "markdown", "date", "url", "language", "list", "names", "choice", "relations"}
RELATION_QUALIFIERS = ("predicate", "target", "start", "end", "date", "role", "status", "note", "sources")
CITATION_KEYS = ("source", "quote", "translation", "status")


def camel(identifier: str, *, upper: bool) -> str:
    """`government-agency` -> `GovernmentAgency` (upper) or `governmentAgency`."""
    parts = identifier.replace("_", "-").split("-")
    head = parts[0].capitalize() if upper else parts[0]
    return head + "".join(p.capitalize() for p in parts[1:])


@dataclass(frozen=True)
class Labels:
    en: str
    fr: str

    def get(self, language: str) -> str:
        return getattr(self, language)


@dataclass(frozen=True)
class KeySpec:
    id: str
    kind: str
    properties: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class EntityType:
    id: str
    label: Labels
    parent: str | None
    kind: str | None
    classes: tuple[str, ...]
    keys: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    optional_common: tuple[str, ...] | None = None
    plural: Labels | None = None
    abstract: bool = False
    no_relations: bool = False
    archived_text: bool = False
    color: str | None = None
    shape: str | None = None
    key_properties: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def class_name(self) -> str:
        return camel(self.id, upper=True)


@dataclass(frozen=True)
class Predicate:
    id: str
    label: Labels
    inverse: Labels
    domain: tuple[str, ...]
    range: tuple[str, ...]
    maps_to: str | None = None
    maps_to_inverse: bool = False
    symmetric: bool = False

    @property
    def property_name(self) -> str:
        return camel(self.id, upper=False)


@dataclass(frozen=True)
class Status:
    id: str
    label: Labels
    comment: str


@dataclass(frozen=True)
class Vocabulary:
    """The whole vocabulary. Built once by `load_vocabulary` and passed explicitly."""

    prefixes: dict[str, str]
    keys: dict[str, KeySpec]
    types: dict[str, EntityType]
    predicates: dict[str, Predicate]
    statuses: dict[str, Status]
    default_status: str
    common_required: tuple[str, ...]
    common_optional: tuple[str, ...]
    site_language: str = "en"
    label_languages: tuple[str, ...] = ("en", "fr")
    path: Path = field(default=DEFAULT_PATH, compare=False)

    def ancestors(self, type_id: str) -> tuple[str, ...]:
        """The type itself, then its parent, and so on up to the root."""
        return self._ancestors[type_id]

    @cached_property
    def _ancestors(self) -> dict[str, tuple[str, ...]]:
        chains = {}
        for type_id in self.types:
            chain = []
            current: str | None = type_id
            while current is not None:
                chain.append(current)
                current = self.types[current].parent
            chains[type_id] = tuple(chain)
        return chains

    def is_a(self, type_id: str, other: str) -> bool:
        return other in self.ancestors(type_id)

    @cached_property
    def kinds(self) -> dict[str, EntityType]:
        """The top type of each entities/ folder: `people` -> person."""
        return {t.kind: t for t in self.types.values() if t.kind}

    def subtypes_of(self, base: str) -> list[str]:
        return sorted(t.id for t in self.types.values() if t.parent == base and not t.kind)

    def base_type(self, type_id: str) -> EntityType:
        """The folder-level type a type belongs to (company -> organization)."""
        for ancestor in self.ancestors(type_id):
            if self.types[ancestor].kind:
                return self.types[ancestor]
        raise VocabularyError(f"type {type_id!r} belongs to no entities/ folder")

    def required_keys(self, base: EntityType) -> tuple[str, ...]:
        if base.optional_common is None:
            return self.common_required + base.required
        return tuple(k for k in self.common_required if k not in base.optional_common) + base.required

    def allowed_keys(self, base: EntityType) -> tuple[str, ...]:
        keys = self.common_required + self.common_optional + base.keys
        if base.no_relations:
            keys = tuple(k for k in keys if k != "relations")
        return keys

    def key_properties(self, base: EntityType, key: str) -> tuple[str, ...]:
        """The RDF properties a key maps to for entities of this folder-level type."""
        return base.key_properties.get(key) or self.keys[key].properties

    def matches(self, type_id: str, allowed: tuple[str, ...]) -> bool:
        return any(self.is_a(type_id, a) for a in allowed)

    def expand(self, curie: str, vocab_namespace: str) -> str:
        prefix, _, local = curie.partition(":")
        if prefix == "pg":
            return vocab_namespace + local
        if prefix == "rdfs":
            return "http://www.w3.org/2000/01/rdf-schema#" + local
        try:
            return self.prefixes[prefix] + local
        except KeyError:
            raise VocabularyError(f"unknown prefix in {curie!r}") from None


def load_vocabulary(path: Path = DEFAULT_PATH) -> Vocabulary:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"{path}: cannot read the vocabulary: {exc}") from None
    try:
        vocabulary = _build(data, Path(path))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise VocabularyError(f"{path}: malformed vocabulary: {exc!r}") from None
    _check(vocabulary)
    return vocabulary


def _labels(data: dict) -> Labels:
    return Labels(en=str(data["en"]), fr=str(data["fr"]))


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _build(data: dict, path: Path) -> Vocabulary:
    keys = {
        key: KeySpec(
            id=key,
            kind=spec["kind"],
            properties=_tuple(spec.get("property")),
            choices=_tuple(spec.get("choices")),
            doc=spec.get("doc", ""),
        )
        for key, spec in data["keys"].items()
    }
    types = {
        type_id: EntityType(
            id=type_id,
            label=_labels(spec["label"]),
            parent=spec.get("parent"),
            kind=spec.get("kind"),
            classes=_tuple(spec.get("class")),
            keys=_tuple(spec.get("keys")),
            required=_tuple(spec.get("required")),
            optional_common=_tuple(spec["optional_common"]) if "optional_common" in spec else None,
            plural=_labels(spec["plural"]) if "plural" in spec else None,
            abstract=bool(spec.get("abstract", False)),
            no_relations=bool(spec.get("no_relations", False)),
            archived_text=bool(spec.get("archived_text", False)),
            color=spec.get("color"),
            shape=spec.get("shape"),
            key_properties={k: _tuple(v) for k, v in (spec.get("key_properties") or {}).items()},
        )
        for type_id, spec in data["types"].items()
    }
    predicates = {
        pred_id: Predicate(
            id=pred_id,
            label=_labels(spec["label"]),
            inverse=_labels(spec["inverse"]),
            domain=_tuple(spec["domain"]),
            range=_tuple(spec["range"]),
            maps_to=spec.get("property"),
            maps_to_inverse=bool(spec.get("property_inverse", False)),
            symmetric=bool(spec.get("symmetric", False)),
        )
        for pred_id, spec in data["predicates"].items()
    }
    statuses = {
        status_id: Status(id=status_id, label=_labels(spec["label"]), comment=spec.get("comment", ""))
        for status_id, spec in data["statuses"].items()
    }
    return Vocabulary(
        prefixes=dict(data["prefixes"]),
        keys=keys,
        types=types,
        predicates=predicates,
        statuses=statuses,
        default_status=data["default_status"],
        common_required=_tuple(data["common_keys"]["required"]),
        common_optional=_tuple(data["common_keys"]["optional"]),
        site_language=str(data["languages"]["site"]),
        label_languages=_tuple(data["languages"]["labels"]),
        path=path,
    )


def _check(v: Vocabulary) -> None:
    """Refuse an inconsistent vocabulary with a maintainer-facing message."""
    problems = []
    for key in v.keys.values():
        if key.kind not in VALUE_KINDS:
            problems.append(f"key {key.id!r}: unknown kind {key.kind!r}")
    for t in v.types.values():
        if t.parent is not None and t.parent not in v.types:
            problems.append(f"type {t.id!r}: unknown parent {t.parent!r}")
        for key in t.keys + t.required:
            if key not in v.keys:
                problems.append(f"type {t.id!r}: unknown key {key!r}")
        for curie in t.classes:
            if curie.partition(":")[0] not in v.prefixes:
                problems.append(f"type {t.id!r}: unknown prefix in {curie!r}")
        if t.kind and (t.color is None or t.shape is None or t.plural is None):
            problems.append(f"type {t.id!r}: a folder-level type needs color, shape and plural")
    for key in v.common_required + v.common_optional:
        if key not in v.keys:
            problems.append(f"common key {key!r} is not declared under keys")
    for p in v.predicates.values():
        for type_id in p.domain + p.range:
            if type_id not in v.types:
                problems.append(f"predicate {p.id!r}: unknown type {type_id!r} in domain/range")
    if v.default_status not in v.statuses:
        problems.append(f"default_status {v.default_status!r} is not a status")
    if not problems:
        problems.extend(_parent_cycles(v))
    if problems:
        raise VocabularyError(f"{v.path}: " + "; ".join(problems))


def _parent_cycles(v: Vocabulary) -> list[str]:
    problems = []
    for t in v.types.values():
        seen = {t.id}
        parent = t.parent
        while parent is not None:
            if parent in seen:
                problems.append(f"type {t.id!r}: its parents form a cycle")
                break
            seen.add(parent)
            parent = v.types[parent].parent
    return problems
