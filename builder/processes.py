"""Processes: children that never outlive the process that started them, and a process
that gives back the memory it no longer uses."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import traceback

from builder.errors import BuildError, PolicygraphError

BACKGROUND_NICENESS = 10
_RESULT, _ERROR = b"R", b"E"  # what a Forked child's pickle starts with


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


def can_fork() -> bool:
    """Whether this process may fork: not where there is no fork (Windows), nor while
    other threads run (the preview's server): forking them is unsafe."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Forked:
    """`function(*args)` run in a forked process while this one goes on (see can_fork).
    It hands its result back pickled, through an unnamed file (nothing is left behind if
    the build is killed), and exits: the memory it used goes back to the system with it.
    `result()` waits for it and returns what it returned, `pickled()` the same as pickled;
    both raise the PolicygraphError it raised; anything else it raised, it prints, and
    they raise a BuildError naming `what`. Used as a context manager, a child not waited
    for is stopped."""

    def __init__(self, what: str, function, *args) -> None:
        self.what = what
        self.stream = tempfile.TemporaryFile()
        self.pid: int | None = os.fork()
        if self.pid == 0:  # pragma: no cover - the child, measured by the tests through its parent
            self._run(function, args)

    def _run(self, function, args) -> None:  # pragma: no cover - in the child
        code = 1
        try:
            die_with_parent()
            try:
                result, tag = function(*args), _RESULT
            except PolicygraphError as error:
                result, tag = error, _ERROR
            self.stream.write(tag)
            pickle.dump(result, self.stream, protocol=pickle.HIGHEST_PROTOCOL)
            self.stream.flush()
            code = 0
        except KeyboardInterrupt:  # the parent reports it
            pass
        except BaseException:
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):  # what it printed (os._exit flushes nothing)
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(code)

    def pickled(self) -> bytes:
        """Wait for the child; its result as it pickled it (handed on as it is, it is
        unpickled once, where it is used)."""
        pid, self.pid = self.pid, None
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        with self.stream:
            if code != 0:
                raise BuildError(f"{self.what} failed (exit code {code}); its error is printed above")
            self.stream.seek(0)
            if self.stream.read(1) == _ERROR:
                raise pickle.load(self.stream)
            return self.stream.read()

    def result(self):
        return pickle.loads(self.pickled())

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = None
            self.stream.close()
