"""`make bench` stays runnable: a tiny synthetic corpus goes through every stage and the
whole-site build, and the report has every row with a number. Nothing about time is
asserted (shared machines are noisy: the figures are for people to read)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from builder.dev.bench import PER_ENTITY, TIMES

from conftest import ROOT

pytestmark = pytest.mark.site  # builds sites in subprocesses


def test_bench_reports_every_figure():
    result = subprocess.run([sys.executable, "-m", "builder.dev.bench", "60", "--runs", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = dict(line.split(" | ", 1) for line in result.stdout.splitlines()[2:])
    for row in TIMES:
        assert re.fullmatch(r"[\d,]+\.\d\d s", rows[row]), (row, rows.get(row))
    assert float(rows["peak memory MB, data process"].replace(",", "")) > 0
    assert int(rows["page count"].replace(",", "")) > 60
    assert float(rows["typical entity page KB"]) > 1
    for row in PER_ENTITY:
        assert float(rows[row].replace(",", "")) > float(rows["typical entity page KB"]) * 0.5, row


def test_preview_benchmark_sees_each_edit():
    """`mkdocs serve --dirty` over a small corpus: a summary edit and a new relation show
    on the served page, and the new relation in the page's network data."""
    result = subprocess.run([sys.executable, "-m", "builder.dev.bench", "--preview", "80", "--runs", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    for name in ("summary edit", "new relation", "new relation, in the page's network"):
        assert re.search(rf"preview N=80, {re.escape(name)}: median \d+\.\d\d s", result.stdout), result.stdout


@pytest.mark.browser
def test_reader_benchmark_reports_what_a_reader_transfers():
    """In Chromium over a small site: an entity page on arrival, with its network drawn
    and with its second hop (the neighbours' network files), two searches, the explorer's first draw, and the query page's decision, each with a number."""
    result = subprocess.run([sys.executable, "-m", "builder.dev.bench", "--reader", "80", "--runs", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = dict(line.strip().rsplit(": ", 1) for line in result.stdout.splitlines()[1:-1])
    arrival = float(figures["entity page, first visit, first screen, KB"].replace(",", ""))
    drawn = float(figures["entity page, first visit, with its network drawn, KB (in all)"].replace(",", ""))
    assert 10 < arrival <= drawn and drawn > 50
    assert float(figures["entity page, its network's second hop, KB (more)"].replace(",", "")) > 0.5
    assert float(figures["search, first query, KB"].replace(",", "")) > 1
    assert float(figures["explorer first draw, KB (page included)"].replace(",", "")) > 50
    assert int(figures["explorer entities drawn"].replace(",", "")) > 10
    assert re.search(r"query page: graph\.nt [\d.]+ MB, graph\.nt\.gz [\d.]+ MB; loaded in the tab",
                     result.stdout.splitlines()[-1])
