"""The `policygraph` command: help texts, exit codes, output formats."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from builder.pipeline import load_corpus
from builder.tools.cli import main

from conftest import MINI, ROOT, write_tree

COMMANDS = ["validate", "build", "export", "query", "new"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(main.commands[command].help or "") > 20


def test_validate_ok():
    result = CliRunner().invoke(main, ["validate", "--entities", str(MINI)])
    assert result.exit_code == 0
    assert result.output == "7 entities, 7 relations: valid.\n"


def test_validate_reports_every_error_and_exits_1(tmp_path, monkeypatch):
    write_tree(tmp_path, {"entities/people/a.yaml": "type: person\nname: A\nsumary: x\n",
                          "entities/people/b.yaml": "type: persn\nname: B\nsummary: x\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "entities/people/a.yaml:1:1: missing required key 'summary' "
        "(One neutral sentence in English saying who or what this is.)",
        "entities/people/a.yaml:3:1: unknown key 'sumary' for a person (did you mean 'summary'?)",
        "entities/people/b.yaml:1:7: unknown type 'persn' (files in entities/people/ have `type: person`)",
        "3 errors in entity files; nothing was built.",
    ]


def test_validate_github_annotations(tmp_path, monkeypatch):
    write_tree(tmp_path, {"entities/people/a.yaml": "type: person\nname: A\nsummary: x\nrole: y\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--format", "github"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "::error file=entities/people/a.yaml,line=4,col=1,title=policygraph validate::"
        "unknown key 'role' for a person (did you mean 'roles'?)")


def _mini_project(tmp_path):
    shutil.copytree(MINI, tmp_path / "entities")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def test_query_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    query = "SELECT ?name WHERE { ?e a pg:Organization ; schema:name ?name } ORDER BY ?name"
    table = CliRunner().invoke(main, ["query", query])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[-1] == "(2 rows)"
    rows = list(csv.reader(io.StringIO(CliRunner().invoke(main, ["query", query, "--format", "csv"]).output)))
    assert rows[0] == ["name"]
    assert sorted(rows[1:]) == [["Agence de démonstration"], ["Demo Agency"]]
    data = json.loads(CliRunner().invoke(main, ["query", query, "--format", "json"]).output)
    languages = sorted(b["name"].get("xml:lang", "") for b in data["results"]["bindings"])
    assert languages == ["en", "fr"]


def test_query_from_file_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    (tmp_path / "q.rq").write_text("ASK { ?s pg:holdsRoleAt ?o }", encoding="utf-8")
    assert CliRunner().invoke(main, ["query", "q.rq"]).output == "true\n"
    bad = CliRunner().invoke(main, ["query", "SELECT ?s WHERE { ?s a }"])
    assert bad.exit_code == 1 and bad.output.startswith("SPARQL error: ")


def test_export_writes_files(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    result = CliRunner().invoke(main, ["export", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "edges.csv", "graph.gexf", "graph.graphml", "graph.jsonld", "graph.nt", "graph.nt.gz", "graph.ttl", "nodes.csv",
        "shapes.ttl", "vocabulary.ttl", "void.ttl"]


def test_new_writes_valid_files(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    runner = CliRunner()
    assert runner.invoke(main, ["new", "people", "Émile Zöla"]).output == "Created entities/people/emile-zola.yaml\n"
    assert runner.invoke(main, ["new", "organization", "Conseil de l'UE"]).exit_code == 0
    result = runner.invoke(main, ["new", "source", "Un titre : l’IA", "--publisher", "Next",
                                  "--date", "2025-12-02", "--language", "fr"])
    assert result.output == "Created entities/sources/next-2025-12-02-un-titre-l-ia.yaml\n"
    corpus = load_corpus(tmp_path / "entities", root=tmp_path)
    assert corpus["emile-zola"].name == "Émile Zöla"
    assert corpus["conseil-de-l-ue"].type == "organization"
    assert corpus["next-2025-12-02-un-titre-l-ia"].facts["title"] == "Un titre : l’IA"
    again = runner.invoke(main, ["new", "people", "Emile Zola"])
    assert again.exit_code == 1 and "exists already" in again.output
    missing = runner.invoke(main, ["new", "source", "T"])
    assert missing.exit_code == 1 and "a source needs --publisher, --date, --language" in missing.output


def test_new_source_archives_its_text(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    (tmp_path / "article.txt").write_text("Un titre\n\nLe texte de l’article, tel que publié.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "source", "Un titre", "--publisher", "Next", "--date", "2025-12-02",
                                       "--language", "fr", "--text", "article.txt"])
    assert result.exit_code == 0, result.output
    archived = tmp_path / "entities/sources/next-2025-12-02-un-titre.txt"
    assert archived.read_text(encoding="utf-8") == (tmp_path / "article.txt").read_text(encoding="utf-8")
    source = load_corpus(tmp_path / "entities", root=tmp_path)["next-2025-12-02-un-titre"]
    assert source.text.startswith("Un titre") and "text_unavailable" not in source.facts


def test_new_refuses_values_that_would_inject_keys(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    result = CliRunner().invoke(main, ["new", "source", "T", "--publisher", "P\nauthor: x", "--date", "2025-12-02",
                                       "--language", "fr\nurl: javascript:alert(1)"])
    assert result.exit_code == 1 and "--language" in result.output
    result = CliRunner().invoke(main, ["new", "source", "T", "--publisher", "P\nauthor: x", "--date", "2025-12-02",
                                       "--language", "fr"])
    assert result.exit_code == 0
    source = load_corpus(tmp_path / "entities", root=tmp_path)["p-author-x-2025-12-02-t"]
    assert source.facts["publisher"] == "P author: x"
    assert "author" not in source.facts


def test_new_file_is_commented_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(_mini_project(tmp_path))
    CliRunner().invoke(main, ["new", "laws", "Loi SREN"])
    text = (tmp_path / "entities/laws/loi-sren.yaml").read_text(encoding="utf-8")
    assert "# relations:" in text and "# jurisdiction:" in text
    assert yaml.safe_load(text)["type"] == "law"


def test_new_refuses_a_flag_that_would_inject_keys(tmp_path, monkeypatch):
    """`--language` once went raw into the YAML; a newline (even a final one, which `$`
    lets through) is refused, and every value is written as a quoted YAML string."""
    monkeypatch.chdir(_mini_project(tmp_path))
    runner = CliRunner()
    for language in ("fr\nurl: https://evil.example/", "fr\n"):
        result = runner.invoke(main, ["new", "source", "T", "--publisher", "Next", "--date", "2025-12-02",
                                      "--language", language])
        assert result.exit_code == 1 and "write a two-letter language code" in result.output
    result = runner.invoke(main, ["new", "source", "T", "--publisher", "Next\nurl: https://evil.example/",
                                  "--date", "2025-12-02\n", "--language", "fr"])
    assert result.exit_code == 1 and "--date" in result.output
    result = runner.invoke(main, ["new", "source", "T: x\nurl: https://evil.example/", "--publisher",
                                  "Next\nauthor: Evil", "--date", "2025-12-02", "--language", "fr"])
    assert result.exit_code == 0, result.output
    corpus = load_corpus(tmp_path / "entities", root=tmp_path)
    source = next(s for s in corpus.sources() if s.facts["title"].startswith("T: x"))
    assert "url" not in source.facts and "author" not in source.facts
