"""N-Triples lines sorted, made unique and grouped by entity in bounded memory, however
large the graph. The lines come a page at a time (all that an entity's file gives, in
the order of the pages), so each page's lines are sorted on their own and follow the
page before; the few lines of another page or of none are put in their place as the
lines are read. Up to RUN_LINES lines are held in memory; beyond, they are written to a
file. Grouped by entity, a page's own lines are read again from that file, and only the
lines that point at it from another page are kept aside, in files by range of pages.

The distinct objects VoID counts are counted the same way: in memory, or in files by
the objects' hash, a file at a time. A corpus whose graph fits in memory never touches
the disk. Both ways give the same lines in the same order (bytes order: what `sorted`
gives in memory)."""

from __future__ import annotations

import itertools
import tempfile
import zlib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

RUN_LINES = 2_000_000  # lines held in memory at most (about 400 MB)
PAGES_PER_RANGE = 1_000  # entity pages whose pointing lines share a file, on disk
BUCKETS = 64  # files the distinct objects are spread over, on disk
PENDING = 100_000  # records held before they are appended to their files


def page_of(subject: bytes) -> bytes | None:
    """The page an N-Triples subject (`<page#fragment>`, `<page>`) hangs under, without
    its brackets; None for a blank node."""
    return subject[1:-1].partition(b"#")[0] if subject.startswith(b"<") else None


class _Spill:
    """A temporary folder (in `scratch` if given), made when first needed and removed
    with its owner."""

    def __init__(self, scratch: Path | None) -> None:
        self.scratch = scratch
        self._folder: tempfile.TemporaryDirectory | None = None

    def path(self, name: str) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="policygraph-lines-", dir=self.scratch)
        return Path(self._folder.name) / name


