"""Each kind of validation error, with its exact message and location."""

from __future__ import annotations

import pytest

from builder.pipeline import load_corpus

from conftest import validation_errors, write_tree

SOURCE = """type: source
title: "Un article"
publisher: Next
date: 2025-12-02
language: en
"""
PERSON = """type: person
name: Ada
summary: A person.
relations:
  - predicate: works-for
    target: acme
    sources:
      - source: next-2025-12-02-a
        quote: "elle travaille"
"""
ORG = """type: organization
name: Acme
summary: A company.
"""
TEXT = "Un article (quoted words). Ada, elle travaille chez Acme depuis 2020, selon ses collègues.\n"
BASE = {
    "entities/sources/next-2025-12-02-a.yaml": SOURCE,
    "entities/sources/next-2025-12-02-a.txt": TEXT,
    "entities/people/ada.yaml": PERSON,
    "entities/organizations/acme.yaml": ORG,
}


def errors_for(tmp_path, changes: dict) -> list[str]:
    return validation_errors(tmp_path, {**BASE, **changes})


def test_base_is_valid(tmp_path):
    corpus = load_corpus(write_tree(tmp_path, BASE) / "entities", root=tmp_path)
    assert len(corpus) == 3
    assert [r.key for r in corpus.relations] == ["works-for-acme"]


