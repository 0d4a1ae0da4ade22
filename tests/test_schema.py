"""The editors' JSON Schemas: up to date, referenced by every entity file, accepting
every valid file and rejecting what the validator rejects."""

from __future__ import annotations

import pytest
import yaml
from jsonschema import Draft7Validator

from builder.errors import EntityErrors
from builder.pipeline import load_corpus
from builder.tools.schema import entity_schema, modeline, stale_schemas
from builder.vocabulary import load_vocabulary

from conftest import MINI, ROOT, write_tree

VOCABULARY = load_vocabulary()


class EditorLoader(yaml.SafeLoader):
    """Reads YAML as the YAML language server does (YAML 1.2: no timestamp type)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema_errors(kind: str, text: str) -> list[str]:
    validator = Draft7Validator(entity_schema(VOCABULARY, kind))
    return [e.message for e in validator.iter_errors(yaml.load(text, Loader=EditorLoader))]


def test_schemas_in_the_repository_are_up_to_date():
    assert stale_schemas(VOCABULARY, ROOT / "schemas") == []


@pytest.mark.parametrize("entities", [ROOT / "entities", MINI], ids=["corpus", "fixture"])
def test_every_entity_file_satisfies_its_schema(entities):
    files = sorted(entities.glob("*/*.yaml"))
    assert files
    for path in files:
        assert schema_errors(path.parent.name, path.read_text(encoding="utf-8")) == [], path


def test_every_corpus_file_references_its_schema():
    for path in sorted((ROOT / "entities").glob("*/*.yaml")):
        assert path.read_text(encoding="utf-8").splitlines()[0] == modeline(path.parent.name), path


SOURCE = "type: source\ntitle: T\npublisher: P\ndate: 2025-01-01\nlanguage: en\n"
ORG = "type: organization\nname: O\nsummary: S.\n"
PERSON = ("type: person\nname: A\nsummary: S.\nrelations:\n  - predicate: works-for\n    target: o\n"
          "    sources:\n      - source: s\n        quote: q\n")
REJECTED = {
    "unknown key": ("people", PERSON + "nmae: x\n"),
    "missing summary": ("organizations", "type: organization\nname: O\n"),
    "wrong type": ("organizations", ORG.replace("organization", "person")),
    "unknown subtype": ("organizations", ORG + "subtype: compnay\n"),
    "unknown predicate": ("people", PERSON.replace("works-for", "works-at")),
    "relation without source": ("people", PERSON.split("    sources:")[0]),
    "quote without source": ("people", PERSON.replace("      - source: s\n        quote:", "      - quote:")),
    "javascript url": ("sources", SOURCE + "url: javascript:alert(1)\n"),
    "date format": ("organizations", ORG + "founded: 12/02/2025\n"),
    "two-line name": ("organizations", ORG.replace("name: O", "name: |\n  O\n  P")),
    "language code": ("sources", SOURCE.replace("language: en", "language: english")),
    "date and start": ("events", "type: event\nname: E\nsummary: S.\ndate: 2025\nstart: 2025\n"),
    "unknown status": ("people", PERSON.replace("    target: o\n", "    target: o\n    status: rumour\n")),
    "aliases as text": ("organizations", ORG + "aliases: O Inc\n"),
}


@pytest.mark.parametrize("name", REJECTED)
def test_schema_rejects_what_the_validator_rejects(tmp_path, name):
    kind, text = REJECTED[name]
    assert schema_errors(kind, text), f"the schema accepts: {name}"
    files = {"entities/organizations/o.yaml": ORG, "entities/sources/s.yaml": SOURCE,
             f"entities/{kind}/x.yaml": text}
    write_tree(tmp_path, files)
    with pytest.raises(EntityErrors) as info:
        load_corpus(tmp_path / "entities", root=tmp_path)
    assert any(e.location.path == f"entities/{kind}/x.yaml" for e in info.value.errors)


def test_new_files_reference_their_schema(tmp_path):
    from builder.tools.scaffold import scaffold
    path = scaffold(tmp_path / "entities", "events", "Some hearing")
    assert path.read_text(encoding="utf-8").splitlines()[0] == modeline("events")
