"""Look-alike names (Unicode TR #39): a name that mixes scripts within a word (a Cyrillic
"а" in a Latin name), that is not in NFC (two byte sequences for one visible name), or
that looks like another entity's name once confusable characters are folded (the
"skeleton"), whether it is the same name twice or a homoglyph twin."""

from __future__ import annotations

import functools
import re
import unicodedata

from confusable_homoglyphs import categories, confusables

_WORD = re.compile(r"\w+")
_MARKS = re.compile(r"[\u0300-\u036f]")


# Names are checked on every build; the preview's builds meet the same names again.
NAMES_KEPT = 1 << 18


@functools.lru_cache(maxsize=NAMES_KEPT)
def name_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with a name on its own, and how to fix it; None if nothing."""
    if unicodedata.normalize("NFC", name) != name:
        return ("is not in Unicode NFC form (the same letters as two different byte sequences)",
                "retype it, or save the file with composed characters (NFC)")
    if name.isascii():  # one script (Latin) and common characters: nothing to mix
        return None
    for word in _WORD.findall(name):
        scripts = categories.unique_aliases(word) - {"COMMON", "INHERITED"}
        if len(scripts) > 1:
            return (f"mixes scripts in the word {word!r} ({', '.join(sorted(scripts)).lower()})",
                    "a letter from another alphabet looks like a Latin one: retype the word in one script, "
                    "or give the other form under `names:`")
    return None


@functools.lru_cache(maxsize=4096)
def _latin(char: str) -> str:
    """A character's Latin look-alike, if it has one (from Unicode's confusables)."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin", "common"])
    if found:
        for homoglyph in found[0]["homoglyphs"]:
            if homoglyph["c"].isascii():
                return homoglyph["c"]
    return char


@functools.lru_cache(maxsize=NAMES_KEPT)
def skeleton(name: str) -> str:
    """The name as it looks: confusables folded to Latin, accents and case and spacing
    dropped. Two names with one skeleton are, to a reader, the same name."""
    text = unicodedata.normalize("NFD", name)
    text = _MARKS.sub("", "".join(_latin(c) for c in text))
    return re.sub(r"\W+", " ", text.casefold()).strip()
