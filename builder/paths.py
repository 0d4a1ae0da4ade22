"""Every address the site gives: where each page's Markdown source goes, its URL, each
entity's data files beside its page, the IRIs of the graph, and the one list of the
files published under `data/`. Everything else asks this module.

An entity `people/david-sacks` has its page at `people/david-sacks/` (from the source
`people/david-sacks.md`), its Turtle at `people/david-sacks.ttl` and its network data
at `people/david-sacks.network.json`. Its IRI is the page's URL under `site_url` with
`#id` (the person, apart from the page about her); its statements are fragments of its
page's URL (`#works-for-white-house`)."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from rdflib import Namespace, URIRef

from .vocabulary import camel


def page_src(entity) -> str:
    return f"{entity.kind}/{entity.id}.md"


def page_url(entity) -> str:
    return f"{entity.kind}/{entity.id}/"


def turtle_file(entity) -> str:
    return f"{entity.kind}/{entity.id}.ttl"


def network_file(entity) -> str:
    return f"{entity.kind}/{entity.id}.network.json"


def entity_file(entity, prefix: str = "entities/") -> str:
    """The entity's YAML file, as a path in the repository (`prefix` is the entities folder)."""
    return f"{prefix}{entity.kind}/{entity.id}.yaml"


def kind_index_src(kind: str) -> str:
    return f"{kind}/index.md"


THEMES_INDEX = "themes/index.md"
TIMELINE = "timeline.md"


def timeline_src(period: str) -> str:
    """A period's page of a timeline split by period (`2024`, `2024-03`)."""
    return f"timeline/{period}.md"


def timeline_url(src: str) -> str:
    """The address of a timeline page (TIMELINE or a timeline_src)."""
    return "timeline/" if src == TIMELINE else src.removesuffix(".md") + "/"


def theme_src(theme_id: str) -> str:
    return f"themes/{theme_id}.md"


def theme_url(theme_id: str) -> str:
    return f"themes/{theme_id}/"


def theme_network_file(theme_id: str) -> str:
    return f"themes/{theme_id}.network.json"


def relative_url(from_page: str, to_page: str) -> str:
    """Relative link between two site paths, through the site root: people/a/ ->
    ../../laws/b/. (Called for every node of every network: no path arithmetic.)"""
    if from_page == to_page:
        return "./"
    return "../" * from_page.count("/") + to_page


def page_folder(url: str) -> str:
    """The folder a page's address is in: people/a/ -> people, timeline/ -> ''. Relative
    links from every page of a folder to pages elsewhere are the same."""
    return url.rstrip("/").rpartition("/")[0]


def relative_md(from_src: str, to_src: str) -> str:
    """Relative link between two Markdown sources (MkDocs resolves and checks these)."""
    return "../" * from_src.count("/") + to_src


def from_page(data_file: str) -> str:
    """A data file's address relative to the page beside it (`people/x/` -> `../x.ttl`)."""
    return "../" + data_file.rsplit("/", 1)[-1]


DATA = "data/"
EXPLORER_FILE = "data/network.json"


class DataFile(NamedTuple):
    """A file published under data/: its name, media type, format and what it holds."""

    name: str
    media_type: str
    format: str
    what: str
    dump: bool = False  # the whole graph, for VoID's dataDump
    featured: bool = False  # linked from the home page
    compressed: str | None = None  # the media type of its compression (DCAT's compressFormat)
    linked: bool = False  # linked from every entity page as "the whole graph"
    large: bool = False  # the whole network in a verbose format: only gzip-compressed above the limit

    @property
    def path(self) -> str:
        return DATA + self.name


PUBLISHED = (
    DataFile("graph.ttl", "text/turtle", "Turtle", "the whole graph", dump=True, featured=True, linked=True),
    DataFile("graph.nt", "application/n-triples", "N-Triples", "the whole graph, one triple a line", dump=True,
             featured=True),
    DataFile("graph.nt.gz", "application/n-triples", "N-Triples (gzip)", "the whole graph, compressed", dump=True,
             compressed="application/gzip"),
    DataFile("graph.jsonld", "application/ld+json", "JSON-LD", "the whole graph", dump=True, featured=True,
             linked=True),
    DataFile("vocabulary.ttl", "text/turtle", "Turtle", "the vocabulary as RDFS/OWL", featured=True),
    DataFile("void.ttl", "text/turtle", "Turtle", "dataset description (VoID and DCAT: counts, dumps, licence)"),
    DataFile("shapes.ttl", "text/turtle", "Turtle", "SHACL shapes generated from the vocabulary"),
    DataFile("nodes.csv", "text/csv", "CSV", "nodes for network tools (Gephi, networkx, igraph)"),
    DataFile("edges.csv", "text/csv", "CSV", "edges with predicate, status, dates and sources"),
    DataFile("graph.graphml", "application/graphml+xml", "GraphML", "the network, for networkx, igraph, Cytoscape",
             large=True),
    DataFile("graph.gexf", "application/gexf+xml", "GEXF", "the network, for Gephi", large=True),
)
PUBLISHED_NAMES = tuple(f.name for f in PUBLISHED)
# Above this many relations the whole graph's uncompressed dumps (hundreds of MB at
# 10,000 entities: a static host's limit) are not published; graph.nt.gz holds the
# same triples, and each entity's own Turtle stays beside its page. The network's
# GraphML and GEXF are then published gzip-compressed (`graph.gexf.gz`).
UNCOMPRESSED_DUMPS_MAX_RELATIONS = 20_000


