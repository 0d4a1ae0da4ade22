"""The files the plugin hands to MkDocs: generated in memory, written later by the data
process, or freed once written; and moving the data process's files into the site."""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files


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


def move_tree(folder: Path, site: Path) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        target = site / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    shutil.rmtree(folder, ignore_errors=True)


def add_file(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        raise PluginError(f"policygraph: {file.src_uri} is generated; remove it from the docs folder")
    files.append(file)
