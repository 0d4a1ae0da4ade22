"""Processes: children that never outlive the process that started them, and a process
that gives back the memory it no longer uses."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys

BACKGROUND_NICENESS = 10


def in_background() -> None:
    """Lower this process's CPU priority: under `make serve`, the data files and the search
    index of an edit are made while the next edit's pages render, which should not wait."""
    with contextlib.suppress(OSError):
        os.nice(BACKGROUND_NICENESS)


def die_with_parent(parent: int | None = None) -> None:
    """Have Linux end this process when its parent dies, even by SIGKILL (a query, a page
    renderer or the data process left running would hold memory and a folder). Given the
    parent's pid, also exit at once if it died before this call."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def give_back_memory() -> None:
    """Collect the garbage (a build collects it seldom: pipeline.batch_gc) and return the
    free memory of this process's heap to the system (glibc's malloc_trim): after a stage
    that made millions of objects, Python keeps the pages they were in otherwise. Only the
    collection where there is no glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