class SortedLines:
    """Lines (each ending with a newline and holding no other), then, after `finish()`,
    iterated unique and in bytes order, as often as needed.

    Most come in groups (`add_group`): lines that all begin with the group's prefix (a
    page's, `<page`), the groups in ascending order of prefixes, none of which begins
    another, so that each group, sorted on its own, follows the one before. Any other
    line (`add`: in any order, at any time) is held in memory, and put in its group or
    between two groups by `finish()` (on disk: as the lines are read): they should be
    few. Beyond RUN_LINES lines, the groups go to a file in a temporary folder in
    `scratch` (the system's if None)."""

    def __init__(self, scratch: Path | None = None) -> None:
        self.run_lines = RUN_LINES
        self.count = 0  # unique lines, once finished
        self._lines: list[bytes] = []  # the groups' lines held in memory
        self._groups: list[tuple[bytes, int]] = []  # (prefix, lines), in order
        self._sizes: list[int] = []  # the bytes of each group written to the file
        self._others: set[bytes] = set()
        self._spill = _Spill(scratch)
        self._file: Path | None = None
        self._stream = None  # the file, open while groups come
        self._inside: dict[int, list[bytes]] = {}  # on disk, the other lines in a group, by group
        self._before: dict[int, list[bytes]] = {}  # and those before one (or after the last)
        self._finished = False

    @property
    def spilled(self) -> bool:
        return self._file is not None

    def add(self, line: bytes) -> None:
        self._unfinished()
        self._others.add(line)

    def add_group(self, prefix: bytes, lines: Iterable[bytes]) -> None:
        self._unfinished()
        last = self._groups[-1][0] if self._groups else None
        if last is not None and (prefix <= last or prefix.startswith(last)):
            raise ValueError(f"the group {prefix!r} comes after {last!r}: groups must come in ascending order "
                             "of prefixes, none beginning another")
        group = sorted(set(lines))
        self._groups.append((prefix, len(group)))
        if self._file is not None:
            self._write([group])
        else:
            self._lines += group
            if len(self._lines) >= self.run_lines:
                start, held = 0, []
                for _, count in self._groups:
                    held.append(self._lines[start:start + count])
                    start += count
                self._file, self._lines = self._spill.path("lines"), []
                self._stream = open(self._file, "wb")  # noqa: SIM115 - closed by finish()
                self._write(held)

    def _unfinished(self) -> None:
        if self._finished:
            raise ValueError("lines added after finish()")

    def _write(self, groups: list[list[bytes]]) -> None:
        for group in groups:
            data = b"".join(group)
            self._stream.write(data)
            self._sizes.append(len(data))

    def finish(self) -> SortedLines:
        if self._finished:
            return self
        self._finished = True
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        others, self._others = sorted(self._others), set()
        prefixes = [prefix for prefix, _ in self._groups]
        inside, before = defaultdict(list), defaultdict(list)
        for line in others:
            index = bisect_right(prefixes, line) - 1
            if index >= 0 and line.startswith(prefixes[index]):
                inside[index].append(line)
            else:
                before[index + 1].append(line)
        self.count = sum(count for _, count in self._groups) + len(others)
        if not others:
            return self
        if self._file is None:
            placed: list[bytes] = []
            for lines in self._placed(self._held(), inside, before):
                placed += lines
            self.count, self._lines = len(placed), placed
        else:
            # On disk, the other lines are put in place as the lines are read (rewriting
            # the file, gigabytes at 100,000 entities, took longer than all its readings'
            # merges): only the groups they fall in are read now, for their count.
            self._inside, self._before = dict(inside), dict(before)
            starts = [0, *itertools.accumulate(self._sizes)]
            with open(self._file, "rb") as stream:
                for index, lines in inside.items():
                    stream.seek(starts[index])
                    group = stream.read(self._sizes[index]).splitlines(keepends=True)
                    self.count -= len(set(group).intersection(lines))  # lines the group holds already
        return self

    def _held(self) -> Iterator[list[bytes]]:
        start = 0
        for _, count in self._groups:
            yield self._lines[start:start + count]
            start += count

    def _placed(self, groups: Iterable[Iterable[bytes]], inside: dict[int, list[bytes]],
                before: dict[int, list[bytes]]) -> Iterator[Iterable[bytes]]:
        """The groups' lines with the other lines in place: in a group (sorted again with
        it) or before one (or after the last)."""
        for index, group in enumerate(groups):
            if index in before:
                yield before[index]
            yield sorted(set(group).union(inside[index])) if index in inside else group
        if len(self._groups) in before:
            yield before[len(self._groups)]

    def __iter__(self) -> Iterator[bytes]:
        return self._read() if self._file is not None else iter(self._lines)

    def _read(self) -> Iterator[bytes]:
        with open(self._file, "rb") as stream:
            if not (self._inside or self._before):
                yield from stream
                return
            groups = (itertools.islice(stream, count) for _, count in self._groups)
            for lines in self._placed(groups, self._inside, self._before):
                yield from lines


def page_bounds(pages: Iterable[bytes]) -> list[bytes]:
    """Bounds that split an N-Triples graph by its subjects' pages: every
    PAGES_PER_RANGE-th page, as its subjects start (a page's lines are in one range)."""
    return [b"<" + page for page in sorted(pages)[PAGES_PER_RANGE::PAGES_PER_RANGE]]


class _Files:
    """Records appended to numbered files of a spill folder (held, PENDING at most, then
    appended: a file is open only while it is written), then read back a file at a
    time."""

    def __init__(self, spill: _Spill, name: str) -> None:
        self._spill, self._name = spill, name
        self._pending: dict[int, list[bytes]] = defaultdict(list)
        self._held = 0
        self.indices: set[int] = set()  # the files written

    def add(self, index: int, record: bytes) -> None:
        self._pending[index].append(record)
        self._held += 1
        if self._held >= PENDING:
            self.flush()

    def extend(self, index: int, records: list[bytes]) -> None:
        self._pending[index] += records
        self._held += len(records)
        if self._held >= PENDING:
            self.flush()

    def flush(self) -> None:
        for index, records in self._pending.items():
            with open(self._spill.path(f"{self._name}-{index}"), "ab") as stream:
                stream.writelines(records)
            self.indices.add(index)
        self._pending.clear()
        self._held = 0

    def records(self, index: int) -> list[bytes]:
        """The records of a file, in the order added (none: [])."""
        self.flush()
        if index not in self.indices:
            return []
        with open(self._spill.path(f"{self._name}-{index}"), "rb") as stream:
            return stream.readlines()


