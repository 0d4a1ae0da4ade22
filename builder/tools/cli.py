"""The `policygraph` command. Thin: parse arguments, call one library function,
turn domain errors into a clean exit."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from builder.errors import EntityErrors, PolicygraphError
from builder.paths import PUBLISHED_NAMES, UNCOMPRESSED_DUMPS_MAX_RELATIONS

ENTITIES = click.option("--entities", "entities_dir", default="entities", show_default=True,
                        type=click.Path(path_type=Path), help="The folder of entity files.")
CONFIG = click.option("--config", "config_file", default="mkdocs.yml", show_default=True,
                      type=click.Path(path_type=Path), help="The MkDocs configuration (for site_url).")


@click.group()
@click.version_option(package_name="policygraph")
def main() -> None:
    """policygraph: validate entity files and build the knowledge-graph site."""


def _fail(error: PolicygraphError, output_format: str = "text") -> None:
    if isinstance(error, EntityErrors) and output_format == "github":
        from builder.tools.report import github_annotations
        click.echo(github_annotations(error.errors))
        click.echo(str(error).splitlines()[-1], err=True)
    else:
        click.echo(str(error), err=True)
    sys.exit(1)


@main.command()
@ENTITIES
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github prints GitHub Actions annotations.")
def validate(entities_dir: Path, output_format: str) -> None:
    """Check every entity file; print all mistakes as path:line:col and exit 1 if any."""
    from builder.pipeline import load_corpus
    try:
        corpus = load_corpus(entities_dir, root=Path.cwd())
    except PolicygraphError as error:
        _fail(error, output_format)
    click.echo(f"{len(corpus)} entities, {len(corpus.relations)} relations: valid.")


@main.command()
@CONFIG
@click.option("--site-dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site (default: site_dir from the configuration).")
def build(config_file: Path, site_dir: Path | None) -> None:
    """Validate, then build the whole site; the previous site is replaced only on success."""
    from builder.site.build import build_site
    try:
        target = build_site(config_file, site_dir)
    except PolicygraphError as error:
        _fail(error)
    click.echo(f"Site built in {target}")


@main.command()
@ENTITIES
@CONFIG
@click.option("--out", "out_dir", default="data", show_default=True, type=click.Path(path_type=Path),
              help="Folder to write the files into: " + ", ".join(PUBLISHED_NAMES) + " (above "
              f"{UNCOMPRESSED_DUMPS_MAX_RELATIONS:,} relations, graph.nt.gz without the uncompressed dumps).")
def export(entities_dir: Path, config_file: Path, out_dir: Path) -> None:
    """Write the files the site publishes under data/: the graph (Turtle, N-Triples, JSON-LD),
    the vocabulary, VoID/DCAT, SHACL shapes, and the network for network tools."""
    from builder.pipeline import load_corpus
    from builder.rdf.export import write_exports
    from builder.site.build import site_url_from
    try:
        corpus = load_corpus(entities_dir, root=Path.cwd())
        written = write_exports(corpus, site_url_from(config_file), out_dir)
    except PolicygraphError as error:
        _fail(error)
    for path in written:
        click.echo(path)


@main.command()
@click.argument("query")
@ENTITIES
@CONFIG
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30, show_default=True,
              help="Stop the query after this many seconds.")
def query(query: str, entities_dir: Path, config_file: Path, output_format: str, timeout: float) -> None:
    """Run a SPARQL query (a .rq file or the query text) over the graph and the vocabulary.

    SERVICE clauses are refused; a query is stopped after --timeout seconds, and at most
    100,000 rows are printed."""
    from builder.pipeline import load_corpus
    from builder.rdf.export import query_store_content, rdf_prefixes
    from builder.site.build import site_url_from
    from builder.tools.sparql import SAFE_CSV, TABLE, Limits, MemoryStore, run_query
    text = Path(query).read_text(encoding="utf-8") if query.endswith(".rq") and Path(query).is_file() else query
    result_format = {"table": TABLE, "csv": SAFE_CSV, "json": "application/sparql-results+json"}[output_format]
    try:
        site_url = site_url_from(config_file)
        corpus = load_corpus(entities_dir, root=Path.cwd())
        answer = run_query(MemoryStore(query_store_content(corpus, site_url)), text, result_format,
                           rdf_prefixes(corpus.vocabulary, site_url), Limits(timeout=timeout))
    except PolicygraphError as error:
        _fail(error)
    click.echo(answer.data.decode("utf-8"), nl=False)


@main.command()
@click.argument("kind")
@click.argument("name")
@ENTITIES
@click.option("--publisher", help="For a source: who published it.")
@click.option("--date", help="For a source: its date, YYYY-MM-DD.")
@click.option("--language", help="For a source: its language code (en, fr...).")
@click.option("--url", help="For a source: its address, only if known.")
@click.option("--text", "text_file", type=click.Path(path_type=Path, dir_okay=False),
              help="For a source: a UTF-8 file with the article's text, archived beside it as <id>.txt.")
def new(kind: str, name: str, entities_dir: Path, publisher: str | None, date: str | None,
        language: str | None, url: str | None, text_file: Path | None) -> None:
    """Write a new, valid, commented entity file for NAME (an article title for a source).

    KIND is an entities/ folder or its type, as the vocabulary names them (people or
    person, sources or source...)."""
    from builder.tools.scaffold import scaffold
    try:
        path = scaffold(entities_dir, kind, name, publisher=publisher, date=date, language=language, url=url,
                        text=text_file)
    except PolicygraphError as error:
        _fail(error)
    click.echo(f"Created {path}")


@main.command()
@click.option("--out", "out_dir", default="schemas", show_default=True, type=click.Path(path_type=Path),
              help="Folder of the JSON Schema files that entity files reference.")
@click.option("--check", is_flag=True, help="Only check that the files are up to date; exit 1 if not.")
def schema(out_dir: Path, check: bool) -> None:
    """Write the editors' JSON Schemas (one per entities/ folder) from the vocabulary."""
    from builder.tools.schema import stale_schemas, write_schemas
    from builder.vocabulary import load_vocabulary
    try:
        vocabulary = load_vocabulary()
    except PolicygraphError as error:
        _fail(error)
    if check:
        stale = stale_schemas(vocabulary, out_dir)
        if stale:
            click.echo(f"out of date: {', '.join(stale)}; run `policygraph schema`", err=True)
            sys.exit(1)
        click.echo("schemas are up to date.")
        return
    for path in write_schemas(vocabulary, out_dir):
        click.echo(path)


