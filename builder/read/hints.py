"""Did-you-mean hints for messages, and the loose comparison of names they rely on."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata


def suggest(word: str, candidates, *, prefix: str = "did you mean") -> str:
    """A did-you-mean hint, or '' when nothing is close."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(str(word), pool, n=1, cutoff=0.6)
    if not close:
        folded = fold(str(word))
        close = [c for c in pool if fold(c) == folded][:1]
    return f"{prefix} '{close[0]}'?" if close else ""


@functools.lru_cache(maxsize=1 << 18)  # names and ids, folded on every build of the preview
def fold(text: str) -> str:
    """Fold a name or id to compare loosely: 'Council of the EU' ~ 'council-of-the-eu'."""
    text = unicodedata.normalize("NFKD", re.sub(r"[’'`]", "-", text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
