"""The evidence of a claim, as a reader checks it where the claim stands: each source's
words, in their context in the archived text (the sentence before and after, the quote
marked), the editors' translation, who published it and when, its standing, and a link
to the original that scrolls to the quote (a text fragment)."""

from __future__ import annotations

import re
import urllib.parse
from typing import NamedTuple

from builder.model import Citation, Corpus, Entity
from builder.paths import page_url, relative_url
from builder.read.quotes import collapse_spaces, locate

CONTEXT_CHARS = 220  # at most this much text on each side of a quote
UNKNOWN = "unknown"
_SENTENCE_END = re.compile(r"[.!?…»”\"](?=\s)")


class Segment(NamedTuple):
    text: str
    marked: bool


class Agent(NamedTuple):
    """A publisher or author: a name, and the address of its page if it has an entity."""

    name: str
    href: str | None


class Evidence(NamedTuple):
    source: Entity
    href: str
    publisher: Agent
    title: str
    date: str
    language: str
    status: str
    context: list[Segment]
    translation: str | None
    original: str | None  # the article's address, with a text fragment pointing at the quote


class Sources:
    """What pages show of sources, computed once per source or citation."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.site_language = corpus.vocabulary.site_language
        self._texts: dict[str, str] = {}
        # Where each quote stands in its source's text, as offsets: every claim is shown on
        # three pages, and the offsets weigh a fraction of the segments' strings.
        self._bounds: dict[tuple[str, str], tuple[int, ...]] = {}

    def text(self, source: Entity) -> str:
        if source.id not in self._texts:
            self._texts[source.id] = collapse_spaces(source.text or "")
        return self._texts[source.id]

    def agent(self, value: str | None, from_page: str, missing: str) -> Agent:
        """A `publisher` or `author` value: an entity reference (`organizations/next`), a
        name, or `unknown`."""
        if not value or value == UNKNOWN:
            return Agent(missing, None)
        kind, _, entity_id = value.partition("/")
        entity = self.corpus.entities.get(entity_id) if entity_id else None
        if entity is not None and entity.kind == kind:
            return Agent(entity.name, relative_url(from_page, page_url(entity)))
        return Agent(value, None)

    def context(self, citation: Citation, source: Entity) -> list[Segment]:
        """The quote with up to a sentence on each side, pieces marked; the quote alone
        (marked) when the source has no archived text."""
        key, text = (source.id, citation.quote), self.text(source)
        bounds = self._bounds.get(key)
        if bounds is None:
            bounds = self._bounds[key] = _bounds(citation.quote, text)
        return _segments(citation.quote, text, bounds)

    def evidence(self, citation: Citation, from_page: str) -> Evidence:
        source = self.corpus[citation.source]
        facts = source.facts
        language = facts.get("language") or self.site_language
        return Evidence(
            source=source, href=relative_url(from_page, page_url(source)),
            publisher=self.agent(facts.get("publisher"), from_page, "publisher not named"),
            title=facts.get("title") or source.name, date=facts["date"].shown() if facts.get("date") else "",
            language=language, status=citation.status, context=self.context(citation, source),
            translation=citation.translation(self.site_language) if language != self.site_language else None,
            original=text_fragment_link(facts.get("url"), citation.quote))


def _bounds(quote: str, text: str) -> tuple[int, ...]:
    """Where the context starts and ends, then where each piece of the quote starts and
    ends; none if the quote is not found."""
    spans = locate(quote, text) if text else []
    if not spans:
        return ()
    return (_sentence_start(text, spans[0][0]), _sentence_end(text, spans[-1][1]),
            *(offset for span in spans for offset in span))


def _segments(quote: str, text: str, bounds: tuple[int, ...]) -> list[Segment]:
    if not bounds:
        return [Segment(quote, True)]
    before_start, after_end, spans = bounds[0], bounds[1], list(zip(bounds[2::2], bounds[3::2]))
    start, end = spans[0][0], spans[-1][1]
    segments = []
    if before_start < start:
        segments.append(Segment(("…" if before_start > 0 else "") + text[before_start:start], False))
    for index, (piece_start, piece_end) in enumerate(spans):
        if index:
            segments.append(Segment(text[spans[index - 1][1]:piece_start], False))
        segments.append(Segment(text[piece_start:piece_end], True))
    if end < after_end:
        segments.append(Segment(text[end:after_end] + ("…" if after_end < len(text) else ""), False))
    return segments


def _sentence_start(text: str, start: int) -> int:
    """The start of the sentence before the one the quote starts in (within limits)."""
    floor = max(0, start - CONTEXT_CHARS)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, start)]
    if len(ends) >= 2:
        return _skip_space(text, ends[-2])
    if ends and floor == 0:
        return 0
    return _word_start(text, floor) if floor else 0


def _sentence_end(text: str, end: int) -> int:
    """The end of the sentence after the one the quote ends in (within limits)."""
    ceiling = min(len(text), end + CONTEXT_CHARS)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, end, ceiling)]
    if len(ends) >= 2:
        return ends[1]
    if ceiling == len(text):
        return ceiling
    return _word_end(text, ceiling)


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _word_start(text: str, at: int) -> int:
    space = text.find(" ", at)
    return space + 1 if 0 <= space < at + 30 else at


def _word_end(text: str, at: int) -> int:
    space = text.rfind(" ", at - 30, at)
    return space if space > 0 else at


def text_fragment_link(url: str | None, quote: str) -> str | None:
    """The article's address with a text fragment (`#:~:text=start,end`) so that the
    browser scrolls to the quote and highlights it."""
    if not url:
        return None
    piece = re.split(r"\s*\[(?:…|\.\.\.)\]\s*", quote)[0].strip()
    words = piece.split()
    if len(words) > 8:
        fragment = f"{_encode(' '.join(words[:4]))},{_encode(' '.join(words[-4:]))}"
    else:
        fragment = _encode(piece)
    return f"{url.split('#')[0]}#:~:text={fragment}"


def _encode(text: str) -> str:
    # The text fragment syntax reserves "-", "," and "&": they must be percent-encoded.
    return urllib.parse.quote(text, safe="").replace("-", "%2D")