@main.command()
@click.argument("base")
@click.argument("head", default="HEAD")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="markdown suits a pull-request summary.")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".", show_default=True)
def diff(base: str, head: str, output_format: str, repo: Path) -> None:
    """List entities and relations added, removed and changed between two git revisions."""
    from builder.tools.diff import diff_revisions, render_diff
    try:
        result = diff_revisions(repo, base, head)
    except PolicygraphError as error:
        _fail(error)
    click.echo(render_diff(result, output_format), nl=False)


@main.command(name="serve-sparql")
@ENTITIES
@CONFIG
@click.option("--store", "location", default=".oxigraph", show_default=True, type=click.Path(path_type=Path),
              help="Folder of the on-disk Oxigraph store (rebuilt each time; a folder that holds "
                   "anything else is refused, never deleted).")
@click.option("--port", type=int, default=7878, show_default=True, help="Port on 127.0.0.1.")
def serve_sparql(entities_dir: Path, config_file: Path, location: Path, port: int) -> None:
    """Load the graph into an Oxigraph SPARQL 1.1 server on 127.0.0.1 and serve it until
    Ctrl+C or SIGTERM. SERVICE clauses are refused and each query is stopped after 30 s."""
    from builder.pipeline import load_corpus
    from builder.rdf.export import rdf_prefixes
    from builder.site.build import site_url_from
    from builder.tools.server import load_store, start_server
    signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        site_url = site_url_from(config_file)
        corpus = load_corpus(entities_dir, root=Path.cwd())
        load_store(corpus, site_url, location)
        server = start_server(location, rdf_prefixes(corpus.vocabulary, site_url), port=port)
    except PolicygraphError as error:
        _fail(error)
    try:
        click.echo(f"SPARQL endpoint: {server.endpoint} (Ctrl+C to stop)")
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _stop_on_signal(signum, frame) -> None:
    raise KeyboardInterrupt  # unwinds to the `finally` that stops the servers


if __name__ == "__main__":  # pragma: no cover
    main()
