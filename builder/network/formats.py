"""Exports for network tools (Gephi, networkx, igraph, Cytoscape): nodes and edges as
CSV, and the same multigraph as GraphML and GEXF, with types, labels and dates."""

from __future__ import annotations

import csv
import io

import networkx as nx

from builder.model import Corpus, Relation
from builder.paths import page_url

NODE_FIELDS = ("id", "label", "type", "subtype", "kind", "page", "degree", "date")
EDGE_FIELDS = ("source", "target", "predicate", "label", "status", "start", "end", "date", "sources", "statement")


_GRAPH_NAMES = {"start": "start_date", "end": "end_date", "date": "date"}


def _node_rows(corpus: Corpus) -> list[dict]:
    return [{"id": e.id, "label": e.name, "type": e.type, "subtype": e.subtype or "", "kind": e.kind,
             "page": page_url(e), "degree": corpus.degree(e.id), "date": e.sort_date}
            for e in corpus.entities.values() if not corpus.is_source(e.id)]


def _edge_row(corpus: Corpus, relation: Relation) -> dict:
    return {"source": relation.subject, "target": relation.target, "predicate": relation.predicate,
            "label": corpus.vocabulary.predicates[relation.predicate].label.site, "status": relation.status,
            "start": str(relation.start or ""), "end": str(relation.end or ""), "date": str(relation.date or ""),
            "sources": len(relation.citations), "statement": f"{relation.subject}#{relation.key}"}


def _csv(fields, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def network(corpus: Corpus) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name="policygraph")
    for row in _node_rows(corpus):
        graph.add_node(row["id"], **{k: str(v) for k, v in row.items() if k != "id"})
    for relation in corpus.relations:
        row = _edge_row(corpus, relation)
        # `start` and `end` would make GEXF read the edge as dynamic (a time interval)
        attributes = {_GRAPH_NAMES.get(k, k): str(v) for k, v in row.items() if k not in ("source", "target")}
        graph.add_edge(row["source"], row["target"], key=row["statement"], **attributes)
    return graph


def render_network_exports(corpus: Corpus) -> dict[str, bytes]:
    graph = network(corpus)
    graphml, gexf = io.BytesIO(), io.BytesIO()
    nx.write_graphml(graph, graphml, encoding="utf-8")
    nx.write_gexf(graph, gexf, encoding="utf-8")
    return {
        "nodes.csv": _csv(NODE_FIELDS, _node_rows(corpus)),
        "edges.csv": _csv(EDGE_FIELDS, [_edge_row(corpus, r) for r in corpus.relations]),
        "graph.graphml": graphml.getvalue(),
        "graph.gexf": _without_date(gexf.getvalue()),
    }


def _without_date(gexf: bytes) -> bytes:
    """networkx stamps GEXF files with today's date; builds must not depend on the clock."""
    text = gexf.decode("utf-8")
    start = text.find('lastmodifieddate="')
    if start >= 0:
        end = text.index('"', start + len('lastmodifieddate="'))
        text = text[:start] + 'lastmodifieddate="1970-01-01"' + text[end + 1:]
    return text.encode("utf-8")
