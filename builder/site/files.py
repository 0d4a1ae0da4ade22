"""The files the plugin hands to MkDocs: generated in memory, written later by the data
process, or freed once written; the pages it hands over as HTML; and moving the data
process's files into the site."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from markdown.extensions.toc import nest_toc_tokens
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents, get_toc

from builder.pages.context import Body, StoredText
from builder.pages.context import Page as GeneratedPage


class LateFile(File):
    """A file written by the data process: MkDocs knows it (links to it are checked)
    but does not copy it; the plugin moves it into the site at post-build."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


class GeneratedFile(File):
    """A generated file that a dirty rebuild (`mkdocs serve --dirty`) may skip: the
    plugin marks it unchanged when the same content is already in the site."""

    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()


class FreedFile(GeneratedFile):
    """Generated data whose content is dropped once it is written into the site (read
    back from there if asked again): 10,000 ego networks held until the end of the
    build cost about half a gigabyte."""

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        if self._content is not None:
            self._content = None
            self.abs_src_path = self.abs_dest_path


class HtmlPage(Page):
    """A generated page whose body a template wrote as HTML (pages.context.Body): MkDocs
    reads its front matter as it does any page's, and takes the body and its table of
    contents as they are instead of converting Markdown (a Python-Markdown instance set up
    and run for each of thousands of entity pages). A body written to a file (PartsFile)
    is read from there each time MkDocs asks for the page's content, and forgotten once
    handed back as it was: MkDocs renders every page before it writes the first."""

    def __init__(self, file: File, config: MkDocsConfig, body: Body) -> None:
        self._content: str | StoredText | None = None
        self._read: str | None = None  # the stored body, as last read, until handed back
        self._toc: TableOfContents | None = None
        super().__init__(None, file, config)
        self.body = body

    @property  # type: ignore[override]
    def toc(self) -> TableOfContents | list:
        """Made from the body's headings when the theme first asks (as the page is written),
        not as MkDocs renders every page before it writes the first."""
        if self._toc is None and self.body is not None:
            headings = [{"level": h.level, "id": h.id, "name": h.name} for h in self.body.headings]
            self._toc = get_toc(nest_toc_tokens(headings))
        return self._toc if self._toc is not None else []

    @toc.setter
    def toc(self, value) -> None:
        self._toc = value or None

    @property  # type: ignore[override]
    def content(self) -> str | None:
        if isinstance(self._content, StoredText):
            if self._read is None:
                self._read = self._content.load()
            return self._read
        return self._content

    @content.setter
    def content(self, value: str | StoredText | None) -> None:
        if value is not None and value is self._read:
            self._read = None  # unchanged (MkDocs' on_page_content): it stays where it is
            return
        self._content, self._read = value, None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        body = self.body
        self.content = body.html
        self._title_from_render = next((h.name for h in body.headings if h.level == 1), None)
        self.present_anchor_ids = {h.id for h in body.headings}
        self.links_to_anchors = {}


class MadeFiles:
    """The File objects of one build for MkDocs. Those of the preview's last build are
    handed over again where they may be (30,000 made anew at each edit otherwise, at
    10,000 entities): a kept page's outside the navigation, which MkDocs neither reads
    nor writes again, and the data files'."""

    def __init__(self, config: MkDocsConfig, last: MadeFiles | None = None) -> None:
        self.config = config
        self.settings = (config.docs_dir, config.site_dir, config.use_directory_urls, config.site_url)
        self.last = last.made if last is not None and last.settings == self.settings else {}
        self.made: dict[str, File] = {}

    def page(self, src: str, page: GeneratedPage, kept: bool) -> File:
        """A page's file: `kept` if the site already has it as the last build wrote it."""
        file = self.last.pop(src, None) if kept else None
        if file is None:
            inclusion = InclusionLevel.NOT_IN_NAV if not page.listed or kept else InclusionLevel.UNDEFINED
            file = GeneratedFile.generated(self.config, src, content=page.markdown, inclusion=inclusion)
            if page.body is not None:
                HtmlPage(file, self.config, page.body)
        file.unchanged = kept
        if page.body is not None and not page.listed:
            self.made[src] = file
        return file

    def data(self, src: str) -> LateFile:
        file = self.last.pop(src, None)
        if not isinstance(file, LateFile):
            file = LateFile.generated(self.config, src, abs_src_path=os.devnull)
        self.made[src] = file
        return file


def move_tree(folder: Path, site: Path) -> None:
    """The files of `folder` moved to the same places in `site` (renamed: two files per
    entity at scale, so no call per file that a folder's files can share), then the
    folder removed."""
    files = []
    for parent, _, names in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        files += (os.path.normpath(os.path.join(relative, name)) for name in names)
    made = set()
    for relative in sorted(files):
        target = site / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.replace(folder / relative, target)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            shutil.move(folder / relative, target)  # another file system: copied
    shutil.rmtree(folder, ignore_errors=True)


def add_file(files: Files, file: File) -> None:
    existing = files.src_uris.get(file.src_uri)  # a src_uri is already a POSIX path
    if existing is not None:
        raise PluginError(f"policygraph: {file.src_uri} is generated; remove it from the docs folder")
    files.append(file)
