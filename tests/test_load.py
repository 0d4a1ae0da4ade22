"""Reading entity files: what YAML allows but entity files must not contain, each
refused with a located message and never a traceback."""

from __future__ import annotations

import pytest

from builder.errors import EntityErrors
from builder.pipeline import load_corpus, read_entities
from builder.read.yaml import MAX_FILE_BYTES, load_entities, parse_yaml
from builder.records import record
from builder.vocabulary import load_vocabulary

from conftest import write_tree

KINDS = tuple(load_vocabulary().kinds)
ORG = "type: organization\nname: Acme\nsummary: A company.\n"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))


def only_error(tmp_path, files: dict) -> str:
    write_tree(tmp_path, files)
    with pytest.raises(EntityErrors) as info:
        load_corpus(tmp_path / "entities", root=tmp_path)
    assert len(info.value.errors) == 1, [e.format() for e in info.value.errors]
    return info.value.errors[0].format()


CASES = {
    "syntax": (b"type: organization\nname: [Acme\nsummary: x\n",
               "entities/organizations/acme.yaml:3:8: YAML syntax error: did not find expected ',' or ']' while "
               "parsing a flow sequence (check the indentation and quote values that contain ': ' or start with a "
               "special character)"),
    "tab indentation": (b"type: organization\nname: Acme\nsummary:\n\t- x\n",
                        "entities/organizations/acme.yaml:4:1: tab character in YAML indentation "
                        "(indent with spaces, never tabs)"),
    "bom": (b"\xef\xbb\xbf" + ORG.encode(),
            "entities/organizations/acme.yaml:1:1: the file starts with a byte-order mark (BOM) "
            "(save it as UTF-8 without BOM)"),
    "latin-1 bytes": (b"type: organization\nname: Soci\xe9t\xe9\nsummary: x\n",
                      "entities/organizations/acme.yaml:2:11: invalid UTF-8 byte 0xe9 (save the file as UTF-8)"),
    "control character": (b"type: organization\nname: A\x07cme\nsummary: x\n",
                          "entities/organizations/acme.yaml:2:8: control character U+0007 in the file "
                          "(remove it; entity files are plain text)"),
    "empty": (b"", "entities/organizations/acme.yaml:1:1: the file is empty (start it with `type:` and `name:`)"),
    "only comments": (b"# nothing\n\n",
                      "entities/organizations/acme.yaml:1:1: the file is empty (start it with `type:` and `name:`)"),
    "a list": (b"- type: organization\n",
               "entities/organizations/acme.yaml:1:1: the file must be a mapping of keys to values "
               "(start it with `type:` and `name:`, one key per line)"),
    "alias": (("type: organization\nname: &n Acme\nsummary: *n\n").encode(),
              "entities/organizations/acme.yaml:2:7: YAML anchors and aliases (&name, *name) are not allowed "
              "(write each value out in full)"),
    "billion laughs": (LAUGHS.encode(),
                       "entities/organizations/acme.yaml:1:4: YAML anchors and aliases (&name, *name) are not "
                       "allowed (write each value out in full)"),
    "merge key": (b"type: organization\n<<: {name: Acme}\nsummary: x\n",
                  "entities/organizations/acme.yaml:2:1: YAML merge keys (<<) are not allowed "
                  "(write each key out in full)"),
    "tag": (b"type: organization\nname: !!python/object:os.system Acme\nsummary: x\n",
            "entities/organizations/acme.yaml:2:7: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not "
            "allowed (remove the `!` tag)"),
    "two documents": (ORG.encode() + b"---\n" + ORG.encode(),
                      "entities/organizations/acme.yaml:4:1: more than one YAML document in the file "
                      "(remove the extra `---` line)"),
    "non-string key": (b"type: organization\nname: Acme\nsummary: x\n[a]: b\n",
                       "entities/organizations/acme.yaml:4:1: keys must be plain words "
                       "(write the key as a word followed by a colon)"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_file(tmp_path, name):
    content, expected = CASES[name]
    assert only_error(tmp_path, {"entities/organizations/acme.yaml": content}) == expected


def test_every_value_and_key_keeps_its_line_and_column_even_far_along_a_line():
    """Positions are packed into one int each: a column past 65,535 (a long line in a file
    within MAX_FILE_BYTES) and a line past it come back as they were."""
    text = "type: person\nm: {long: " + "x" * 70_000 + ", last: [a, b]}\n" + "\n" * 70_000 + "end: 2\n"
    value, marks = parse_yaml(text, "x.yaml")
    assert value["m"]["last"] == ["a", "b"] and value["end"] == 2
    second_line = text.split("\n")[1]
    assert marks.key(("m", "last")) == (2, second_line.index("last") + 1)
    assert marks.value(("m", "last")) == (2, second_line.index("[a") + 1)
    assert marks.value(("m", "last", 1)) == (2, second_line.index("b]") + 1)
    assert marks.key(("end",)) == marks.value(("end",))[:1] + (1,) and marks.key(("end",))[0] == 70_003
    assert marks.nearest(("m", "last", 7)) == marks.value(("m", "last")) and marks.nearest(("nothing",)) == (1, 1)
    assert marks.key(("m",)) == (2, 1) and marks.key(("m", "long")) == (2, 5) and marks.value(("m", "long")) == (2, 11)


def test_huge_file(tmp_path):
    content = ORG + "description: |\n" + ("  " + "x" * 99 + "\n") * (MAX_FILE_BYTES // 100 + 10)
    message = only_error(tmp_path, {"entities/organizations/acme.yaml": content})
    assert message.startswith("entities/organizations/acme.yaml:1:1: file too large (")


def test_directory_instead_of_file(tmp_path):
    (tmp_path / "entities/organizations/acme.yaml").mkdir(parents=True)
    assert only_error(tmp_path, {}) == (
        "entities/organizations/acme.yaml:1:1: a folder stands where an entity file should be "
        "(entity files go directly in entities/organizations/; move or remove this folder)")


def test_wrong_extension(tmp_path):
    assert only_error(tmp_path, {"entities/organizations/acme.yml": ORG}) == (
        "entities/organizations/acme.yml:1:1: not an entity file: the name must end in .yaml "
        "(rename it to acme.yaml)")


def test_unknown_folder(tmp_path):
    assert only_error(tmp_path, {"entities/persons/ada.yaml": ORG}) == (
        "entities/persons:1:1: unexpected folder in entities/ (entity files go in entities/<kind>/<id>.yaml "
        "with kind one of: people, organizations, laws, events, products, sources)")


def test_positions_are_recorded(tmp_path):
    write_tree(tmp_path, {"entities/organizations/acme.yaml": ORG + "aliases:\n  - A\n  - B\n"})
    result = load_entities(tmp_path / "entities", KINDS, root=tmp_path)
    raw = result.entities[0]
    assert raw.at(("aliases", 1)).line == 6 and raw.at(("aliases", 1)).col == 5
    assert raw.key_at(("aliases",)).line == 4


def test_the_preview_parses_only_the_files_that_changed(tmp_path, monkeypatch):
    """Between two reads with the same ParsedFiles (the preview's rebuilds), an unchanged
    file is not parsed again, a changed one is, and the result equals a fresh read."""
    import shutil

    from builder.read import yaml as reader
    from builder.read.yaml import ParsedFiles
    from builder.vocabulary import DEFAULT_PATH, load_vocabulary

    from conftest import MINI
    shutil.copytree(MINI, tmp_path / "entities")
    vocabulary = load_vocabulary(DEFAULT_PATH)
    parsed_now: list[str] = []
    real = reader.parse_yaml
    monkeypatch.setattr(reader, "parse_yaml", lambda text, shown: parsed_now.append(shown) or real(text, shown))

    def read(cache):
        parsed_now.clear()
        result = read_entities(tmp_path / "entities", vocabulary, tmp_path, cache)
        return [(raw.path, raw.data, raw.marks) for raw in result.entities], list(parsed_now)

    cache = ParsedFiles()
    first, parsed = read(cache)
    assert len(parsed) == len(first) > 3
    again, parsed = read(cache)
    assert again == first and parsed == []
    path = tmp_path / "entities" / "people" / "ada-example.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Ada Example", "name: Ada Edited", 1),
                    encoding="utf-8")
    edited, parsed = read(cache)
    assert parsed == ["entities/people/ada-example.yaml"]
    assert edited == read(None)[0] and edited != first
    assert any(data.get("name") == "Ada Edited" for _, data, _ in edited)


def test_the_preview_reads_again_only_the_files_whose_size_or_times_changed(tmp_path, monkeypatch):
    """With the preview's ParsedFiles, an entity file is read again only when its size,
    modification time, change time or inode differ from when it was last read: a rewrite
    of the same size, even with its modification time put back, is read; a file changed
    a moment before it was read is read again on the next build (the clock's tick may
    hide a second change)."""
    import os
    import shutil
    from pathlib import Path

    from builder.pipeline import read_entities
    from builder.read.yaml import ParsedFiles
    from builder.vocabulary import DEFAULT_PATH, load_vocabulary

    from conftest import MINI
    shutil.copytree(MINI, tmp_path / "entities")
    hour_ago = os.stat(tmp_path / "entities").st_mtime_ns - 3600 * 10**9
    for path in (tmp_path / "entities").rglob("*.yaml"):
        os.utime(path, ns=(hour_ago, hour_ago))
    vocabulary = load_vocabulary(DEFAULT_PATH)
    monkeypatch.setattr(ParsedFiles, "RACY_NS", 0)  # the change times, which utime cannot set back, are now
    read_now: list[str] = []
    texts_read: list[str] = []  # the sources' archived texts
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (self.suffix == ".yaml" and read_now.append(self.name))
                        or (self.suffix == ".txt" and texts_read.append(self.name)) or real(self))
    texts = sorted((tmp_path / "entities").rglob("*.txt"))
    for path in texts:
        os.utime(path, ns=(hour_ago, hour_ago))

    def names(cache) -> dict[str, str]:
        read_now.clear()
        texts_read.clear()
        return {raw.id: raw.data.get("name") for raw in read_entities(tmp_path / "entities", vocabulary, tmp_path,
                                                                  cache).entities}

    cache = ParsedFiles()
    first = names(cache)
    assert len(read_now) == len(first) > 3 and len(texts_read) == len(texts) > 0
    assert names(cache) == first and read_now == [] and texts_read == []
    archived = texts[0].read_text(encoding="utf-8")
    texts[0].write_text(archived.replace(archived[0], "X", 1), encoding="utf-8")  # the same size
    os.utime(texts[0], ns=(hour_ago, hour_ago))
    loaded = {raw.id: raw.text for raw in read_entities(tmp_path / "entities", vocabulary, tmp_path, cache).entities}
    assert loaded[texts[0].stem].startswith("X") and texts_read == [texts[0].name]
    texts[0].write_text(archived, encoding="utf-8")
    ada = tmp_path / "entities" / "people" / "ada-example.yaml"
    text = ada.read_text(encoding="utf-8")
    ada.write_text(text.replace("name: Ada Example", "name: Ada Exampla", 1), encoding="utf-8")
    os.utime(ada, ns=(hour_ago, hour_ago))  # the same size and modification time: the change time differs
    assert names(cache)["ada-example"] == "Ada Exampla" and read_now == ["ada-example.yaml"]
    monkeypatch.setattr(ParsedFiles, "RACY_NS", 10**18)  # every file changed "a moment ago"
    names(cache)
    assert read_now == []  # each kept from a read that was not racy
    ada.write_text(text, encoding="utf-8")
    assert names(cache)["ada-example"] == "Ada Example" and read_now == ["ada-example.yaml"]
    assert names(cache)["ada-example"] == "Ada Example" and read_now == ["ada-example.yaml"]  # racy: read again


