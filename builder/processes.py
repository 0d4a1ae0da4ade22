"""Child processes that never outlive the process that started them."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable

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


def run_apart(function: Callable[[], None]) -> None:
    """Call `function` in a forked process and wait for it: what it allocates goes back to
    the system when it ends (Python keeps the memory it has freed; after building
    millions of short-lived objects that is gigabytes). Raises the exception it raised, if
    it can be pickled. Without fork (Windows), or where threads run (forking them is
    unsafe), calls it here."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        function()
        return
    with tempfile.TemporaryFile() as report:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, measured by the tests through its parent
            code = 1
            try:
                die_with_parent()
                function()
                code = 0
            except BaseException as error:
                try:
                    pickle.dump(error, report)
                    report.flush()
                except Exception:
                    traceback.print_exc()
            finally:
                os._exit(code)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if code == 0:
            return
        report.seek(0)
        reported = report.read()
    if reported:
        raise pickle.loads(reported)
    raise RuntimeError(f"a child process failed (exit code {code}); its error is printed above")


def give_back_memory() -> None:
    """Return the free memory of this process's heap to the system (glibc's malloc_trim):
    freed Python objects leave pages the system cannot take back otherwise. Nothing
    where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