CASES = {
    "unknown key with suggestion": (
        {"entities/people/ada.yaml": PERSON.replace("summary:", "sumary:")},
        ["entities/people/ada.yaml:1:1: missing required key 'summary' "
         "(One neutral sentence in English saying who or what this is.)",
         "entities/people/ada.yaml:3:1: unknown key 'sumary' for a person (did you mean 'summary'?)"]),
    "key of another type": (
        {"entities/people/ada.yaml": PERSON + "founded: 2020\n"},
        ["entities/people/ada.yaml:10:1: unknown key 'founded' for a person "
         "('founded' is a key of organization entities, not of person entities)"]),
    "missing name": (
        {"entities/organizations/acme.yaml": "type: organization\nsummary: A company.\n"},
        ["entities/organizations/acme.yaml:1:1: missing required key 'name' "
         "(The common name, in the language most sources use.)"]),
    "wrong type in folder": (
        {"entities/organizations/acme.yaml": ORG.replace("organization", "person")},
        ["entities/organizations/acme.yaml:1:7: type 'person' does not belong in entities/organizations/ "
         "(move the file to entities/people/ or write `type: organization`)"]),
    "subtype given as type": (
        {"entities/organizations/acme.yaml": ORG.replace("type: organization", "type: company")},
        ["entities/organizations/acme.yaml:1:7: 'company' is a subtype, not a type "
         "(write `type: organization` and `subtype: company`)"]),
    "unknown subtype": (
        {"entities/organizations/acme.yaml": ORG + "subtype: compnay\n"},
        ["entities/organizations/acme.yaml:4:10: unknown organization subtype 'compnay' "
         "(did you mean 'company'?)"]),
    "wrong value type": (
        {"entities/organizations/acme.yaml": ORG + "aliases: Acme Inc\n"},
        ["entities/organizations/acme.yaml:4:10: 'aliases' must be a list, not a text "
         "(write `aliases: [first, second]` or one `- item` per line)"]),
    "number as text": (
        {"entities/organizations/acme.yaml": ORG.replace("name: Acme", "name: 1984")},
        ["entities/organizations/acme.yaml:2:7: 'name' must be a text, not a number (quote it: name: \"1984\")"]),
    "impossible date": (
        {"entities/organizations/acme.yaml": ORG + "founded: 2025-02-30\n"},
        ["entities/organizations/acme.yaml:4:10: invalid date '2025-02-30' for 'founded': 2025-02 has no day 30 "
         "(write dates as YYYY, YYYY-MM or YYYY-MM-DD, with ~ after an approximate one)"]),
    "not a date": (
        {"entities/organizations/acme.yaml": ORG + "founded: 12/02/2025\n"},
        ["entities/organizations/acme.yaml:4:10: invalid date '12/02/2025' for 'founded': not an ISO date "
         "(write dates as YYYY, YYYY-MM or YYYY-MM-DD, with ~ after an approximate one)"]),
    "end before start": (
        {"entities/people/ada.yaml": PERSON.replace("    target: acme\n",
                                                     "    target: acme\n    start: 2025-03\n    end: 2024\n")},
        ["entities/people/ada.yaml:8:10: end 2024 is before start 2025-03 (swap them or fix the dates)"]),
    "id does not match file name": (
        {"entities/organizations/acme.yaml": ORG + "id: acme-corp\n"},
        ["entities/organizations/acme.yaml:4:5: id 'acme-corp' does not match the file name 'acme.yaml' "
         "(rename the file to acme-corp.yaml or remove the id key)"]),
    "invalid id": (
        {"entities/organizations/Acme_Corp.yaml": ORG},
        ["entities/organizations/Acme_Corp.yaml:1:1: invalid id 'Acme_Corp' (from the file name) "
         "(ids use lowercase ASCII letters, digits and single hyphens, at most 80 characters: "
         "rename the file to acme-corp.yaml)"]),
    "duplicate id across kinds": (
        {"entities/products/acme.yaml": "type: product\nname: Acme\nsummary: A product.\n"},
        ["entities/products/acme.yaml:1:1: duplicate id 'acme': entities/organizations/acme.yaml has it already "
         "(ids are unique across all kinds: rename one of the files)"]),
    "duplicate key": (
        {"entities/organizations/acme.yaml": ORG + "name: Other\n"},
        ["entities/organizations/acme.yaml:4:1: duplicate key 'name' (first set at line 2) (keep only one of them)"]),
    "unknown target with suggestion": (
        {"entities/people/ada.yaml": PERSON.replace("target: acme", "target: acmee")},
        ["entities/people/ada.yaml:6:13: unknown target 'acmee': no entity has this id (did you mean 'acme'?)"]),
    "target given by name": (
        {"entities/people/ada.yaml": PERSON.replace("target: acme", "target: Acme")},
        ["entities/people/ada.yaml:6:13: unknown target 'Acme': no entity has this id (did you mean 'acme'?)"]),
    "unknown predicate": (
        {"entities/people/ada.yaml": PERSON.replace("works-for", "works-at")},
        ["entities/people/ada.yaml:5:16: unknown predicate 'works-at' (did you mean 'works-for'?)"]),
    "inverse label used as predicate": (
        {"entities/people/ada.yaml": PERSON.replace("works-for", "employs")},
        ["entities/people/ada.yaml:5:16: unknown predicate 'employs' ('employs' reads a relation from its target: "
         "write it in the other entity's file with `predicate: works-for`)"]),
    "domain": (
        {"entities/organizations/acme.yaml": ORG + "relations:\n  - predicate: works-for\n    target: ada\n"
         "    sources:\n      - source: next-2025-12-02-a\n        quote: quoted words\n"},
        ["entities/organizations/acme.yaml:5:16: 'works-for' cannot start from an organization "
         "(it expects a person) (predicates that fit: funds, advises, regulates, investigates, bans, sues, fines, "
         "criticizes, supports, opposes, targets, reports-on, part-of, related-to, allied-with)"]),
    "range": (
        {"entities/people/ada.yaml": PERSON + "  - predicate: works-for\n    target: bob\n    sources:\n"
         "      - source: next-2025-12-02-a\n        quote: quoted words\n",
         "entities/people/bob.yaml": "type: person\nname: Bob\nsummary: A person.\n"},
        ["entities/people/ada.yaml:11:13: 'works-for' cannot point to 'bob', a person (it expects an organization) "
         "(predicates that fit: funds, advises, investigates, bans, sues, fines, criticizes, supports, opposes, "
         "targets, reports-on, part-of, related-to, allied-with, relative-of)"]),
    "relation without source": (
        {"entities/people/ada.yaml": PERSON.split("    sources:")[0]},
        ["entities/people/ada.yaml:5:5: relation without a source "
         "(add `sources:` with `- source: <source id>` and `quote: \"...\"`)"]),
    "quote without source": (
        {"entities/people/ada.yaml": PERSON.replace("      - source: next-2025-12-02-a\n        quote:",
                                                     "      - quote:")},
        ["entities/people/ada.yaml:8:9: quote without a source "
         "(add `source: <id of a file in entities/sources/>` beside the quote)"]),
    "source without quote": (
        {"entities/people/ada.yaml": PERSON.replace('        quote: "elle travaille"\n', "")},
        ["entities/people/ada.yaml:8:9: source 'next-2025-12-02-a' has no quote "
         "(add `quote: \"...\"` with the words of the source that support the claim)"]),
    "unknown source": (
        {"entities/people/ada.yaml": PERSON.replace("source: next-2025-12-02-a", "source: next-2025-12-02-b")},
        ["entities/people/ada.yaml:8:17: unknown source 'next-2025-12-02-b' (did you mean 'next-2025-12-02-a'?)"]),
    "citing an entity that is not a source": (
        {"entities/people/ada.yaml": PERSON.replace("source: next-2025-12-02-a", "source: acme")},
        ["entities/people/ada.yaml:8:17: 'acme' is not a source (it is in entities/organizations/) "
         "(cite a file from entities/sources/)"]),
    "javascript url": (
        {"entities/sources/next-2025-12-02-a.yaml": SOURCE + "url: javascript:alert(1)\n"},
        ["entities/sources/next-2025-12-02-a.yaml:6:6: 'url' must be an http or https address "
         "('javascript:' is not allowed) (give the article's https:// address, or leave url out if the source "
         "gives none)"]),
    "unknown status": (
        {"entities/people/ada.yaml": PERSON.replace("    target: acme\n", "    target: acme\n    status: rumour\n")},
        ["entities/people/ada.yaml:7:13: unknown status 'rumour' "
         "(use one of: confirmed, reported, alleged, opinion, denied)"]),
    "relation to itself": (
        {"entities/people/ada.yaml": PERSON.replace("target: acme", "target: ada")},
        ["entities/people/ada.yaml:6:13: a relation cannot point to its own entity (give the id of another entity)"]),
    "source missing required keys": (
        {"entities/sources/next-2025-12-02-a.yaml": "type: source\ntitle: T\nlanguage: french\n"},
        ["entities/sources/next-2025-12-02-a.yaml:1:1: missing required key 'date' "
         "(The day (or month, or year) it happened.)",
         "entities/sources/next-2025-12-02-a.yaml:1:1: missing required key 'publisher' "
         "(Who published the article (`organizations/<id>` when the publisher has an entity; `unknown` when "
         "the source does not say).)",
         "entities/sources/next-2025-12-02-a.yaml:3:11: 'language' must be a two-letter language code, "
         "not 'french' (write en, fr, de...)"]),
    "relations on a source": (
        {"entities/sources/next-2025-12-02-a.yaml": SOURCE + "relations: []\n"},
        ["entities/sources/next-2025-12-02-a.yaml:6:1: unknown key 'relations' for a source "
         "(sources have no relations: cite them from other entities' relations)"]),
}


