"""Under `mkdocs serve`, the entities folder is watched through the operating system's
file events (inotify, FSEvents, ReadDirectoryChanges: watchdog's native observer), not
by MkDocs' own observer, which polls: it lists and stats every watched file twice a
second, and at 10,000 entity files that is a tenth of a core, taken from the builds of
the same process. MkDocs has no public way to be told of a change other than a file it
watches, which its observer sees up to half a second later: each event sets the live-reload
server's rebuild request as MkDocs' own watch does (MkDocs 1.6, constraints.txt), or, if
the server has no such request, rewrites a marker file alone in a folder MkDocs watches."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger("mkdocs.plugins.policygraph")


class _Forward(FileSystemEventHandler):
    def __init__(self, server, marker: Path) -> None:
        self.server, self.marker, self.count = server, marker, 0
        self.direct = hasattr(server, "_rebuild_cond") and hasattr(server, "_want_rebuild")

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        if self.direct:
            with self.server._rebuild_cond:
                self.server._want_rebuild = True
                self.server._rebuild_cond.notify_all()
            return
        self.count += 1
        self.marker.write_text(str(self.count), encoding="utf-8")


class NativeWatch:
    """Watches `folder` for MkDocs' live-reload `server` with native file events; if the
    system refuses (no inotify watches left, say), MkDocs' polling watches it instead."""

    def __init__(self, server, folder: Path) -> None:
        self.marker_dir = Path(tempfile.mkdtemp(prefix="policygraph-watch-"))
        marker = self.marker_dir / "changed"
        marker.write_text("0", encoding="utf-8")
        self.observer = Observer()
        self.observer.daemon = True
        try:
            self.observer.schedule(_Forward(server, marker), str(folder), recursive=True)
            self.observer.start()
        except OSError as error:
            log.info(f"policygraph: {folder} watched by polling ({error})")
            self.stop()
            server.watch(str(folder))
            return
        server.watch(str(self.marker_dir))

    def stop(self) -> None:
        if self.observer.is_alive():
            self.observer.stop()
        shutil.rmtree(self.marker_dir, ignore_errors=True)
