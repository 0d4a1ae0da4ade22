"""The site's search: Pagefind reads the built pages and writes its bundle (the index in
chunks, one fragment per page, its Component UI) into the site's pagefind/ folder, so a
query downloads only the chunks of its words and the fragments of the results it shows.

What Pagefind reads the pages say themselves, with Pagefind's attributes: the theme's
`overrides/main.html` marks each page's article `data-pagefind-body` (header, menus and
footer stay out) unless its front matter says `search: {exclude: true}` (the pages that
only list entities), and the entity templates weigh an entity's names and leave out its
infobox, evidence and data links. Ranking options the browser applies are in
`overrides/partials/search.html`.

Pagefind holds all it makes of every page it indexes in memory until it writes the bundle,
so a site of more than PAGES_PER_BUNDLE pages (the plugin's `pages_per_search_bundle`) is
indexed in several bundles, one Pagefind run after the other, each over its share of the
pages (the first bundle in pagefind/, the others in pagefind/N/), which the browser's
search merges (Pagefind's `mergeIndex`): a query then fetches an index chunk per bundle.

A build hands Pagefind what it indexes of each page rather than the page (`SearchCopies`,
written as MkDocs writes the pages): the marked article but the claims' evidence, with the
page's language and title. The theme's header, menus and footer are half an entity page's
bytes, and the evidence half of its article, which Pagefind would parse only to leave
out; the index is the same, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError
from builder.paths import scratch_folder
from builder.processes import die_with_parent, in_background

BUNDLE = "pagefind"
PAGES_PER_BUNDLE = 20_000
MIN_PAGES_PER_BUNDLE = 100  # a site's few pages left out of the search cannot leave a bundle empty
# What a bundle merged into the first one needs (its own index; the code is the first's).
MERGED_KEEP = ("pagefind-entry.json", "index", "fragment", "filter")
MARKED_TEXT = "<div data-pagefind-body"  # overrides/main.html's article
MARKED = MARKED_TEXT.encode()
# Left out of every page: the theme's furniture inside the article (headings' permalinks,
# the edit button), and code blocks (SPARQL queries, Turtle, commands: no snippet to show).
EXCLUDE = (".headerlink", ".md-content__button", "pre")


@dataclass(frozen=True)
class SearchIndex:
    folder: Path
    pages: int


def search_bundles(pages: int, pages_per_bundle: int = PAGES_PER_BUNDLE) -> tuple[str, ...]:
    """The search's bundles (folders of the site) for a site of `pages` pages: the first is
    Pagefind's own, where its code is; the pages' search merges the others."""
    count = max(1, -(-pages // pages_per_bundle))
    return (BUNDLE, *(f"{BUNDLE}/{number}" for number in range(2, count + 1)))


def index_site(site: Path, language: str, background: bool = False,
               bundles: tuple[str, ...] = (BUNDLE,), copies: SearchCopies | None = None) -> SearchIndex:
    """Index the built site in `site` (its pages only: run it once they are all written)
    into `bundles` (see `search_bundles`); from the site's pages, their marked pages dealt
    out among the bundles in the order of their paths, or from their `copies` if given
    (SearchCopies, made for as many bundles: each bundle's from its share). The same pages
    give the same files, byte for byte. In the `background` (the preview's), Pagefind
    runs at a lower CPU priority."""
    from pagefind_bin import get_executable  # the pagefind[bin] wheel's binary
    try:
        executable = get_executable()
    except FileNotFoundError as error:
        raise BuildError(f"Pagefind is missing ({error}): reinstall with `make setup`") from None
    if copies is not None and copies.shares != len(bundles):
        raise ValueError(f"copies made for {copies.shares} bundles, indexed into {len(bundles)}")
    if len(bundles) == 1:
        pages = _run(executable, copies.folder if copies is not None else site, site / bundles[0], language,
                     background)
    elif copies is not None:
        pages = _index_shares(executable, site, [copies.share(n) for n in range(len(bundles))], bundles, language,
                              background)
    else:
        marked = [path for path in sorted(site.rglob("*.html")) if MARKED in path.read_bytes()]
        # Every len(bundles)-th page: each bundle a sample of all kinds of page, so that a
        # word is about as rare in each (Pagefind weighs a word by its rarity in the
        # bundle) and the bundles' scores interleave as one index's would.
        shares = [marked[number::len(bundles)] for number in range(len(bundles))]
        pages = _index_linked_shares(executable, site, shares, bundles, language, background)
    return SearchIndex(site / bundles[0], pages)


class SearchCopies:
    """What Pagefind reads of each page that it indexes (`searched_part`), written as the
    page is (`add`), into a folder of the build's (scratch_folder) at the page's place:
    for a site indexed in several bundles, into the folder of the page's bundle (`share`),
    the copies dealt out in the order they are written (each bundle a sample of all kinds
    of page, as `index_site` deals out a site's pages)."""

    def __init__(self, folder: Path, shares: int = 1) -> None:
        self.folder = folder
        self.shares = shares  # the bundles' number
        self.added = 0

    def share(self, number: int) -> Path:
        """The folder of the copies of bundle `number` (from 0)."""
        return self.folder / str(number) if self.shares > 1 else self.folder

    def add(self, dest: str, html: str) -> None:
        """The copy of the page written at `dest` (its path in the site) with this HTML;
        none for a page that is not marked."""
        copy = searched_part(html)
        if copy is None:
            return
        path = self.share(self.added % self.shares) / dest
        self.added += 1
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(copy.encode("utf-8"))

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def searched_part(html: str) -> str | None:
    """Of a page, what Pagefind reads: everything before its head, its title, and its
    marked article (overrides/main.html: the article's one child, its content ending
    before the theme's `</article>`, the last of the page) but the claims' evidence,
    which the index leaves out. None if it has no mark."""
    start = html.find(MARKED_TEXT)
    if start < 0:
        return None
    article_end = html.rfind("</article>")
    end = html.rfind("</div>", start, article_end) if article_end > start else -1
    head = html.find("<head")
    if end < 0 or not 0 <= head < start:  # not the theme's page: all of it
        return html
    end += len("</div>")
    title_start = html.find("<title>", head, start)
    title = html[title_start:html.index("</title>", title_start) + len("</title>")] if title_start >= 0 else ""
    article = _without_evidence(html[start:end])
    return f'{html[:head]}<head><meta charset="utf-8">{title}</head><body>{article}</body></html>\n'


# The evidence of each claim (builder/templates/entity_parts.html.j2): about half of an
# entity page's article, left out of the index (data-pagefind-ignore) and holding nothing
# Pagefind takes (no meta, filter or weight). Its quotes are escaped text: no tag closes
# it early, and none is nested in another.
EVIDENCE_START = '<details class="pg-evidence" data-pagefind-ignore>'
EVIDENCE_END = "</details>"


def _without_evidence(html: str) -> str:
    """The HTML without the claims' evidence (found with str.find: a regular expression's
    lazy match crawls through each evidence a character at a time)."""
    pieces, at = [], 0
    while (start := html.find(EVIDENCE_START, at)) >= 0 and (end := html.find(EVIDENCE_END, start)) >= 0:
        pieces.append(html[at:start])
        at = end + len(EVIDENCE_END)
    pieces.append(html[at:])
    return "".join(pieces)


def _index_shares(executable: Path, site: Path, folders: list[Path], bundles: tuple[str, ...], language: str,
                  background: bool) -> int:
    """Pagefind over each folder of pages, into its bundle in `site`, one run after the
    other: the pages indexed. A helper thread removes each folder once indexed (tens of
    thousands of files) while Pagefind runs on the next."""
    pages = 0
    with ThreadPoolExecutor(1) as helper:
        for number, (folder, bundle) in enumerate(zip(folders, bundles, strict=True)):
            folder.mkdir(parents=True, exist_ok=True)  # a share without pages: Pagefind says so
            pages += _run(executable, folder, site / bundle, language, background)
            helper.submit(shutil.rmtree, folder, ignore_errors=True)
            if number:
                _keep_merged(site / bundle)
    return pages


def _index_linked_shares(executable: Path, site: Path, shares: list[list[Path]], bundles: tuple[str, ...],
                         language: str, background: bool) -> int:
    """Pagefind over each share of the site's pages, linked into a folder of its own
    (hard links), into its bundle: the pages indexed."""
    folders = [scratch_folder(site, "search") for _ in bundles]
    try:
        for share, folder in zip(shares, folders, strict=True):
            _link(site, share, folder)
        return _index_shares(executable, site, folders, bundles, language, background)
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def _keep_merged(bundle: Path) -> None:
    """Of a bundle merged into the first, only what the merge reads (MERGED_KEEP)."""
    for path in bundle.iterdir():
        if path.name not in MERGED_KEEP and not path.name.endswith(".pf_meta"):
            path.unlink()


def _run(executable: Path, pages: Path, output: Path, language: str, background: bool) -> int:
    """Pagefind over the folder `pages`, its bundle written to `output`: the pages indexed."""
    command = [str(executable), "--site", ".", "--output-path", str(output.resolve()),
               "--force-language", language, "--quiet"]
    for selector in EXCLUDE:
        command += ["--exclude-selectors", selector]
    # In the pages' folder: no pagefind.yml of the project's or the user's is read.
    result = subprocess.run(command, cwd=pages, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            preexec_fn=_in_background if background else die_with_parent)
    entry = output / "pagefind-entry.json"
    if result.returncode != 0 or not entry.is_file():
        output_text = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
        raise BuildError(f"the search index could not be built (pagefind exited with {result.returncode}):\n"
                         f"{output_text[-3000:]}")
    languages = json.loads(entry.read_text(encoding="utf-8")).get("languages", {})
    pages_indexed = sum(language.get("page_count", 0) for language in languages.values())
    if not pages_indexed:
        raise BuildError("the search index holds no page: no page is marked data-pagefind-body "
                         "(see overrides/main.html)")
    return pages_indexed


def _link(site: Path, pages: list[Path], folder: Path) -> None:
    """The `pages` of `site` at the same places in `folder` (hard links, or copies on a
    file system without them)."""
    made = set()
    for page in pages:
        target = folder / page.relative_to(site)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.link(page, target)
        except OSError:
            shutil.copyfile(page, target)


def _in_background() -> None:
    die_with_parent()
    in_background()
