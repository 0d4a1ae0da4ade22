"""What can be told about a SPARQL query from its text alone, before any store: whether
it asks for `SERVICE` (federation, refused everywhere a query runs for someone else)
and whether it parses. Used by the query runners and by the example catalogue."""

from __future__ import annotations

import re

import pyoxigraph as ox

from builder.errors import QueryError

# The lexical parts of SPARQL in which a word is not a keyword: comments, strings, IRIs,
# variables and prefixed names. What is left are keywords and punctuation.
_LEXEMES = re.compile(r"""
      \#[^\n\r]*
    | '''(?:[^'\\]|\\.|'(?!''))*'''
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>
    | [?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+
    | [\w.\-\u00b7]*:[\w.:%\-\\\u00b7]*
    | (?P<word>[A-Za-z_]\w*)
""", re.VERBOSE)


def service_line(text: str) -> int | None:
    """The line of the first SERVICE keyword (federated query), or None."""
    for match in _LEXEMES.finditer(text):
        if match.group("word") and match.group("word").upper() == "SERVICE":
            return text.count("\n", 0, match.start()) + 1
    return None


_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def update_line(text: str) -> int | None:
    """The line of the operation's first keyword when it is a SPARQL Update, or None."""
    for match in _LEXEMES.finditer(text):
        word = (match.group("word") or "").upper()
        if word and word not in ("PREFIX", "BASE"):
            return text.count("\n", 0, match.start()) + 1 if word in _UPDATES else None
    return None


def refuse_service(text: str) -> None:
    """Raise QueryError if the query has a SERVICE clause."""
    line = service_line(text)
    if line is not None:
        raise QueryError(f"SPARQL error: SERVICE (line {line}) is not allowed: queries run over this "
                         "graph only, never against other addresses")


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)


def syntax_error(text: str) -> tuple[int, int, str] | None:
    """(line, column, message) of the first syntax error in a query, or None. Parsing
    needs a store in pyoxigraph; an empty one answers any parsed query at once."""
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        match = _POSITION.match(str(error))
        line, column, message = (int(match[1]), int(match[2]), match[3]) if match else (1, 1, str(error))
        if "Prefix not found" in message:
            message = "unknown prefix (declare it with a PREFIX line)"
        return line, column, message.splitlines()[0][:200]
    return None
