"""Stage 5b: interactive networks. The data (nodes, edges, legend) comes from the
corpus and the vocabulary; pyvis holds it and renders it through our own template
(`templates/network.html`), which writes the data as inert JSON that the shared
script `assets/policygraph.js` draws with vis-network.

pyvis's stock template is not used: it loads Bootstrap and vis-network from CDNs,
prints its heading as raw HTML and turns some node titles into innerHTML."""

from __future__ import annotations

import heapq
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import igraph
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from .model import HUB_DEGREE, Corpus, Entity
from .text import relative_url

TEMPLATES = Path(__file__).with_name("templates")
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
VIS_ASSETS = {
    "assets/vendor/vis-network/vis-network.min.js": VIS_DIR / "vis-network.min.js",
    "assets/vendor/vis-network/vis-network.css": VIS_DIR / "vis-network.css",
}

SECOND_HOP_LIMIT = 40

EGO_OPTIONS = {
    "autoResize": True,
    "interaction": {"hover": True, "keyboard": {"enabled": True, "bindToWindow": False}, "navigationButtons": True,
                    "tooltipDelay": 150},
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "physics": {"enabled": True, "solver": "forceAtlas2Based", "stabilization": {"iterations": 150, "fit": True},
                "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110}},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "font": {"size": 10, "align": "middle"},
              "color": {"inherit": False, "color": "#8a8a8a"}, "smooth": {"type": "continuous"}},
    "nodes": {"font": {"size": 13}, "size": 14, "borderWidth": 1},
}

EXPLORER_OPTIONS = {
    "autoResize": True,
    "interaction": {"hover": True, "keyboard": {"enabled": True, "bindToWindow": False}, "navigationButtons": True,
                    "hideEdgesOnDrag": True, "hideEdgesOnZoom": True, "tooltipDelay": 150},
    "physics": {"enabled": False},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}, "font": {"size": 0},
              "color": {"inherit": False, "color": "#9a9a9a", "opacity": 0.6}, "smooth": False},
    "nodes": {"font": {"size": 12}, "size": 10, "borderWidth": 1,
              # labels only once zoomed in enough to read them: 10,000 labels cost more than the graph
              "scaling": {"min": 6, "max": 30, "label": {"enabled": True, "min": 11, "max": 18, "drawThreshold": 7}}},
}
LARGE_GRAPH_EDGES = 5000  # above this, the explorer draws edges without arrows


def explorer_options(edge_count: int) -> dict:
    if edge_count <= LARGE_GRAPH_EDGES:
        return EXPLORER_OPTIONS
    edges = {**EXPLORER_OPTIONS["edges"], "arrows": {"to": {"enabled": False}}, "width": 0.5}
    return {**EXPLORER_OPTIONS, "edges": edges}


@dataclass
class NetworkData:
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    hub_degree: int | None = None


