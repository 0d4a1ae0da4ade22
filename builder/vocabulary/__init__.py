"""The vocabulary: entity types, keys, relation predicates, claim statuses and the
site's languages, read from `vocabulary.yaml` (with the position of every entry, for
messages). Everything downstream derives from it: no other module names a type, a
predicate, a status or a language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from builder.errors import EntityError, VocabularyError
from builder.vocabulary.kinds import KINDS, Kind

if TYPE_CHECKING:
    from builder.read.yaml import Marks

DEFAULT_PATH = Path(__file__).with_name("vocabulary.yaml")

RELATION_QUALIFIERS = ("predicate", "target", "start", "end", "date", "role", "status", "note", "sources")
CITATION_KEYS = ("source", "quote", "translation", "status")


def camel(identifier: str, *, upper: bool) -> str:
    """`government-agency` -> `GovernmentAgency` (upper) or `governmentAgency`."""
    parts = identifier.replace("_", "-").split("-")
    head = parts[0].capitalize() if upper else parts[0]
    return head + "".join(p.capitalize() for p in parts[1:])


@dataclass(frozen=True)
class Labels:
    """A term's label in each of the vocabulary's label languages."""

    by_language: tuple[tuple[str, str], ...]
    site_language: str

    def get(self, language: str) -> str:
        return dict(self.by_language)[language]

    @property
    def site(self) -> str:
        """The label in the site's language."""
        return self.get(self.site_language)


@dataclass(frozen=True)
class KeySpec:
    id: str
    kind: str
    properties: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    doc: str = ""
    pattern: str = ""  # identifiers: what a valid one looks like
    iri: str = ""  # identifiers and countries: the IRI of a value, `{}` standing for it
    codes: dict[str, str] = field(default_factory=dict, compare=False)  # countries: name -> code
    agent_class: str = ""  # agents named by a name only: the class of the node that holds it

    @property
    def value_kind(self) -> Kind:
        """How values of this key are checked, described, turned into RDF and shown."""
        return KINDS[self.kind]


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
    when: tuple[str, ...] = ()  # the date keys that place an entity of this type in time, first found wins
    timeline: bool = False  # its entities are items of the timeline
    inherit_classes: bool = True  # whether its entities also have the standard classes of its parents
    lead: tuple[str, ...] = ()  # the predicates that open an entity's page, ranked ("^p": read from the target)

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
    maps_domain: tuple[str, ...] = ()  # the subject types the standard property is used for (all if empty)
    maps_range: tuple[str, ...] = ()  # the target types it is used for (all if empty)
    membership: bool = False  # also stated as an org:Membership
    sentence: Labels | None = None  # "{subject} ... {object}", for the timelines

    @property
    def property_name(self) -> str:
        return camel(self.id, upper=False)


@dataclass(frozen=True)
class Status:
    id: str
    label: Labels
    comment: str
    truthy: bool = False  # stated as a fact by the source: drawn as a plain line
    only_from: tuple[str, ...] = ()  # source types it may be cited from (else only the source's author holds it)


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
    pronouns: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> kind (or "other") -> word
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

    def lead_of(self, type_id: str) -> tuple[tuple[str, bool], ...]:
        """The ranked (predicate, read from the target) pairs that open the page of an
        entity of this type: the nearest type's `lead`."""
        for ancestor in self.ancestors(type_id):
            if self.types[ancestor].lead:
                return tuple((p.removeprefix("^"), p.startswith("^")) for p in self.types[ancestor].lead)
        return ()

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

    def key_properties(self, type_id: str, key: str) -> tuple[str, ...]:
        """The RDF properties a key maps to for entities of this type: the nearest type
        (itself, then its parents) that says, else the key's own."""
        for ancestor in self.ancestors(type_id):
            if key in self.types[ancestor].key_properties:
                return self.types[ancestor].key_properties[key]
        return self.keys[key].properties

    def standard_classes(self, type_id: str) -> tuple[str, ...]:
        """The standard classes (CURIEs) of an entity of this type: its own and its
        parents', up to a type that does not inherit them."""
        classes: list[str] = []
        for ancestor in self.ancestors(type_id):
            classes.extend(c for c in self.types[ancestor].classes if c not in classes)
            if not self.types[ancestor].inherit_classes:
                break
        return tuple(classes)

    def maps_between(self, predicate: Predicate, subject_type: str, target_type: str) -> bool:
        """Whether a relation between these types is also stated with the standard property."""
        return bool(predicate.maps_to) and (not predicate.maps_domain or self.matches(subject_type, predicate.maps_domain)) \
            and (not predicate.maps_range or self.matches(target_type, predicate.maps_range))

    @cached_property
    def truthy_statuses(self) -> frozenset[str]:
        return frozenset(s for s, status in self.statuses.items() if status.truthy)

    def strongest(self, statuses) -> str:
        """A statement's status: the strongest of its citations', in the vocabulary's order."""
        given = set(statuses)
        return next(s for s in self.statuses if s in given)

    def matches(self, type_id: str, allowed: tuple[str, ...]) -> bool:
        return any(self.is_a(type_id, a) for a in allowed)

    @cached_property
    def source_kinds(self) -> frozenset[str]:
        """The folders of entities that are cited, not related (sources)."""
        return frozenset(kind for kind, t in self.kinds.items() if t.no_relations)

    def is_source(self, entity) -> bool:
        return entity.kind in self.source_kinds

    @cached_property
    def timeline_kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, t in self.kinds.items() if t.timeline)

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
    """Read and check the vocabulary; a VocabularyError names the file, line and entry."""
    from builder.read.yaml import decode, parse_yaml
    path = Path(path)
    try:
        data, marks = parse_yaml(decode(path.read_bytes(), str(path)), str(path))
    except OSError as exc:
        raise VocabularyError(f"{path}: cannot read the vocabulary: {exc.strerror}") from None
    except EntityError as error:
        raise VocabularyError(f"{error.format()}") from None
    try:
        vocabulary = _build(data, path)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise VocabularyError(f"{path}:{_where(exc, marks)} malformed vocabulary: {exc!r}") from None
    _check(vocabulary, marks)
    return vocabulary


