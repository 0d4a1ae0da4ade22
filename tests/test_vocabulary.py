"""The vocabulary: read with the position of every entry (a maintainer's mistake names
its line), and truly the one place to edit for a new type or predicate."""

from __future__ import annotations

import json
import shutil

import pytest
from rdflib import Graph, URIRef

from builder.errors import VocabularyError
from builder.vocabulary import DEFAULT_PATH, load_vocabulary

from conftest import MINI, ROOT, site_config, write_tree

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")


def vocabulary_error(tmp_path, text: str) -> str:
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(path)
    return str(info.value).replace(str(path), "vocabulary.yaml")


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_a_duplicate_entry_names_its_line(tmp_path):
    text = TEXT.replace("  works-for:\n", "  works-for:\n    label: {en: x, fr: x}\n  works-for:\n", 1)
    line = line_of(text, "  works-for:\n    label: {en: x") + 2
    assert vocabulary_error(tmp_path, text).startswith(
        f"vocabulary.yaml:{line}:3: duplicate key 'works-for' (first set at line {line - 2})")


def test_an_unknown_kind_and_parent_name_their_lines(tmp_path):
    text = TEXT.replace("  summary:\n    kind: text", "  summary:\n    kind: txt", 1)
    text = text.replace("  company:\n    parent: organization", "  company:\n    parent: organisation", 1)
    message = vocabulary_error(tmp_path, text)
    assert f"vocabulary.yaml:{line_of(text, 'kind: txt')}:11: key 'summary': unknown kind 'txt'" in message
    assert f"vocabulary.yaml:{line_of(text, 'parent: organisation')}:13: type 'company': unknown parent" in message


def test_a_colour_must_be_a_colour(tmp_path):
    text = TEXT.replace('color: "#c0392b"', 'color: "url(https://evil.example/x)"', 1)
    assert "is not a #rrggbb colour" in vocabulary_error(tmp_path, text)


NEW_TERMS = """
  think-tank:
    parent: organization
    label: {en: Think tank, fr: Groupe de réflexion}
    class: [schema:ResearchOrganization]
  dataset:
    parent: entity
    kind: datasets
    label: {en: Dataset, fr: Jeu de données}
    plural: {en: Datasets, fr: Jeux de données}
    class: [schema:Dataset]
    keys: [released]
    when: [released]
    color: "#8e44ad"
    shape: hexagon
"""
NEW_PREDICATE = """
  lobbies:
    label: {en: lobbies, fr: fait pression sur}
    inverse: {en: lobbied by, fr: objet de pressions de}
    sentence: {en: "{subject} lobbies on {object}", fr: "{subject} fait pression sur {object}"}
    domain: [organization]
    range: [law, dataset]
"""


