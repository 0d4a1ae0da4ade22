"""Every error the builder reports on purpose. Contributors' mistakes (bad entity or
theme files) carry their location; maintainers' mistakes (a bad vocabulary) are a
separate class; the rest say which command or stage could not go on."""

from __future__ import annotations

from builder.records import record


class PolicygraphError(Exception):
    """Base class of every error the builder reports on purpose."""


@record(order=True)
class Location:
    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class EntityError(PolicygraphError):
    """One mistake in an entity (or theme) file, at a precise place, with a hint on how to fix it."""

    def __init__(self, location: Location, message: str, hint: str = "") -> None:
        self.location = location
        self.message = message
        self.hint = hint
        super().__init__(self.format())

    def __reduce__(self):  # pickled whole: a build reads its entity files in a child process
        return type(self), (self.location, self.message, self.hint)

    def format(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def sort_key(self) -> tuple:
        return (self.location, self.message)


class EntityErrors(PolicygraphError):
    """All the mistakes found in one run, reported together."""

    def __init__(self, errors: list[EntityError]) -> None:
        self.errors = sorted(errors, key=EntityError.sort_key)
        count = len(self.errors)
        lines = [e.format() for e in self.errors]
        lines.append(f"{count} error{'s' if count != 1 else ''} in entity files; nothing was built.")
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return type(self), (self.errors,)


class VocabularyError(PolicygraphError):
    """The vocabulary file itself is inconsistent: a maintainer's mistake."""


class CatalogueError(PolicygraphError):
    """A query file of the catalogue lacks its title or description, or does not parse."""


class BuildError(PolicygraphError):
    """A build could not complete (configuration, output folder, a stage that failed)."""


class ShapeErrors(BuildError):
    """The graph breaks its own SHACL shapes: a bug or a hand-made file, named by location."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        count = len(violations)
        super().__init__("\n".join(violations + [f"{count} shape violation{'s' if count != 1 else ''}; "
                                                  "nothing was published."]))


class DataProcessError(BuildError):
    """The process writing the data files (RDF, network data) failed or was stopped."""


class RenderError(BuildError):
    """A process rendering pages failed or stopped."""


class ScaffoldError(PolicygraphError):
    """`policygraph new` was asked for something it cannot write."""


class DiffError(PolicygraphError):
    """A revision could not be read or does not validate."""


class QueryError(PolicygraphError):
    """A SPARQL query was refused, could not be parsed, or went over its limits."""


class ServerError(PolicygraphError):
    """The SPARQL server could not be prepared or started."""
