"""Exports for network tools (Gephi, networkx, igraph, Cytoscape): nodes and edges as
CSV, and the same multigraph as GraphML and GEXF. Attributes keep their types (counts
as integers, flags as booleans), names come in every label language, dates keep their
precision (`2025-04` stays a month), edges name the ids of their sources, and the GEXF
is dynamic: each relation's dates make its time interval on Gephi's timeline."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import networkx as nx

from builder.csv_cells import safe_cell
from builder.model import Corpus, EDate, Relation
from builder.paths import page_url


def _languages(corpus: Corpus) -> tuple[str, ...]:
    return corpus.vocabulary.label_languages


def _date(prefix: str, value: EDate | None) -> dict:
    """A date and its precision (year, month, day), empty when there is none."""
    return {prefix: str(value) if value else "", f"{prefix}_precision": value.precision if value else ""}


def node_rows(corpus: Corpus) -> list[dict]:
    rows = []
    for e in corpus.entities.values():
        if corpus.is_source(e.id):
            continue
        labels = {f"label_{lang}": e.names.get(lang, e.name) for lang in _languages(corpus)}
        rows.append({"id": e.id, "label": e.name, **labels, "type": e.type, "subtype": e.subtype or "",
                     "kind": e.kind, "page": page_url(e), "degree": corpus.degree(e.id), **_date("date", e.when)})
    return rows


def edge_row(corpus: Corpus, relation: Relation) -> dict:
    v = corpus.vocabulary
    predicate = v.predicates[relation.predicate]
    labels = {f"label_{lang}": predicate.label.get(lang) for lang in _languages(corpus)}
    return {"source": relation.subject, "target": relation.target, "predicate": relation.predicate,
            "label": predicate.label.site, **labels, "role": relation.role or "", "status": relation.status,
            "truthy": relation.status in v.truthy_statuses,
            **_date("start_date", relation.start), **_date("end_date", relation.end), **_date("date", relation.date),
            "sources": " ".join(dict.fromkeys(c.source for c in relation.citations)),
            "citations": len(relation.citations), "statement": f"{relation.subject}#{relation.key}"}


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows([{k: safe_cell(v) for k, v in row.items()} for row in rows])
    return buffer.getvalue().encode("utf-8")


def network(corpus: Corpus, nodes: list[dict], edges: list[dict], dynamic: bool = False) -> nx.MultiDiGraph:
    """The multigraph of the rows (node_rows, edge_row of each relation in order), with
    typed attributes; `dynamic`: with each edge's and dated node's time interval as
    `start` and `end` (GEXF spells)."""
    graph = nx.MultiDiGraph(name="policygraph")
    for row in nodes:
        attributes = {k: v for k, v in row.items() if k != "id" and v != ""}
        if dynamic and row["date"]:
            attributes["start"] = corpus[row["id"]].when.earliest
        graph.add_node(row["id"], **attributes)
    for relation, row in zip(corpus.relations, edges, strict=True):
        attributes = {k: v for k, v in row.items() if k not in ("source", "target") and v != ""}
        if dynamic and relation.dates:
            attributes["start"] = min(d.earliest for d in relation.dates)
            attributes["end"] = max(d.latest for d in relation.dates)
        graph.add_edge(row["source"], row["target"], key=row["statement"], **attributes)
    return graph


def network_export_files(corpus: Corpus) -> Iterator[tuple[str, bytes]]:
    """The exports by file name, each made once the one before is given out (at scale,
    each is hundreds of megabytes, and the GEXF's element tree several times that)."""
    nodes, edges = node_rows(corpus), [edge_row(corpus, r) for r in corpus.relations]
    yield "nodes.csv", _csv(nodes)
    yield "edges.csv", _csv(edges)
    graphml = io.BytesIO()
    nx.write_graphml(network(corpus, nodes, edges), graphml, encoding="utf-8")
    yield "graph.graphml", graphml.getvalue()
    del graphml
    gexf = io.BytesIO()
    nx.write_gexf(network(corpus, nodes, edges, dynamic=True), gexf, encoding="utf-8")
    yield "graph.gexf", _without_date(gexf.getbuffer())


def _without_date(gexf: memoryview) -> bytes:
    """networkx stamps GEXF files with today's date; builds must not depend on the clock."""
    stamp = b'lastmodifieddate="'
    start = bytes(gexf[:4096]).find(stamp)  # in the header
    if start < 0:
        return bytes(gexf)
    end = bytes(gexf[start + len(stamp):start + len(stamp) + 64]).index(b'"') + start + len(stamp)
    return b"".join((gexf[:start], b'lastmodifieddate="1970-01-01"', gexf[end + 1:]))