def _gzipped(file: DataFile) -> DataFile:
    return file._replace(name=file.name + ".gz", format=f"{file.format} (gzip)", what=f"{file.what}, compressed",
                         compressed="application/gzip")


def published(relations: int) -> tuple[DataFile, ...]:
    """The files published under data/ for a graph of this many relations."""
    if relations <= UNCOMPRESSED_DUMPS_MAX_RELATIONS:
        return PUBLISHED
    return tuple(_gzipped(f) if f.large else f._replace(featured=True, linked=True) if f.compressed else f
                 for f in PUBLISHED if not f.dump or f.compressed)


# In every folder a build creates (the site, its staging and data folders): only those
# are ever deleted or replaced by a build.
SITE_MARKER = ".policygraph-site"


def scratch_folder(site: Path, purpose: str) -> Path:
    """A new folder beside the site folder for a build's temporary files: on its disk (its
    files move in by renaming), named after it and marked, so that a build killed before
    removing it has it removed by the next (site/build.py)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{site.name}.{purpose}-", dir=site.parent))
    (folder / SITE_MARKER).write_text("Temporary files of a policygraph build, removed when it ends.\n",
                                      encoding="utf-8")
    return folder


class Terms:
    """A namespace whose terms are made once: rdflib makes (and checks) a new URIRef at
    every attribute access, and each claim gives dozens of triples."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


@functools.cache
def _vocab_terms(site_url: str) -> Terms:
    return Terms(Namespace(site_url + "vocab/#"))


@dataclass(frozen=True)
class Iris:
    """The IRI scheme: everything hangs off the site's URL."""

    site_url: str

    @classmethod
    def for_site(cls, site_url: str) -> "Iris":
        return cls(site_url if site_url.endswith("/") else site_url + "/")

    @property
    def vocab(self) -> Namespace:
        return Namespace(self.site_url + "vocab/#")

    @property
    def terms(self) -> Terms:
        """The vocabulary's terms, each made once (millions of triples name a few dozen)."""
        return _vocab_terms(self.site_url)

    @property
    def ontology(self) -> URIRef:
        return URIRef(self.site_url + "vocab/")

    def page(self, entity) -> URIRef:
        """The entity's page (a document about it)."""
        return URIRef(self.site_url + page_url(entity))

    def entity(self, entity) -> URIRef:
        """The entity itself (the person, the law...), apart from its page."""
        return URIRef(self.site_url + page_url(entity) + "#id")

    def statement(self, subject, relation) -> URIRef:
        return URIRef(f"{self.site_url}{page_url(subject)}#{relation.key}")

    def part(self, subject, relation, name: str) -> URIRef:
        """A node that belongs to a statement (`--source-1`, `--quote-1`, `--membership`):
        "--" never occurs in a statement's key, so these never meet one."""
        return URIRef(f"{self.site_url}{page_url(subject)}#{relation.key}--{name}")

    def citation(self, subject, relation, number: int) -> URIRef:
        return self.part(subject, relation, f"source-{number}")

    def of_entity(self, entity, name: str) -> URIRef:
        """A node that belongs to an entity's description (its `#publisher`...)."""
        return URIRef(f"{self.page(entity)}#{name}")

    def type_class(self, type_id: str) -> URIRef:
        return getattr(self.terms, camel(type_id, upper=True))

    def predicate(self, predicate_id: str) -> URIRef:
        return getattr(self.terms, camel(predicate_id, upper=False))

    def status(self, status_id: str) -> URIRef:
        return getattr(self.terms, camel(status_id, upper=False))

    def data(self, name: str) -> URIRef:
        return URIRef(self.site_url + DATA + name)

    @property
    def dataset(self) -> URIRef:
        return URIRef(self.site_url + DATA + "#dataset")

    def shape(self, name: str) -> URIRef:
        return URIRef(f"{self.site_url}vocab/shapes/#{name}")
