"""Check raw specs against the vocabulary and each other, and build the
model. Every mistake of a run is collected; the model is returned only when
there is none."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from sys import intern

from builder.errors import EntityError, EntityErrors, Location
from builder.model import Citation, Corpus, Entity, Relation
from builder.read.hints import fold, suggest
from builder.read.names import name_problem, skeleton
from builder.read.quotes import collapse_spaces, quote_problem
from builder.read.yaml import Checked, RawEntity
from builder.vocabulary import CITATION_KEYS, RELATION_QUALIFIERS, EntityType, Vocabulary
from builder.vocabulary.kinds import AGENT, KINDS, EDate, kind_of, show_value

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 80
RESERVED_IDS = {"index", "con", "prn", "aux", "nul", "assets", "search", "data", "vocab"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
MAX_QUOTE_WORDS = 60
MIN_QUOTE_CHARS = 4


def validate(raws: list[RawEntity], vocabulary: Vocabulary, errors: list[EntityError] | None = None,
             kept: Checked | None = None) -> Corpus:
    """Check every raw entity and return the model, or raise EntityErrors with all mistakes
    (including `errors` already found while loading). With `kept` (the preview's, from
    ParsedFiles.checked), a file parsed to the same data as last time is not checked on its
    own again (its entity and its own mistakes are taken from there), nor a quote against
    a source text unchanged; the other checks across files run on every entity."""
    checker = _Checker(vocabulary, list(errors or []), kept)
    corpus = checker.run(raws)
    if checker.errors:
        raise EntityErrors(checker.errors)
    return corpus


def check_files(raws: list[RawEntity], vocabulary: Vocabulary) -> Checked:
    """Each file's own checks (its entity and its own mistakes), as `validate` keeps them
    in `kept` and then takes them from there: made beforehand, for a share of the files,
    in another process (pipeline.load_corpus)."""
    checked = Checked()
    checker = _Checker(vocabulary, [], checked)
    for raw in raws:
        checker.check_file(raw)
    return checked


class _Checker:
    def __init__(self, vocabulary: Vocabulary, errors: list[EntityError], kept: Checked | None = None) -> None:
        self.v = vocabulary
        self.errors = errors
        self.kept = kept
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
            entity = self.check_file(raw)
            if entity is not None:
                drafts.append((raw, entity))
        entities = {e.id: e for _, e in drafts}
        names = {fold(n): e.id for e in entities.values() for n in (e.name, *e.names.values(), *e.aliases)}
        self.check_look_alikes(drafts)
        former: dict[str, str] = {}
        for raw, entity in drafts:
            self.check_references_kept(raw, entity, entities, names, seen)
            self.check_replaces(raw, entity, seen, former)
        return Corpus(list(entities.values()), self.v)

    def check_file(self, raw: RawEntity) -> Entity | None:
        """check_entity, or what it gave for the same parsed data and archived text."""
        if self.kept is None:
            return self.check_entity(raw)
        last = self.kept.files.get(raw.path)
        if last is not None and last[0] is raw.data and last[1] == raw.text:  # ParsedFiles gives the same data
            self.errors.extend(last[3])
            return last[2]
        before = len(self.errors)
        entity = self.check_entity(raw)
        self.kept.files[raw.path] = (raw.data, raw.text, entity, self.errors[before:])
        return entity

    # -- identity --------------------------------------------------------------

    def check_id(self, raw: RawEntity, seen: dict[str, RawEntity]) -> bool:
        if not raw.id.isascii():
            odd = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(raw.id) if not ch.isascii())
            self.error(Location(raw.path, 1, 1), f"invalid id '{raw.id}' (from the file name): "
                       f"non-ASCII characters {odd}",
                       "ids use lowercase ASCII letters, digits and single hyphens; "
                       f"rename the file to {fold(raw.id) or 'an-ascii-id'}.yaml")
            return False
        if not ID_RE.fullmatch(raw.id) or len(raw.id) > MAX_ID_LENGTH:
            self.error(Location(raw.path, 1, 1), f"invalid id '{raw.id}' (from the file name)",
                       f"ids use lowercase ASCII letters, digits and single hyphens, at most {MAX_ID_LENGTH} "
                       f"characters: rename the file to {fold(raw.id) or 'a-valid-id'}.yaml")
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
            values[key] = self.check_value(raw, (key,), self.v.keys[key].kind, key, self.v.keys[key])
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
            when=next((values[k] for k in base.when if isinstance(values.get(k), EDate)), None),
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
        hint = suggest(fold(str(value)), options) or ("use one of: " + ", ".join(sorted(options)))
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

    def check_value(self, raw: RawEntity, path: tuple, kind: str, label: str, spec=None):
        value = _walk(raw.data, path)
        if value is None:
            return None
        at = lambda sub: raw.at(path + sub)  # noqa: E731 - where a part of the value stands
        if kind == "names":
            return KINDS[kind].clean(value, label, at, self.error, key_at=lambda sub: raw.key_at(path + sub))
        return KINDS[kind].clean(value, label, at, self.error, spec)

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
            self.error(raw.at(("relations",)), f"'relations' must be a list, not {kind_of(value)}",
                       "write one `- predicate: ...` item per relation")
            return ()
        relations = []
        counts: dict[tuple[str, str], int] = {}
        owners: dict[str, Relation] = {}
        for index, item in enumerate(value):
            relation = self.check_relation(raw, ("relations", index), item, counts)
            if relation is None:
                continue
            first = owners.setdefault(relation.key, relation)
            if first is not relation:
                self.error(relation.location, f"this relation's statement would have the IRI fragment "
                           f"#{relation.key}, like the relation at line {first.location.line} "
                           f"({first.predicate} {first.target})",
                           "the two would be one statement: rename one of the entities, or ask a maintainer")
                continue
            relations.append(relation)
        return tuple(relations)

    def check_relation(self, raw: RawEntity, path: tuple, item, counts: dict[tuple[str, str], int]) -> Relation | None:
        """The relation at `path`, its statement's key counting the valid relations with the
        same predicate and target before it (`counts`, updated)."""
        where = raw.at(path)
        if not isinstance(item, dict):
            self.error(where, f"a relation must be a mapping of keys, not {kind_of(item)}",
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
            self.error(raw.at(path + ("target",)), f"'target' must be an entity id, not {kind_of(target)}",
                       "write the id of the related entity")
        elif target == raw.id:
            self.error(raw.at(path + ("target",)), "a relation cannot point to its own entity",
                       "give the id of another entity")
        dates = {k: self.check_value(raw, path + (k,), "date", k) for k in ("start", "end", "date") if k in item}
        if dates.get("start") and dates.get("end") and dates["start"].earliest > dates["end"].latest:
            self.error(raw.at(path + ("end",)), f"end {dates['end']} is before start {dates['start']}",
                       "swap them or fix the dates")
        role = self.check_value(raw, path + ("role",), "text", "role") if "role" in item else None
        note = self.check_value(raw, path + ("note",), "text", "note") if "note" in item else None
        status = item.get("status", self.v.default_status)
        if status not in self.v.statuses:
            self.error(raw.at(path + ("status",)), f"unknown status {show_value(status)}",
                       suggest(str(status), self.v.statuses) or "use one of: " + ", ".join(self.v.statuses))
        citations = self.check_citations(raw, path + ("sources",), item.get("sources"), status)
        if len(self.errors) > before:
            return None
        pair = (predicate, target)
        counts[pair] = occurrence = counts.get(pair, 0) + 1
        # Ids and names shared by many relations: one string each (in memory, and in the
        # pickles that hand the corpus to other processes).
        return Relation(subject=raw.id, predicate=intern(predicate), target=intern(target), citations=citations,
                        status=self.v.strongest(c.status for c in citations), role=role, note=note,
                        location=where, key=statement_key(predicate, target, occurrence), **dates)

    def predicate_hint(self, predicate) -> str:
        for p in self.v.predicates.values():
            if predicate in (p.inverse.site, p.inverse.site.replace(" ", "-")) and not p.symmetric:
                return (f"'{predicate}' reads a relation from its target: write it in the other entity's "
                        f"file with `predicate: {p.id}`")
        return suggest(fold(str(predicate)), self.v.predicates) or "see the predicates in builder/vocabulary.yaml"

    def check_citations(self, raw: RawEntity, path: tuple, value, relation_status: str) -> tuple[Citation, ...]:
        if value in (None, "", []):
            return ()
        if not isinstance(value, list):
            self.error(raw.at(path), f"'sources' must be a list, not {kind_of(value)}",
                       "write `- source: <id>` then `quote: \"...\"` below it")
            return ()
        citations = (self.check_citation(raw, path + (index,), item, relation_status) for index, item in enumerate(value))
        return tuple(c for c in citations if c is not None)

    def check_citation(self, raw: RawEntity, path: tuple, item, relation_status: str) -> Citation | None:
        if not isinstance(item, dict):
            self.error(raw.at(path), f"each source must be a mapping with 'source' and 'quote', not {kind_of(item)}",
                       "write `- source: <source id>` and `quote: \"<words from it>\"`")
            return None
        for key in item:
            if key not in CITATION_KEYS:
                self.error(raw.key_at(path + (key,)), f"unknown source key '{key}'",
                           suggest(key, CITATION_KEYS) or "a source has only 'source' and 'quote'")
        source, quote = item.get("source"), item.get("quote")
        if source in (None, ""):
            self.error(raw.at(path), "quote without a source",
                       "add `source: <id of a file in entities/sources/>` beside the quote")
            return None
        if not isinstance(source, str):
            self.error(raw.at(path + ("source",)), f"'source' must be an id, not {kind_of(source)}",
                       "write the id of a file in entities/sources/")
            return None
        if quote in (None, ""):
            self.error(raw.at(path if "quote" not in item else path + ("quote",)), f"source '{source}' has no quote",
                       "add `quote: \"...\"` with the words of the source that support the claim")
            return None
        text = self.check_value(raw, path + ("quote",), "lines", "quote")
        status = item.get("status", relation_status)
        if "status" in item and status not in self.v.statuses:
            self.error(raw.at(path + ("status",)), f"unknown status {show_value(status)}",
                       suggest(str(status), self.v.statuses) or "use one of: " + ", ".join(self.v.statuses))
            return None
        translations = self.check_value(raw, path + ("translation",), "names", "translation") \
            if "translation" in item else {}
        if text is None or translations is None:
            return None
        words = len(text.split())
        if len(text.strip()) < MIN_QUOTE_CHARS:
            self.error(raw.at(path + ("quote",)), f"quote is too short to support anything ({text.strip()!r})",
                       f"quote at least {MIN_QUOTE_CHARS} characters: the words that support the claim")
            return None
        if words > MAX_QUOTE_WORDS:
            self.error(raw.at(path + ("quote",)), f"quote is {words} words long (at most {MAX_QUOTE_WORDS})",
                       "quote the few words that support the claim; mark cuts with […]")
            return None
        return Citation(source=intern(source), quote=collapse_spaces(text), status=intern(status),
                        translations=tuple((k, collapse_spaces(v)) for k, v in translations.items()))

    # -- cross-references ------------------------------------------------------

    def check_references_kept(self, raw: RawEntity, entity: Entity, entities: dict[str, Entity],
                              names: dict[str, str], files: dict[str, RawEntity]) -> None:
        """check_references, skipped in the preview for an entity that passed them in the
        last build, unchanged, with each entity it refers to unchanged (the same objects:
        validation keeps them for unchanged files)."""
        if self.kept is None:
            return self.check_references(raw, entity, entities, names, files)
        referred = tuple(entities.get(i) for i in self.referred_ids(entity))
        last = self.kept.references.get(raw.path)
        if last is not None and last[0] is entity and len(last[1]) == len(referred) and \
                all(a is b for a, b in zip(last[1], referred)):
            return
        before = len(self.errors)
        self.check_references(raw, entity, entities, names, files)
        if len(self.errors) == before and None not in referred:
            self.kept.references[raw.path] = (entity, referred)
        else:
            self.kept.references.pop(raw.path, None)

    def referred_ids(self, entity: Entity) -> list[str]:
        """Every entity check_references reads for this one: its relations' targets and
        sources, and the publishers or authors its facts name."""
        ids = [i for r in entity.relations for i in (r.target, *(c.source for c in r.citations))]
        return ids + [entity_id for _, _, (_, entity_id) in self.agent_references(entity)]

    def agent_references(self, entity: Entity):
        """(key, value, (kind, id)) of each fact naming a publisher or author as `<kind>/<id>`."""
        for key, value in entity.facts.items():
            reference = AGENT.reference(value) if self.v.keys[key].kind == AGENT.name else None
            if reference is not None:
                yield key, value, reference

    def check_references(self, raw: RawEntity, entity: Entity, entities: dict[str, Entity],
                         names: dict[str, str], files: dict[str, RawEntity]) -> None:
        self.check_agents(raw, entity, entities)
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
                    self.check_quote(raw, path + ("sources", c_index, "quote"), citation.quote, source)
                self.check_translation(raw, path + ("sources", c_index), citation, source)
                self.check_standing(raw, path, c_index, entity, citation, source)

    def check_look_alikes(self, drafts: list[tuple[RawEntity, Entity]]) -> None:
        """Each name is well-formed Unicode in one script per word, and no two entities look
        alike by name (the same name, or a homoglyph of it)."""
        first: dict[str, tuple[Entity, str]] = {}
        for raw, entity in drafts:
            if self.v.is_source(entity):
                continue  # cited, never confused with an actor; two articles may share a title
            names = [(("name",), entity.name)] if "name" in raw.data else []
            names += [(("names", language), name) for language, name in entity.names.items()]
            for path, name in names:
                problem = name_problem(name)
                if problem is not None:
                    self.error(raw.at(path), f"the name {name!r} {problem[0]}", problem[1])
                    continue
                shape = skeleton(name)
                other, other_name = first.setdefault(shape, (entity, name))
                if other.id != entity.id:
                    same = "is the name of" if other_name == name else f"looks like {other_name!r}, the name of"
                    self.error(raw.at(path), f"the name {name!r} {same} '{other.id}' ({other.path})",
                               f"did you mean '{other.id}'? If they are two things, name them apart "
                               "(a qualifier in brackets, as Wikipedia does)")

    def check_replaces(self, raw: RawEntity, entity: Entity, files: dict[str, RawEntity],
                       former: dict[str, str]) -> None:
        """Old ids keep leading to the entity that took them over: each is a valid id that
        no entity has now, taken over by one entity only."""
        for index, old in enumerate(entity.facts.get("replaces", ())):
            where = raw.at(("replaces", index))
            if not ID_RE.fullmatch(old):
                self.error(where, f"'{old}' is not an id", "give the old file name, without .yaml")
            elif old in files:
                self.error(where, f"'{old}' is still the id of {files[old].path}",
                           "an entity replaces an id only once its file is gone: remove or rename that file")
            elif former.setdefault(old, entity.id) != entity.id:
                self.error(where, f"'{old}' is replaced by '{former[old]}' already",
                           "an old id leads to one entity: keep it in one file's replaces")

    def check_agents(self, raw: RawEntity, entity: Entity, entities: dict[str, Entity]) -> None:
        """A publisher or author given as `<kind>/<id>` must be that entity."""
        for key, value, (kind, entity_id) in self.agent_references(entity):
            found = entities.get(entity_id)
            if found is None or found.kind != kind:
                hint = f"it is {found.kind}/{entity_id}" if found else (
                    suggest(entity_id, entities) or f"create entities/{kind}/{entity_id}.yaml, or write the name")
                self.error(raw.at((key,)), f"'{key}' names {value}, which is not an entity", hint)

    def missing_target(self, raw, path, target, entities, names, files) -> None:
        where = raw.at(path + ("target",))
        if target in files or target in self.unreadable:  # its own errors are reported already
            return
        by_name = names.get(fold(target))
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
        source = entities.get(source_id)
        if source is not None and source.kind in self.v.source_kinds:
            return source
        where = raw.at(path)
        folder = ", ".join(f"entities/{kind}/" for kind in sorted(self.v.source_kinds))
        if source is None:
            sources = [e.id for e in entities.values() if e.kind in self.v.source_kinds]
            self.error(where, f"unknown source '{source_id}'",
                       suggest(source_id, sources) or f"create {folder}{source_id}.yaml")
        else:
            self.error(where, f"'{source_id}' is not a source (it is in entities/{source.kind}/)",
                       f"cite a file from {folder}")
        return None

    def check_standing(self, raw, path, index: int, entity: Entity, citation: Citation, source: Entity) -> None:
        """A status a source cannot give: an opinion is its own author's view, so it comes
        from an opinion piece, or the relation's subject wrote the source."""
        status = self.v.statuses[citation.status]
        if not status.only_from or self.v.matches(source.type_id, status.only_from):
            return
        author = source.facts.get("author")
        if author and AGENT.reference(author) == (entity.kind, entity.id):
            return
        item = _walk(raw.data, path + ("sources", index))
        where = raw.at(path + ("sources", index, "status")) if isinstance(item, dict) and "status" in item \
            else raw.at(path + ("status",))
        kinds = " or ".join(self.v.types[t].label.site.lower() for t in status.only_from)
        self.error(where, f"'{citation.status}' is the view of the source's own author, but '{source.id}' is "
                          f"{_a(self.v.types[source.type_id].label.site.lower())}",
                   f"a stance that a news article reports is reported, an accusation alleged; {citation.status} "
                   f"comes from {_a(kinds)}, or from its author")

    def check_translation(self, raw, path, citation: Citation, source: Entity) -> None:
        site = self.v.site_language
        language = source.facts.get("language")
        if language and language != site and not citation.translation(site):
            self.error(raw.at(path + ("quote",)), f"quote in '{language}' without the editors' translation into '{site}'",
                       f"add `translation: {{{site}: \"...\"}}` below the quote: a faithful translation that adds "
                       "and drops nothing")

    def check_quote(self, raw: RawEntity, path: tuple, quote: str, source: Entity) -> None:
        problem = self.quote_problem(quote, source)
        if problem is not None:
            message, passage = problem
            self.error(raw.at(path), f"{message} in source '{source.id}'", f"closest: «{passage}»" if passage else
                       "copy the words exactly from the source's text")

    def quote_problem(self, quote: str, source: Entity) -> tuple[str, str] | None:
        found = None
        if self.kept is not None:
            last = self.kept.quotes.get(source.id)
            if last is None or (last[0] is not source.text and last[0] != source.text):
                last = (source.text, {})
            # the text of this build from now on: the next quotes compare it by identity
            found = self.kept.quotes[source.id] = (source.text, last[1])
            if quote in found[1]:
                return found[1][quote]
        text = self.normal_texts.get(source.id)
        if text is None:
            text = self.normal_texts[source.id] = collapse_spaces(source.text)
        problem = quote_problem(quote, text)
        if found is not None:
            found[1][quote] = problem
        return problem


def statement_key(predicate: str, target: str, occurrence: int = 1) -> str:
    """A relation's key, unique within its subject: the fragment of its statement's IRI.
    Ids never hold "--", so the repeat suffix cannot meet an id ending in a number."""
    key = f"{predicate}-{target}"
    return key if occurrence == 1 else f"{key}--{occurrence}"


def _walk(data, path: tuple):
    for step in path:
        data = data[step]
    return data


def _either(types: tuple[str, ...]) -> str:
    return " or ".join(_a(t) for t in types)


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"
