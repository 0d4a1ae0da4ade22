"""Stage 2: check raw specs against the vocabulary and each other, and build the
model. Every mistake of a run is collected; the model is returned only when
there is none."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import PurePosixPath
import unicodedata
from urllib.parse import urlsplit

from .errors import EntityError, EntityErrors, Location
from .load import RawEntity
from .model import Citation, Corpus, EDate, Entity, Relation
from .vocabulary import CITATION_KEYS, RELATION_QUALIFIERS, EntityType, Vocabulary

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 80
RESERVED_IDS = {"index", "con", "prn", "aux", "nul", "assets", "search", "data", "vocab"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
MAX_TEXT = 2_000
MAX_QUOTE_WORDS = 60
DATE_HINT = "write dates as YYYY, YYYY-MM or YYYY-MM-DD, with ~ after an approximate one"


def validate(raws: list[RawEntity], vocabulary: Vocabulary, errors: list[EntityError] | None = None) -> Corpus:
    """Check every raw entity and return the model, or raise EntityErrors with all mistakes
    (including `errors` already found while loading)."""
    checker = _Checker(vocabulary, list(errors or []))
    corpus = checker.run(raws)
    if checker.errors:
        raise EntityErrors(checker.errors)
    return corpus


def suggest(word: str, candidates, *, prefix: str = "did you mean") -> str:
    """A did-you-mean hint, or '' when nothing is close."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(str(word), pool, n=1, cutoff=0.6)
    if not close:
        folded = _fold(str(word))
        close = [c for c in pool if _fold(c) == folded][:1]
    return f"{prefix} '{close[0]}'?" if close else ""


