"""`policygraph diff` between two real commits of a git repository."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from builder.tools.cli import main
from builder.tools.diff import DiffError, diff_revisions, render_diff

from conftest import MINI


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "test@example.org")
    git(tmp_path, "config", "user.name", "Test")
    shutil.copytree(MINI, tmp_path / "entities")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    agency = tmp_path / "entities/organizations/demo-agency.yaml"
    agency.write_text(agency.read_text().replace("A fictional agency used by the test suite.", "A changed summary."))
    act = tmp_path / "entities/laws/demo-act.yaml"
    act.write_text(act.read_text().split("  - predicate: adopted-by")[0])
    ada = tmp_path / "entities/people/ada-example.yaml"
    ada.write_text(ada.read_text().replace("    status: opinion\n", "    status: alleged\n"))
    (tmp_path / "entities/events/demo-hearing.yaml").unlink()
    bot = tmp_path / "entities/products/demo-bot.yaml"
    bot.write_text(bot.read_text().split("relations:")[0])
    (tmp_path / "entities/people/bo-example.yaml").write_text(
        "type: person\nname: Bo Example\nsummary: Another person.\nrelations:\n  - predicate: works-for\n"
        "    target: demo-agency\n    start: 2026\n    sources:\n      - source: demo-2025-12-02-article\n"
        "        quote: \"au sujet du robot\"\n        translation: {en: about the robot}\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "head")
    return tmp_path


def test_text_diff_between_two_commits(repo):
    text = render_diff(diff_revisions(repo, "HEAD~1", "HEAD"))
    assert text.splitlines() == [
        "Graph diff HEAD~1..HEAD: entities +1 -1 ~1; relations +1 -3 ~1",
        "+ entity people/bo-example: Bo Example (person)",
        "- entity events/demo-hearing: Demo hearing (investigation)",
        "~ entity organizations/demo-agency: summary",
        "+ relation bo-example works-for demo-agency (2026) [reported]",
        "- relation demo-hearing involves ada-example [reported]",
        "- relation demo-act adopted-by demo-agency (2024-05-21) [reported]",
        "- relation demo-bot participates-in demo-hearing [reported]",
        "~ relation ada-example criticizes demo-act: status",
    ]


def test_markdown_diff(repo):
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--format", "markdown", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "### Graph diff `HEAD~1..HEAD`"
    assert "| entities | 1 | 1 | 1 |" in lines and "| relations | 1 | 3 | 1 |" in lines
    assert "| added | Bo Example (people/bo-example) | person | |" in lines


def test_no_change(repo):
    assert "No change to the graph." in render_diff(diff_revisions(repo, "HEAD", "HEAD"))


def test_invalid_revision_or_content(repo):
    with pytest.raises(DiffError):
        diff_revisions(repo, "no-such-branch", "HEAD")
    (repo / "entities/people/bad.yaml").write_text("type: person\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bad")
    with pytest.raises(DiffError) as info:
        diff_revisions(repo, "HEAD~1", "HEAD")
    assert "HEAD does not validate" in str(info.value)
    assert "entities/people/bad.yaml:1:1: missing required key 'name'" in str(info.value)


def test_contributor_text_cannot_drive_the_ci_log():
    """Whatever reaches the diff (a summary, a role) is printed, never acted on: escape
    sequences, carriage returns and direction overrides come out as visible escapes."""
    from builder.tools.diff import visible
    hostile = "ok\x1b[2K\r::error::forged\u202eevil"
    assert visible(hostile) == "ok\\x1b[2K\\x0d::error::forged\\u202eevil"
    assert "\x1b" not in visible(hostile) and "\r" not in visible(hostile)