def _where(exc: Exception, marks: Marks) -> str:
    """line:col of the deepest entry the error names, else the file's start."""
    name = exc.args[0] if exc.args and isinstance(exc.args[0], str) else None
    found = [path for path in marks.paths() if path and path[-1] == name]
    line, col = marks.value(max(found, key=len)) if found else (1, 1)
    return f"{line}:{col}:"


def _labels(data: dict, languages: tuple[str, ...], site: str) -> Labels:
    return Labels(tuple((language, str(data[language])) for language in languages), site)


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _build(data: dict, path: Path) -> Vocabulary:
    languages = _tuple(data["languages"]["labels"])
    site = str(data["languages"]["site"])

    def _labels_of(spec: dict) -> Labels:
        return _labels(spec, languages, site)

    countries = data.get("countries") or {"base": "", "codes": {}}
    keys = {
        key: KeySpec(
            id=key,
            kind=spec["kind"],
            properties=_tuple(spec.get("property")),
            choices=_tuple(spec.get("choices")),
            doc=spec.get("doc", ""),
            pattern=spec.get("pattern", ""),
            iri=countries["base"] + "{}" if spec["kind"] == "country" else spec.get("iri", ""),
            codes=dict(countries["codes"]) if spec["kind"] == "country" else {},
            agent_class=spec.get("agent_class", ""),
        )
        for key, spec in data["keys"].items()
    }
    types = {
        type_id: EntityType(
            id=type_id,
            label=_labels_of(spec["label"]),
            parent=spec.get("parent"),
            kind=spec.get("kind"),
            classes=_tuple(spec.get("class")),
            keys=_tuple(spec.get("keys")),
            required=_tuple(spec.get("required")),
            optional_common=_tuple(spec["optional_common"]) if "optional_common" in spec else None,
            plural=_labels_of(spec["plural"]) if "plural" in spec else None,
            abstract=bool(spec.get("abstract", False)),
            no_relations=bool(spec.get("no_relations", False)),
            archived_text=bool(spec.get("archived_text", False)),
            color=spec.get("color"),
            shape=spec.get("shape"),
            key_properties={k: _tuple(v) for k, v in (spec.get("key_properties") or {}).items()},
            when=_tuple(spec.get("when")),
            timeline=bool(spec.get("timeline", False)),
            inherit_classes=bool(spec.get("inherit_classes", True)),
            lead=_tuple(spec.get("lead")),
        )
        for type_id, spec in data["types"].items()
    }
    predicates = {
        pred_id: Predicate(
            id=pred_id,
            label=_labels_of(spec["label"]),
            inverse=_labels_of(spec["inverse"]),
            domain=_tuple(spec["domain"]),
            range=_tuple(spec["range"]),
            maps_to=spec.get("property"),
            maps_to_inverse=bool(spec.get("property_inverse", False)),
            symmetric=bool(spec.get("symmetric", False)),
            maps_domain=_tuple(spec.get("property_domain")),
            maps_range=_tuple(spec.get("property_range")),
            membership=bool(spec.get("membership", False)),
            sentence=_labels_of(spec["sentence"]),
        )
        for pred_id, spec in data["predicates"].items()
    }
    statuses = {
        status_id: Status(id=status_id, label=_labels_of(spec["label"]), comment=spec.get("comment", ""),
                          truthy=bool(spec.get("truthy", False)), only_from=_tuple(spec.get("only_from")))
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
        site_language=site,
        label_languages=languages,
        pronouns={lang: dict(by_kind) for lang, by_kind in (data["languages"].get("pronouns") or {}).items()},
        path=path,
    )


