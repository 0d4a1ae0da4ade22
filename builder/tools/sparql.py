"""SPARQL over the graph with limits, for every entry point that runs a query for
someone else (`policygraph query`, `policygraph serve-sparql`): no `SERVICE` (a
query must not make this machine fetch other addresses), a time limit, a memory limit
and a cap on the answer (the SPARQL 1.1 Protocol's security considerations).

Each query runs on pyoxigraph in a child process that is killed at its time limit:
an engine cannot be interrupted from inside (Oxigraph's own server keeps counting a
cartesian product long after its `--timeout-s` and after the client has gone)."""

from __future__ import annotations

import csv
import faulthandler
import io
import json
import multiprocessing
import re
import resource
from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox

from builder.csv_cells import safe_cell
from builder.errors import QueryError
from builder.processes import die_with_parent
from builder.rdf.query_text import refuse_service

TIMEOUT_S = 30
MAX_ROWS = 100_000
MAX_RESULT_BYTES = 64 * 1024 * 1024
MEMORY_BYTES = 2 * 1024 ** 3

@dataclass(frozen=True)
class Limits:
    timeout: float = TIMEOUT_S
    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_RESULT_BYTES
    memory: int = MEMORY_BYTES


@dataclass(frozen=True)
class Answer:
    """A query's answer: its bytes, their media type, and whether rows were left out."""

    data: bytes
    media_type: str
    truncated: bool = False


# The formats an answer can take: the SPARQL results formats (and a plain-text table,
# and CSV safe for spreadsheets) for SELECT and ASK, RDF formats for CONSTRUCT/DESCRIBE.
TABLE, SAFE_CSV = "text/plain", "text/csv; policygraph=safe"


def run_query(open_store: Callable[[], ox.Store], text: str, result_format: str, prefixes: dict[str, str],
              limits: Limits = Limits(), graph_format: str = "text/turtle",
              context: multiprocessing.context.BaseContext | None = None) -> Answer:
    """Evaluate `text` in a child process over the store `open_store()` gives (called in
    the child); raise QueryError for a syntax error, SERVICE, or a query over its limits."""
    refuse_service(text)
    context = context or multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_evaluate, args=(send, open_store, text, result_format, graph_format, prefixes,
                                                     limits), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.timeout):
            raise QueryError(f"SPARQL error: the query ran for over {limits.timeout:g} s and was stopped; "
                             "narrow it (fewer unbound patterns, a LIMIT)")
        try:
            kind, payload = receive.recv()
        except EOFError:
            raise QueryError("SPARQL error: the query used more memory than allowed "
                             f"({limits.memory // 1024 ** 2:,} MB) and was stopped") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "error":
        raise QueryError(f"SPARQL error: {payload}")
    return payload


def _evaluate(send, open_store, text: str, result_format: str, graph_format: str, prefixes: dict[str, str],
              limits: Limits) -> None:
    die_with_parent()
    faulthandler.disable()  # an engine out of memory aborts: that is reported as such, without a dump
    # The limit is on what the query adds: a fork starts with its parent's address space.
    allowed = _address_space() + limits.memory
    try:
        resource.setrlimit(resource.RLIMIT_AS, (allowed, allowed))
    except (ValueError, OSError):  # a lower hard limit is already set: keep it
        pass
    try:
        result = open_store().query(text, prefixes=prefixes)
        answer = format_answer(result, result_format, graph_format, prefixes, limits.max_rows)
        if len(answer.data) > limits.max_bytes:
            raise ValueError(f"the answer is larger than {limits.max_bytes // 1024 ** 2:,} MB: add a LIMIT")
        send.send(("ok", answer))
    except (SyntaxError, OSError, ValueError, MemoryError) as error:
        send.send(("error", str(error).strip() or type(error).__name__))
    finally:
        send.close()


def _address_space() -> int:
    """This process's virtual memory size in bytes (0 where /proc is missing)."""
    try:
        status = open("/proc/self/status").read()
    except OSError:
        return 0
    return int(status.split("VmSize:")[1].split()[0]) * 1024