@pytest.mark.parametrize("name", CASES)
def test_error(tmp_path, name):
    changes, expected = CASES[name]
    assert errors_for(tmp_path, changes) == expected


def test_all_errors_are_reported_together(tmp_path):
    errors = errors_for(tmp_path, {
        "entities/organizations/acme.yaml": ORG + "founded: 2025-13\n",
        "entities/people/ada.yaml": PERSON.replace("works-for", "works-at"),
    })
    assert len(errors) == 2
    assert errors[0].startswith("entities/organizations/acme.yaml:4:10:")
    assert errors[1].startswith("entities/people/ada.yaml:5:16:")


def test_approximate_dates_are_kept(tmp_path):
    write_tree(tmp_path, {**BASE, "entities/people/ada.yaml": PERSON.replace(
        "    target: acme\n", "    target: acme\n    date: 2026-02-23~\n")})
    relation = load_corpus(tmp_path / "entities", root=tmp_path).relations[0]
    assert relation.date.text == "2026-02-23" and relation.date.approximate


# -- quotes against the archived text of the source they cite ---------------------------

QUOTED = PERSON.replace('quote: "elle travaille"', 'quote: "elle travaille chez Acme […] selon ses collègues"')


def test_a_quote_in_pieces_is_found_in_order(tmp_path):
    assert errors_for(tmp_path, {"entities/people/ada.yaml": QUOTED}) == []