def _check(v: Vocabulary, marks: Marks) -> None:
    """Refuse an inconsistent vocabulary with a maintainer-facing message naming where."""
    problems: list[str] = []

    def problem(path: tuple, text: str) -> None:
        line, col = marks.value(path) or (1, 1)
        problems.append(f"{v.path}:{line}:{col}: {text}")

    _check_keys(v, problem)
    for t in v.types.values():
        _check_type(v, t, problem)
    for p in v.predicates.values():
        _check_predicate(v, p, problem)
    if v.default_status not in v.statuses:
        problem(("default_status",), f"default_status {v.default_status!r} is not a status")
    if v.site_language not in v.label_languages:
        problem(("languages", "site"), f"the site's language {v.site_language!r} is not among the label languages")
    if not problems:
        problems.extend(f"{v.path}: {text}" for text in _parent_cycles(v))
    if problems:
        raise VocabularyError("\n".join(problems))


def _check_predicate(v: Vocabulary, p: Predicate, problem) -> None:
    for type_id in p.domain + p.range + p.maps_domain + p.maps_range:
        if type_id not in v.types:
            problem(("predicates", p.id), f"predicate {p.id!r}: unknown type {type_id!r} in domain/range")
    for language, text in p.sentence.by_language:
        if text.count("{subject}") != 1 or text.count("{object}") != 1 or \
                set(re.findall(r"\{[^}]*\}", text)) != {"{subject}", "{object}"}:
            problem(("predicates", p.id, "sentence", language),
                    f"predicate {p.id!r}: the {language} sentence must hold {{subject}} and {{object}} "
                    f"once each and no other {{...}}, not {text!r}")


def _check_keys(v: Vocabulary, problem) -> None:
    for key in v.keys.values():
        if key.kind not in KINDS:
            problem(("keys", key.id, "kind"), f"key {key.id!r}: unknown kind {key.kind!r} "
                                              f"(one of {', '.join(sorted(KINDS))})")
        if key.kind == "identifier":
            try:
                re.compile(key.pattern or "(")
            except re.error as error:
                problem(("keys", key.id, "pattern"), f"key {key.id!r}: an identifier needs a valid pattern ({error})")
        if key.kind == "country" and not key.codes:
            problem(("keys", key.id), f"key {key.id!r}: a country key needs the `countries` table")
    for key in v.common_required + v.common_optional:
        if key not in v.keys:
            problem(("common_keys",), f"common key {key!r} is not declared under keys")


def _check_type(v: Vocabulary, t: EntityType, problem) -> None:
    for index, ref in enumerate(t.lead):
        if ref.removeprefix("^") not in v.predicates:
            problem(("types", t.id, "lead", index), f"type {t.id!r}: unknown predicate {ref!r} in lead")
    if t.parent is not None and t.parent not in v.types:
        problem(("types", t.id, "parent"), f"type {t.id!r}: unknown parent {t.parent!r}")
    for key in t.keys + t.required + t.when:
        if key not in v.keys:
            problem(("types", t.id), f"type {t.id!r}: unknown key {key!r}")
        elif key in t.when and v.keys[key].kind != "date":
            problem(("types", t.id, "when"), f"type {t.id!r}: 'when' names {key!r}, which is not a date")
    for curie in t.classes:
        if curie.partition(":")[0] not in v.prefixes:
            problem(("types", t.id, "class"), f"type {t.id!r}: unknown prefix in {curie!r}")
    if t.kind and (t.color is None or t.shape is None or t.plural is None):
        problem(("types", t.id), f"type {t.id!r}: a folder-level type needs color, shape and plural")
    if t.color is not None and not COLOR_RE.fullmatch(t.color):
        problem(("types", t.id, "color"), f"type {t.id!r}: color {t.color!r} is not a #rrggbb colour")


COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


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
