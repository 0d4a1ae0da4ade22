"""What an entity's page gives the site search (Pagefind; builder/site/search.py indexes
the built pages): the words of its names, each with its weight, which the page writes in
a hidden paragraph (entity_parts.html.j2 `search_names`), and its names, by which a result
named exactly as the query comes first (site_src/assets/search/pagefind.js)."""

from __future__ import annotations

import bisect
import gzip
import json
import re
import unicodedata

from builder.model import Entity
from builder.pages.text import collapsed
from builder.paths import page_url as page_url_of

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


# -- the names' index: the first step of a large site's search -------------------------------
# A query whose words begin words of entities' names is answered from these files alone
# (site_src/assets/search/pagefind.js), with no Pagefind: its code and the metadata of
# every page, loaded with its first query, are more than a reader should fetch to find
# one entity among tens of thousands. The names' words are dealt out in files by their
# first NAME_KEY letters, a file of more than NAMES_PER_FILE entities split by one more
# letter, so that a query fetches the one or few files of its rarest word.
NAMES_FOLDER = "search/"
# From this many pages on (the plugin's `search_names_from_pages`), a query is answered from
# the names first: Pagefind's code (about 140 KB compressed) and its metadata of every page
# (a few bytes each), which its first query loads, would then take most of what a query
# should cost a reader.
NAMES_FIRST_PAGES = 10_000
NAMES_MANIFEST = f"{NAMES_FOLDER}names.json"
NAME_KEY = 2
NAMES_PER_FILE = 400
ASCII_WORD = re.compile(r"[a-z0-9]+")


def name_key(text: str) -> str:
    """A name's letters and digits only, without accents, lowercase: what the search's
    module compares (its `key`, the same rule)."""
    return "".join(name_words(text))


def name_words(text: str) -> list[str]:
    """A name's words, as the search's module splits a query (`words`): its runs of
    letters and digits (Unicode's), without accents, lowercase."""
    if text.isascii():
        return ASCII_WORD.findall(text.lower())
    out, word = [], []
    for c in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(c)
        if category[0] == "M":
            continue
        if category[0] in "LN":
            word.append(c)
        elif word:
            out.append("".join(word).lower())
            word = []
    if word:
        out.append("".join(word).lower())
    return out


def names_file(key: str) -> str:
    """The site path of the names' file of a key: the key itself if it is plain ASCII,
    else its UTF-8 bytes in hex (no file name depends on how a file system or a host
    normalises Unicode)."""
    name = key if key.isascii() and key.isalnum() else "_" + key.encode("utf-8").hex()
    return f"{NAMES_FOLDER}names/{name}.json.gz"


def names_index(entities, type_label, degree, per_file: int = NAMES_PER_FILE) -> dict[str, bytes]:
    """The names' index of these entities (each with its page, title, type label (the
    callable `type_label`), summary, other names and `degree`, its relations' number,
    by which the results are ranked), by site path: the manifest (NAMES_MANIFEST: each
    key and how many entities its file holds) and the files, of at most `per_file`
    entities but those of one word. The same entities give the same bytes."""
    cards: list[list] = []
    by_word: dict[str, set[int]] = {}
    for entity in sorted(entities, key=page_url_of):
        names = entity_names(entity)
        cards.append([page_url_of(entity), entity.name, type_label(entity), collapsed(entity.summary),
                      names[1:], degree(entity.id)])
        for name in names:
            words = name_words(name)
            for word in words if len(words) == 1 else (*words, "".join(words)):  # and run together
                by_word.setdefault(word, set()).add(len(cards) - 1)
    files = _NameFiles(by_word, per_file).files
    manifest = {key: len(held) for key, held in sorted(files.items())}
    out = {NAMES_MANIFEST: json.dumps({"keys": manifest}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")}
    for key, held in sorted(files.items()):
        content = json.dumps([cards[i] for i in sorted(held)], ensure_ascii=False, separators=(",", ":"))
        out[names_file(key)] = gzip.compress(content.encode("utf-8"), compresslevel=9, mtime=0)
    return out


class _NameFiles:
    """The names' words dealt out in files: the entities with a word beginning a prefix go
    to its file if the prefix is at least NAME_KEY letters long and they are at most
    `per_file`; else by one more letter, those with a word exactly the prefix staying in
    its file."""

    def __init__(self, by_word: dict[str, set[int]], per_file: int) -> None:
        self.by_word, self.per_file = by_word, per_file
        self.words = sorted(by_word)
        self.files: dict[str, set[int]] = {}
        self._split("", 0, len(self.words))

    def _split(self, prefix: str, start: int, end: int) -> None:
        words = self.words[start:end]  # those beginning with the prefix
        if len(prefix) >= NAME_KEY:
            held = set().union(*(self.by_word[word] for word in words))
            if len(held) <= self.per_file:
                self.files[prefix] = held
                return
        at = len(prefix)
        if words and words[0] == prefix and prefix:
            self.files[prefix] = self.by_word[prefix]
            start += 1
        while start < end:  # the words after the prefix, by their next letter
            letter = self.words[start][at]
            stop = bisect.bisect_left(self.words, prefix + letter + "\U0010ffff", start, end)
            self._split(prefix + letter, start, stop)
            start = stop
