"""Files the site ships besides its pages: vis-network (from the pyvis package; the
site's network script loads it on the pages that draw a network) and Oxigraph's
WebAssembly build (from npm, for the query page)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mkdocs.exceptions import PluginError

from builder.network.render import VIS_ASSETS

OXIGRAPH_FILES = ("web.js", "web_bg.wasm")


def asset_files(root: Path, oxigraph_dir: str) -> dict[str, Path | Callable[[], str]]:
    """Every shipped asset, by path in the site: a file to copy, or what makes its text."""
    return {**oxigraph_assets(root, oxigraph_dir), **VIS_ASSETS}


def oxigraph_assets(root: Path, oxigraph_dir: str) -> dict[str, Path]:
    """Oxigraph's browser build, looked for beside the configuration, then beside this
    package (a configuration kept elsewhere)."""
    for folder in (root / oxigraph_dir, Path(__file__).resolve().parents[2] / oxigraph_dir):
        if all((folder / name).is_file() for name in OXIGRAPH_FILES):
            return {f"assets/vendor/oxigraph/{name}": folder / name for name in OXIGRAPH_FILES}
    raise PluginError(f"policygraph: {oxigraph_dir}/web.js is missing: run `npm ci` (make site does it)")
