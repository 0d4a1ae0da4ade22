"""Theme fragments rendered once and shared by many pages. The theme's navigation is
most of the work of rendering a page into the theme, and on every page outside the
navigation (entity and source pages: all but a few dozen) it is the same for every page
of a folder: no item is active, and its links are relative to the page's address, so
the same from every page of a folder (`people/a/` and `people/b/` both link `../` for
People); so is the header around the page's title. `overrides/partials/nav.html` and
`partials/header.html` ask for them by name and page."""

from __future__ import annotations

from markupsafe import Markup

from builder.paths import page_folder


class SharedFragments:
    """`{% call shared_fragment(name, page) %}...{% endcall %}` in a theme template: the
    block rendered once per name and folder for the pages outside the navigation
    (`listed`: the source paths of the pages in it), every time for the others."""

    def __init__(self, listed: set[str]) -> None:
        self.listed = listed
        self.made: dict[tuple[str, str], Markup] = {}

    def __call__(self, name: str, page, caller) -> Markup:
        if page is None or page.file.src_uri in self.listed:
            return caller()
        key = (name, page_folder(page.url))
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = caller()
        return made
