"""N-Triples lines sorted, made unique and grouped by entity in bounded memory, however
large the graph: up to RUN_LINES lines are sorted in memory; beyond that, in runs
written to a temporary folder and merged into one file (an external merge sort), and
each entity's lines go to one of BUCKETS files, read back one bucket at a time.

The distinct objects VoID counts are counted the same way: in memory, or a bucket at
a time. A corpus whose graph fits in one run never touches the disk. Both ways give the same
lines in the same order (bytes order: what `sorted` gives in memory)."""

from __future__ import annotations

import heapq
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

RUN_LINES = 2_000_000  # lines sorted in memory at once (about 400 MB)
BUCKETS = 64  # files the entities' lines are spread over, beyond one run


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
    """Lines (each ending with a newline and holding no other) added in any order, then,
    after `finish()`, iterated unique and in bytes order, as often as needed. Runs
    go to a temporary folder in `scratch` (the system's if None)."""

    def __init__(self, scratch: Path | None = None) -> None:
        self.run_lines = RUN_LINES
        self.count = 0  # unique lines, once finished
        self._lines: list[bytes] = []
        self._runs: list[Path] = []
        self._merged: Path | None = None
        self._spill = _Spill(scratch)

    @property
    def spilled(self) -> bool:
        return self._merged is not None

    def add(self, line: bytes) -> None:
        self._lines.append(line)
        if len(self._lines) >= self.run_lines:
            self._write_run()

    def _write_run(self) -> None:
        path = self._spill.path(f"run-{len(self._runs)}")
        with open(path, "wb") as stream:
            stream.writelines(sorted(set(self._lines)))
        self._runs.append(path)
        self._lines = []

    def finish(self) -> SortedLines:
        if not self._runs:
            self._lines = sorted(set(self._lines))
            self.count = len(self._lines)
            return self
        if self._lines:
            self._write_run()
        self._merged = self._spill.path("lines")
        with ExitStack() as stack, open(self._merged, "wb") as out:
            runs = [stack.enter_context(open(path, "rb")) for path in self._runs]
            out.writelines(self._unique(heapq.merge(*runs)))
        for path in self._runs:
            path.unlink()
        self._runs = []
        return self

    def _unique(self, ordered: Iterator[bytes]) -> Iterator[bytes]:
        previous = None
        for line in ordered:
            if line != previous:
                self.count += 1
                yield line
                previous = line

    def __iter__(self) -> Iterator[bytes]:
        return self._read() if self._merged is not None else iter(self._lines)

    def _read(self) -> Iterator[bytes]:
        with open(self._merged, "rb") as stream:
            yield from stream


class _Buckets:
    """Records spread over BUCKETS files of a spill folder by the CRC of a key, then read
    back a bucket at a time: the records of one key are all in the same bucket."""

    def __init__(self, spill: _Spill, name: str) -> None:
        self._paths = [spill.path(f"{name}-{i}") for i in range(BUCKETS)]
        self._streams = [open(path, "wb") for path in self._paths]

    def write(self, key: bytes, record: bytes) -> None:
        self._streams[zlib.crc32(key) % BUCKETS].write(record)

    def close(self) -> None:
        for stream in self._streams:
            stream.close()

    def __iter__(self) -> Iterator[Iterator[bytes]]:
        """Each bucket's records (lines), in the order written, bucket after bucket."""
        self.close()
        for path in self._paths:
            with open(path, "rb") as stream:
                yield stream


class EntityLines:
    """Lines gathered by entity page (an IRI, as bytes), each page's in the order added:
    in memory, or (`on_disk`) in bucket files by page, so that reading them back holds
    a bucket's lines at a time."""

    def __init__(self, on_disk: bool, scratch: Path | None = None) -> None:
        self._memory: dict[bytes, list[bytes]] | None = None if on_disk else defaultdict(list)
        self._spill = _Spill(scratch)
        self._buckets = _Buckets(self._spill, "bucket") if on_disk else None

    def add(self, page: bytes, line: bytes) -> None:
        if self._memory is not None:
            self._memory[page].append(line)
        else:
            self._buckets.write(page, page + b" " + line)

    def finish(self) -> EntityLines:
        if self._buckets is not None:
            self._buckets.close()
        return self

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        """(page, its lines joined), every page once, bucket after bucket."""
        if self._memory is not None:
            for page, lines in self._memory.items():
                yield page, b"".join(lines)
            return
        for bucket in self._buckets:
            grouped: dict[bytes, list[bytes]] = defaultdict(list)
            for record in bucket:
                page, _, line = record.partition(b" ")
                grouped[page].append(line)
            for page, lines in grouped.items():
                yield page, b"".join(lines)


class DistinctCount:
    """How many distinct lines were added: in a set, or (`on_disk`) in bucket files by
    the lines' hash, each counted on its own (millions of distinct objects held at once
    were a gigabyte at 100,000 entities)."""

    def __init__(self, on_disk: bool, scratch: Path | None = None) -> None:
        self._memory: set[bytes] | None = None if on_disk else set()
        self._spill = _Spill(scratch)
        self._buckets = _Buckets(self._spill, "distinct") if on_disk else None

    def add(self, line: bytes) -> None:
        if self._memory is not None:
            self._memory.add(line)
        else:
            self._buckets.write(line, line)

    def count(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        return sum(len(set(bucket)) for bucket in self._buckets)
