"""How validation errors are shown outside the terminal (GitHub Actions annotations)."""

from __future__ import annotations

from builder.errors import EntityError


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(errors: list[EntityError]) -> str:
    """One `::error` workflow command per error, so each lands on its line in a pull request."""
    lines = []
    for error in errors:
        loc = error.location
        message = f"{error.message} ({error.hint})" if error.hint else error.message
        lines.append(f"::error file={_escape_property(loc.path)},line={loc.line},col={loc.col},"
                     f"title={_escape_property('policygraph validate')}::{_escape_data(message)}")
    return "\n".join(lines)
