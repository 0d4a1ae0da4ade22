"""The researchers' pages: the vocabulary reference, "Query the graph" (IRI scheme,
statement model, prefixes, the catalogue of example queries) and the query page."""

from __future__ import annotations

from rdflib import Graph

from builder.pages.context import Context, fence
from builder.paths import page_url, published, relative_url
from builder.rdf.dataset import shacl_shapes
from builder.rdf.graph import auxiliary_terms, bind_prefixes, relation_graph


def prefixes(ctx: Context) -> dict[str, str]:
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, ctx.v, ctx.iris)
    return {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}


# Above this size the N-Triples dump is not loaded into a browser tab: the query page
# asks for a SPARQL endpoint instead (`make bench` prints the load time and memory of
# the dumps it builds).
BROWSER_QUERY_LIMIT = 150 * 1024 * 1024


def query_page(ctx: Context, examples: list[dict], endpoint: str | None = None) -> str:
    ordered = sorted(prefixes(ctx).items(), key=lambda item: -len(item[1]))
    return ctx.template("query.md.j2").render(
        examples=examples, prefixes=ordered, endpoint=endpoint or "", site_url=ctx.iris.site_url,
        browser_limit=BROWSER_QUERY_LIMIT)


def sparql_docs(ctx: Context, examples: list[dict]) -> str:
    relation = next((r for r in ctx.corpus.relations if r.citations), None)
    example = {"entity": f"{ctx.iris.site_url}people/<id>/#id", "page": f"{ctx.iris.site_url}people/<id>/",
               "statement": "", "citation": "", "annotation": "", "label": "", "turtle": ""}
    if relation is not None:
        subject = ctx.corpus[relation.subject]
        statement = ctx.iris.statement(subject, relation)
        citation = ctx.iris.citation(subject, relation, 1)
        graph = relation_graph(ctx.corpus, ctx.iris.site_url, relation)
        excerpt = Graph(bind_namespaces="core")
        for prefix, namespace in graph.namespaces():
            excerpt.bind(prefix, namespace)
        annotation = ctx.iris.part(subject, relation, "quote-1")
        for node in (statement, citation, annotation):
            for triple in graph.triples((node, None, None)):
                excerpt.add(triple)
        example = {"entity": str(ctx.iris.entity(subject)), "page": str(ctx.iris.page(subject)),
                   "statement": str(statement), "citation": str(citation), "annotation": str(annotation),
                   "label": f"{subject.name} {ctx.v.predicates[relation.predicate].label.site} "
                            f"{ctx.corpus[relation.target].name}",
                   "turtle": fence(excerpt.serialize(format="turtle"), "turtle")}
    downloads = [{"name": f.name, "format": f.format, "what": f.what} for f in published(len(ctx.corpus.relations))]
    return ctx.template("sparql.md.j2").render(
        site_url=ctx.iris.site_url, namespace=str(ctx.iris.vocab), example=example,
        statuses=list(ctx.v.statuses.values()), predicates=list(ctx.v.predicates.values()),
        truthy=[s for s in ctx.v.statuses if s in ctx.v.truthy_statuses],
        prefixes=sorted(prefixes(ctx).items()), downloads=downloads,
        examples=[{**e, "fenced": fence(e["text"], "sparql")} for e in examples])


def vocabulary_page(ctx: Context) -> str:
    v, iris = ctx.v, ctx.iris
    types = [{"type": t, "iri": str(iris.type_class(t.id)), "anchor": t.class_name,
              "classes": ", ".join(t.classes), "parent": t.parent or ""} for t in v.types.values()]
    predicates = [{"p": p, "iri": str(iris.predicate(p.id)), "anchor": p.property_name,
                   "domain": ", ".join(p.domain), "range": ", ".join(p.range),
                   "maps_to": (("inverse of " if p.maps_to_inverse else "") + p.maps_to) if p.maps_to else ""}
                  for p in v.predicates.values()]
    statuses = [{"s": s, "iri": str(iris.status(s.id)), "anchor": s.id} for s in v.statuses.values()]
    others = [{"anchor": name, "kind": kind.split("#")[-1], "comment": comment}
              for name, kind, comment in auxiliary_terms(v)]
    return ctx.template("vocab.md.j2").render(
        terms=others,
        types=types, predicates=predicates, statuses=statuses, namespace=str(iris.vocab),
        keys=list(v.keys.values()), languages=v.label_languages, site_language=v.site_language,
        others=[language for language in v.label_languages if language != v.site_language])


def dataset_page(ctx: Context) -> str:
    """The page at data/, where the dataset's IRI (`data/#dataset`) and its files' IRIs
    (`data/#graph-nt`...) lead."""
    files = [{"file": f, "anchor": f.name.replace(".", "-")} for f in published(len(ctx.corpus.relations))]
    return ctx.template("dataset.md.j2").render(
        files=files, entities=len(ctx.corpus), relations=len(ctx.corpus.relations),
        sources=len(ctx.corpus.sources()), site_url=ctx.iris.site_url, dataset=str(ctx.iris.dataset))


def shapes_page(ctx: Context) -> str:
    """The page at vocab/shapes/, where the SHACL shapes' IRIs lead."""
    from rdflib.namespace import SH
    shapes = shacl_shapes(ctx.v, ctx.iris.site_url)
    base = str(ctx.iris.shape(""))
    rows = []
    for node in sorted({s for s in shapes.subjects() if str(s).startswith(base)}, key=str):
        what = ", ".join(sorted({str(p).split("#")[-1] for p in shapes.predicates(node) if str(p).startswith(str(SH))}))
        message = shapes.value(node, SH.message)
        rows.append({"anchor": str(node)[len(base):], "what": what, "message": str(message) if message else ""})
    return ctx.template("shapes.md.j2").render(rows=rows)


def redirects(ctx: Context) -> dict[str, str]:
    """A page at each old address of a renamed or merged entity (`replaces`), leading to
    the entity's page: old links and IRIs keep resolving."""
    template = ctx.template("redirect.html.j2")
    pages = {}
    for entity in ctx.corpus.entities.values():
        for old in entity.facts.get("replaces", ()):
            former = f"{entity.kind}/{old}/"
            pages[former + "index.html"] = template.render(
                old=old, name=entity.name, target=relative_url(former, page_url(entity)),
                canonical=str(ctx.iris.page(entity)))
    return pages