QUOTE_CASES = {
    "one word of the quote changed": (
        {"entities/people/ada.yaml": QUOTED.replace("travaille chez", "travaille pour")},
        ["entities/people/ada.yaml:9:16: the part «elle travaille pour Acme» of the quote is not found in source "
         "'next-2025-12-02-a' (closest: «elle travaille chez Acme»)"]),
    "one word of the source text changed": (
        {"entities/people/ada.yaml": QUOTED,
         "entities/sources/next-2025-12-02-a.txt": TEXT.replace("collègues", "collaborateurs")},
        ["entities/people/ada.yaml:9:16: the part «selon ses collègues» of the quote is not found in source "
         "'next-2025-12-02-a' (closest: «2020, selon ses collaborateurs.»)"]),
    "pieces out of order": (
        {"entities/people/ada.yaml": PERSON.replace('quote: "elle travaille"',
                                                    'quote: "selon ses collègues […] elle travaille chez Acme"')},
        ["entities/people/ada.yaml:9:16: a part of the quote comes before the previous one in source "
         "'next-2025-12-02-a' (closest: «elle travaille chez Acme»)"]),
    "quote from another source": (
        {"entities/sources/next-2025-12-03-b.yaml": SOURCE.replace("2025-12-02", "2025-12-03"),
         "entities/sources/next-2025-12-03-b.txt": "Un autre article : elle travaille ailleurs.\n",
         "entities/people/ada.yaml": PERSON.replace('quote: "elle travaille"', 'quote: "elle travaille ailleurs"')},
        ["entities/people/ada.yaml:9:16: quote not found in source 'next-2025-12-02-a' "
         "(closest: «Ada, elle travaille chez»)"]),
    "source without its text": (
        {"entities/sources/next-2025-12-02-a.txt": None},
        ["entities/sources/next-2025-12-02-a.yaml:1:1: no archived text beside this source "
         "(entities/sources/next-2025-12-02-a.txt) (save the article's text, exactly as published, as "
         "entities/sources/next-2025-12-02-a.txt; or add `text_unavailable: <why>` if there is none)"]),
    "text without its source": (
        {"entities/sources/next-2025-12-09-z.txt": "Un texte.\n"},
        ["entities/sources/next-2025-12-09-z.txt:1:1: archived text without its entity file "
         "(create entities/sources/next-2025-12-09-z.yaml, or rename the text after its source's id)"]),
    "text and text_unavailable": (
        {"entities/sources/next-2025-12-02-a.yaml": SOURCE + "text_unavailable: paywalled\n"},
        ["entities/sources/next-2025-12-02-a.yaml:6:1: text_unavailable is set, but "
         "entities/sources/next-2025-12-02-a.txt exists (remove text_unavailable)"]),
}