def test_the_preview_checks_on_their_own_only_the_files_that_changed(tmp_path, monkeypatch):
    """With the preview's ParsedFiles, a file parsed to the same data is not checked on
    its own again, nor a quote against an unchanged source text; the corpus equals a fresh
    validation's; a file's own mistake is still reported on the next build; a quote is
    checked again once its source's text changes; and a mistake across files (a relation
    to an entity removed meanwhile) is found although neither file's own checks ran again."""
    import shutil

    import pytest

    from builder.errors import EntityErrors
    from builder.pipeline import load_corpus
    from builder.read import validate as checks
    from builder.read.yaml import ParsedFiles
    from builder.vocabulary import DEFAULT_PATH, load_vocabulary

    from conftest import MINI
    shutil.copytree(MINI, tmp_path / "entities")
    checked: list[str] = []
    real = checks._Checker.check_entity
    monkeypatch.setattr(checks._Checker, "check_entity", lambda self, raw: checked.append(raw.path) or real(self, raw))
    quoted: list[str] = []
    real_quote = checks.quote_problem
    monkeypatch.setattr(checks, "quote_problem", lambda quote, text: quoted.append(quote) or real_quote(quote, text))

    referring: list[str] = []
    real_references = checks._Checker.check_references
    monkeypatch.setattr(checks._Checker, "check_references",
                        lambda self, raw, *rest: referring.append(raw.path) or real_references(self, raw, *rest))

    def load(cache, vocabulary=None):
        checked.clear()
        quoted.clear()
        referring.clear()
        return load_corpus(tmp_path / "entities", vocabulary or load_vocabulary(DEFAULT_PATH), tmp_path, cache)

    cache = ParsedFiles()
    first = load(cache)
    assert len(checked) == len(first) == len(referring) > 3 and quoted
    assert load(cache).entities == first.entities and checked == [] and quoted == [] and referring == []
    load(cache, load_vocabulary(DEFAULT_PATH))  # an equal vocabulary read again: nothing checked again
    assert checked == []
    ada = tmp_path / "entities" / "people" / "ada-example.yaml"
    ada.write_text(ada.read_text(encoding="utf-8").replace("name: Ada Example", "name: Ada Edited", 1), encoding="utf-8")
    edited = load(cache)
    assert checked == ["entities/people/ada-example.yaml"]
    # the references of Ada and of the entities that refer to her are checked again, no others
    assert sorted(referring) == sorted(e.path for e in edited.entities.values() if e.id == "ada-example" or any(
        "ada-example" in (r.target, *(c.source for c in r.citations)) for r in e.relations))
    assert edited.entities == load(None).entities and edited.entities != first.entities
    ada.write_text(ada.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    for _ in range(2):  # the file's own mistake, found again from what was kept
        with pytest.raises(EntityErrors) as caught:
            load(cache)
        assert "unknown key 'colour'" in str(caught.value)
    ada.write_text(ada.read_text(encoding="utf-8").replace("colour: blue\n", ""), encoding="utf-8")
    load(cache)
    citation = next(c for r in edited.relations for c in r.citations if edited[c.source].text)
    text_file = tmp_path / "entities" / edited[citation.source].kind / f"{citation.source}.txt"
    original = text_file.read_text(encoding="utf-8")
    text_file.write_text(original.replace(citation.quote.split()[-1], "CHANGED"), encoding="utf-8")
    with pytest.raises(EntityErrors) as caught:
        load(cache)
    assert f"quote not found in source '{citation.source}'" in str(caught.value) and citation.quote in quoted
    text_file.write_text(original, encoding="utf-8")
    load(cache)
    target = next(r.target for r in edited["ada-example"].relations)
    (tmp_path / "entities" / edited[target].kind / f"{target}.yaml").unlink()
    with pytest.raises(EntityErrors) as caught:
        load(cache)
    assert target in str(caught.value) and "ada-example.yaml" in str(caught.value)
    assert "entities/people/ada-example.yaml" not in checked


def test_the_previews_data_process_runs_at_a_lower_priority(tmp_path):
    """Under make serve, an edit's data files are made at a lower CPU priority than the
    next edit's pages; a build's at the same priority as the build."""
    import os
    import time

    from builder.pipeline import Project, load_corpus
    from builder.processes import BACKGROUND_NICENESS
    from builder.site.datajob import DataJob

    from conftest import MINI
    corpus = load_corpus(MINI, root=MINI.parent)
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    for background, expected in ((True, mine + BACKGROUND_NICENESS), (False, mine)):
        job = DataJob(Project(corpus, [], "", []), "https://policygraph.example.org/", beside=tmp_path / "site",
                      background=background)
        seen = set()
        while job.process.poll() is None:
            try:
                seen.add(os.getpriority(os.PRIO_PROCESS, job.process.pid))
            except ProcessLookupError:
                break
            time.sleep(0.005)
        job.finish()
        job.remove()
        assert max(seen) == min(expected, 19), (background, seen)


def record_readers(monkeypatch, name: str, readers) -> None:
    """Each call of pipeline's function `name` writes its process id to `readers`; and
    the build may fork (the servers other tests leave running are threads, which make
    it read in one process otherwise)."""
    import os

    from builder import pipeline, processes
    function = getattr(pipeline, name)

    def recorded(*args):
        with open(readers, "a") as stream:
            stream.write(f"{os.getpid()}\n")
        return function(*args)
    monkeypatch.setattr(pipeline, name, recorded)
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)


