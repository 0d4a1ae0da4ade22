"""The kinds of value a key may take (text, date, url...). Each kind knows, in one place,
how to check a value read from YAML (with a located, actionable error), how to
describe it in JSON Schema for editors, how to turn it into RDF terms and how to show
it on a page. A key in `vocabulary.yaml` names its kind."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from sys import intern
from urllib.parse import urlsplit

from markupsafe import Markup
from rdflib import XSD, Literal, URIRef

from builder.errors import Location
from builder.records import record

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(~)?$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
ONE_LINE = r"^[^\n]*\S[^\n]*$"
URL_PATTERN = r"^https?://[^\s\"<>\\^`{|}]+$"
MAX_TEXT = 2_000
DATE_HINT = "write dates as YYYY, YYYY-MM or YYYY-MM-DD, with ~ after an approximate one"
_DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}

At = Callable[[tuple], Location]  # where the value (or one of its items: at((i,))) stands
Report = Callable[..., None]  # report(location, message, hint="")


@record(order=True)
class EDate:
    """An ISO date of year, month or day precision, possibly approximate (`2025-10~`)."""

    text: str
    approximate: bool = False

    @classmethod
    def parse(cls, value: str) -> "EDate":
        """Raise ValueError with a reader-facing reason when `value` is not a real date."""
        match = DATE_RE.fullmatch(value)
        if not match:
            raise ValueError("not an ISO date")
        year, month, day, approx = match.groups()
        if month is not None and not 1 <= int(month) <= 12:
            raise ValueError(f"month {month} does not exist")
        if day is not None and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
            raise ValueError(f"{year}-{month} has no day {day}")
        return cls(intern(value.rstrip("~")), approximate=bool(approx))

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.text)]

    @property
    def earliest(self) -> str:
        return (self.text + "-01-01")[:10] if len(self.text) < 10 else self.text

    @property
    def latest(self) -> str:
        if self.precision == "year":
            return self.text + "-12-31"
        if self.precision == "month":
            year, month = map(int, self.text.split("-"))
            return f"{self.text}-{calendar.monthrange(year, month)[1]:02d}"
        return self.text

    def literal(self) -> Literal:
        """As RDF: xsd:gYear, xsd:gYearMonth or xsd:date, by precision."""
        return Literal(self.text, datatype=_DATE_TYPES[self.precision])

    def shown(self) -> str:
        return f"c. {self.text}" if self.approximate else self.text

    def __str__(self) -> str:
        return self.text + ("~" if self.approximate else "")


def kind_of(value) -> str:
    """What a wrong value is, in words, for messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return "a text"


def show_value(value) -> str:
    return f"'{value}'" if isinstance(value, str) else kind_of(value)


class Kind:
    """A kind of value. `clean` returns the checked value or None after reporting why."""

    name = ""

    def clean(self, value, label: str, at: At, report: Report, spec=None):
        raise NotImplementedError

    def schema(self, spec=None) -> dict:
        raise NotImplementedError

    def terms(self, value, spec=None) -> list:
        return [Literal(value)]

    def show(self, value):
        return value


# Characters no published text may hold: what XML 1.0 refuses (C0 controls but tab and
# line breaks, lone surrogates, U+FFFE/U+FFFF), DEL and C1 controls (MkDocs drops a
# front matter that holds them) and the bidirectional overrides and isolates that make a
# text read otherwise than it is (Trojan Source). One-line texts (names, titles) also
# refuse tabs, line breaks and zero-width characters (TR #39: look-alike names).
MULTILINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                                 "\u202a-\u202e\u2066-\u2069]")
ONE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069"
                                "\u200b-\u200d\u2060\ufeff\u2028\u2029]")


def _char_name(char: str) -> str:
    import unicodedata
    return unicodedata.name(char, "a control character").lower()


class Text(Kind):
    """One line of text."""

    name = "text"
    multiline = False

    def clean(self, value, label, at, report, spec=None):
        if not isinstance(value, str):
            report(at(()), f"'{label}' must be a text, not {kind_of(value)}",
                   f'quote it: {label}: "{value}"' if not isinstance(value, (list, dict)) else
                   f"write one text after `{label}:`")
            return None
        text = value.strip()
        if not text:
            report(at(()), f"'{label}' is empty", "write a text or remove the key")
            return None
        if not self.multiline and "\n" in text:
            report(at(()), f"'{label}' must be a single line", "use `>-` to fold a long text, or shorten it")
            return None
        if not self.multiline and len(text) > MAX_TEXT:
            report(at(()), f"'{label}' is too long ({len(text)} characters; at most {MAX_TEXT})",
                   "move details to the description")
            return None
        bad = (MULTILINE_FORBIDDEN if self.multiline else ONE_LINE_FORBIDDEN).search(text)
        if bad:
            char = bad.group()
            report(at(()), f"'{label}' contains the character U+{ord(char):04X} ({_char_name(char)})",
                   "remove it: control, direction-override and invisible characters cannot be published "
                   "(XML and HTML refuse some, and the others hide what a text says)")
            return None
        return text

    def schema(self, spec=None):
        return {"type": "string", "pattern": ONE_LINE}