@pytest.mark.parametrize("name", QUOTE_CASES)
def test_quote_error(tmp_path, name):
    changes, expected = QUOTE_CASES[name]
    files = {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    assert validation_errors(tmp_path, files) == expected


def test_a_source_may_say_why_it_has_no_text(tmp_path):
    files = {**BASE, "entities/sources/next-2025-12-02-a.yaml": SOURCE + "text_unavailable: only the title survives\n"}
    del files["entities/sources/next-2025-12-02-a.txt"]
    assert validation_errors(tmp_path, files) == []


def test_a_quote_in_another_language_needs_its_translation(tmp_path):
    french = {**BASE, "entities/sources/next-2025-12-02-a.yaml": SOURCE.replace("language: en", "language: fr")}
    assert validation_errors(tmp_path / "a", french) == [
        "entities/people/ada.yaml:9:16: quote in 'fr' without the editors' translation into 'en' "
        "(add `translation: {en: \"...\"}` below the quote: a faithful translation that adds and drops nothing)"]
    translated = {**french, "entities/people/ada.yaml": PERSON + "        translation: {en: she works}\n"}
    assert validation_errors(tmp_path / "b", translated) == []
    corpus = load_corpus(tmp_path / "b" / "entities", root=tmp_path / "b")
    assert corpus.relations[0].citations[0].translation("en") == "she works"


def test_opinion_only_from_an_opinion_piece_or_its_author(tmp_path):
    """The status rule: a news article reports stances (reported); only a column or blog
    post, or its author, holds an opinion."""
    article = SOURCE.replace("type: source\n", "type: source\nsubtype: article\n")
    opinion = PERSON.replace("relations:\n", "relations:\n").replace("    target: acme\n",
                                                                     "    target: acme\n    status: opinion\n")
    assert validation_errors(tmp_path / "a", {**BASE, "entities/sources/next-2025-12-02-a.yaml": article,
                                             "entities/people/ada.yaml": opinion}) == [
        "entities/people/ada.yaml:7:13: 'opinion' is the view of the source's own author, but "
        "'next-2025-12-02-a' is a news article (a stance that a news article reports is reported, an accusation "
        "alleged; opinion comes from an opinion column or blog post, or from its author)"]
    column = SOURCE.replace("type: source\n", "type: source\nsubtype: column\n")
    assert validation_errors(tmp_path / "b", {**BASE, "entities/sources/next-2025-12-02-a.yaml": column,
                                             "entities/people/ada.yaml": opinion}) == []
    authored = article + "author: people/ada\n"
    assert validation_errors(tmp_path / "c", {**BASE, "entities/sources/next-2025-12-02-a.yaml": authored,
                                             "entities/people/ada.yaml": opinion}) == []


LOOK_ALIKES = {
    "a Cyrillic letter in a Latin word": (
        {"entities/organizations/acme.yaml": ORG.replace("name: Acme", "name: Аcme")},
        ["entities/organizations/acme.yaml:2:7: the name 'Аcme' mixes scripts in the word 'Аcme' (cyrillic, latin) "
         "(a letter from another alphabet looks like a Latin one: retype the word in one script, or give the "
         "other form under `names:`)"]),
    "a name not in NFC": (
        {"entities/organizations/acme.yaml": ORG.replace("name: Acme", "name: Acme\u0301")},
        ["entities/organizations/acme.yaml:2:7: the name 'Acme\u0301' is not in Unicode NFC form (the same letters as "
         "two different byte sequences) (retype it, or save the file with composed characters (NFC))"]),
    "the same name twice": (
        {"entities/organizations/acme-2.yaml": ORG},
        ["entities/organizations/acme.yaml:2:7: the name 'Acme' is the name of 'acme-2' "
         "(entities/organizations/acme-2.yaml) (did you mean 'acme-2'? If they are two things, name them apart "
         "(a qualifier in brackets, as Wikipedia does))"]),
    "a homoglyph twin": (
        {"entities/organizations/acme-2.yaml": ORG.replace("name: Acme", "name: ACME")},
        ["entities/organizations/acme.yaml:2:7: the name 'Acme' looks like 'ACME', the name of 'acme-2' "
         "(entities/organizations/acme-2.yaml) (did you mean 'acme-2'? If they are two things, name them apart "
         "(a qualifier in brackets, as Wikipedia does))"]),
    "a bidirectional override": (
        {"entities/organizations/acme.yaml": ORG.replace("summary: A company.", 'summary: "A \\u202ecompany."')},
        ["entities/organizations/acme.yaml:3:10: 'summary' contains the character U+202E (right-to-left override) "
         "(remove it: control, direction-override and invisible characters cannot be published (XML and HTML "
         "refuse some, and the others hide what a text says))"]),
    "an escaped control character": (
        {"entities/organizations/acme.yaml": ORG.replace("name: Acme", 'name: "Ac\\0me"')},
        ["entities/organizations/acme.yaml:2:7: 'name' contains the character U+0000 (a control character) "
         "(remove it: control, direction-override and invisible characters cannot be published (XML and HTML "
         "refuse some, and the others hide what a text says))"]),
    "a zero-width space in a name": (
        {"entities/organizations/acme.yaml": ORG.replace("name: Acme", 'name: "Ac\\u200bme"')},
        ["entities/organizations/acme.yaml:2:7: 'name' contains the character U+200B (zero width space) "
         "(remove it: control, direction-override and invisible characters cannot be published (XML and HTML "
         "refuse some, and the others hide what a text says))"]),
}


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alike_and_hidden_characters(tmp_path, name):
    changes, expected = LOOK_ALIKES[name]
    assert errors_for(tmp_path, changes) == expected
