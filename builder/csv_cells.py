"""OWASP's rule against CSV injection, for every CSV the project writes (`nodes.csv`,
`edges.csv`, `policygraph query --format csv`; the query page's download follows the
same rule in JavaScript): a text a spreadsheet would read as a formula, or one hiding a
formula behind a tab or a carriage return, starts with a quote. Numbers and flags are
written as they are; the csv module quotes line breaks."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