class Lines(Text):
    """A text over several lines, shown as it is (a quote)."""

    name = "lines"
    multiline = True

    def schema(self, spec=None):
        return {"type": "string", "minLength": 1}


class Markdown(Lines):
    """A longer text in Markdown (raw HTML is stripped when shown), within limits that keep
    rendering it linear: Python-Markdown takes quadratic time on long runs of brackets or
    tags, and recurses once per level of nested lists."""

    name = "markdown"
    MAX_CHARS = 10_000
    MAX_OPENERS = 200  # "[", "![", "<": links, images and tags
    MAX_DEPTH = 8  # nesting of lists and quotes

    def clean(self, value, label, at, report, spec=None):
        text = super().clean(value, label, at, report, spec)
        if text is None:
            return None
        problem = self.problem(text)
        if problem:
            report(at(()), f"'{label}' {problem[0]}", problem[1])
            return None
        return text

    def problem(self, text: str) -> tuple[str, str] | None:
        if len(text) > self.MAX_CHARS:
            return (f"is too long ({len(text):,} characters; at most {self.MAX_CHARS:,})",
                    "keep the description to a few paragraphs: the relations carry the facts")
        openers = text.count("[") + text.count("<")
        if openers > self.MAX_OPENERS:
            return (f"has {openers} brackets and tags ('[' and '<'; at most {self.MAX_OPENERS})",
                    "a description holds a few links at most")
        depth = max((_depth(line) for line in text.splitlines()), default=0)
        if depth > self.MAX_DEPTH:
            return (f"nests lists or quotes {depth} levels deep (at most {self.MAX_DEPTH})",
                    "flatten the list")
        return None


def _depth(line: str) -> int:
    """How deep a line sits in nested lists or quotes: its indentation in steps of two
    spaces (or tabs), and its leading `>` markers."""
    stripped = line.lstrip(" \t")
    indent = line[:len(line) - len(stripped)].replace("\t", "    ")
    quotes = len(stripped) - len(stripped.lstrip("> "))
    return len(indent) // 2 + stripped[:quotes].count(">")


class Date(Kind):
    name = "date"

    def clean(self, value, label, at, report, spec=None):
        text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text is None:
            report(at(()), f"'{label}' must be a date, not {kind_of(value)}", DATE_HINT)
            return None
        try:
            return EDate.parse(text)
        except ValueError as exc:
            report(at(()), f"invalid date '{text}' for '{label}': {exc}", DATE_HINT)
            return None

    def schema(self, spec=None):
        return {"description": "YYYY, YYYY-MM or YYYY-MM-DD, with ~ after an approximate date",
                "anyOf": [{"type": "string", "pattern": DATE_RE.pattern},
                          {"type": "integer", "minimum": 1000, "maximum": 9999}]}

    def terms(self, value, spec=None):
        return [value.literal()]

    def show(self, value):
        return value.shown()


class Url(Kind):
    """An http or https address."""

    name = "url"

    def clean(self, value, label, at, report, spec=None):
        where = at(())
        if not isinstance(value, str):
            report(where, f"'{label}' must be a web address, not {kind_of(value)}", "write https://...")
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https"):
            shown = f"'{parts.scheme}:'" if parts.scheme else "no scheme"
            report(where, f"'{label}' must be an http or https address ({shown} is not allowed)",
                   "give the article's https:// address, or leave url out if the source gives none")
            return None
        if not parts.netloc or re.search(r"\s", value.strip()):
            report(where, f"'{label}' is not a valid web address", "write the full address: https://host/path")
            return None
        bad = sorted(set(re.findall(r'["<>\\^`{|}\x00-\x1f\x7f]', value)))
        if bad:
            report(where, f"'{label}' contains characters not allowed in a web address: {' '.join(bad)}",
                   "percent-encode them (\" is %22, < is %3C, > is %3E)")
            return None
        return value.strip()

    def schema(self, spec=None):
        return {"type": "string", "pattern": URL_PATTERN}

    def terms(self, value, spec=None):
        return [URIRef(value)]

    def show(self, value):
        return Markup('<a href="{0}" rel="noopener nofollow">{0}</a>').format(value)


class Language(Kind):
    """A two-letter language code."""

    name = "language"

    def clean(self, value, label, at, report, spec=None):
        if isinstance(value, str) and LANGUAGE_RE.fullmatch(value):
            return value
        report(at(()), f"'{label}' must be a two-letter language code, not {show_value(value)}",
               "write en, fr, de...")
        return None

    def schema(self, spec=None):
        return {"type": "string", "pattern": LANGUAGE_RE.pattern}


