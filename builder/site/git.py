"""What the build reads from git: when each entity file last changed, where the
entities folder sits in its repository (for edit links), and the last commit's time
(the timestamp the output carries instead of the clock's)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def repository_prefix(entities: Path, root: Path) -> str:
    """The entities folder as a path inside its git repository (for edit links), else
    relative to the project."""
    try:
        prefix = subprocess.run(["git", "-C", str(entities), "rev-parse", "--show-prefix"], capture_output=True,
                                text=True, timeout=20, check=True).stdout.strip()
        return prefix if prefix.endswith("/") else prefix + "/"
    except (OSError, subprocess.SubprocessError):
        try:
            return entities.relative_to(root).as_posix() + "/"
        except ValueError:
            return "entities/"


def last_changed(entities: Path) -> dict[str, str]:
    """Entity id -> date of the last commit that touched its file, from one `git log`.
    Empty (and the pages say nothing) outside a git checkout. The same commit always
    gives the same dates, so builds stay reproducible."""
    try:
        out = subprocess.run(["git", "-C", str(entities), "log", "--format=%x00%cs", "--name-only",
                              "--relative", "--", "."], capture_output=True, text=True, timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    for block in out.split("\x00")[1:]:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        date, names = lines[0], lines[1:]
        for name in names:
            if name.endswith(".yaml"):
                dates.setdefault(Path(name).stem, date)
    return dates


def source_date_epoch(root: Path) -> str:
    """Timestamps in the output (sitemap) come from the last commit, not the clock."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True,
                             text=True, check=True, timeout=20).stdout.strip()
        return out or "0"
    except (OSError, subprocess.SubprocessError):
        return "0"


def last_commit_date(root: Path) -> str | None:
    """The date (YYYY-MM-DD, UTC) of the last commit, or None outside a git checkout."""
    import datetime
    epoch = int(source_date_epoch(root))
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).date().isoformat() if epoch else None
