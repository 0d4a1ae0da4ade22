"""The researchers' pages: the vocabulary reference, "Query the graph" (IRI scheme,
statement model, prefixes, the catalogue of example queries) and the query page."""

from __future__ import annotations

from rdflib import Graph

from builder.pages.context import Context, fence
from builder.paths import PUBLISHED
from builder.rdf.graph import bind_prefixes, relation_graph


def prefixes(ctx: Context) -> dict[str, str]:
    graph = Graph(bind_namespaces="core")
    bind_prefixes(graph, ctx.v, ctx.iris)
    return {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}


def query_page(ctx: Context, examples: list[dict], endpoint: str | None = None) -> str:
    ordered = sorted(prefixes(ctx).items(), key=lambda item: -len(item[1]))
    return ctx.env.get_template("query.md.j2").render(
        examples=examples, prefixes=ordered, endpoint=endpoint or "", site_url=ctx.iris.site_url)


def sparql_docs(ctx: Context, examples: list[dict]) -> str:
    relation = next((r for r in ctx.corpus.relations if r.citations), None)
    example = {"entity": f"{ctx.iris.site_url}people/<id>/", "statement": "", "citation": "",
               "label": "", "turtle": ""}
    if relation is not None:
        subject = ctx.corpus[relation.subject]
        statement = ctx.iris.statement(subject, relation)
        citation = ctx.iris.citation(subject, relation, 1)
        graph = relation_graph(ctx.corpus, ctx.iris.site_url, relation)
        excerpt = Graph(bind_namespaces="core")
        for prefix, namespace in graph.namespaces():
            excerpt.bind(prefix, namespace)
        for node in (statement, citation):
            for triple in graph.triples((node, None, None)):
                excerpt.add(triple)
        example = {"entity": str(ctx.iris.entity(subject)), "statement": str(statement),
                   "citation": str(citation),
                   "label": f"{subject.name} {ctx.v.predicates[relation.predicate].label.site} "
                            f"{ctx.corpus[relation.target].name}",
                   "turtle": fence(excerpt.serialize(format="turtle"), "turtle")}
    downloads = [{"name": f.name, "format": f.format, "what": f.what} for f in PUBLISHED if not f.featured]
    return ctx.env.get_template("sparql.md.j2").render(
        site_url=ctx.iris.site_url, namespace=str(ctx.iris.vocab), example=example,
        statuses=list(ctx.v.statuses.values()), predicates=list(ctx.v.predicates.values()),
        prefixes=sorted(prefixes(ctx).items()), extra_downloads=downloads,
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
    return ctx.env.get_template("vocab.md.j2").render(
        types=types, predicates=predicates, statuses=statuses, namespace=str(iris.vocab),
        keys=list(v.keys.values()), languages=v.label_languages, site_language=v.site_language,
        others=[language for language in v.label_languages if language != v.site_language])
