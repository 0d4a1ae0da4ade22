"""VoID/DCAT description and SHACL shapes: the real export conforms; copies broken in
each way the shapes guard against do not, both for pyshacl over the published shapes
and for the check every build runs (rdf/conformance.py)."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV

from builder.errors import ShapeErrors
from builder.pipeline import load_corpus
from builder.rdf import conformance
from builder.rdf import graph as rdf_graph
from builder.rdf.dataset import VOID, dataset_description, shacl_shapes
from builder.rdf.export import Release, serialize_corpus
from builder.rdf.graph import SCHEMA, build_graph, build_vocabulary_graph
from builder.site.datajob import write_data_files

from conftest import MINI, ROOT

SITE = "https://policygraph.example.org/"
PG = Namespace(SITE + "vocab/#")


@pytest.fixture(scope="module")
def mini():
    corpus = load_corpus(MINI, root=MINI.parent)
    return corpus, build_graph(corpus, SITE)


@pytest.fixture(scope="module")
def shapes(mini):
    return shacl_shapes(mini[0].vocabulary, SITE)


def pyshacl(graph, shapes, vocabulary) -> tuple[bool, str]:
    ok, _, text = validate(graph, shacl_graph=shapes, ont_graph=build_vocabulary_graph(vocabulary, SITE),
                           inference="none")
    return ok, text


def build_check(corpus, graph) -> list[str]:
    vocabulary = build_vocabulary_graph(corpus.vocabulary, SITE).serialize(format="turtle", encoding="utf-8")
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)))
    return [v.format() for v in conformance.check(corpus, SITE, lines, vocabulary,
                                                  shacl_shapes(corpus.vocabulary, SITE))]


@pytest.mark.parametrize("folder", ["corpus", "fixture"])
def test_export_conforms_to_the_build_check(folder):
    path = ROOT / "entities" if folder == "corpus" else MINI
    corpus = load_corpus(path, root=path.parent)
    assert build_check(corpus, build_graph(corpus, SITE)) == []


def test_export_conforms_to_pyshacl(mini, shapes):
    corpus, graph = mini
    ok, text = pyshacl(graph, shapes, corpus.vocabulary)
    assert ok, text


def test_shapes_cover_every_folder_type_and_statements(shapes, mini):
    sh = Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    vocabulary = mini[0].vocabulary
    assert {PG[t.class_name] for t in vocabulary.kinds.values()} | {PG.Statement} == targets


def _copy(graph):
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


ADA = URIRef(SITE + "people/ada-example/#id")
AGENCY = URIRef(SITE + "organizations/demo-agency/#id")
ROLE = URIRef(SITE + "people/ada-example/#holds-role-at-demo-agency")
OPINION = URIRef(SITE + "people/ada-example/#criticizes-demo-act")


def _direct_without_statement(g):
    g.add((ADA, PG.criticizes, AGENCY))


def _statement_without_direct(g):
    g.remove((ADA, PG.holdsRoleAt, AGENCY))


def _unknown_predicate(g):
    g.remove((ROLE, RDF.predicate, None))
    g.add((ROLE, RDF.predicate, PG.hates))


def _changed_subject(g):
    g.remove((ROLE, RDF.subject, None))
    g.add((ROLE, RDF.subject, AGENCY))


def _free_text_date(g):
    g.add((OPINION, DCTERMS.date, Literal("last spring")))
    g.remove((OPINION, DCTERMS.date, Literal("2026-01-10", datatype=XSD.date)))


def _no_name(g):
    g.remove((AGENCY, RDFS.label, None))
    g.remove((AGENCY, SCHEMA.name, None))


def _one_character_quote(g):
    derivation = next(g.objects(ROLE, PROV.qualifiedDerivation))
    g.remove((derivation, PG.quote, None))
    g.add((derivation, PG.quote, Literal("a", lang="fr")))


def _two_objects(g):
    g.add((ROLE, RDF.object, URIRef(SITE + "products/demo-bot/#id")))


def _no_source(g):
    for derivation in list(g.objects(ROLE, PROV.qualifiedDerivation)):
        g.remove((ROLE, PROV.qualifiedDerivation, derivation))


def _relation_to_a_source(g):
    g.add((ADA, PG.worksFor, URIRef(SITE + "sources/demo-2025-12-02-article/#id")))


def _unknown_status(g):
    g.remove((ROLE, PG.status, None))
    g.add((ROLE, PG.status, PG.rumour))


BROKEN = {
    "direct triple without statement": (_direct_without_statement, "criticizes"),
    "truthy statement without its direct triple": (_statement_without_direct, "direct triple"),
    "predicate not in the vocabulary": (_unknown_predicate, "hates"),
    "statement moved to another subject": (_changed_subject, "subject's page"),
    "date as free text": (_free_text_date, "last spring"),
    "entity without a name": (_no_name, "label"),
    "one-character quote": (_one_character_quote, "quote"),
    "statement with two objects": (_two_objects, "object"),
    "statement without a source": (_no_source, "qualifiedDerivation"),
    "relation to a source": (_relation_to_a_source, "worksFor"),
    "unknown status": (_unknown_status, "rumour"),
}


@pytest.mark.parametrize("name", [None, *BROKEN])
def test_the_check_by_parts_finds_what_the_whole_graph_check_finds(mini, monkeypatch, name):
    """The build checks the graph a few pages' triples at a time: in parts of a handful of
    triples (cut only between pages), the same violations as in one part, on the graph
    and on each broken copy; and the parts hold every line once, each page whole."""
    corpus, graph = mini
    copy = _copy(graph)
    if name:
        BROKEN[name][0](copy)
    whole = build_check(corpus, copy)
    assert bool(whole) == bool(name)
    monkeypatch.setattr(conformance, "PART_TRIPLES", 7)
    assert build_check(corpus, copy) == whole
    lines = sorted(set(copy.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)))
    parts = list(conformance.parts(lines, 7))
    assert len(parts) > 5 and [line for part in parts for line in part] == lines
    pages = [{line.split(b" ")[0].partition(b"#")[0] for line in part} for part in parts]
    assert all(not (a & b) for i, a in enumerate(pages) for b in pages[i + 1:])


def _statement_of_another_vocabulary(g):
    """A statement naming a standard property, its direct triple there: no violation of
    the SPARQL constraints (the shapes' list of predicates is pyshacl's to check)."""
    g.remove((ROLE, RDF.predicate, None))
    g.add((ROLE, RDF.predicate, SCHEMA.worksFor))
    g.remove((ADA, PG.holdsRoleAt, AGENCY))
    g.add((ADA, SCHEMA.worksFor, AGENCY))


def test_the_check_loads_only_the_triples_its_queries_can_match(mini, shapes):
    """The build's store gets only the triples the SPARQL constraints can match
    (conformance.Reads, from the queries' patterns): on the graph and on every broken
    copy (and one whose statement names another vocabulary's property, with its triple),
    the same violations as with every triple, from under half of them; a query whose
    patterns it cannot follow (a property path, a predicate no statement binds, a union,
    a subquery) keeps every triple."""
    corpus, graph = mini
    vocabulary = build_vocabulary_graph(corpus.vocabulary, SITE).serialize(format="turtle", encoding="utf-8")
    queries = conformance.sparql_queries(shapes)
    reads = conformance.Reads.of((query, prefixes) for query, prefixes, _ in queries)
    cases = {"none": lambda g: None, **{name: breaking for name, (breaking, _) in BROKEN.items()},
             "statement of another vocabulary": _statement_of_another_vocabulary}
    found = set()
    for name, breaking in cases.items():
        copy = _copy(graph)
        breaking(copy)
        lines = sorted(set(copy.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)))
        kept = reads.kept(lines)
        assert set(kept) <= set(lines) and len(kept) < len(lines) / 2, name
        violations = [sorted(conformance._sparql_violations(b"".join(given), vocabulary, queries))
                      for given in (lines, kept)]
        assert violations[0] == violations[1], name
        if violations[0]:
            found.add(name)
    assert {"direct triple without statement", "truthy statement without its direct triple",
            "predicate not in the vocabulary", "statement moved to another subject"} <= found
    assert "none" not in found and "statement of another vocabulary" not in found
    prefixes = {"rdf": str(RDF), "pg": str(PG)}
    for query in ("SELECT ?this WHERE { ?this rdf:subject/pg:status ?status }",
                  "SELECT ?this WHERE { ?this rdf:subject ?s . ?s ?p ?o }",
                  "SELECT ?this WHERE { { ?this rdf:predicate ?p } UNION { ?this ?p ?o } }",
                  "SELECT ?this WHERE { ?this rdf:predicate ?p . { SELECT ?this WHERE { ?this ?p ?o } } }"):
        assert conformance.Reads.of([(query, prefixes)]).kept(lines) == lines, query


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_graph_does_not_conform(mini, shapes, name):
    corpus, graph = mini
    breaking, mentioned = BROKEN[name]
    broken = _copy(graph)
    breaking(broken)
    ok, text = pyshacl(broken, shapes, corpus.vocabulary)
    assert not ok and mentioned in text, text
    assert build_check(corpus, broken), name


def test_a_build_whose_graph_breaks_the_shapes_fails_with_locations(tmp_path, monkeypatch):
    """A bug that drops a truthy relation's direct triple: the data files are not written,
    and the error names the entity file and line of the relation."""
    corpus = load_corpus(MINI, root=MINI.parent)
    original = rdf_graph.relation_triples

    def without_direct_triples(corpus, iris, subject, relation):
        for triple in original(corpus, iris, subject, relation):
            if str(triple[1]) != str(iris.predicate(relation.predicate)):
                yield triple
    monkeypatch.setattr(rdf_graph, "relation_triples", without_direct_triples)
    with pytest.raises(ShapeErrors) as info:
        write_data_files(corpus, [], SITE, tmp_path)
    relation = corpus["ada-example"].relations[0]
    assert f"{relation.location}: the graph breaks a shape at <{SITE}people/ada-example/#{relation.key}>" \
        in str(info.value)
    assert not (tmp_path / "data" / "graph.nt").exists()


def test_void_counts_sizes_and_distributions(mini):
    corpus, graph = mini
    sizes = {"graph.nt": 1234, "edges.csv": 56}
    description = dataset_description(corpus, serialize_corpus(corpus, SITE).counts, SITE, sizes,
                                      Release(modified="2026-11-29", version="9.9", endpoint="http://x/sparql"))
    dataset = URIRef(SITE + "data/#dataset")
    assert description.value(dataset, VOID.triples) == Literal(len(graph))
    expected = {"distinctSubjects": len(set(graph.subjects())), "distinctObjects": len(set(graph.objects())),
                "properties": len(set(graph.predicates())), "classes": len(set(graph.objects(None, RDF.type)))}
    for key, count in expected.items():
        assert description.value(dataset, VOID[key]) == Literal(count), key
    assert description.value(dataset, VOID.entities) == Literal(len(corpus))
    dumps = {str(u) for u in description.objects(dataset, VOID.dataDump)}
    assert dumps == {SITE + "data/graph.nt", SITE + "data/graph.nt.gz", SITE + "data/graph.ttl",
                     SITE + "data/graph.jsonld"}
    distributions = list(description.objects(dataset, DCAT.distribution))
    assert len(distributions) == 11
    gz = URIRef(SITE + "data/#graph-nt-gz")
    assert description.value(gz, DCAT.compressFormat) == URIRef("https://www.iana.org/assignments/media-types/"
                                                                 "application/gzip")
    media = {str(description.value(d, DCAT.mediaType)) for d in distributions}
    assert "https://www.iana.org/assignments/media-types/application/n-triples" in media
    nt = URIRef(SITE + "data/#graph-nt")
    assert description.value(nt, DCAT.byteSize) == Literal(1234, datatype=XSD.nonNegativeInteger)
    assert description.value(dataset, DCTERMS.modified) == Literal("2026-11-29", datatype=XSD.date)
    assert description.value(dataset, VOID.sparqlEndpoint) == URIRef("http://x/sparql")


def test_a_large_graph_is_published_compressed_only(mini, tmp_path, monkeypatch):
    """Above UNCOMPRESSED_DUMPS_MAX_RELATIONS (lowered here), the whole graph is published
    as graph.nt.gz only, and the network's GraphML and GEXF gzip-compressed: the files
    written are those listed before writing, VoID lists exactly them, the compressed
    files hold what the uncompressed ones would, and entity pages link the dump."""
    import gzip

    import networkx as nx

    from builder.network.formats import network_export_files
    from builder.pages.context import Context
    from builder.pages.entity import entity_page
    from builder.site.datajob import data_file_names

    corpus, graph = mini
    monkeypatch.setattr("builder.paths.UNCOMPRESSED_DUMPS_MAX_RELATIONS", len(corpus.relations) - 1)
    write_data_files(corpus, (), SITE, tmp_path)
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert written == set(data_file_names(corpus))
    data = {name.removeprefix("data/") for name in written if name.startswith("data/")}
    assert "graph.nt.gz" in data and not {"graph.nt", "graph.ttl", "graph.jsonld"} & data
    assert {"graph.graphml.gz", "graph.gexf.gz"} <= data and not {"graph.graphml", "graph.gexf"} & data
    for name, pieces in network_export_files(corpus):
        if name + ".gz" in data:
            assert gzip.decompress((tmp_path / "data" / (name + ".gz")).read_bytes()) == b"".join(pieces)
    network = nx.read_graphml(tmp_path / "data" / "graph.graphml.gz")  # networkx reads it compressed
    assert network.number_of_edges() == len(corpus.relations)
    void = Graph().parse(tmp_path / "data" / "void.ttl")
    dataset = URIRef(SITE + "data/#dataset")
    assert {str(u) for u in void.objects(dataset, VOID.dataDump)} == {SITE + "data/graph.nt.gz"}
    listed = {str(void.value(d, DCAT.downloadURL)).removeprefix(SITE + "data/")
              for d in void.objects(dataset, DCAT.distribution)}
    assert listed == data - {"network.json"}
    dump = Graph().parse(data=gzip.decompress((tmp_path / "data" / "graph.nt.gz").read_bytes()), format="nt")
    assert len(dump) == len(graph)
    links = entity_page(Context(corpus, SITE), corpus["ada-example"]).parts["data-links"].decode()
    assert 'data/graph.nt.gz">N-Triples (gzip)</a>' in links and "graph.ttl" not in links


def test_the_build_checks_anti_join_means_what_the_shapes_say(mini, shapes):
    """The build check runs each SPARQL constraint with MINUS in place of FILTER NOT
    EXISTS (fast on Oxigraph): on the real graph and on every broken copy, both forms
    find the same focus nodes, and the broken copies' violations are found at all."""
    import pyoxigraph as ox
    from rdflib.namespace import SH

    corpus, graph = mini
    vocabulary = build_vocabulary_graph(corpus.vocabulary, SITE).serialize(format="turtle", encoding="utf-8")
    constraints = list(shapes.subject_objects(SH.sparql))
    assert any("FILTER NOT EXISTS" in str(shapes.value(c, SH.select)) for _, c in constraints)
    found_somewhere = set()
    for name, (breaking, _) in {"none": (lambda g: None, ""), **BROKEN}.items():
        copy = _copy(graph)
        breaking(copy)
        store = ox.Store()
        store.bulk_load(copy.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
        store.bulk_load(vocabulary, ox.RdfFormat.TURTLE)
        for shape, constraint in constraints:
            prefixes = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                        for d in shapes.objects(shapes.value(constraint, SH.prefixes), SH.declare)}
            answers = [sorted(str(row["this"]) for row in store.query(
                conformance.whole_graph_query(shapes, shape, constraint, anti_join=form), prefixes=prefixes))
                for form in (False, True)]
            assert answers[0] == answers[1], (name, shape)
            if answers[0]:
                found_somewhere.add(name)
    assert "none" not in found_somewhere
    assert {"direct triple without statement", "truthy statement without its direct triple"} <= found_somewhere


def test_lines_sorted_on_disk_are_those_sorted_in_memory():
    """Lines given a prefix's group at a time, and others in any order (in a group's
    prefix, between two, before the first, after the last, some twice, some in a group
    already): in memory and, beyond a run, on disk, the same unique lines in the same
    order as sorted, read as often as needed, and the temporary files go with the object."""
    import random

    from builder.rdf import lines as rdf_lines
    rng = random.Random(3)
    raw = [f"<x:{rng.randrange(500)}/#{rng.randrange(3)}> <p:{rng.randrange(9)}> \"{'é' * rng.randrange(3)}\" .\n"
           .encode() for _ in range(3000)]
    prefixes = sorted({b"<x:%d/" % number for number in range(0, 500, 7)})
    grouped = {prefix: [line for line in raw if line.startswith(prefix)] for prefix in prefixes}
    others = [line for line in raw if not any(line.startswith(prefix) for prefix in prefixes)]
    others += [b"<a> <p:0> <x:1> .\n", b"<z> <p:0> <x:1> .\n"] + rng.sample(raw, 30)
    assert others and sum(map(len, grouped.values())) > 300
    for run_lines, extra in ((10_000, others), (170, others), (170, [])):
        sorter = rdf_lines.SortedLines()
        sorter.run_lines = run_lines
        for number, prefix in enumerate(prefixes):
            for line in extra[number::len(prefixes)]:
                sorter.add(line)
            sorter.add_group(prefix, grouped[prefix])
        sorter.finish()
        expected = sorted(set(extra).union(*grouped.values()))
        assert sorter.finish().count == len(expected)  # finishing again changes nothing
        assert sorter.spilled == (run_lines == 170) and sorter.count == len(expected)
        assert list(sorter) == list(sorter) == expected
        if sorter.spilled:
            folder = sorter._spill.path("x").parent
            assert [p.name for p in folder.iterdir()] == ["lines"]
            del sorter
            assert not folder.exists()


def test_lines_are_grouped_only_in_order():
    """A group whose prefix is not after the last group's, or begins with it, is refused:
    its lines would not follow the others'."""
    from builder.rdf import lines as rdf_lines
    sorter = rdf_lines.SortedLines()
    sorter.add_group(b"<x:2/", [b"<x:2/> <p> <o> .\n"])
    for prefix in (b"<x:1/", b"<x:2/", b"<x:2/a"):
        with pytest.raises(ValueError, match="ascending order"):
            sorter.add_group(prefix, [])
    sorter.add_group(b"<x:3/", [])
    assert list(sorter.finish()) == [b"<x:2/> <p> <o> .\n"]
    with pytest.raises(ValueError, match="after finish"):
        sorter.add(b"<x:1/> <p> <o> .\n")


def test_distinct_lines_counted_on_disk_are_those_counted_in_memory(monkeypatch):
    """Counted on disk (in files by hash, a batch of distinct lines at a time), the
    same count as a set's, however few lines are held at once."""
    import random

    from builder.rdf import lines as rdf_lines
    rng = random.Random(5)
    raw = [f"<x:{rng.randrange(700)}> .\n".encode() for _ in range(5000)]
    for held in (rdf_lines.PENDING, 7):
        monkeypatch.setattr(rdf_lines, "PENDING", held)
        counts = [rdf_lines.DistinctCount(on_disk) for on_disk in (False, True)]
        for counter in counts:
            for line in raw:
                counter.add(line)
        assert [c.count() for c in counts] == [len(set(raw))] * 2


def test_lines_grouped_by_entity_on_disk_are_those_grouped_in_memory(monkeypatch):
    """The real corpus's lines by entity page, on disk (beyond 500 lines, ranges of 25
    pages: a page's own lines read again from the sorted lines, the pointing ones from
    their files): the same pages with the same lines as in memory, as often as iterated."""
    from builder.pipeline import ProjectPaths, read_project
    from builder.rdf import lines as rdf_lines
    corpus = read_project(ProjectPaths(root=ROOT, entities=ROOT / "entities", themes=ROOT / "themes")).corpus
    in_memory = serialize_corpus(corpus, SITE)
    monkeypatch.setattr(rdf_lines, "RUN_LINES", 500)
    monkeypatch.setattr(rdf_lines, "PAGES_PER_RANGE", 25)
    on_disk = serialize_corpus(corpus, SITE)
    assert on_disk.lines.spilled and not in_memory.lines.spilled
    expected = dict(in_memory.by_entity)
    assert len(expected) == len(corpus.entities)
    assert dict(on_disk.by_entity) == expected == dict(on_disk.by_entity)
    assert on_disk.counts == in_memory.counts


def test_page_bounds_split_a_graph_by_its_subjects_pages(monkeypatch):
    """The ranges the lines pointing at entity pages are kept in, on disk, are ranges of
    pages: every line of a page's subjects falls in its page's range."""
    from bisect import bisect_right

    from builder.rdf import lines as rdf_lines
    monkeypatch.setattr(rdf_lines, "PAGES_PER_RANGE", 2)
    pages = [f"https://s.example/people/p{i}/" for i in (5, 1, 3, 2, 4)]
    bounds = rdf_lines.page_bounds(page.encode() for page in pages)
    assert bounds == [b"<https://s.example/people/p3/", b"<https://s.example/people/p5/"]
    ranges = {page: bisect_right(bounds, f"<{page}#id> <p:x> <{page}> .\n".encode()) for page in pages}
    for page in pages:
        assert bisect_right(bounds, f"<{page}> <p:y> \"z\" .\n".encode()) == ranges[page]
    assert sorted(ranges.values()) == [0, 0, 1, 1, 2]


def test_the_data_files_are_the_same_whether_the_graph_is_sorted_in_memory_or_on_disk(monkeypatch, tmp_path):
    """The real corpus's data files (the dumps, VoID's counts, every entity's Turtle), with
    the graph's lines sorted in memory and, beyond 500 lines, on disk (the lines pointing at
    pages by ranges of 25 pages): the same bytes."""
    from builder.pipeline import ProjectPaths, read_project
    from builder.rdf import lines as rdf_lines
    project = read_project(ProjectPaths(root=ROOT, entities=ROOT / "entities", themes=ROOT / "themes"))
    written = []
    monkeypatch.setattr(rdf_lines, "PAGES_PER_RANGE", 25)
    for run_lines in (rdf_lines.RUN_LINES, 500):
        monkeypatch.setattr(rdf_lines, "RUN_LINES", run_lines)
        out = tmp_path / str(run_lines)
        write_data_files(project.corpus, project.themes, SITE, out)
        written.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    in_memory, on_disk = written
    assert len(in_memory) > len(project.corpus.entities) and in_memory == on_disk
    assert serialize_corpus(project.corpus, SITE).counts["triples"] > 20 * 500


def test_a_dump_compressed_in_pieces_is_gzips_of_the_whole():
    """The dumps are compressed from the graph's lines (millions at scale, handed to zlib a
    block at a time) or from a network export's pieces: the same bytes as gzip of the whole
    file, with no date in them (a build does not depend on the clock)."""
    import gzip
    import os

    from builder.rdf.export import GZIP_BLOCK, _gzip
    whole = os.urandom(GZIP_BLOCK // 3) + b"".join(b"<s> <p> \"line %d\" .\n" % i for i in range(200_000))
    expected = gzip.compress(whole, 6, mtime=0)
    lines = whole.splitlines(keepends=True)
    assert len(whole) > 3 * GZIP_BLOCK
    assert _gzip(whole) == _gzip(lines) == _gzip([memoryview(whole)]) == expected
    assert _gzip([whole[:7], memoryview(whole)[7:2 * GZIP_BLOCK], whole[2 * GZIP_BLOCK:]]) == expected
    assert _gzip([]) == gzip.compress(b"", 6, mtime=0)