class TextList(Kind):
    """A list of one-line texts."""

    name = "list"

    def clean(self, value, label, at, report, spec=None):
        if not isinstance(value, list):
            report(at(()), f"'{label}' must be a list, not {kind_of(value)}",
                   f"write `{label}: [first, second]` or one `- item` per line")
            return None
        items = [TEXT.clean(item, label, lambda path, i=i: at((i, *path)), report) for i, item in enumerate(value)]
        return tuple(i for i in items if i is not None) if None not in items else None

    def schema(self, spec=None):
        return {"type": "array", "items": {"type": "string", "pattern": ONE_LINE}}

    def terms(self, value, spec=None):
        return [Literal(item) for item in value]

    def show(self, value):
        return ", ".join(value)


class Names(Kind):
    """A text by language: {en: ..., fr: ...}."""

    name = "names"

    def clean(self, value, label, at, report, spec=None, key_at: At | None = None):
        if not isinstance(value, dict):
            report(at(()), f"'{label}' must map languages to names, not {kind_of(value)}",
                   f"write `{label}: {{en: English name, fr: nom français}}`")
            return None
        result = {}
        for language, name in value.items():
            if not LANGUAGE_RE.fullmatch(language):
                report((key_at or at)((language,)), f"'{language}' is not a two-letter language code", "use en, fr...")
                continue
            text = TEXT.clean(name, f"{label}.{language}", lambda path, lang=language: at((lang, *path)), report)
            if text is not None:
                result[language] = text
        return dict(sorted(result.items()))

    def schema(self, spec=None):
        return {"type": "object", "additionalProperties": False,
                "patternProperties": {LANGUAGE_RE.pattern: {"type": "string", "pattern": ONE_LINE}}}


class Choice(Kind):
    """One of the key's `choices`."""

    name = "choice"

    def clean(self, value, label, at, report, spec=None):
        if value in spec.choices:
            return value
        from builder.read.hints import fold, suggest
        report(at(()), f"'{label}' must be one of {', '.join(spec.choices)}, not {show_value(value)}",
               suggest(fold(str(value)), spec.choices))
        return None

    def schema(self, spec=None):
        return {"enum": list(spec.choices)}

    def show(self, value):
        return value.replace("-", " ")


class Country(Kind):
    """A country by its English name, from the vocabulary's table; an IRI in RDF."""

    name = "country"

    def clean(self, value, label, at, report, spec=None):
        if isinstance(value, str) and value.strip() in spec.codes:
            return value.strip()
        from builder.read.hints import suggest
        report(at(()), f"unknown country {show_value(value)} for '{label}'",
               suggest(str(value), spec.codes) or "use a name from `countries` in builder/vocabulary/vocabulary.yaml, "
                                                  "or add the country there with its ISO 3166-1 alpha-3 code")
        return None

    def schema(self, spec=None):
        return {"enum": sorted(spec.codes)}

    def terms(self, value, spec=None):
        return [URIRef(spec.iri.format(spec.codes[value]))]


class Identifier(Kind):
    """An identifier in an external register (Wikidata, LEI, CELEX), checked against the
    key's `pattern`; an IRI in RDF when the key gives one (`iri`)."""

    name = "identifier"

    def clean(self, value, label, at, report, spec=None):
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text is not None and re.fullmatch(spec.pattern, text):
            return text
        report(at(()), f"'{label}' {show_value(value)} is not a {label} identifier ({spec.pattern})",
               "copy it from the register; leave the key out unless it is known for certain")
        return None

    def schema(self, spec=None):
        return {"type": "string", "pattern": spec.pattern}

    def terms(self, value, spec=None):
        return [URIRef(spec.iri.format(value))] if spec.iri else [Literal(value)]


class AgentRef(Text):
    """Who published or wrote something: `<kind>/<id>` of an entity (linked on pages, an
    IRI in RDF), a name, or `unknown` when the source does not say."""

    name = "agent"
    UNKNOWN = "unknown"
    REFERENCE = re.compile(r"^([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)$")

    def reference(self, value: str) -> tuple[str, str] | None:
        """(kind, id) if the value names an entity."""
        match = self.REFERENCE.fullmatch(value)
        return (match.group(1), match.group(2)) if match else None

    def schema(self, spec=None):
        return {"type": "string", "pattern": ONE_LINE,
                "examples": ["organizations/next", "Libération", self.UNKNOWN]}

    def terms(self, value, spec=None):
        raise AssertionError("agent values become RDF nodes in rdf/graph.py, which can resolve them")


class Relations(Kind):
    """The relations list: its structure is checked by the validator, described by the
    editors' schema and turned into statements by the RDF stage."""

    name = "relations"


TEXT = Text()
AGENT = AgentRef()
KINDS: dict[str, Kind] = {kind.name: kind for kind in (TEXT, Lines(), Markdown(), Date(), Url(), Language(), TextList(),
                                                        Names(), Choice(), Country(), Identifier(), AGENT, Relations())}
