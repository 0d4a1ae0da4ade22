"""The SPARQL example catalogue: `queries/*.rq`, each opening with `# title:` and
`# description:` lines. Shown on the query page and the docs, and run by the tests
with two engines. Queries are written against the default site_url and rebased onto
the configured one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.errors import CatalogueError

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "queries"
WRITTEN_FOR = "https://policygraph.example.org/"


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    description: str
    text: str

    def for_site(self, site_url: str) -> "Example":
        site_url = site_url if site_url.endswith("/") else site_url + "/"
        return Example(self.id, self.title, self.description, self.text.replace(WRITTEN_FOR, site_url))


def _header(path: Path, text: str, key: str) -> str:
    for line in text.splitlines():
        if line.startswith(f"# {key}:"):
            value = line.split(":", 1)[1].strip()
            if value:
                return value
    raise CatalogueError(f"{path}:1:1: missing `# {key}: ...` line")


def load_catalogue(folder: Path = DEFAULT_FOLDER, site_url: str = WRITTEN_FOR) -> list[Example]:
    examples = []
    for path in sorted(Path(folder).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        examples.append(Example(path.stem, _header(path, text, "title"), _header(path, text, "description"),
                                text).for_site(site_url))
    return examples
