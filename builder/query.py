"""SPARQL over the graph from Python (the `policygraph query` command): rdflib over
the data graph and the vocabulary, with the site's prefixes predeclared."""

from __future__ import annotations

import csv
import io


from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from .errors import PolicygraphError
from .graph import build_graph, build_vocabulary_graph
from .model import Corpus


class QueryError(PolicygraphError):
    """The SPARQL text could not be parsed or evaluated."""


def full_graph(corpus: Corpus, site_url: str) -> Graph:
    graph = build_graph(corpus, site_url)
    graph += build_vocabulary_graph(corpus.vocabulary, site_url)
    return graph


def prefixes(graph: Graph) -> dict[str, str]:
    return {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}


def run_query(corpus: Corpus, site_url: str, text: str) -> Result:
    graph = full_graph(corpus, site_url)
    try:
        return graph.query(text, initNs=prefixes(graph))
    except Exception as error:  # rdflib raises pyparsing and evaluation errors of many types
        raise QueryError(f"SPARQL error: {error}") from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (URIRef, Literal)):
        return str(value)
    return str(value)


def format_result(result: Result, output_format: str) -> str:
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph.serialize(format="turtle")
    names = [str(v) for v in result.vars]
    rows = [[_cell(row[i]) for i in range(len(names))] for row in result]
    if output_format == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buffer.getvalue()
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"