def hub_degree(nodes: list[dict]) -> int:
    """The degree from which an entity counts as a hub: the top 2% of entities, and at
    least 8 relations, so that a small graph has few or no hubs."""
    degrees = sorted((n.get("value", 0) for n in nodes), reverse=True)
    if not degrees:
        return 8
    return max(8, degrees[min(len(degrees) - 1, len(degrees) // 50)])


class NetworkRenderer:
    """Renders many networks with one pyvis Network and one Jinja environment
    (a fresh pyvis Network compiles its template anew: 13 ms a page)."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.v = corpus.vocabulary
        env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
        env.filters["json_data"] = json_data
        self.net = Network(directed=True, cdn_resources="local")
        self.net.templateEnv = env
        self.net.path = "network.html"
        self._ego_nodes: dict[tuple[str, int], dict] = {}
        self._edges: dict[tuple[str, str], dict] = {}

    # -- data --------------------------------------------------------------------

    def node(self, entity: Entity, page_url: str, summary: bool = True, **extra) -> dict:
        base = self.v.types[entity.type]
        label = self.v.types[entity.type_id].label.en
        return {
            "id": entity.id,
            "label": _short(entity.name),
            "title": f"{entity.name} ({label})\n{entity.summary}".strip() if summary else f"{entity.name} ({label})",
            "group": entity.type,
            "shape": base.shape,
            "color": base.color,
            "url": relative_url(page_url, f"{entity.kind}/{entity.id}/"),
            "name": entity.name,
            **extra,
        }

    def ego_node(self, entity_id: str, page_url: str, **extra) -> dict:
        """A node of an ego network. Pages at the same depth link a node by the same
        relative URL, so each entity's node is made once per depth and copied."""
        key = (entity_id, page_url.count("/"))
        node = self._ego_nodes.get(key)
        if node is None:
            node = self._ego_nodes[key] = self.node(self.corpus[entity_id], page_url, summary=False)
        return {**node, **extra} if extra else node

    def edge(self, relation) -> dict:
        """A relation as an edge (made once per relation: the same edge shows in many networks)."""
        edge = self._edges.get((relation.subject, relation.key))
        if edge is not None:
            return edge
        predicate = self.v.predicates[relation.predicate]
        dates = " – ".join(str(d) for d in relation.dates)
        title = f"{predicate.label.en}" + (f" ({dates})" if dates else "") + f" · {relation.status}"
        edge = {"from": relation.subject, "to": relation.target, "label": predicate.label.en,
                "title": title, "predicate": relation.predicate, "status": relation.status,
                "dashes": relation.status in ("alleged", "opinion", "denied")}
        if relation.dates:
            edge["t0"] = min(d.earliest for d in relation.dates)
            edge["t1"] = max(d.latest for d in relation.dates)
        self._edges[(relation.subject, relation.key)] = edge
        return edge

    def legend(self, entities) -> list[dict]:
        present = {e.type for e in entities}
        return [{"type": t.id, "label": t.plural.en if t.plural else t.label.en, "color": t.color, "shape": t.shape}
                for t in self.v.kinds.values() if t.id in present]

    def ego(self, entity_id: str, page_url: str, second_hop: int = SECOND_HOP_LIMIT) -> NetworkData:
        """The entity, its neighbours and the relations among them; plus, marked `hop: 2`
        and shown on request, up to `second_hop` entities two relations away (the most
        connected first). Node tooltips give name and type, not the summary: an edit to
        a summary then changes no other page's network (see incremental.py)."""
        corpus, degree = self.corpus, self.corpus.degrees
        first = corpus.neighbours(entity_id)
        members = {entity_id, *first}
        second = self.most_connected(
            [f for f in first if degree[f] <= HUB_DEGREE], exclude=members, limit=second_hop)
        nodes = [self.node(corpus[entity_id], page_url, summary=False, borderWidth=3, size=22)]
        nodes += [self.ego_node(i, page_url) for i in first]
        nodes += [self.ego_node(i, page_url, hop=2) for i in second]
        everyone = members.union(second)
        edges = [self.edge(r) for r in corpus.outgoing(entity_id)]
        outward = []  # first hop -> second hop, after the edges among the first hop
        for i in first:
            for r in corpus.outgoing(i):
                if r.target in members:
                    edges.append(self.edge(r))
                elif r.target in everyone:
                    outward.append(self.edge(r))
        edges += [self.edge(r) for i in second for r in corpus.outgoing(i) if r.target in members]
        edges += outward
        return NetworkData(nodes, edges, self.ego_legend(entity_id))

    def most_connected(self, through: list[str], exclude: set[str], limit: int) -> list[str]:
        """Up to `limit` neighbours of the `through` entities, not in `exclude`: the most
        connected first (ties by id), returned sorted by id. Merges the neighbour lists
        kept in rank order, so it reads about `limit` entries, not every candidate."""
        ranked = self._ranked_neighbours
        chosen: list[str] = []
        seen = set(exclude)
        for _, entity_id in heapq.merge(*(ranked[f] for f in through)):
            if entity_id not in seen:
                seen.add(entity_id)
                chosen.append(entity_id)
                if len(chosen) == limit:
                    break
        return sorted(chosen)

    @cached_property
    def _ranked_neighbours(self) -> dict[str, list[tuple[int, str]]]:
        degree = self.corpus.degrees
        return {i: sorted((-degree[n], n) for n in self.corpus.neighbours(i)) for i in self.corpus.entities}

    def subgraph(self, ids, page_url: str, highlight: set[str] = frozenset()) -> NetworkData:
        """A set of entities and the relations among them (a theme's network)."""
        members = set(ids)
        entities = [self.corpus[i] for i in sorted(members)]
        nodes = [self.node(e, page_url, **({"borderWidth": 3, "size": 20} if e.id in highlight else {}))
                 for e in entities]
        edges = [self.edge(r) for e in entities for r in e.relations if r.target in members]
        return NetworkData(nodes, edges, self.legend(entities))

    def connected(self) -> list[Entity]:
        """The entities drawn in the explorer: those that take part in a relation."""
        return [self.corpus[i] for i in sorted(i for i, degree in self.corpus.degrees.items() if degree)]

    def whole(self, page_url: str) -> NetworkData:
        """Every entity that takes part in a relation, placed by a layout computed now."""
        entities = self.connected()
        positions = layout([e.id for e in entities], [(r.subject, r.target) for r in self.corpus.relations])
        nodes = [self.node(e, page_url, x=positions[e.id][0], y=positions[e.id][1],
                           value=self.corpus.degree(e.id)) for e in entities]
        edges = [self.edge(r) for r in self.corpus.relations]
        return NetworkData(nodes, edges, self.legend(entities), hub_degree(nodes))

    # -- HTML --------------------------------------------------------------------

    def html(self, data: NetworkData, *, caption: str, options: dict, src: str,
             height: str = "460px") -> tuple[Markup, bytes]:
        """The network as an HTML fragment (a canvas that loads its data from `src`,
        relative to the page) and that data as JSON, for a file beside the page: keeping
        it out of the page keeps pages small and fast to render and index."""
        return self.figure(caption=caption, src=src, height=height), self.payload(data, options)

    def figure(self, *, caption: str, src: str, height: str = "460px") -> Markup:
        """The HTML fragment of a network whose data is at `src`, relative to the page."""
        self.net.nodes, self.net.edges, self.net.options = [], [], {}  # the data is not in the page
        self.net.heading = {"caption": caption, "src": src}
        self.net.height = height
        return Markup(self.net.generate_html())

    def payload(self, data: NetworkData, options: dict) -> bytes:
        """A network's data as UTF-8 JSON (as a str, non-Latin-1 text would take two
        bytes a character)."""
        self.net.nodes, self.net.edges, self.net.options = data.nodes, data.edges, options
        nodes, edges, *_ = self.net.get_network_data()
        return json.dumps({"nodes": nodes, "edges": edges, "options": options},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    # -- files -------------------------------------------------------------------

    def has_ego(self, entity: Entity) -> bool:
        return has_ego_network(self.corpus, entity)

    def ego_legend(self, entity_id: str) -> list[dict]:
        """The legend of an ego network, without building the network."""
        return self.legend([self.corpus[i] for i in (entity_id, *self.corpus.neighbours(entity_id))])

    def ego_files(self, only: set[str] | None = None) -> Iterator[tuple[str, bytes]]:
        """Each entity's ego network data (of the entities in `only`, if given), by path
        in the site (`<kind>/<id>.network.json`, beside the page that draws it)."""
        for entity in self.corpus.entities.values():
            if self.has_ego(entity) and (only is None or entity.id in only):
                yield ego_file(entity), self.payload(self.ego(entity.id, f"{entity.kind}/{entity.id}/"), EGO_OPTIONS)

    def explorer_json(self) -> bytes:
        """The whole graph for the explorer (`data/network.json`), laid out now."""
        data = self.whole("explorer/")
        return json.dumps({"nodes": data.nodes, "edges": data.edges, "options": explorer_options(len(data.edges)),
                           "legend": data.legend, "hub_degree": data.hub_degree},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def ego_file(entity: Entity) -> str:
    return f"{entity.kind}/{entity.id}.network.json"


def has_ego_network(corpus: Corpus, entity: Entity) -> bool:
    """Entities in at least one relation get an ego network; sources are cited, not drawn."""
    return entity.kind != "sources" and corpus.degree(entity.id) > 0


def layout(ids: list[str], pairs: list[tuple[str, str]], scale: float = 1000.0) -> dict[str, tuple[int, int]]:
    """A deterministic force-directed layout (igraph's Fruchterman-Reingold, grid-accelerated
    above 1,000 nodes), scaled to vis-network coordinates."""
    if not ids:
        return {}
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    graph = igraph.Graph(n=len(ids), edges=sorted({(index[a], index[b]) for a, b in pairs}), directed=False)
    state = random.getstate()
    random.seed(20251209)
    igraph.set_random_number_generator(random)
    try:
        coords = graph.layout_fruchterman_reingold(niter=500, grid="auto").coords
    finally:
        random.setstate(state)
    xs = [c[0] for c in coords] or [0.0]
    ys = [c[1] for c in coords] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    factor = scale * max(1.0, (len(ids) / 100) ** 0.5) / span
    return {entity_id: (round((coords[i][0] - min(xs)) * factor), round((coords[i][1] - min(ys)) * factor))
            for entity_id, i in index.items()}


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def json_data(value) -> Markup:
    """JSON for a <script type="application/json"> block: '<', '>' and '&' escaped so
    that no text can close the element."""
    if isinstance(value, str):
        value = json.loads(value)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
