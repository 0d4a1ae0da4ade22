"""Entity pages rendered on several cores: forked processes share the work with the
build process (see SharedRendering)."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
import traceback

from builder.errors import RenderError
from builder.pages.context import Context, Page, PartsFile
from builder.pages.entity import render_entity_pages
from builder.paths import page_src
from builder.processes import die_with_parent

# Below this many entity pages, forking renderers costs more than it saves.
PARALLEL_MIN_PAGES = 500
RENDER_CHUNK = 50  # entity pages taken at a time


class SharedRendering:
    """Entity pages rendered by `workers - 1` forked processes while the caller goes on
    with other work; `finish()` then joins in until none is left and collects them.
    Work is shared out in chunks through a pair of shared counters: the forks take
    chunks from the front, the caller from the back, so all finish together however
    unequal the pages. The forks inherit the corpus and its indexes (nothing is sent
    to them) and send their pages back once, at the end: pages sent as they come would
    fill the pipe and wait for this process, busy rendering, to read them. With one
    worker, few pages, or no fork (Windows), everything is rendered here. With a `spill`,
    each chunk's parts are written to it as soon as rendered (each process to its own
    file), and the pages sent back hold where they are."""

    def __init__(self, ctx: Context, entity_ids: list[str], workers: int, spill: PartsFile | None = None) -> None:
        self.ctx, self.ids, self.spill = ctx, entity_ids, spill
        self.chunks = [entity_ids[i:i + RENDER_CHUNK] for i in range(0, len(entity_ids), RENDER_CHUNK)]
        # Forking a process that runs other threads (the preview's server) is unsafe.
        self.workers = min(workers, len(self.chunks)) if len(entity_ids) >= PARALLEL_MIN_PAGES and \
            threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else 1
        self.untaken = None  # shared: [first chunk not taken, one past the last not taken]
        self.chunks_here = 0  # rendered by the caller
        self.renderers: list = []

    def __enter__(self) -> SharedRendering:
        if self.workers < 2:
            return self
        context = multiprocessing.get_context("fork")
        self.untaken = context.Array("q", [0, len(self.chunks)])
        self.ctx.warm()
        gc.freeze()  # the forks' collector leaves the inherited objects (and their memory pages) alone
        try:
            for _ in range(self.workers - 1):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=self._render_in_fork, args=(send, os.getpid()), daemon=True)
                process.start()
                send.close()
                self.renderers.append((process, receive))
        finally:
            gc.unfreeze()
        return self

    def _take(self, from_end: bool) -> list[str] | None:
        with self.untaken.get_lock():
            first, end = self.untaken[0], self.untaken[1]
            if first >= end:
                return None
            if from_end:
                self.untaken[1] = end - 1
                return self.chunks[end - 1]
            self.untaken[0] = first + 1
            return self.chunks[first]

    def _render_in_fork(self, send, parent: int) -> None:
        die_with_parent(parent)
        pages: dict[str, Page] = {}
        try:
            while (chunk := self._take(from_end=False)) is not None:
                pages.update(self._render(chunk))
            self._flush()
            send.send((pages, None))
        except BaseException:  # noqa: BLE001 - reported by the parent, which fails the build
            with contextlib.suppress(OSError):  # the parent may have failed first and closed its end
                send.send(({}, traceback.format_exc()))
        finally:
            send.close()

    def _render(self, chunk: list[str]) -> dict[str, Page]:
        pages = render_entity_pages(self.ctx, chunk)
        return self.spill.keep(pages) if self.spill is not None else pages

    def _flush(self) -> None:
        if self.spill is not None:
            self.spill.flush()

    def finish(self) -> dict[str, Page]:
        """Every entity page, by source path, in the order of the ids given."""
        pages: dict[str, Page] = {}
        if self.workers < 2:
            for chunk in self.chunks:
                pages.update(self._render(chunk))
            self._flush()
            return pages
        while (chunk := self._take(from_end=True)) is not None:
            pages.update(self._render(chunk))
            self.chunks_here += 1
        self._flush()
        for process, receive in self.renderers:
            try:
                their_pages, error = receive.recv()
            except EOFError:
                process.join()
                raise RenderError(f"a page renderer stopped (exit code {process.exitcode})") from None
            if error:
                raise RenderError(f"a page renderer failed:\n{error}")
            pages.update(their_pages)
        corpus = self.ctx.corpus
        return {src: pages[src] for src in (page_src(corpus[i]) for i in self.ids)}

    def __exit__(self, error_type, *exc) -> None:
        for process, receive in self.renderers:
            receive.close()
            if error_type is not None:  # the render failed here: the forks' pages are not wanted
                process.terminate()
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


MAX_RENDER_WORKERS = 4  # each fork copies the memory it touches: 378 MB at 10,000 entities


def render_workers() -> int:
    """How many processes may render a build's pages: the cores this process may run on
    but the one the data process (site/datajob.py), started beside them, keeps busy, up
    to MAX_RENDER_WORKERS. On two cores, one: forks competing with it for the second
    core made the build slower, not faster (`make bench`)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores - 1, MAX_RENDER_WORKERS))
