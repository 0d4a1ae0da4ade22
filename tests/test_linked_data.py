"""What the triples say, checked as a linked-data researcher would: standard terms only
within their documented domain and range, no inconsistency for an OWL reasoner with
FOAF's axioms, denied and alleged claims out of the truthy view, statement keys that
cannot collide, language-tagged names, and a compact JSON-LD dump with its context."""

from __future__ import annotations

import json

import owlrl
import pyoxigraph as ox
import pytest
import yaml
from rdflib import RDF, Graph, URIRef

from builder.pipeline import load_corpus
from builder.rdf.export import render_exports
from builder.rdf.graph import build_graph, build_vocabulary_graph

from conftest import MINI, ROOT, validation_errors

SITE = "https://policygraph.example.org/"
PG = SITE + "vocab/#"
TERMS = yaml.safe_load((ROOT / "tests/fixtures/standard-terms.yaml").read_text(encoding="utf-8"))
PREFIXES = {"schema": "https://schema.org/", "org": "http://www.w3.org/ns/org#", "foaf": "http://xmlns.com/foaf/0.1/",
            "eli": "http://data.europa.eu/eli/ontology#", "time": "http://www.w3.org/2006/time#"}


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "entities", root=ROOT)


@pytest.fixture(scope="module")
def graph(corpus):
    return build_graph(corpus, SITE)


def classes_of(graph: Graph, node) -> set[str]:
    """A node's classes and their parents in the standard vocabularies."""
    found = {str(c) for c in graph.objects(node, RDF.type)}
    parents = {expand(child): [expand(p) for p in ps] for child, ps in TERMS["parents"].items()}
    todo = list(found)
    while todo:
        for parent in parents.get(todo.pop(), []):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def test_standard_terms_are_used_within_their_domain_and_range(graph):
    misused = []
    for curie, spec in TERMS["properties"].items():
        prop = URIRef(expand(curie))
        for subject, obj in graph.subject_objects(prop):
            if "domain" in spec and not classes_of(graph, subject) & {expand(c) for c in spec["domain"]}:
                misused.append(f"{curie} from {subject}")
            if "range" in spec and isinstance(obj, URIRef) and not str(obj).startswith(SITE + "vocab") \
                    and not classes_of(graph, obj) & {expand(c) for c in spec["range"]}:
                misused.append(f"{curie} to {obj}")
    assert misused == []


def test_no_deprecated_or_invented_terms(graph):
    used = {str(p) for p in graph.predicates()}
    for term in ("http://data.europa.eu/eli/ontology#jurisdiction_text", "https://schema.org/participant",
                 "https://schema.org/roleName", "https://schema.org/addressCountry", "http://xmlns.com/foaf/0.1/page"):
        assert term not in used, term


