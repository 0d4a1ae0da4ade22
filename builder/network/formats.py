"""Exports for network tools (Gephi, networkx, igraph, Cytoscape): nodes and edges as
CSV, and the same multigraph as GraphML and GEXF. Attributes keep their types (counts
as integers, flags as booleans), names come in every label language, dates keep their
precision (`2025-04` stays a month), edges name the ids of their sources, and the GEXF
is dynamic: each relation's dates make its time interval on Gephi's timeline."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ElementTree, tostring

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

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
            "citations": len(relation.citations), "statement": _statement(relation)}


def _statement(relation: Relation) -> str:
    """A relation's statement as the exports name it (their edges' key): `subject#key`."""
    return f"{relation.subject}#{relation.key}"


def _csv(rows: Iterable[dict]) -> bytes:
    rows = iter(rows)
    first = next(rows, None)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(first) if first else [], lineterminator="\n")
    writer.writeheader()
    if first is not None:
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in itertools.chain([first], rows))
    return buffer.getvalue().encode("utf-8")


def network(corpus: Corpus, nodes: list[dict], edges: Iterable[dict], dynamic: bool = False) -> nx.MultiDiGraph:
    """The multigraph of the rows (node_rows, edge_row of each relation in order), with
    typed attributes; `dynamic`: with each edge's and dated node's time interval as
    `start` and `end` (GEXF spells)."""
    graph = nx.MultiDiGraph(name="policygraph")
    for row in nodes:
        graph.add_node(row["id"], **{k: v for k, v in row.items() if k != "id" and v != ""})
    for row in edges:
        graph.add_edge(row["source"], row["target"], key=row["statement"],
                       **{k: v for k, v in row.items() if k not in ("source", "target") and v != ""})
    return with_times(corpus, graph) if dynamic else graph


def with_times(corpus: Corpus, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph of `network`, given in place each edge's and dated node's time interval
    as `start` and `end` (GEXF spells), after their other attributes."""
    for node, attributes in graph.nodes(data=True):
        if "date" in attributes:
            attributes["start"] = corpus[node].when.earliest
    for relation in corpus.relations:
        if relation.dates:
            attributes = graph.edges[relation.subject, relation.target, _statement(relation)]
            attributes["start"] = min(d.earliest for d in relation.dates)
            attributes["end"] = max(d.latest for d in relation.dates)
    return graph


NETWORK_EXPORTS = ("nodes.csv", "edges.csv", "graph.graphml", "graph.gexf")  # network_export_files' names


def network_export_files(corpus: Corpus, scratch: Path | None = None) -> Iterator[tuple[str, Iterable[bytes]]]:
    """The exports by file name, each in pieces to be joined (or compressed one after
    the other) before the next is asked for, made once the one before is given out. The
    XML ones are written to a temporary file (in `scratch`, the system's temporary folder
    if None) and read back a block at a time: at scale, each is hundreds of megabytes."""
    nodes = node_rows(corpus)

    def edges() -> Iterator[dict]:  # made again for each file: held, they would be half a million dicts
        return (edge_row(corpus, r) for r in corpus.relations)

    yield "nodes.csv", [_csv(nodes)]
    yield "edges.csv", [_csv(edges())]
    graph = network(corpus, nodes, edges())
    with tempfile.TemporaryFile(dir=scratch) as spill:
        nx.write_graphml(graph, spill, encoding="utf-8")  # lxml's: written as it goes
        yield "graph.graphml", _read_back(spill, 0, spill.tell())
    with tempfile.TemporaryFile(dir=scratch) as spill:  # the same graph, with its times
        yield "graph.gexf", gexf(with_times(corpus, graph), spill)


READ_BLOCK = 1 << 20


