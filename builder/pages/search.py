"""What an entity's page gives the site search (Pagefind; builder/site/search.py indexes
the built pages): the words of its names, each with its weight, which the page writes in
a hidden paragraph (entity_parts.html.j2 `search_names`), and its names, by which a result
named exactly as the query comes first (site_src/assets/search/pagefind.js)."""

from __future__ import annotations

import re
import unicodedata

from builder.model import Entity

# A source's title (its name) weighs less than the names of the entities it is about.
SOURCE_WEIGHT = 3.0

WORD = re.compile(r"\w+")  # letters, digits and "_", as Pagefind splits words
PIECES = re.compile(r"_+|(?<=[a-z])(?=[A-Z])")  # "America_First0", "OpenAI": Pagefind's compound words
# "OpenAI's": Pagefind's English stemmer makes "openais" "openai", a name counted twice.
POSSESSIVE = re.compile(r"['\u2019]s\b", re.IGNORECASE)


def entity_names(entity: Entity) -> list[str]:
    """Every name of the entity, once: its name, its names by language, its aliases."""
    return list(dict.fromkeys((entity.name, *entity.names.values(), *entity.aliases)))


def search_words(entity: Entity, most: float = 10.0) -> list[tuple[str, float]]:
    """The words of the entity's names (every language, every alias) for the site search,
    each once (a name given in two languages does not count twice), lowercase (so that
    Pagefind splits none of them: each is exactly what it weighs), weighted by the
    shortest name it is in: 10, Pagefind's highest, in a name of one word, less in longer
    names (10 / words ** 0.3), so that "GitHub" finds GitHub before "GitHub Actions", and
    "Death of Adam Raine" the event before Adam Raine. Also each name's words run
    together, as one may type them ("ChatControl" for "Chat Control", "étatsunis" for
    "États-Unis"; whole names of two or three words only), and the parts of a word in
    camel case or with "_" at half weight ("Open AI" for "OpenAI"). No word weighs more
    than `most`."""
    words: dict[str, tuple[str, float]] = {}

    def add(word: str, weight: float) -> None:
        word = word.lower()
        key = _folded(word)
        if weight > words.get(key, ("", 0.0))[1]:
            words[key] = (words[key][0] if key in words else word, weight)

    for name in entity_names(entity):
        tokens = [WORD.findall(token) for token in POSSESSIVE.sub("", name).split()]
        parts = [part for token in tokens for part in token if len(part) > 1] or [p for t in tokens for p in t]
        if not parts:
            continue
        weight = round(min(most, 10 / len(parts) ** 0.3), 1)
        for part in parts:
            add(part, weight)
            for piece in PIECES.split(part) if PIECES.search(part) else ():
                add(piece, round(weight / 2, 1))
        for token in tokens:
            if len(token) > 1:
                add("".join(token), weight)
        if 2 <= len(parts) <= 3:
            add("".join(parts), weight)
    return list(words.values())


def _folded(word: str) -> str:
    """A word's key, as Pagefind would find it: no accents, no plural "s" (its stemmer's)."""
    word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
