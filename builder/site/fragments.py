"""Theme fragments rendered once and shared by many pages. The theme's navigation is
most of the work of rendering a page into the theme, and on every page outside the
navigation (entity and source pages: all but a few dozen) it is the same for every page
of a folder: no item is active, and its links are relative to the page's address, so
the same from every page of a folder (`people/a/` and `people/b/` both link `../` for
People); so is the header around the page's title. A page's table of contents holds
only its headings' titles and anchors: the same on every page with the same headings.
`overrides/partials/nav.html`, `header.html` and `toc.html` ask for them by name and
page (and contents). Tables of contents repeat less (an entity page's headings name its
kinds of relation): only the latest TOC_KEPT of them are kept."""

from __future__ import annotations

from collections import OrderedDict

from markupsafe import Markup

from builder.paths import page_folder


class SharedFragments:
    """`{% call shared_fragment(name, page) %}...{% endcall %}` in a theme template: the
    block rendered once per name and folder for the pages outside the navigation
    (`listed`: the source paths of the pages in it), every time for the others. With
    `toc=page.toc`: once per name and table of contents among the latest TOC_KEPT, for
    every page."""

    def __init__(self, listed: set[str]) -> None:
        self.listed = listed
        self.made: dict[tuple, Markup] = {}
        self.tocs: OrderedDict[tuple, Markup] = OrderedDict()

    def __call__(self, name: str, page, caller, toc=None) -> Markup:
        if toc is not None:
            return self._toc((name, _contents(_shown(toc))), caller)
        if page is None or page.file.src_uri in self.listed:
            return caller()
        key = (name, page_folder(page.url))
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = caller()
        return made

    def _toc(self, key: tuple, caller) -> Markup:
        made = self.tocs.get(key)
        if made is None:
            made = self.tocs[key] = caller()
            if len(self.tocs) > TOC_KEPT:
                self.tocs.popitem(last=False)
        else:
            self.tocs.move_to_end(key)
        return made


# Distinct tables of contents kept: every one a build meets, kept to its end, held a
# tenth of the build process's memory at 10,000 entities, most of them never met again.
TOC_KEPT = 1024


def _shown(toc):
    """The entries the theme's table of contents shows: those below the page's title when
    it comes first (the title's anchor differs from page to page, and is not shown)."""
    first = next(iter(toc), None)
    return first.children if first is not None and first.level == 1 else toc


def _contents(toc) -> tuple:
    """What the theme shows of a table of contents (MkDocs' AnchorLinks), as a key."""
    return tuple((item.title, item.id, item.level, repr(getattr(item, "typeset", None)), _contents(item.children))
                 for item in toc)
