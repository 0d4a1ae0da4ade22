"""The SPARQL example catalogue: `queries/*.rq`, each opening with `# title:` and
`# description:` lines. Shown on the query page and the docs, and run by the tests
with two engines. Queries are written against the default site_url and rebased onto
the configured one. Read with the entities, so a mistake in a query stops the build
(and the preview) with its file and line like any other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.errors import CatalogueError
from builder.rdf.query_text import service_line, syntax_error, update_line

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "queries"
WRITTEN_FOR = "https://policygraph.example.org/"
MAX_HEADER = 300


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    description: str
    text: str

    def for_site(self, site_url: str) -> "Example":
        site_url = site_url if site_url.endswith("/") else site_url + "/"
        return Example(self.id, self.title, self.description, self.text.replace(WRITTEN_FOR, site_url))


def _header(text: str, key: str) -> tuple[str | None, int]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip(), number
    return None, 1


def _problems(text: str) -> list[tuple[int, int, str]]:
    problems = []
    for key in ("title", "description"):
        value, line = _header(text, key)
        if not value:
            problems.append((line, 1, f"missing `# {key}: ...` line (one line saying what the query "
                                      f"{'is' if key == 'title' else 'answers'})"))
        elif len(value) > MAX_HEADER or any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in value):
            problems.append((line, 1, f"the {key} must be plain text of at most {MAX_HEADER} characters"))
    line = service_line(text)
    if line is not None:
        problems.append((line, 1, "SERVICE is not allowed: the examples run over this graph only"))
    line = update_line(text)
    if line is not None:
        problems.append((line, 1, "an update, not a query: the examples only read the graph"))
        return problems
    found = syntax_error(text)
    if found:
        problems.append((found[0], found[1], f"SPARQL syntax error: {found[2]}"))
    return problems


def load_catalogue(folder: Path = DEFAULT_FOLDER, site_url: str = WRITTEN_FOR,
                   root: Path | None = None) -> list[Example]:
    """The examples, rebased onto `site_url`; raise CatalogueError listing every mistake
    as path:line:column (paths relative to `root` when given)."""
    examples, errors = [], []
    for path in sorted(Path(folder).glob("*.rq")):
        shown = path.relative_to(root) if root and path.is_relative_to(root) else path
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            errors.append(f"{shown}:1:1: not UTF-8 text (save the file as UTF-8)")
            continue
        problems = _problems(text)
        errors += [f"{shown}:{line}:{column}: {message}" for line, column, message in problems]
        if not problems:
            examples.append(Example(path.stem, _header(text, "title")[0], _header(text, "description")[0],
                                    text).for_site(site_url))
    if errors:
        raise CatalogueError("\n".join(errors + [f"{len(errors)} problem{'s' if len(errors) != 1 else ''} "
                                                 "in the query catalogue"]))
    return examples