class EntityLines:
    """The graph's lines by entity page (an IRI, as bytes): the lines whose subject hangs
    under the page (its own) and those whose object is the page's entity, from another
    page (pointing at it), each page's in bytes order (added in that order, from the
    sorted lines).

    In memory; or, when the sorted lines are on disk, a page's own lines are not kept
    but read again from them, range by range (a range's pages, together), and the
    pointing lines go to files by range, so that reading them back holds a range's lines
    at a time."""

    def __init__(self, lines: SortedLines, pages: set[bytes]) -> None:
        self._lines, self._pages = lines, pages
        self._bounds = page_bounds(pages) if lines.spilled else []
        self._memory: dict[bytes, list[bytes]] | None = None if lines.spilled else defaultdict(list)
        self._pointing = _Files(lines._spill, "pointing") if lines.spilled else None
        # on disk, the range of each page: the file its pointing lines go to
        self._ranges = {page: bisect_right(self._bounds, b"<" + page) for page in pages} if lines.spilled else {}

    def owner(self, subject: bytes) -> bytes | None:
        """The entity page a subject hangs under, if any."""
        page = page_of(subject)
        return page if page in self._pages else None

    def add(self, line: bytes, owner: bytes | None, rest: bytes) -> None:
        """A line, with its subject's `owner` and `rest` (what follows its predicate: its
        object and end)."""
        if owner is not None and self._memory is not None:
            self._memory[owner].append(line)
        if rest.startswith(b"<"):
            target = rest[1:rest.index(b">")].partition(b"#")[0]
            if target != owner and target in self._pages:
                if self._memory is not None:
                    self._memory[target].append(line)
                else:
                    self._pointing.add(self._ranges[target], target + b" " + line)

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        """(page, its lines joined), every page with lines once (as often as needed)."""
        if self._memory is not None:
            for page, lines in self._memory.items():
                yield page, b"".join(lines)
            return
        bounds = self._bounds
        index, grouped = 0, defaultdict(list)
        subject, page = None, None
        for line in self._lines:
            while index < len(bounds) and line >= bounds[index]:
                yield from self._range(index, grouped)
                index, grouped = index + 1, defaultdict(list)
            if not line.startswith(subject or b" "):  # a subject's lines are together
                subject = line[:line.index(b" ") + 1]
                page = self.owner(subject[:-1])
            if page is not None:
                grouped[page].append(line)
        for index in range(index, len(bounds) + 1):
            yield from self._range(index, grouped)
            grouped = defaultdict(list)

    def _range(self, index: int, grouped: dict[bytes, list[bytes]]) -> Iterator[tuple[bytes, bytes]]:
        """The pages of a range, given their own lines: with the lines pointing at them."""
        for record in self._pointing.records(index):
            page, _, line = record.partition(b" ")
            grouped[page].append(line)
        for page in sorted(grouped):  # own lines, then pointing ones: each sorted
            yield page, b"".join(sorted(grouped[page]))


class DistinctCount:
    """How many distinct lines were added: in a set, or (`on_disk`) in files by the lines'
    hash, each counted on its own (millions of distinct objects held at once were a
    gigabyte at 100,000 entities). On disk, the lines are held in a set until PENDING
    distinct ones are, then written to their files: a line repeated within a batch is
    written once (most of a graph's objects are a few IRIs over and over)."""

    def __init__(self, on_disk: bool, scratch: Path | None = None) -> None:
        self._memory: set[bytes] | None = None if on_disk else set()
        self._spill = _Spill(scratch)
        self._files = _Files(self._spill, "distinct") if on_disk else None
        self._batch: set[bytes] = set()

    def add(self, line: bytes) -> None:
        if self._memory is not None:
            self._memory.add(line)
            return
        batch = self._batch
        batch.add(line)
        if len(batch) >= PENDING:
            self._write()

    def _write(self) -> None:
        buckets: list[list[bytes]] = [[] for _ in range(BUCKETS)]
        for line in self._batch:
            buckets[zlib.crc32(line) % BUCKETS].append(line)
        for index, lines in enumerate(buckets):
            if lines:
                self._files.extend(index, lines)
        self._files.flush()
        self._batch = set()

    def count(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        self._write()
        return sum(len(set(self._files.records(index))) for index in range(BUCKETS))
