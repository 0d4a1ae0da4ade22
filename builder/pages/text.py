"""Making contributor text safe where it lands: inline Markdown, and sanitized HTML for
Markdown descriptions."""

from __future__ import annotations

import functools
import html
import re

import markdown
import nh3
from markupsafe import Markup

# Characters that start Markdown syntax in an inline position (link text, list item
# after its marker, table cell): emphasis, code, links and images, attr_list's `{`
# (which would let text set HTML attributes) and table pipes. Block-level markers
# (`#`, `-`, `+`, `1.`) cannot occur there; escaping them too made pages slower to render.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]|])")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


# What starts a block when it begins a line: a heading, quote, list item, admonition
# (`!!!`), numbered item. A value that sits alone on its line (a summary) must not.
_BLOCK_START = re.compile(r"^(#|>|[-+*](?=\s|$)|!!!|\?\?\?|(\d+)[.)](?=\s|$))")


def md_inline(text: str) -> str:
    """Escape text for an inline position in generated Markdown, or a line of its own: no
    HTML, no Markdown syntax, inline or block."""
    escaped = html.escape(collapsed(text), quote=False)
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", escaped)
    return _BLOCK_START.sub(_escape_block_start, escaped, count=1)


def text_html(text: str) -> Markup:
    """Plain text in HTML as Python-Markdown writes `md_inline(text)`: whitespace
    collapsed, `&`, `<` and `>` escaped, quotes left as they are."""
    return Markup(html.escape(collapsed(text), quote=False))


def collapsed(text) -> str:
    """Text with its runs of spaces, tabs and line breaks made one space, trimmed."""
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip()


def _escape_block_start(match: re.Match) -> str:
    marker = match.group(1)
    if match.group(2):  # "1." -> "1\."
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    """One converter, reset before each use: setting one up (extensions, patterns) costs
    more than converting a description."""
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


def sanitize_markdown(source: str) -> str:
    """Render a contributor's Markdown to HTML and keep only an allowlist of tags,
    attributes and URL schemes (raw HTML, scripts and javascript: links are dropped)."""
    rendered = _markdown().reset().convert(source)
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return "\n".join(line for line in cleaned.splitlines() if line.strip())
