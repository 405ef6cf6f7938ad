"""What one window of a session sync delivers, and the bookkeeping between windows.

A :class:`SyncBatch` is a window's new sessions with the checkpoint after them;
:class:`SyncCursor` makes each one: it remembers which sessions were delivered (by lsid,
for as long as ``overlap`` may bring them back), moves the checkpoint past each complete
window and counts the progress figures. :class:`SyncRecord` is all a sync needs of a
session.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

import attrs

from .catch_up import (
    ProgressCallback,
    SyncProgress,
    WindowFeed,
)
from .checkpoint import SyncCheckpoint

__all__ = ["SyncBatch", "SyncCursor", "SyncRecord"]


class SyncRecord(Protocol):
    """What the sync needs of a session: its id and end time."""

    @property
    def lsid(self) -> str:
        """The session id."""

    @property
    def end_time(self) -> datetime | None:
        """When the session ended."""


S = TypeVar("S", bound=SyncRecord)


@attrs.frozen
class SyncBatch(Generic[S]):
    """The new sessions of one window, and the checkpoint after them."""

    sessions: tuple[S, ...]
    checkpoint: SyncCheckpoint
    window: tuple[datetime, datetime]
    progress: SyncProgress | None = None


class SyncCursor:
    """Where a run stands between its windows: what was delivered, the checkpoint, and
    the progress figures."""

    def __init__(
        self, current: SyncCheckpoint, overlap: timedelta, progress: ProgressCallback | None
    ) -> None:
        self.current = current
        self.seen = dict(current.seen)
        self.overlap = overlap
        self.progress = progress
        self.done = self.sessions = self.received = 0

    def advance(self, feed: WindowFeed[Any], fresh: list[Any]) -> SyncBatch[Any]:
        """The batch of a complete window; moves the cursor past it."""
        window_start, window_end = feed.window
        seen = self.seen
        for session in fresh:
            seen[session.lsid] = session.end_time or window_end
        keep_from = window_end - self.overlap
        self.seen = {lsid: end for lsid, end in seen.items() if end >= keep_from}
        cursor = max(self.current.cursor, window_end)
        self.current = SyncCheckpoint(cursor=cursor, seen=self.seen, report=self.current.report)
        self.done += 1
        self.sessions += len(fresh)
        self.received += feed.bytes
        status = SyncProgress(
            windows_done=self.done,
            windows_total=self.done + feed.windows_left,
            sessions=self.sessions,
            bytes=self.received,
            cursor=window_end,
        )
        if self.progress is not None:
            self.progress(status)
        return SyncBatch(tuple(fresh), self.current, (window_start, window_end), status)