@pytest.mark.parametrize("folder", ["fixture", pytest.param("corpus", marks=pytest.mark.site)])
def test_an_owl_reasoner_finds_no_inconsistency(folder, corpus):
    """With FOAF's axioms (a document is not an organization or a person) and the
    vocabulary's own: owlrl's OWL 2 RL closure reports no error."""
    source = corpus if folder == "corpus" else load_corpus(MINI, root=MINI.parent)
    closure = build_graph(source, SITE)
    closure += build_vocabulary_graph(source.vocabulary, SITE)
    closure.parse(ROOT / "tests/fixtures/foaf-axioms.ttl", format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors = [str(o) for o in closure.objects(None, URIRef("http://www.daml.org/2002/03/agents/agent-ont#error"))]
    assert errors == []


def test_the_reasoner_would_catch_a_thing_that_is_its_page():
    """The same check finds the old model's inconsistency: an organization as its own page."""
    closure = Graph().parse(data=f"""
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <{SITE}organizations/x/> a foaf:Organization ; foaf:page <{SITE}organizations/x/> .""", format="turtle")
    closure.parse(ROOT / "tests/fixtures/foaf-axioms.ttl", format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    assert list(closure.objects(None, URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")))


@pytest.fixture(scope="module")
def store(corpus):
    exports = render_exports(corpus, SITE)
    store = ox.Store()
    store.load(exports["graph.nt"], format=ox.RdfFormat.N_TRIPLES)
    store.load(exports["vocabulary.ttl"], format=ox.RdfFormat.TURTLE)
    return store


def test_the_truthy_view_excludes_denied_and_alleged_claims(store, corpus):
    """Every relation is a statement; only reported and confirmed ones are direct triples,
    as in Wikidata's truthy dump. Counted over the whole corpus."""
    rows = list(store.query(f"""
        PREFIX pg: <{PG}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?status (COUNT(?st) AS ?n) (SUM(IF(EXISTS {{ ?s ?p ?o }}, 1, 0)) AS ?direct) WHERE {{
          ?st a pg:Statement ; pg:status ?status ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        }} GROUP BY ?status"""))
    found = {r["status"].value.rsplit("#", 1)[1]: (int(r["n"].value), int(r["direct"].value)) for r in rows}
    assert sum(n for n, _ in found.values()) == len(corpus.relations)
    for status, (count, direct) in found.items():
        truthy = status in ("reported", "confirmed")
        assert direct == (count if truthy else 0) or (not truthy and direct < count), (status, count, direct)
    denied = [r for r in corpus.relations if r.status == "denied"]
    for relation in denied:
        subject, target = corpus[relation.subject], corpus[relation.target]
        ask = store.query(f"ASK {{ <{SITE}{subject.kind}/{subject.id}/#id> <{PG}{_camel(relation.predicate)}> "
                          f"<{SITE}{target.kind}/{target.id}/#id> }}")
        assert not bool(ask) or any(r.status in ("reported", "confirmed") for r in corpus.relations
                                    if (r.subject, r.predicate, r.target) == (relation.subject, relation.predicate,
                                                                            relation.target))


def _camel(identifier: str) -> str:
    head, *rest = identifier.split("-")
    return head + "".join(p.capitalize() for p in rest)


def test_a_status_of_its_own_per_source():
    """A statement takes the strongest status of its sources; each derivation keeps its own."""
    corpus = load_corpus(ROOT / "entities", root=ROOT)
    mixed = [r for r in corpus.relations if len({c.status for c in r.citations}) > 1]
    assert mixed
    for relation in mixed:
        order = list(corpus.vocabulary.statuses)
        assert relation.status == min((c.status for c in relation.citations), key=order.index)


SOURCE = "type: source\ntitle: T\npublisher: P\ndate: 2025-01-01\nlanguage: en\n"
TEXT = "He uses chatgpt daily, he said, and chatgpt again, and the second release.\n"
USES = ("  - predicate: uses\n    target: {t}\n    sources:\n      - source: s\n        quote: \"{q}\"\n")


def test_statement_keys_cannot_collide(tmp_path):
    """Two `uses chatgpt` relations and a product `chatgpt-2`: three distinct statements."""
    files = {
        "entities/sources/s.yaml": SOURCE, "entities/sources/s.txt": TEXT,
        "entities/products/chatgpt.yaml": "type: product\nname: ChatGPT\nsummary: A chatbot.\n",
        "entities/products/chatgpt-2.yaml": "type: product\nname: ChatGPT 2\nsummary: A second release.\n",
        "entities/people/p.yaml": ("type: person\nname: P\nsummary: A person.\nrelations:\n"
                                   + USES.format(t="chatgpt", q="uses chatgpt daily")
                                   + USES.format(t="chatgpt", q="chatgpt again")
                                   + USES.format(t="chatgpt-2", q="the second release")),
    }
    assert validation_errors(tmp_path, files) == []
    corpus = load_corpus(tmp_path / "entities", root=tmp_path)
    keys = [r.key for r in corpus["p"].relations]
    assert keys == ["uses-chatgpt", "uses-chatgpt--2", "uses-chatgpt-2"]
    graph = build_graph(corpus, SITE)
    for key in keys:
        assert len(list(graph.objects(URIRef(f"{SITE}people/p/#{key}"), RDF.object))) == 1


def test_names_are_tagged_with_their_language(graph):
    untagged = [o for o in graph.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
                if not o.language]
    assert untagged == []


def test_the_json_ld_dump_is_compact_with_its_context(corpus, graph):
    text = render_exports(corpus, SITE)["graph.jsonld"].decode()
    document = json.loads(text)
    assert document["@context"]["pg"] == PG and document["@context"]["schema"] == "https://schema.org/"
    node = next(n for n in document["@graph"] if n["@id"] == SITE + "people/david-sacks/#id")
    assert "schema:Person" in node["@type"] and "rdfs:label" in node
    parsed = Graph().parse(data=text, format="json-ld")
    assert len(parsed) == len(graph)