def test_a_new_type_and_predicate_are_one_edit_of_the_vocabulary(tmp_path, site_build):
    """Only vocabulary.yaml changes: validation, pages, nav, RDF, the vocabulary page,
    the editors' schema and the networks' legend all follow."""
    text = TEXT.replace("\n  product:\n", NEW_TERMS + "\n  product:\n", 1)
    text = text.replace("\n  works-for:\n", NEW_PREDICATE + "\n  works-for:\n", 1)
    vocabulary = tmp_path / "vocabulary.yaml"
    vocabulary.write_text(text, encoding="utf-8")
    entities = tmp_path / "entities"
    shutil.copytree(MINI, entities)
    write_tree(tmp_path, {
        "entities/organizations/policy-lab.yaml": (
            "type: organization\nsubtype: think-tank\nname: Policy Lab\nsummary: A fictional think tank.\n"
            "relations:\n  - predicate: lobbies\n    target: demo-act\n    sources:\n"
            "      - source: demo-2026-01-10-column\n        quote: \"the act is a mistake\"\n"),
        "entities/datasets/open-registry.yaml": (
            "type: dataset\nname: Open registry\nsummary: A fictional dataset.\nreleased: 2025\n"),
    })
    config = site_config(tmp_path, entities)
    config.write_text(config.read_text() + f"      vocabulary: {vocabulary}\n", encoding="utf-8")
    site = site_build(config, tmp_path / "site")
    page = (site / "organizations/policy-lab/index.html").read_text(encoding="utf-8")
    assert "Think tank" in page and "Lobbies" in page and "Demo Act" in page
    assert "Lobbied by" in (site / "laws/demo-act/index.html").read_text(encoding="utf-8")
    assert (site / "datasets/open-registry/index.html").is_file()
    index = (site / "datasets/index.html").read_text(encoding="utf-8")
    assert "Open registry" in index
    assert 'href="../datasets/"' in (site / "people/index.html").read_text(encoding="utf-8")  # in the nav
    graph = Graph().parse(site / "data/graph.nt", format="nt")
    pg = "https://policygraph.example.org/vocab/#"
    assert (URIRef("https://policygraph.example.org/organizations/policy-lab/#id"), URIRef(pg + "lobbies"),
            URIRef("https://policygraph.example.org/laws/demo-act/#id")) in graph
    assert (None, None, URIRef(pg + "Dataset")) in graph and (None, None, URIRef(pg + "ThinkTank")) in graph
    vocab = (site / "vocab/index.html").read_text(encoding="utf-8")
    assert "Groupe de réflexion" in vocab and "fait pression sur" in vocab
    schema = json.loads((site / "schemas/organizations.schema.json").read_text(encoding="utf-8"))
    predicates = schema["properties"]["relations"]["items"]["properties"]["predicate"]["enum"]
    assert "lobbies" in predicates and "think-tank" in schema["properties"]["subtype"]["enum"]
    network = json.loads((site / "organizations/policy-lab.network.json").read_text(encoding="utf-8"))
    groups = network["options"]["groups"]
    assert {groups[node["group"]]["shape"] for node in network["nodes"]} >= {"square", "diamond"}
    assert network["types"]["think-tank"] == "Think tank" and network["predicates"]["lobbies"] == "lobbies"
    assert ROOT  # the project's own vocabulary is untouched
    assert load_vocabulary().predicates.get("lobbies") is None


def test_a_statement_key_clash_is_refused_with_its_location(tmp_path):
    """If the vocabulary ever had predicates whose keys could meet (`related` + `to-x` and
    `related-to` + `x`), the second relation is refused where it stands."""
    text = TEXT.replace("\n  works-for:\n", "\n  related:\n    label: {en: related, fr: lié}\n"
                        "    inverse: {en: related, fr: lié}\n"
                        "    sentence: {en: \"{subject} is related to {object}\", fr: \"{subject} est lié à {object}\"}\n"
                        "    domain: [entity]\n    range: [entity]\n"
                        "\n  works-for:\n", 1)
    vocabulary = tmp_path / "vocabulary.yaml"
    vocabulary.write_text(text, encoding="utf-8")
    source = "type: source\ntitle: T\npublisher: P\ndate: 2025-01-01\nlanguage: en\n"
    relation = "  - predicate: {p}\n    target: {t}\n    sources:\n      - source: s\n        quote: \"some words\"\n"
    write_tree(tmp_path, {
        "entities/sources/s.yaml": source, "entities/sources/s.txt": "Here are some words.\n",
        "entities/organizations/x.yaml": "type: organization\nname: X\nsummary: One.\n",
        "entities/organizations/to-x.yaml": "type: organization\nname: To X\nsummary: Two.\n",
        "entities/people/p.yaml": "type: person\nname: P\nsummary: A person.\nrelations:\n"
                                  + relation.format(p="related", t="to-x") + relation.format(p="related-to", t="x"),
    })
    from builder.errors import EntityErrors
    from builder.pipeline import load_corpus
    with pytest.raises(EntityErrors) as info:
        load_corpus(tmp_path / "entities", load_vocabulary(vocabulary), root=tmp_path)
    assert [e.format() for e in info.value.errors] == [
        "entities/people/p.yaml:10:5: this relation's statement would have the IRI fragment #related-to-x, like "
        "the relation at line 5 (related to-x) (the two would be one statement: rename one of the entities, or ask "
        "a maintainer)"]


def test_a_sentence_holds_both_actors(tmp_path):
    text = TEXT.replace('sentence: {en: "{subject} works for {object}"', 'sentence: {en: "{subject} works for {objet}"', 1)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError) as info:
        load_vocabulary(path)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "{objet}" in l)
    assert f"vocabulary.yaml:{line}:" in str(info.value)
    assert "the en sentence must hold {subject} and {object} once each" in str(info.value)
