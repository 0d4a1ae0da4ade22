"""The site's search: Pagefind reads the built pages and writes its bundle (the index in
chunks, one fragment per page, its Component UI) into the site's pagefind/ folder, so a
query downloads only the chunks of its words and the fragments of the results it shows.

What Pagefind reads the pages say themselves, with Pagefind's attributes: the theme's
`overrides/main.html` marks each page's article `data-pagefind-body` (header, menus and
footer stay out) unless its front matter says `search: {exclude: true}` (the pages that
only list entities), and the entity templates weigh an entity's names and leave out its
infobox, evidence and data links. Ranking options the browser applies are in
`overrides/partials/search.html`."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError
from builder.processes import die_with_parent, in_background

BUNDLE = "pagefind"
# Left out of every page: the theme's furniture inside the article (headings' permalinks,
# the edit button), and code blocks (SPARQL queries, Turtle, commands: no snippet to show).
EXCLUDE = (".headerlink", ".md-content__button", "pre")


@dataclass(frozen=True)
class SearchIndex:
    folder: Path
    pages: int


def index_site(site: Path, language: str, background: bool = False) -> SearchIndex:
    """Index the built site in `site` (its pages only: run it once they are all written).
    The same pages give the same files, byte for byte. In the `background` (the preview's),
    Pagefind runs at a lower CPU priority."""
    from pagefind_bin import get_executable  # the pagefind[bin] wheel's binary
    try:
        executable = get_executable()
    except FileNotFoundError as error:
        raise BuildError(f"Pagefind is missing ({error}): reinstall with `make setup`") from None
    command = [str(executable), "--site", ".", "--output-subdir", BUNDLE, "--force-language", language, "--quiet"]
    for selector in EXCLUDE:
        command += ["--exclude-selectors", selector]
    # In the site folder: no pagefind.yml of the project's or the user's is read.
    result = subprocess.run(command, cwd=site, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            preexec_fn=_in_background if background else die_with_parent)
    entry = site / BUNDLE / "pagefind-entry.json"
    if result.returncode != 0 or not entry.is_file():
        output = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
        raise BuildError(f"the search index could not be built (pagefind exited with {result.returncode}):\n"
                         f"{output[-3000:]}")
    languages = json.loads(entry.read_text(encoding="utf-8")).get("languages", {})
    pages = sum(language.get("page_count", 0) for language in languages.values())
    if not pages:
        raise BuildError("the search index holds no page: no page is marked data-pagefind-body "
                         "(see overrides/main.html)")
    return SearchIndex(site / BUNDLE, pages)


def _in_background() -> None:
    die_with_parent()
    in_background()
