"""The contributor tooling in the repository: GitHub Actions workflows checked against
the published workflow schema, the pre-commit configuration, the make targets they use."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def test_there_are_workflows():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_the_github_workflow_schema(workflow):
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                             "vendor.github-workflows", str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_use_the_readme_make_targets(workflow):
    steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"].values() for step in job["steps"]]
    commands = " ".join(step.get("run", "") for step in steps)
    targets = set(re.findall(r"\bmake (\w+)", commands))
    makefile = (ROOT / "Makefile").read_text()
    assert targets and all(re.search(rf"^{t}:", makefile, re.M) for t in targets)
    assert "make site" in commands


def test_pull_request_workflow_annotates_and_summarizes():
    text = (ROOT / ".github/workflows/pull-request.yml").read_text()
    assert "make validate FORMAT=github" in text and "GITHUB_STEP_SUMMARY" in text and "make test" in text


def test_pre_commit_configuration_is_valid():
    config = ROOT / ".pre-commit-config.yaml"
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(config)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = [hook["id"] for repo in yaml.safe_load(config.read_text())["repos"] for hook in repo["hooks"]]
    assert hooks == ["policygraph-validate", "policygraph-schemas", "ruff"]


def test_ruff_finds_nothing():
    """Dead code, unused imports, import order and tangled functions (pyproject.toml's
    [tool.ruff]) never need a reviewer."""
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "builder", "tests"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
