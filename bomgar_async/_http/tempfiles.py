"""Temporary files beside a destination, and the removal of those a killed process left.

Downloads and checkpoint writes go to ``.<name>.<8 random chars><suffix>`` in the folder of
the final file, then are renamed over it. A process killed in between leaves the temp file
behind (hundreds of MB for a recording). Each temp file is locked (``flock``) while it is
written; before creating a new one, :func:`sweep_stale` removes every file of that naming
pattern in the folder that nobody holds locked: its writer is gone. Where ``flock`` does
not exist (Windows), a file of the pattern untouched for a day counts as stale.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

__all__ = ["HAS_FLOCK", "create_locked", "sweep_stale"]

HAS_FLOCK = fcntl is not None
_STALE_AGE = 86_400.0  # seconds, where files cannot be locked


def _pattern(suffix: str) -> re.Pattern[str]:
    return re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(suffix))


def _in_use(path: Path) -> bool:
    if fcntl is None:
        return time.time() - path.stat().st_mtime < _STALE_AGE
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock just taken
    return False


def sweep_stale(folder: Path, suffix: str) -> int:
    """Remove the stale temp files of our pattern (``suffix``: ``.part``, ``.tmp``) in
    ``folder``; returns how many were removed. Errors (a file gone meanwhile, no
    permission) are ignored: sweeping is a courtesy, never a reason to fail."""
    pattern = _pattern(suffix)
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not pattern.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            path = Path(entry.path)
            with contextlib.suppress(OSError):
                if not _in_use(path):
                    path.unlink()
                    removed += 1
    return removed


def create_locked(dest: Path, suffix: str) -> tuple[int, Path]:
    """A new temp file beside ``dest``, open (fd) and locked for as long as the fd is open."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=dest.parent)
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd, Path(name)
