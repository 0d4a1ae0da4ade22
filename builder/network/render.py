"""Networks as vis-network data and HTML: nodes, edges and legends from the corpus and
the vocabulary (which entities and relations: select.py); pyvis holds the data and
renders the figure through our own template (`templates/network.html`), whose data is
fetched as JSON by the site's network script and drawn with vis-network.

pyvis's stock template is not used: it loads Bootstrap and vis-network from CDNs,
prints its heading as raw HTML and turns some node titles into innerHTML."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from builder import TEMPLATES
from builder.model import Corpus, Entity
from builder.network.layout import layout
from builder.network.select import EXPLORER_NODES, Selection, explorer_hub_degree, has_ego_network
from builder.paths import EXPLORER_FILE, network_file, page_url, relative_url, theme_network_file, theme_url

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
# Of vis-network's stylesheet, the rules for what the site draws (the network, its
# navigation buttons, its tooltips), not those of its editing toolbar and configurator,
# which are most of the file's bytes.
VIS_CSS_KEEP = ("vis-network", "vis-navigation", "vis-tooltip")
VIS_CSS_DROP = ("vis-manipulation", "vis-close", "vis-configuration", "vis-edit", "vis-color")


def vis_stylesheet() -> str:
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    kept = []
    for rule in re.findall(r"[^{}]+\{[^{}]*\}", css):  # a flat stylesheet: no @-rules
        selector = rule.split("{", 1)[0]
        if any(k in selector for k in VIS_CSS_KEEP) and not any(d in selector for d in VIS_CSS_DROP):
            kept.append(rule.strip())
    return "\n".join(kept) + "\n"


# By path in the site: a file to copy, or the text to write.
VIS_ASSETS: dict[str, Path | Callable[[], str]] = {
    "assets/vendor/vis-network/vis-network.min.js": VIS_DIR / "vis-network.min.js",
    "assets/vendor/vis-network/vis-network.css": vis_stylesheet,
}

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
              # the page labels the best connected that fit apart, at a readable size whatever
              # the zoom, and the others on hover (site_src/assets/network.js placeLabels)
              "scaling": {"min": 6, "max": 30, "label": {"enabled": False}}},
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
    connected: int | None = None  # the explorer's, when it opens on part of the graph: of how many
    second: list[str] = field(default_factory=list)  # an ego network's second hop, added on request


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
        self.select = Selection(corpus)
        self._ego_nodes: dict[tuple[str, int], dict] = {}
        self._edges: dict[tuple[str, str], dict] = {}
        # every kind's colour and shape as vis-network groups (all kinds in every file: the
        # explorer adds nodes from ego network files), and the statuses drawn dashed
        self._groups = {t.id: {"color": t.color, "shape": t.shape} for t in self.v.kinds.values()}
        self._dashed = [s for s, status in self.v.statuses.items() if not status.truthy]

    # -- data --------------------------------------------------------------------

    def node(self, entity: Entity, from_page: str, summary: bool = True, **extra) -> dict:
        """A node as the file gives it: what it is (`group`: its kind's colour and shape in
        the options' groups; `type`: its own type when narrower) and where its page is.
        The page's script makes the texts drawn from it (site_src/assets/network.js visNodes)."""
        node = {"id": entity.id, "name": entity.name, "group": entity.type, "url": relative_url(from_page, page_url(entity))}
        if entity.type_id != entity.type:
            node["type"] = entity.type_id
        if summary and entity.summary:
            node["summary"] = entity.summary
        return {**node, **extra}

    def ego_node(self, entity_id: str, from_page: str, **extra) -> dict:
        """A node of an ego network. Pages at the same depth link a node by the same
        relative URL, so each entity's node is made once per depth and copied."""
        key = (entity_id, from_page.count("/"))
        node = self._ego_nodes.get(key)
        if node is None:
            node = self._ego_nodes[key] = self.node(self.corpus[entity_id], from_page, summary=False)
        return {**node, **extra} if extra else node

    def edge(self, relation) -> dict:
        """A relation as an edge (made once per relation: the same edge shows in many
        networks): its ends, predicate, status and dates, as `dates` says them (shown)
        and as the first and last day they span (`t0`, `t1`: the explorer's period filter);
        `dates` is left out when it is that one day."""
        edge = self._edges.get((relation.subject, relation.key))
        if edge is not None:
            return edge
        edge = {"from": relation.subject, "to": relation.target, "predicate": relation.predicate,
                "status": relation.status}
        if relation.dates:
            edge["t0"] = min(d.earliest for d in relation.dates)
            edge["t1"] = max(d.latest for d in relation.dates)
            dates = " – ".join(str(d) for d in relation.dates)
            if not edge["t0"] == edge["t1"] == dates:
                edge["dates"] = dates
        self._edges[(relation.subject, relation.key)] = edge
        return edge

    def key(self, data: NetworkData) -> dict:
        """What a file's nodes and edges need to be drawn: the labels of their types and
        predicates, and the statuses drawn dashed (not asserted as fact)."""
        types = sorted({n.get("type", n["group"]) for n in data.nodes})
        predicates = sorted({e["predicate"] for e in data.edges})
        return {"types": {t: self.v.types[t].label.site for t in types},
                "predicates": {p: self.v.predicates[p].label.site for p in predicates},
                "dashed": self._dashed}

    def legend(self, entities) -> list[dict]:
        present = {e.type for e in entities}
        return [{"type": t.id, "label": t.plural.site if t.plural else t.label.site, "color": t.color, "shape": t.shape}
                for t in self.v.kinds.values() if t.id in present]

    def ego(self, entity_id: str, from_page: str) -> NetworkData:
        """The entity, its neighbours and the relations among them. The second hop
        (select.py) is not in the file: it names those entities (`second`) and gives each
        neighbour walked through to them the address of its own file (`expand`), from
        which the page adds them on request. Node tooltips give name and type, not the
        summary: an edit to a summary then changes no other page's network (see
        site/preview.py)."""
        ego = self.select.ego(entity_id)
        walked = set(ego.walked)
        nodes = [self.node(self.corpus[entity_id], from_page, summary=False, borderWidth=3, size=22)]
        nodes += [self.ego_node(i, from_page, expand=relative_url(from_page, network_file(self.corpus[i])))
                  if i in walked else self.ego_node(i, from_page) for i in ego.first]
        return NetworkData(nodes, [self.edge(r) for r in ego.relations], self.ego_legend(entity_id),
                           second=ego.second)

    def subgraph(self, ids, from_page: str, highlight: set[str] = frozenset()) -> NetworkData:
        """A set of entities and the relations among them (a theme's network)."""
        entities, relations = self.select.subgraph(ids)
        nodes = [self.node(e, from_page, **({"borderWidth": 3, "size": 20} if e.id in highlight else {}))
                 for e in entities]
        return NetworkData(nodes, [self.edge(r) for r in relations], self.legend(entities))

    def whole(self, from_page: str, limit: int = EXPLORER_NODES) -> NetworkData:
        """The explorer's graph (select.overview: every connected entity, or the `limit`
        most connected), placed by a layout computed now. Above the limit, a node whose
        relations are not all drawn says how many are not (`more`) and where its ego
        network is (`expand`), from which the page adds them on request."""
        entities, relations = self.select.overview(limit)
        positions = layout([e.id for e in entities], [(r.subject, r.target) for r in relations])
        drawn = Counter(end for r in relations for end in (r.subject, r.target))
        nodes = []
        for e in entities:
            more = self.corpus.degree(e.id) - drawn[e.id]
            extra = {"more": more, "expand": relative_url(from_page, network_file(e))} if more else {}
            nodes.append(self.node(e, from_page, x=positions[e.id][0], y=positions[e.id][1],
                                   value=self.corpus.degree(e.id), **extra))
        edges = [self.edge(r) for r in relations]
        connected = len(self.select.connected())
        return NetworkData(nodes, edges, self.legend(entities), explorer_hub_degree([n["value"] for n in nodes]),
                           connected if connected > len(nodes) else None)

    # -- HTML --------------------------------------------------------------------

    def figure(self, *, caption: str, src: str, height: str = "460px") -> Markup:
        """The HTML fragment of a network whose data is at `src`, relative to the page."""
        self.net.nodes, self.net.edges, self.net.options = [], [], {}  # the data is not in the page
        self.net.heading = {"caption": caption, "src": src}
        self.net.height = height
        return Markup(self.net.generate_html())

    def payload(self, data: NetworkData, options: dict, **extra) -> bytes:
        """A network's data file as UTF-8 JSON (as a str, non-Latin-1 text would take two
        bytes a character): nodes, edges, `options` with the kinds' groups, the labels
        they need (key), and `extra`."""
        self.net.nodes, self.net.edges = data.nodes, data.edges
        self.net.options = {**options, "groups": self._groups}
        nodes, edges, *_ = self.net.get_network_data()
        return network_json({"nodes": nodes, "edges": edges, "options": self.net.options, **self.key(data), **extra})

    # -- files -------------------------------------------------------------------

    def ego_legend(self, entity_id: str) -> list[dict]:
        """The legend of an ego network, without building the network."""
        return self.legend([self.corpus[i] for i in (entity_id, *self.corpus.neighbours(entity_id))])

    def files(self, themes=(), only: set[str] | None = None,
              explorer_limit: int = EXPLORER_NODES) -> Iterator[tuple[str, bytes]]:
        """Every network data file, by path in the site: each entity's ego network beside
        its page, each theme's, and the explorer's graph (select.overview). With `only`
        (entity ids), just those entities' ego networks (the preview's quick update)."""
        for entity in self.corpus.entities.values():
            if has_ego_network(self.corpus, entity) and (only is None or entity.id in only):
                data = self.ego(entity.id, page_url(entity))
                second = {"second": data.second} if data.second else {}
                yield network_file(entity), self.payload(data, EGO_OPTIONS, **second)
        if only is not None:
            return
        for theme in themes:
            data = self.subgraph(theme.members, theme_url(theme.id), highlight=set(theme.lead))
            yield theme_network_file(theme.id), self.payload(data, EGO_OPTIONS)
        data = self.whole("explorer/", explorer_limit)
        cut = {"connected": data.connected} if data.connected else {}
        yield EXPLORER_FILE, self.payload(data, explorer_options(len(data.edges)), legend=data.legend,
                                          hub_degree=data.hub_degree, **cut)


def network_json(value) -> bytes:
    """A network's data as compact UTF-8 JSON, keys sorted: the bytes of the standard
    library's `json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`
    for the values networks hold (text, integers, plain decimals, booleans), written by
    orjson, several times faster at a file per entity."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def json_data(value) -> Markup:
    """JSON for a <script type="application/json"> block: '<', '>' and '&' escaped so
    that no text can close the element."""
    if isinstance(value, str):
        value = json.loads(value)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
