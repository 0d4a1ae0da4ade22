"""`record`: a frozen, slotted dataclass (the corpus's entities, relations, citations,
dates and the errors' locations) that pickles fast. A build hands its corpus from process
to process pickled (the reading's shares, the reading process, the data process, MkDocs'
process: millions of these objects at 100,000 entities), and dataclasses' own pickling
of a frozen slotted class looks up its fields again for every object, in both
directions: a third or more of the time the pickles took. A record pickles as its class
and its fields' values, in order, and is made again by its class, as any other."""

from __future__ import annotations

import dataclasses
import operator


def record(cls=None, /, **options):
    """`@record` or `@record(order=True)`: `@dataclass(frozen=True, slots=True, ...)`, with
    a pickling that does not look up the fields each time."""

    def wrap(cls):
        cls = dataclasses.dataclass(cls, frozen=True, slots=True, **options)
        names = [field.name for field in dataclasses.fields(cls)]
        values = operator.attrgetter(*names) if len(names) > 1 else \
            (lambda self, name=names[0]: (getattr(self, name),))

        def __reduce__(self):
            return cls, values(self)
        cls.__reduce__ = __reduce__
        return cls

    return wrap if cls is None else wrap(cls)