def _read_back(spill: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    """The bytes of `spill` from `start` to `end`, a block at a time."""
    spill.seek(start)
    while start < end:
        block = spill.read(min(READ_BLOCK, end - start))
        start += len(block)
        yield block


def gexf(graph: nx.MultiDiGraph, spill: BinaryIO | None = None) -> Iterator[bytes]:
    """networkx's GEXF of `graph`, byte for byte (but for its date, 1970-01-01: builds
    must not depend on the clock), in pieces: networkx's writer holds an element tree of
    the whole graph, several times the size of the file; this one makes the elements of
    CHUNK nodes or edges at a time and writes them at once to `spill` (a binary file open
    for reading and writing; in memory if None), read back as the pieces are asked for."""
    return _ChunkedGEXF().pieces(graph, spill if spill is not None else io.BytesIO())


class _ChunkedGEXF(GEXFWriter):
    """GEXFWriter's own elements and formatting, for a chunk of nodes or edges at a time
    (given to it as a small graph of their own, in the whole graph's order), written to a
    spill file; the declarations it collects meanwhile (attributes, time format) go into
    the document's skeleton, written last and put around the chunks."""

    CHUNK = 5_000
    LEVEL = 3  # gexf > graph > nodes > node
    SEPARATOR = ("\n" + "  " * LEVEL).encode()

    def pieces(self, graph: nx.MultiDiGraph, spill: BinaryIO) -> Iterator[bytes]:
        for _, _, data in graph.edges(data=True):  # as GEXFWriter.add_graph
            if data.get("id") is not None:
                self.all_edge_ids.add(str(data["id"]))
        self.graph_element = Element("graph", defaultedgetype="directed" if graph.is_directed() else "undirected",
                                     mode="dynamic" if graph.graph.get("mode") == "dynamic" else "static",
                                     name=graph.graph.get("name", ""))
        nodes = self._chunks(graph, "nodes", self.add_nodes, self._node_chunks(graph), spill)
        edges = self._chunks(graph, "edges", self.add_edges, self._edge_chunks(graph), spill)
        for name, (start, end) in (("nodes", nodes), ("edges", edges)):
            container = Element(name)
            if end > start:
                container.append(Element(f"policygraph-{name}"))
            self.graph_element.append(container)
        self.xml.find("meta").set("lastmodifieddate", "1970-01-01")
        self.xml.append(self.graph_element)
        self.indent(self.xml)
        skeleton = io.BytesIO()
        ElementTree(self.xml).write(skeleton, encoding=self.encoding, xml_declaration=True)
        text = skeleton.getvalue()
        del skeleton, graph
        for name, (start, end) in (("nodes", nodes), ("edges", edges)):
            if end > start:
                before, text = text.split(f"<policygraph-{name} />".encode(), 1)
                yield before
                yield from _read_back(spill, start, end)
        yield text

    def _chunks(self, graph, name: str, add, subgraphs, spill: BinaryIO) -> tuple[int, int]:
        """The elements of `subgraphs` written to `spill`: where they start and end in it."""
        start = spill.tell()
        for subgraph in subgraphs:
            holder = Element("graph")
            add(subgraph, holder)
            container = holder.find(name)
            elements = list(container)
            if not elements:
                continue
            for element in elements:  # each indented on its own, then one after the other
                self.indent(element, self.LEVEL)
                element.tail = self.SEPARATOR.decode()
            elements[-1].tail = None
            written = tostring(container, encoding=self.encoding)  # at once: a call per element costs more than its text
            inside = written[written.index(b">") + 1:written.rindex(b"</")]  # the elements, without their container
            spill.write((self.SEPARATOR if spill.tell() > start else b"") + inside)
        return start, spill.tell()

    def _node_chunks(self, graph) -> Iterator[nx.MultiDiGraph]:
        items = iter(graph.nodes(data=True))
        while chunk := list(islice(items, self.CHUNK)):
            subgraph = graph.__class__(**graph.graph)
            subgraph.add_nodes_from(chunk)
            yield subgraph

    def _edge_chunks(self, graph) -> Iterator[nx.MultiDiGraph]:
        """Runs of the graph's edges in its order (a node's edges by target, each pair's
        by key): a graph of a run iterates them in the same order."""
        items = iter(graph.edges(keys=True, data=True))
        while chunk := list(islice(items, self.CHUNK)):
            subgraph = graph.__class__(**graph.graph)
            sources = dict.fromkeys(u for u, _, _, _ in chunk)  # first: a graph's edges go by source, in its order
            subgraph.add_nodes_from((n, graph.nodes[n]) for n in [*sources, *(v for _, v, _, _ in chunk)])
            subgraph.add_edges_from(chunk)
            yield subgraph