def format_answer(result, result_format: str, graph_format: str, prefixes: dict[str, str],
                  max_rows: int) -> Answer:
    if isinstance(result, ox.QueryTriples):
        triples, truncated = _take(result, max_rows)
        rdf_format = ox.RdfFormat.from_media_type(graph_format) or ox.RdfFormat.TURTLE
        data = ox.serialize(triples, format=rdf_format,
                            prefixes=prefixes if rdf_format == ox.RdfFormat.TURTLE else None)
        return Answer(data, rdf_format.media_type, truncated)
    if result_format in (TABLE, SAFE_CSV):
        if isinstance(result, ox.QueryBoolean):
            names, rows, truncated = ["boolean"], [["true" if result else "false"]], False
        else:
            names = [v.value for v in result.variables]
            solutions, truncated = _take(result, max_rows)
            rows = [["" if s[n] is None else s[n].value for n in names] for s in solutions]
        if result_format == SAFE_CSV:
            return Answer(csv_text([names, *rows]).encode(), "text/csv; charset=utf-8", truncated)
        if isinstance(result, ox.QueryBoolean):
            return Answer(rows[0][0].encode() + b"\n", TABLE)
        return Answer(table_text(names, rows, truncated).encode(), "text/plain; charset=utf-8", truncated)
    results_format = ox.QueryResultsFormat.from_media_type(result_format) or ox.QueryResultsFormat.JSON
    if isinstance(result, ox.QueryBoolean):
        return Answer(result.serialize(format=results_format), results_format.media_type)
    solutions, truncated = _take(result, max_rows)
    data = _solutions(result.variables, solutions, results_format)
    return Answer(data, results_format.media_type, truncated)


def _solutions(variables, solutions: list, results_format) -> bytes:
    if results_format == ox.QueryResultsFormat.JSON:
        return _json([v.value for v in variables], solutions)
    rows = io.BytesIO()
    rebuilt = ox.parse_query_results(_json([v.value for v in variables], solutions),
                                     format=ox.QueryResultsFormat.JSON)
    rebuilt.serialize(rows, format=results_format)
    return rows.getvalue()


def _take(iterator, limit: int) -> tuple[list, bool]:
    taken = []
    for item in iterator:
        if len(taken) == limit:
            return taken, True
        taken.append(item)
    return taken, False


def _json(names: list[str], solutions: list) -> bytes:
    bindings = []
    for solution in solutions:
        row = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                row[name] = {"type": "uri", "value": term.value}
            elif isinstance(term, ox.BlankNode):
                row[name] = {"type": "bnode", "value": term.value}
            else:
                row[name] = {"type": "literal", "value": term.value}
                if term.language:
                    row[name]["xml:lang"] = term.language
                elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                    row[name]["datatype"] = term.datatype.value
        bindings.append(row)
    return (json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False,
                       indent=1) + "\n").encode()


# OWASP's rule for CSV injection: a cell that a spreadsheet would read as a formula
# (or that hides one behind a tab or carriage return) is prefixed with a quote.


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([[safe_cell(str(cell)) for cell in row] for row in rows])
    return buffer.getvalue()


def table_text(names: list[str], rows: list[list[str]], truncated: bool = False) -> str:
    shown = [[re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", c) for c in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in shown]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in shown]
    more = " (more rows were left out: add a LIMIT or narrow the query)" if truncated else ""
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}){more}")
    return "\n".join(lines) + "\n"


class MemoryStore:
    """Opens (in the query's child process) an in-memory store of the given RDF data."""

    def __init__(self, content: list[tuple[bytes, ox.RdfFormat]]) -> None:
        self.content = content

    def __call__(self) -> ox.Store:
        store = ox.Store()
        for data, rdf_format in self.content:
            store.bulk_load(data, rdf_format)
        return store


class DiskStore:
    """Opens an on-disk store read-only (picklable: the server's children open it anew)."""

    def __init__(self, location: str) -> None:
        self.location = location

    def __call__(self) -> ox.Store:
        return ox.Store.read_only(self.location)
