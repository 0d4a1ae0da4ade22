"""What an entity's page gives the site search (Pagefind; builder/site/search.py indexes
the built pages): the words of its names, each with its weight, which the page writes in
a hidden paragraph (entity_parts.html.j2 `search_names`), and its names, by which a result
named exactly as the query comes first (site_src/assets/search/pagefind.js)."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata

from builder.model import Entity
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


def name_key(text: str) -> str:
    """A name's letters and digits only, without accents, lowercase: what the search's
    module compares (its `key`, the same rule)."""
    return "".join(_name_characters(text))


def name_words(text: str) -> list[str]:
    """A name's words, as the search's module splits a query (`words`)."""
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


def _name_characters(text: str):
    for c in unicodedata.normalize("NFKD", text):
        if unicodedata.category(c)[0] in "LN":
            yield c.lower()


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
    cards, words_of = [], []
    for entity in sorted(entities, key=lambda e: page_url_of(e)):
        names = entity_names(entity)
        cards.append([page_url_of(entity), entity.name, type_label(entity), " ".join(entity.summary.split()),
                      names[1:], degree(entity.id)])
        words = {word for name in names for word in name_words(name)}
        words.update(name_key(name) for name in names if len(name_words(name)) > 1)
        words_of.append(words)
    files = _split({}, list(range(len(cards))), words_of, "", per_file)
    manifest = {key: len(held) for key, held in sorted(files.items())}
    out = {NAMES_MANIFEST: json.dumps({"keys": manifest}, ensure_ascii=False,
                                      separators=(",", ":")).encode("utf-8")}
    for key, held in sorted(files.items()):
        content = json.dumps([cards[i] for i in held], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        out[names_file(key)] = gzip.compress(content, compresslevel=9, mtime=0)
    return out


def _split(files: dict[str, list[int]], held: list[int], words_of: list[set[str]], prefix: str,
           per_file: int) -> dict:
    """Deal the entities `held` (those with a word beginning `prefix`) out by their words'
    next letters: to the file of `prefix` itself if it is at least NAME_KEY letters long
    and holds at most `per_file`; else by one more letter (those with a word exactly `prefix` stay
    in its file)."""
    if len(prefix) >= NAME_KEY and len(held) <= per_file:
        files[prefix] = held
        return files
    by_next: dict[str, list[int]] = {}
    exact = []
    for i in held:
        if prefix in words_of[i]:
            exact.append(i)
        for next_letter in sorted({w[len(prefix)] for w in words_of[i] if len(w) > len(prefix) and w.startswith(prefix)}):
            by_next.setdefault(prefix + next_letter, []).append(i)
    if exact and prefix:
        files[prefix] = exact
    for key, ones in sorted(by_next.items()):
        _split(files, ones, words_of, key, per_file)
    return files