@record
class _One:  # a record of one field, at the module's level so that pickle finds it
    only: str


def test_records_pickle_as_their_fields_and_come_back_equal():
    """builder/records.py: the corpus's frozen dataclasses pickle as their class and their
    fields' values (not through dataclasses' lookup of the fields at each object), and come
    back equal, every field in its place, whatever their number."""
    import dataclasses
    import pickle

    from builder.errors import Location
    from builder.model import Citation, Relation
    from builder.vocabulary.kinds import EDate

    citation = Citation("source-a", "words", "alleged", (("fr", "mots"),))
    relation = Relation("a", "funds", "b", (citation,), "reported", EDate("2025"), EDate("2026~", True),
                        EDate("2025-06"), "chair", "a note", "funds-b", Location("entities/a.yaml", 4, 2))
    samples = [_One("x"), Location("entities/a.yaml", 3, 7), EDate("2025-10", approximate=True), citation, relation]
    for sample in samples:
        again = pickle.loads(pickle.dumps(sample, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(again) is type(sample) and again == sample
        assert [getattr(again, f.name) for f in dataclasses.fields(sample)] == \
            [getattr(sample, f.name) for f in dataclasses.fields(sample)]
        assert not hasattr(again, "__dict__")  # still slotted
    assert Location("a", 2) < Location("a", 10) and EDate("2025") < EDate("2026")


def test_a_build_reads_the_project_in_a_child_process_to_the_same_result(tmp_path, monkeypatch):
    """A build reads and checks the entity files in a forked process and takes the
    project pickled (pipeline.read_project_apart): the same project as read here, and
    the same errors, each with its file, line and hint."""
    import os
    import pickle

    from builder.pipeline import ProjectPaths, read_project, read_project_apart

    from conftest import ROOT
    paths = ProjectPaths(root=ROOT, entities=ROOT / "entities", themes=ROOT / "themes")
    readers = tmp_path / "readers"
    record_readers(monkeypatch, "read_project", readers)
    here, (apart, pickled) = read_project(paths), read_project_apart(paths)
    assert pickle.loads(pickled).corpus.entities.keys() == here.corpus.entities.keys()
    assert readers.read_text().split() != [str(os.getpid())] and len(readers.read_text().split()) == 1
    assert apart.corpus.entities.keys() == here.corpus.entities.keys() and len(here.corpus.entities) > 300
    assert [(e.id, e.relations, e.summary) for e in apart.corpus.entities.values()] == \
        [(e.id, e.relations, e.summary) for e in here.corpus.entities.values()]
    assert (apart.themes, apart.examples, apart.vocabulary_text) == (here.themes, here.examples, here.vocabulary_text)

    write_tree(tmp_path, {"entities/organizations/acme.yaml": CASES["tag"][0],
                          "entities/organizations/beta.yaml": CASES["two documents"][0]})
    broken = ProjectPaths(root=tmp_path, entities=tmp_path / "entities", themes=tmp_path / "themes")
    with pytest.raises(EntityErrors) as expected:
        read_project(broken)
    with pytest.raises(EntityErrors) as info:
        read_project_apart(broken)
    assert [e.format() for e in info.value.errors] == [e.format() for e in expected.value.errors]
    assert len(info.value.errors) == 2 and str(info.value) == str(expected.value)
    assert info.value.errors[0].location.line > 1 and info.value.errors[0].hint


def test_many_files_are_read_in_two_processes_to_the_same_result(tmp_path, monkeypatch):
    """From PARALLEL_MIN_FILES files on, a build reads them in two shares, one in a forked
    process (parsing and each file's own checks), then checks across files: the same
    corpus, and the same errors in the same order, as read in one process, with mistakes
    in both shares, across them (an id twice) and of entities/ itself (reported once)."""
    import os
    import shutil
    import zlib

    from builder import pipeline

    from conftest import ROOT
    entities = tmp_path / "entities"
    shutil.copytree(ROOT / "entities", entities)
    readers = tmp_path / "readers"
    record_readers(monkeypatch, "_read_share", readers)

    def read(shares: bool):
        monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 0 if shares else 10 ** 9)
        try:
            return list(load_corpus(entities, root=tmp_path).entities.values())
        except EntityErrors as error:
            return [e.format() for e in error.errors]

    one = read(False)
    assert not readers.exists()
    assert read(True) == one and len(one) > 300
    readers_pids = readers.read_text().split()
    assert len(set(readers_pids)) == 2 and str(os.getpid()) in readers_pids  # this process and a fork

    people = sorted((entities / "people").glob("*.yaml"))
    broken = {0: [], 1: []}
    for path in people:
        share_of = zlib.crc32(path.stem.encode()) % 2
        if len(broken[share_of]) < 3:
            broken[share_of].append(path)
    for path in broken[0] + broken[1]:
        path.write_text(path.read_text(encoding="utf-8") + "birthplace: Paris\n", encoding="utf-8")
    twin = broken[1][0]
    shutil.copy(twin, entities / "organizations" / twin.name)
    (entities / "stray.txt").write_text("not an entity\n", encoding="utf-8")
    with open(broken[0][1], "a", encoding="utf-8") as stream:
        stream.write("name: Twice\n")
    one = read(False)
    assert read(True) == one
    # neither the copy's twin (its id taken) nor a file that does not parse is checked on its own
    assert sum("birthplace" in line for line in one) == 4
    assert sum("duplicate id" in line for line in one) == 1 and sum("duplicate key 'name'" in line for line in one) == 1
    assert sum("stray.txt" in line for line in one) == 1 and len(one) == 8
