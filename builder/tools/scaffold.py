"""`policygraph new`: write a valid, commented entity file with the right id."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from builder import TEMPLATES
from builder.errors import EntityError, ScaffoldError
from builder.read.hints import fold
from builder.read.validate import ID_RE, MAX_ID_LENGTH, RESERVED_IDS
from builder.read.yaml import decode
from builder.tools.schema import modeline
from builder.vocabulary import DEFAULT_PATH, Vocabulary, load_vocabulary
from builder.vocabulary.kinds import LANGUAGE_RE, EDate


def make_id(*parts: str) -> str:
    slug = "-".join(p for p in (fold(part) for part in parts) if p)
    return slug[:MAX_ID_LENGTH].rstrip("-")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["yaml_str"] = lambda text: json.dumps(str(text), ensure_ascii=False)
    return env


def scaffold(entities_dir: Path, kind: str, name: str, *, vocabulary: Vocabulary | None = None,
             publisher: str | None = None, date: str | None = None, language: str | None = None,
             url: str | None = None, subtype: str = "article", text: Path | None = None) -> Path:
    """Write entities/<kind>/<id>.yaml (and, for a source given `text`, its archived text
    as <id>.txt); return the path of the YAML file."""
    v = vocabulary or load_vocabulary(DEFAULT_PATH)
    base = v.kinds.get(kind) or next((t for t in v.kinds.values() if t.id == kind), None)
    if base is None:
        raise ScaffoldError(f"unknown kind {kind!r}: use one of {', '.join(v.kinds)}")
    name = " ".join(name.split())
    if not name:
        raise ScaffoldError("give a name (or, for a source, the article's title)")
    env = _environment()
    if base.no_relations:
        missing = [flag for flag, value in (("--publisher", publisher), ("--date", date), ("--language", language))
                   if not value]
        if missing:
            raise ScaffoldError(f"a source needs {', '.join(missing)}: they are required keys")
        try:
            EDate.parse(date)
        except ValueError as error:
            raise ScaffoldError(f"--date {date!r}: {error}; write YYYY, YYYY-MM or YYYY-MM-DD") from None
        if not LANGUAGE_RE.fullmatch(language):
            raise ScaffoldError(f"--language {language!r}: write a two-letter language code (en, fr, de...)")
        archived = _read_text(text) if text is not None else None
        publisher = " ".join(publisher.split())
        entity_id = make_id(publisher, date, " ".join(name.split()[:5]))
        content = env.get_template("new_source.yaml.j2").render(
            title=name, publisher=publisher, date=date, language=language, url=url, subtype=subtype,
            modeline=modeline(base.kind), has_text=archived is not None, entity_id=entity_id)
    else:
        entity_id = make_id(name)
        predicates = [p.id for p in v.predicates.values() if v.matches(base.id, p.domain)]
        archived = None
        content = env.get_template("new_entity.yaml.j2").render(
            kind_label=base.label.site, type=base.id, subtypes=v.subtypes_of(base.id), name=name,
            summary=f"TODO: one neutral sentence saying who or what {name} is.",
            keys=[v.keys[k] for k in base.keys], example_predicate=predicates[0] if predicates else "related-to",
            modeline=modeline(base.kind))
    if not ID_RE.fullmatch(entity_id) or entity_id in RESERVED_IDS:
        raise ScaffoldError(f"cannot make a valid id from {name!r}; create the file by hand")
    entities_dir = Path(entities_dir)
    existing = sorted(entities_dir.glob(f"*/{entity_id}.yaml"))
    if existing:
        raise ScaffoldError(f"{existing[0]} exists already: ids are unique across all kinds")
    path = entities_dir / base.kind / f"{entity_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    if archived is not None:
        path.with_suffix(".txt").write_text(archived, encoding="utf-8")
    return path


def _read_text(path: Path) -> str:
    """The article's text for the archive: plain UTF-8, kept as it is."""
    try:
        return decode(Path(path).read_bytes(), str(path))
    except OSError as error:
        raise ScaffoldError(f"--text {path}: {error.strerror}") from None
    except EntityError as error:
        raise ScaffoldError(f"--text: {error.format()}") from None
