"""Per-entity RDF: each entity's own description as a small Turtle file beside its page
(`people/david-sacks.ttl`): its triples, the statements it makes with their provenance,
and the triples that point at it.

Made from the lines `export.serialize` grouped by entity in its one pass over the
graph, and written by pyoxigraph, which writes thousands of small Turtle files in a
fraction of the time rdflib's Turtle serializer needs. Triples come in N-Triples
order, so the output is stable. Each file names the entity's page as its empty prefix
(`:id` is the entity, `:bans-x` a statement it makes) and declares only the prefixes
it uses."""

from __future__ import annotations

from collections.abc import Iterator

from builder.model import Corpus
from builder.paths import Iris, turtle_file
from builder.rdf.export import Serialized, turtle


def entity_rdf_files(serialized: Serialized, corpus: Corpus, site_url: str,
                     prefixes: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """Turtle for every entity, by file path in the site (`<kind>/<id>.ttl`), one file at a
    time (all of them at once would be a tenth of the site held in memory)."""
    iris = Iris.for_site(site_url)
    entities = {str(iris.page(entity)).encode(): entity for entity in corpus.entities.values()}
    for page, nt in serialized.by_entity:
        yield _turtle_file(entities.pop(page), page.decode(), nt, prefixes)
    for page, entity in entities.items():  # an entity no line describes (none, in a valid corpus)
        yield _turtle_file(entity, page.decode(), b"", prefixes)


def _turtle_file(entity, page: str, nt: bytes, prefixes: dict[str, str]) -> tuple[str, bytes]:
    used = {prefix: namespace for prefix, namespace in prefixes.items() if b"<" + namespace.encode() in nt}
    return turtle_file(entity), turtle(nt, {"": page + "#", **used})
