"""JSON Schemas for editors, one per entities/ folder, derived from the vocabulary.

Editors that speak the YAML language server (VS Code, Neovim, JetBrains...) read the
`# yaml-language-server: $schema=...` line at the top of each entity file and then
complete keys, predicates and subtypes and flag mistakes as you type. The schema
checks what one file can show; cross-file checks (targets, domain and range) stay
with `policygraph validate`."""

from __future__ import annotations

import json
from pathlib import Path

from builder.read.validate import ID_RE, MAX_QUOTE_WORDS
from builder.vocabulary import EntityType, Vocabulary
from builder.vocabulary.kinds import KINDS, ONE_LINE

SCHEMA_DIR = "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"
def modeline(kind: str) -> str:
    """The first line of an entity file: where its schema is, relative to the file."""
    return f"# yaml-language-server: $schema=../../{SCHEMA_DIR}/{kind}.schema.json"


def _value(v: Vocabulary, key: str) -> dict:
    spec = v.keys[key]
    return {"description": spec.doc, **spec.value_kind.schema(spec)}


def _date() -> dict:
    return KINDS["date"].schema()


def _relation(v: Vocabulary, base: EntityType) -> dict:
    predicates = [p.id for p in v.predicates.values() if v.matches(base.id, p.domain)
                  or any(v.is_a(t, base.id) for t in v.types if v.matches(t, p.domain))]
    citation = {
        "type": "object", "additionalProperties": False, "required": ["source", "quote"],
        "properties": {
            "source": {"type": "string", "pattern": ID_RE.pattern,
                       "description": "The id of a file in entities/sources/."},
            "quote": {"type": "string", "pattern": r"\S",
                      "description": f"Words copied exactly from the source, at most {MAX_QUOTE_WORDS} words."},
            "translation": {"type": "object", "propertyNames": {"pattern": "^[a-z]{2}$"},
                            "additionalProperties": {"type": "string", "pattern": r"\S"},
                            "description": "The editors' faithful translation of the quote, by language: {en: ...}."},
            "status": {"enum": list(v.statuses),
                       "description": "This source's standing of the claim, where it differs from the relation's."},
        },
    }
    return {
        "type": "object", "additionalProperties": False, "required": ["predicate", "target", "sources"],
        "properties": {
            "predicate": {"enum": predicates, "description": "A predicate from builder/vocabulary.yaml."},
            "target": {"type": "string", "pattern": ID_RE.pattern, "description": "The id of another entity."},
            "start": _date(), "end": _date(), "date": _date(),
            "role": {"type": "string", "pattern": ONE_LINE},
            "note": {"type": "string", "pattern": ONE_LINE},
            "status": {"enum": list(v.statuses), "default": v.default_status},
            "sources": {"type": "array", "minItems": 1, "items": citation},
        },
    }


def entity_schema(v: Vocabulary, kind: str, site_url: str = "") -> dict:
    base = v.kinds[kind]
    keys = [k for k in v.allowed_keys(base) if k not in ("type", "subtype", "relations")]
    properties: dict = {
        "type": {"const": base.id, "description": v.keys["type"].doc},
        "subtype": {"enum": [t for t in v.types if t != base.id and v.is_a(t, base.id)],
                    "description": v.keys["subtype"].doc},
    }
    properties.update({key: _value(v, key) for key in keys})
    if "relations" in v.allowed_keys(base):
        properties["relations"] = {"type": "array", "items": _relation(v, base),
                                   "description": v.keys["relations"].doc}
    schema = {
        "$schema": DRAFT,
        "title": f"policygraph {base.label.site.lower()} entity (entities/{kind}/)",
        "type": "object",
        "additionalProperties": False,
        "required": list(dict.fromkeys(v.required_keys(base))),
        "properties": properties,
    }
    if site_url:
        schema["$id"] = f"{site_url.rstrip('/')}/{SCHEMA_DIR}/{kind}.schema.json"
    if "date" in base.keys and "start" in base.keys:
        schema["not"] = {"anyOf": [{"required": ["date", "start"]}, {"required": ["date", "end"]}]}
    return schema


def render_schemas(v: Vocabulary, site_url: str = "") -> dict[str, str]:
    """Every schema as text, by file name."""
    return {f"{kind}.schema.json": json.dumps(entity_schema(v, kind, site_url), ensure_ascii=False, indent=2) + "\n"
            for kind in v.kinds}


def write_schemas(v: Vocabulary, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas(v).items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(v: Vocabulary, out_dir: Path) -> list[str]:
    """Schema files that differ from what the vocabulary gives (for CI and pre-commit)."""
    return [name for name, text in render_schemas(v).items()
            if not (Path(out_dir) / name).is_file() or (Path(out_dir) / name).read_text(encoding="utf-8") != text]