def _fold(text: str) -> str:
    """Fold a name or id to compare loosely: 'Council of the EU' ~ 'council-of-the-eu'."""
    text = unicodedata.normalize("NFKD", re.sub(r"[’'`]", "-", text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class _Checker:
    def __init__(self, vocabulary: Vocabulary, errors: list[EntityError]) -> None:
        self.v = vocabulary
        self.errors = errors
        # Files that could not even be read: references to them are not reported twice.
        self.unreadable = {PurePosixPath(e.location.path).stem for e in errors}
        self.normal_texts: dict[str, str] = {}  # source id -> its archived text, spaces collapsed

    def error(self, location, message: str, hint: str = "") -> None:
        self.errors.append(EntityError(location, message, hint))

    # -- the run ---------------------------------------------------------------

    def run(self, raws: list[RawEntity]) -> Corpus:
        drafts: list[tuple[RawEntity, Entity]] = []
        seen: dict[str, RawEntity] = {}
        for raw in raws:
            if not self.check_id(raw, seen):
                continue
            entity = self.check_entity(raw)
            if entity is not None:
                drafts.append((raw, entity))
        entities = {e.id: e for _, e in drafts}
        names = {_fold(n): e.id for e in entities.values() for n in (e.name, *e.names.values(), *e.aliases)}
        for raw, entity in drafts:
            self.check_references(raw, entity, entities, names, seen)
        return Corpus(list(entities.values()), self.v)

    # -- identity --------------------------------------------------------------

    def check_id(self, raw: RawEntity, seen: dict[str, RawEntity]) -> bool:
        if not raw.id.isascii():
            odd = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(raw.id) if not ch.isascii())
            self.error(Location(raw.path, 1, 1), f"invalid id '{raw.id}' (from the file name): "
                       f"non-ASCII characters {odd}",
                       "ids use lowercase ASCII letters, digits and single hyphens; "
                       f"rename the file to {_fold(raw.id) or 'an-ascii-id'}.yaml")
            return False
        if not ID_RE.match(raw.id) or len(raw.id) > MAX_ID_LENGTH:
            self.error(Location(raw.path, 1, 1), f"invalid id '{raw.id}' (from the file name)",
                       f"ids use lowercase ASCII letters, digits and single hyphens, at most {MAX_ID_LENGTH} "
                       f"characters: rename the file to {_fold(raw.id) or 'a-valid-id'}.yaml")
            return False
        if raw.id in RESERVED_IDS:
            self.error(Location(raw.path, 1, 1), f"the id '{raw.id}' is reserved",
                       f"rename the file, e.g. to {raw.id}-{raw.kind.rstrip('s')}.yaml")
            return False
        if raw.id in seen:
            first = seen[raw.id]
            self.error(Location(raw.path, 1, 1), f"duplicate id '{raw.id}': {first.path} has it already",
                       "ids are unique across all kinds: rename one of the files")
            return False
        seen[raw.id] = raw
        declared = raw.data.get("id")
        if declared is not None and declared != raw.id:
            self.error(raw.at(("id",)), f"id '{declared}' does not match the file name '{raw.id}.yaml'",
                       f"rename the file to {declared}.yaml or remove the id key")
        return True

    # -- one entity ------------------------------------------------------------

    def check_entity(self, raw: RawEntity) -> Entity | None:
        base = self.check_type(raw)
        if base is None:
            return None
        subtype = self.check_subtype(raw, base)
        allowed = set(self.v.allowed_keys(base))
        for key in raw.data:
            if key not in allowed:
                self.unknown_key(raw, key, base, allowed)
        for key in self.v.required_keys(base):
            if raw.data.get(key) in (None, "", []):
                self.error(raw.at(()) if key not in raw.data else raw.at((key,)),
                           f"missing required key '{key}'", self.v.keys[key].doc)
        values = {}
        for key in sorted(allowed & raw.data.keys() - {"id", "type", "subtype", "relations"}):
            values[key] = self.check_value(raw, (key,), self.v.keys[key].kind, key)
        self.check_entity_dates(raw, values)
        if base.archived_text:
            self.check_archived_text(raw, values)
        relations = self.check_relations(raw, base)
        title = values.get("title")
        return Entity(
            id=raw.id, kind=raw.kind, type=base.id, subtype=subtype,
            name=values.get("name") or title or raw.id,
            names=values.get("names") or {},
            aliases=values.get("aliases") or (),
            summary=values.get("summary") or "",
            description=values.get("description") or "",
            facts={k: v for k, v in values.items()
                   if k not in {"name", "names", "aliases", "summary", "description"} and v is not None},
            relations=relations, path=raw.path, text=raw.text,
        )

    def check_type(self, raw: RawEntity) -> EntityType | None:
        expected = self.v.kinds[raw.kind]
        value = raw.data.get("type")
        if value is None:
            self.error(raw.at(()), "missing required key 'type'", f"add `type: {expected.id}` as the first line")
            return None
        if value == expected.id:
            return expected
        where = raw.at(("type",))
        if not isinstance(value, str):
            self.error(where, "'type' must be a word", f"write `type: {expected.id}`")
        elif value in self.v.types and self.v.types[value].kind:
            folder = self.v.types[value].kind
            self.error(where, f"type '{value}' does not belong in entities/{raw.kind}/",
                       f"move the file to entities/{folder}/ or write `type: {expected.id}`")
        elif value in self.v.types and self.v.is_a(value, expected.id):
            self.error(where, f"'{value}' is a subtype, not a type",
                       f"write `type: {expected.id}` and `subtype: {value}`")
        else:
            self.error(where, f"unknown type '{value}'",
                       f"files in entities/{raw.kind}/ have `type: {expected.id}`")
        return None

    def check_subtype(self, raw: RawEntity, base: EntityType) -> str | None:
        value = raw.data.get("subtype")
        if value is None:
            return None
        options = [t for t in self.v.types if t != base.id and self.v.is_a(t, base.id)]
        if isinstance(value, str) and value in options:
            return value
        hint = suggest(_fold(str(value)), options) or ("use one of: " + ", ".join(sorted(options)))
        self.error(raw.at(("subtype",)), f"unknown {base.id} subtype '{value}'", hint)
        return None

    def unknown_key(self, raw: RawEntity, key: str, base: EntityType, allowed: set[str]) -> None:
        owners = sorted(t.id for t in self.v.types.values() if t.kind and key in t.keys and t.id != base.id)
        if owners:
            hint = f"'{key}' is a key of {' and '.join(owners)} entities, not of {base.id} entities"
        elif key == "relations" and base.no_relations:
            hint = "sources have no relations: cite them from other entities' relations"
        else:
            hint = suggest(key, allowed) or "allowed keys: " + ", ".join(sorted(allowed))
        self.error(raw.key_at((key,)), f"unknown key '{key}' for a {base.id}", hint)

    # -- values ----------------------------------------------------------------

    def check_value(self, raw: RawEntity, path: tuple, kind: str, label: str):
        value = _walk(raw.data, path)
        where = raw.at(path)
        if value is None:
            return None
        if kind in ("text", "markdown"):
            return self.check_text(where, value, label, multiline=kind == "markdown")
        if kind == "date":
            return self.check_date(where, value, label)
        if kind == "url":
            return self.check_url(where, value, label)
        if kind == "language":
            if isinstance(value, str) and LANGUAGE_RE.match(value):
                return value
            self.error(where, f"'{label}' must be a two-letter language code, not {_show(value)}",
                       "write en, fr, de...")
            return None
        if kind == "list":
            return self.check_list(raw, path, value, label)
        if kind == "names":
            return self.check_names(raw, path, value, label)
        if kind == "choice":
            choices = self.v.keys[label].choices
            if value in choices:
                return value
            self.error(where, f"'{label}' must be one of {', '.join(choices)}, not {_show(value)}",
                       suggest(_fold(str(value)), choices))
            return None
        raise AssertionError(kind)  # pragma: no cover - the vocabulary check refuses other kinds

    def check_text(self, where, value, label: str, *, multiline: bool = False) -> str | None:
        if not isinstance(value, str):
            self.error(where, f"'{label}' must be a text, not {_kind_of(value)}",
                       f'quote it: {label}: "{value}"' if not isinstance(value, (list, dict)) else
                       f"write one text after `{label}:`")
            return None
        text = value.strip()
        if not text:
            self.error(where, f"'{label}' is empty", "write a text or remove the key")
            return None
        if not multiline and "\n" in text:
            self.error(where, f"'{label}' must be a single line", "use `>-` to fold a long text, or shorten it")
            return None
        if not multiline and len(text) > MAX_TEXT:
            self.error(where, f"'{label}' is too long ({len(text)} characters; at most {MAX_TEXT})",
                       "move details to the description")
            return None
        return text

    def check_date(self, where, value, label: str) -> EDate | None:
        text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text is None:
            self.error(where, f"'{label}' must be a date, not {_kind_of(value)}", DATE_HINT)
            return None
        try:
            return EDate.parse(text)
        except ValueError as exc:
            self.error(where, f"invalid date '{text}' for '{label}': {exc}", DATE_HINT)
            return None

    def check_url(self, where, value, label: str) -> str | None:
        if not isinstance(value, str):
            self.error(where, f"'{label}' must be a web address, not {_kind_of(value)}", "write https://...")
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https"):
            shown = f"'{parts.scheme}:'" if parts.scheme else "no scheme"
            self.error(where, f"'{label}' must be an http or https address ({shown} is not allowed)",
                       "give the article's https:// address, or leave url out if the source gives none")
            return None
        if not parts.netloc or re.search(r"\s", value.strip()):
            self.error(where, f"'{label}' is not a valid web address", "write the full address: https://host/path")
            return None
        bad = sorted(set(re.findall(r'["<>\\^`{|}\x00-\x1f\x7f]', value)))
        if bad:
            self.error(where, f"'{label}' contains characters not allowed in a web address: {' '.join(bad)}",
                       "percent-encode them (\" is %22, < is %3C, > is %3E)")
            return None
        return value.strip()

    def check_list(self, raw: RawEntity, path: tuple, value, label: str) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.error(raw.at(path), f"'{label}' must be a list, not {_kind_of(value)}",
                       f"write `{label}: [first, second]` or one `- item` per line")
            return None
        items = [self.check_text(raw.at(path + (i,)), item, label) for i, item in enumerate(value)]
        return tuple(i for i in items if i is not None) if None not in items else None

    def check_names(self, raw: RawEntity, path: tuple, value, label: str) -> dict[str, str] | None:
        if not isinstance(value, dict):
            self.error(raw.at(path), f"'{label}' must map languages to names, not {_kind_of(value)}",
                       f"write `{label}: {{en: English name, fr: nom français}}`")
            return None
        result = {}
        for language, name in value.items():
            if not LANGUAGE_RE.match(language):
                self.error(raw.key_at(path + (language,)), f"'{language}' is not a two-letter language code",
                           "use en, fr...")
                continue
            text = self.check_text(raw.at(path + (language,)), name, f"{label}.{language}")
            if text is not None:
                result[language] = text
        return dict(sorted(result.items()))

    def check_archived_text(self, raw: RawEntity, values: dict) -> None:
        text_path = raw.path.removesuffix(".yaml") + ".txt"
        if raw.text is None and not values.get("text_unavailable"):
            self.error(Location(raw.path, 1, 1), f"no archived text beside this source ({text_path})",
                       f"save the article's text, exactly as published, as {text_path}; "
                       "or add `text_unavailable: <why>` if there is none")
        elif raw.text is not None and "text_unavailable" in raw.data:
            self.error(raw.key_at(("text_unavailable",)), f"text_unavailable is set, but {text_path} exists",
                       "remove text_unavailable")
        elif raw.text is not None and not raw.text.strip():
            self.error(Location(text_path, 1, 1), "the archived text is empty", "paste the article's text into it")

    def check_entity_dates(self, raw: RawEntity, values: dict) -> None:
        start, end = values.get("start"), values.get("end")
        if start and end and start.earliest > end.latest:
            self.error(raw.at(("end",)), f"end {end} is before start {start}", "swap them or fix the dates")
        if values.get("date") and (start or end):
            self.error(raw.key_at(("date",)), "give either 'date' or 'start'/'end', not both",
                       "use date for a one-day event, start and end for a longer one")

    # -- relations -------------------------------------------------------------

    def check_relations(self, raw: RawEntity, base: EntityType) -> tuple[Relation, ...]:
        value = raw.data.get("relations")
        if value is None or base.no_relations:
            return ()
        if not isinstance(value, list):
            self.error(raw.at(("relations",)), f"'relations' must be a list, not {_kind_of(value)}",
                       "write one `- predicate: ...` item per relation")
            return ()
        relations = []
        counts: dict[str, int] = {}
        for index, item in enumerate(value):
            relation = self.check_relation(raw, ("relations", index), item)
            if relation is None:
                continue
            base_key = f"{relation.predicate}-{relation.target}"
            counts[base_key] = counts.get(base_key, 0) + 1
            key = base_key if counts[base_key] == 1 else f"{base_key}-{counts[base_key]}"
            relations.append(replace(relation, key=key))
        return tuple(relations)

    def check_relation(self, raw: RawEntity, path: tuple, item) -> Relation | None:
        where = raw.at(path)
        if not isinstance(item, dict):
            self.error(where, f"a relation must be a mapping of keys, not {_kind_of(item)}",
                       "write `- predicate: ...` then `target:` and `sources:` indented below it")
            return None
        before = len(self.errors)
        for key in item:
            if key not in RELATION_QUALIFIERS:
                self.error(raw.key_at(path + (key,)), f"unknown relation key '{key}'",
                           suggest(key, RELATION_QUALIFIERS) or "allowed: " + ", ".join(RELATION_QUALIFIERS))
        for key in ("predicate", "target", "sources"):
            if item.get(key) in (None, "", []):
                hint = {"predicate": "name the relation, e.g. `predicate: works-for`",
                        "target": "give the id of the related entity, e.g. `target: white-house`",
                        "sources": "add `sources:` with `- source: <source id>` and `quote: \"...\"`"}[key]
                self.error(where if key not in item else raw.at(path + (key,)),
                           f"relation without '{key}'" if key != "sources" else "relation without a source", hint)
        predicate = item.get("predicate")
        if predicate is not None and predicate not in self.v.predicates:
            self.error(raw.at(path + ("predicate",)), f"unknown predicate '{predicate}'", self.predicate_hint(predicate))
        target = item.get("target")
        if target is not None and not isinstance(target, str):
            self.error(raw.at(path + ("target",)), f"'target' must be an entity id, not {_kind_of(target)}",
                       "write the id of the related entity")
        elif target == raw.id:
            self.error(raw.at(path + ("target",)), "a relation cannot point to its own entity",
                       "give the id of another entity")
        dates = {k: self.check_value(raw, path + (k,), "date", k) for k in ("start", "end", "date") if k in item}
        if dates.get("start") and dates.get("end") and dates["start"].earliest > dates["end"].latest:
            self.error(raw.at(path + ("end",)), f"end {dates['end']} is before start {dates['start']}",
                       "swap them or fix the dates")
        role = self.check_text(raw.at(path + ("role",)), item["role"], "role") if "role" in item else None
        note = self.check_text(raw.at(path + ("note",)), item["note"], "note") if "note" in item else None
        status = item.get("status", self.v.default_status)
        if status not in self.v.statuses:
            self.error(raw.at(path + ("status",)), f"unknown status {_show(status)}",
                       suggest(str(status), self.v.statuses) or "use one of: " + ", ".join(self.v.statuses))
        citations = self.check_citations(raw, path + ("sources",), item.get("sources"), status)
        if len(self.errors) > before:
            return None
        return Relation(subject=raw.id, predicate=predicate, target=target, citations=citations,
                        status=status, role=role, note=note, location=where, **dates)

    def predicate_hint(self, predicate) -> str:
        for p in self.v.predicates.values():
            if predicate in (p.inverse.en, p.inverse.en.replace(" ", "-")) and not p.symmetric:
                return (f"'{predicate}' reads a relation from its target: write it in the other entity's "
                        f"file with `predicate: {p.id}`")
        return suggest(_fold(str(predicate)), self.v.predicates) or "see the predicates in builder/vocabulary.yaml"

    def check_citations(self, raw: RawEntity, path: tuple, value, relation_status: str) -> tuple[Citation, ...]:
        if value in (None, "", []):
            return ()
        if not isinstance(value, list):
            self.error(raw.at(path), f"'sources' must be a list, not {_kind_of(value)}",
                       "write `- source: <id>` then `quote: \"...\"` below it")
            return ()
        citations = []
        for index, item in enumerate(value):
            where = raw.at(path + (index,))
            if not isinstance(item, dict):
                self.error(where, f"each source must be a mapping with 'source' and 'quote', not {_kind_of(item)}",
                           "write `- source: <source id>` and `quote: \"<words from it>\"`")
                continue
            for key in item:
                if key not in CITATION_KEYS:
                    self.error(raw.key_at(path + (index, key)), f"unknown source key '{key}'",
                               suggest(key, CITATION_KEYS) or "a source has only 'source' and 'quote'")
            source, quote = item.get("source"), item.get("quote")
            if source in (None, ""):
                self.error(where, "quote without a source",
                           "add `source: <id of a file in entities/sources/>` beside the quote")
                continue
            if not isinstance(source, str):
                self.error(raw.at(path + (index, "source")), f"'source' must be an id, not {_kind_of(source)}",
                           "write the id of a file in entities/sources/")
                continue
            if quote in (None, ""):
                self.error(where if "quote" not in item else raw.at(path + (index, "quote")),
                           f"source '{source}' has no quote",
                           "add `quote: \"...\"` with the words of the source that support the claim")
                continue
            text = self.check_text(raw.at(path + (index, "quote")), quote, "quote", multiline=True)
            status = item.get("status", relation_status)
            if "status" in item and status not in self.v.statuses:
                self.error(raw.at(path + (index, "status")), f"unknown status {_show(status)}",
                           suggest(str(status), self.v.statuses) or "use one of: " + ", ".join(self.v.statuses))
                continue
            translations = self.check_names(raw, path + (index, "translation"), item["translation"],
                                            "translation") if "translation" in item else {}
            if text is None or translations is None:
                continue
            words = len(text.split())
            if words > MAX_QUOTE_WORDS:
                self.error(raw.at(path + (index, "quote")),
                           f"quote is {words} words long (at most {MAX_QUOTE_WORDS})",
                           "quote the few words that support the claim; mark cuts with […]")
                continue
            citations.append(Citation(source=source, quote=collapse_spaces(text), status=status,
                                      translations=tuple((k, collapse_spaces(v)) for k, v in translations.items())))
        return tuple(citations)

    # -- cross-references ------------------------------------------------------

    def check_references(self, raw: RawEntity, entity: Entity, entities: dict[str, Entity],
                         names: dict[str, str], files: dict[str, RawEntity]) -> None:
        raw_relations = raw.data.get("relations") or []
        by_location = {r.location: r for r in entity.relations}
        for index, _ in enumerate(raw_relations):
            path = ("relations", index)
            relation = by_location.get(raw.at(path))
            if relation is None:
                continue
            target = entities.get(relation.target)
            if target is None:
                self.missing_target(raw, path, relation.target, entities, names, files)
            else:
                self.check_domain_range(raw, path, entity, relation, target)
            for c_index, citation in enumerate(relation.citations):
                source = self.check_source(raw, path + ("sources", c_index, "source"), citation.source, entities,
                                           files)
                if source is None:
                    continue
                if source.text is not None:
                    self.check_quote(raw.at(path + ("sources", c_index, "quote")), citation.quote, source)
                self.check_translation(raw, path + ("sources", c_index), citation, source)

    def missing_target(self, raw, path, target, entities, names, files) -> None:
        where = raw.at(path + ("target",))
        if target in files or target in self.unreadable:  # its own errors are reported already
            return
        by_name = names.get(_fold(target))
        hint = f"did you mean '{by_name}'?" if by_name else suggest(target, entities)
        self.error(where, f"unknown target '{target}': no entity has this id",
                   hint or f"create entities/<kind>/{target}.yaml or fix the id")

    def check_domain_range(self, raw, path, entity: Entity, relation: Relation, target: Entity) -> None:
        predicate = self.v.predicates[relation.predicate]
        if self.v.types[target.type].no_relations:
            self.error(raw.at(path + ("target",)), f"'{target.id}' is a source: sources are cited, not related to",
                       "cite it under `sources:` instead, or point to the entity it is about")
        elif not self.v.matches(entity.type_id, predicate.domain):
            self.error(raw.at(path + ("predicate",)),
                       f"'{relation.predicate}' cannot start from {_a(entity.type_id)} "
                       f"(it expects {_either(predicate.domain)})",
                       self.fitting_predicates(entity.type_id, target.type_id))
        elif not self.v.matches(target.type_id, predicate.range):
            self.error(raw.at(path + ("target",)),
                       f"'{relation.predicate}' cannot point to '{target.id}', {_a(target.type_id)} "
                       f"(it expects {_either(predicate.range)})",
                       self.fitting_predicates(entity.type_id, target.type_id))

    def fitting_predicates(self, subject_type: str, target_type: str) -> str:
        fitting = [p.id for p in self.v.predicates.values()
                   if self.v.matches(subject_type, p.domain) and self.v.matches(target_type, p.range)]
        return "predicates that fit: " + ", ".join(fitting) if fitting else "no predicate links these types"

    def check_source(self, raw, path, source_id: str, entities: dict[str, Entity], files) -> Entity | None:
        where = raw.at(path)
        source = entities.get(source_id)
        if source is None:
            sources = [e.id for e in entities.values() if e.kind == "sources"]
            self.error(where, f"unknown source '{source_id}'",
                       suggest(source_id, sources) or f"create entities/sources/{source_id}.yaml")
        elif source.kind != "sources":
            self.error(where, f"'{source_id}' is not a source (it is in entities/{source.kind}/)",
                       "cite a file from entities/sources/")
        else:
            return source
        return None

    def check_translation(self, raw, path, citation: Citation, source: Entity) -> None:
        site = self.v.site_language
        language = source.facts.get("language")
        if language and language != site and not citation.translation(site):
            self.error(raw.at(path + ("quote",)), f"quote in '{language}' without the editors' translation into '{site}'",
                       f"add `translation: {{{site}: \"...\"}}` below the quote: a faithful translation that adds "
                       "and drops nothing")

    def check_quote(self, where: Location, quote: str, source: Entity) -> None:
        text = self.normal_texts.get(source.id)
        if text is None:
            text = self.normal_texts[source.id] = collapse_spaces(source.text)
        problem = quote_problem(quote, text)
        if problem is not None:
            message, passage = problem
            self.error(where, f"{message} in source '{source.id}'", f"closest: «{passage}»" if passage else
                       "copy the words exactly from the source's text")

ELISION = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")
CLOSEST_CHARS = 160


def quote_problem(quote: str, text: str) -> tuple[str, str] | None:
    """None when every piece of the quote (the parts between `[…]` cuts) stands in the
    text, in order; else what is wrong and the text's closest passage to the first piece
    that is not there."""
    position = 0
    for piece in (p for p in ELISION.split(quote) if p):
        found = text.find(piece, position)
        if found >= 0:
            position = found + len(piece)
            continue
        anywhere = text.find(piece)
        if anywhere >= 0:
            return "a part of the quote comes before the previous one", _around(text, anywhere, len(piece))
        return ("quote not found" if piece == quote else f"the part «{_shorten(piece)}» of the quote is not found",
                closest_passage(piece, text))
    return None


def closest_passage(piece: str, text: str) -> str:
    from rapidfuzz import fuzz
    match = fuzz.partial_ratio_alignment(piece, text)
    if match is None or match.score < 50:
        return ""
    return _around(text, match.dest_start, match.dest_end - match.dest_start)


def _around(text: str, start: int, length: int) -> str:
    """The passage, widened to whole words."""
    end = start + length
    while start > 0 and not text[start - 1].isspace() and not text[start].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end - 1].isspace():
        end += 1
    return _shorten(text[start:end].strip())


def _shorten(text: str) -> str:
    return text if len(text) <= CLOSEST_CHARS else text[:CLOSEST_CHARS - 1].rstrip() + "…"


def collapse_spaces(text: str) -> str:
    """Fold line breaks and runs of ASCII spaces (YAML folding), keeping the source's own
    non-breaking and narrow spaces, which are part of a verbatim quote."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _walk(data, path: tuple):
    for step in path:
        data = data[step]
    return data


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return "a text"


def _show(value) -> str:
    return f"'{value}'" if isinstance(value, str) else _kind_of(value)


def _either(types: tuple[str, ...]) -> str:
    return " or ".join(_a(t) for t in types)


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"
