"""Quotes against the archived text of the source they cite: each piece of a quote (the
parts between `[…]` cuts) must stand in the text, in order, spaces aside. When one
does not, the closest passage of the text is the hint."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

ELISION = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")
CLOSEST_CHARS = 160


def collapse_spaces(text: str) -> str:
    """Fold line breaks and runs of ASCII spaces (YAML folding), keeping the source's own
    non-breaking and narrow spaces, which are part of a verbatim quote."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def quote_problem(quote: str, text: str) -> tuple[str, str] | None:
    """None when every piece of the quote stands in the (space-collapsed) text, in order;
    else what is wrong and the text's closest passage to the first piece that is not there."""
    position = 0
    for piece in (p for p in ELISION.split(quote) if p):
        found = text.find(piece, position)
        if found >= 0:
            position = found + len(piece)
            continue
        anywhere = text.find(piece)
        if anywhere >= 0:
            return "a part of the quote comes before the previous one", _around(text, anywhere, len(piece))
        return ("quote not found" if piece == quote else f"the part «{_shorten(piece)}» of the quote is not found",
                closest_passage(piece, text))
    return None


def locate(quote: str, text: str) -> list[tuple[int, int]]:
    """Where each piece of a quote stands in the text (start, end), in order; [] if it does not."""
    spans, position = [], 0
    for piece in (p for p in ELISION.split(quote) if p):
        found = text.find(piece, position)
        if found < 0:
            return []
        spans.append((found, found + len(piece)))
        position = found + len(piece)
    return spans


def closest_passage(piece: str, text: str) -> str:
    match = fuzz.partial_ratio_alignment(piece, text)
    if match is None or match.score < 50:
        return ""
    return _around(text, match.dest_start, match.dest_end - match.dest_start)


def _around(text: str, start: int, length: int) -> str:
    """The passage, widened to whole words."""
    end = start + length
    while start > 0 and not text[start - 1].isspace() and not text[start].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end - 1].isspace():
        end += 1
    return _shorten(text[start:end].strip())


def _shorten(text: str) -> str:
    return text if len(text) <= CLOSEST_CHARS else text[:CLOSEST_CHARS - 1].rstrip() + "…"
