"""Incremental, resumable pulls of closed sessions: ``bg.reporting.sync(...)``.

Each run pulls every session that *ended* since the checkpoint (``by="end"``), window by
window, starting ``overlap`` before the checkpoint's cursor so that sessions the appliance
reports late (clock skew, reports written after the fact) are still caught; sessions
already delivered are recognised by lsid and left out. Each window is one
:class:`SyncBatch` holding the new sessions and the checkpoint *after* them.

Exactly once: store ``batch.checkpoint.to_json()`` in the same transaction as the batch's
sessions (a row in your database) and pass it back as ``checkpoint=`` when you start
again. A crash at any point then loses nothing and repeats nothing: what was committed
together is skipped, what was not is pulled again. With a separate :class:`CheckpointStore`
(``await sync.commit(batch)`` after storing the sessions) a crash between the two repeats
that one batch; the lsid is the idempotency key.

"Now" is the appliance's own clock (``get_api_info``), so skew between the machines does
not move the cursor past sessions the appliance has not reported yet.

One engine serves both products: ``bg.reporting.sync`` pulls Remote Support's
``SupportSession`` reports, ``bg.pra.sync`` PRA's ``AccessSession`` reports. A checkpoint
records which report it belongs to (``report``; checkpoints written before that field
existed load as ``SupportSession``), and a sync refuses a checkpoint of the other report.
A window the appliance answers with its no-data ``<error>`` is an empty batch: the cursor
still moves past it.

``batches(catch_up=CatchUp(...), progress=...)`` pulls windows concurrently and resizes
them (see :mod:`.catch_up`); batches still come in window order, so the checkpoint only
moves over a contiguous range.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, Protocol, TypeVar

import attrs

from .._http.tempfiles import create_locked, sweep_stale
from ..errors import (
    BomgarProtocolError,
    BomgarValidationError,
)
from .catch_up import (
    CatchUp,
    Fetch,
    ProgressCallback,
    SyncProgress,
    WindowFeed,
    stream_windows,
)
from .sync_window import SyncWindow

__all__ = [
    "CheckpointStore",
    "FileCheckpointStore",
    "SessionSync",
    "SyncBatch",
    "SyncCheckpoint",
    "SyncRecord",
]

_VERSION = 1
_DEFAULT_REPORT = "SupportSession"


class SyncRecord(Protocol):
    """What the sync needs of a session: its id and end time."""

    @property
    def lsid(self) -> str:
        """The session id."""

    @property
    def end_time(self) -> datetime | None:
        """When the session ended."""


S = TypeVar("S", bound=SyncRecord)


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise BomgarValidationError(f"{name} must be an aware datetime")
    return value.astimezone(timezone.utc)


def _frozen(seen: Mapping[str, datetime]) -> Mapping[str, datetime]:
    return MappingProxyType(dict(seen))


@attrs.frozen
class SyncCheckpoint:
    """Where an incremental pull stands.

    Attributes:
        cursor: every session that ended before ``cursor - overlap`` has been delivered.
        seen: lsid -> end time of the sessions delivered that ended at or after
            ``cursor - overlap`` (they may be reported again and must be skipped).
        report: the report the checkpoint belongs to (``SupportSession`` or
            ``AccessSession``).
    """

    cursor: datetime
    seen: Mapping[str, datetime] = attrs.field(factory=dict, converter=_frozen)
    report: str = _DEFAULT_REPORT

    def to_json(self) -> str:
        """A versioned JSON text (store it next to your data)."""
        return json.dumps(
            {
                "version": _VERSION,
                "report": self.report,
                "cursor": self.cursor.isoformat(),
                "seen": {lsid: end.isoformat() for lsid, end in sorted(self.seen.items())},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> SyncCheckpoint:
        """Read :meth:`to_json` output.

        Raises:
            BomgarProtocolError: not a checkpoint of a version this SDK reads.
        """
        try:
            data: Any = json.loads(text)
            if data["version"] != _VERSION:
                raise ValueError(f"unsupported checkpoint version {data['version']!r}")
            seen = {str(k): datetime.fromisoformat(v) for k, v in data["seen"].items()}
            report = data.get("report", _DEFAULT_REPORT)
            if not isinstance(report, str) or not report:
                raise ValueError(f"invalid report {report!r}")
            cursor = datetime.fromisoformat(data["cursor"])
            return cls(cursor=cursor, seen=seen, report=report)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise BomgarProtocolError(f"not a session sync checkpoint: {err}") from err


@attrs.frozen
class SyncBatch(Generic[S]):
    """The new sessions of one window, and the checkpoint after them."""

    sessions: tuple[S, ...]
    checkpoint: SyncCheckpoint
    window: tuple[datetime, datetime]
    progress: SyncProgress | None = None


class CheckpointStore(Protocol):
    """Keeps a checkpoint between runs."""

    async def load(self) -> SyncCheckpoint | None:
        """The stored checkpoint, or ``None`` before the first commit."""

    async def save(self, checkpoint: SyncCheckpoint) -> None:
        """Store ``checkpoint`` durably (replacing the previous one)."""


class FileCheckpointStore:
    """A checkpoint in a JSON file, replaced atomically (temp file, fsync, rename)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    async def load(self) -> SyncCheckpoint | None:
        """The checkpoint in the file, or ``None`` if there is no file yet."""
        try:
            text = await asyncio.to_thread(self.path.read_text, encoding="utf-8")
        except FileNotFoundError:
            return None
        return SyncCheckpoint.from_json(text)

    async def save(self, checkpoint: SyncCheckpoint) -> None:
        """Write ``checkpoint`` durably."""
        await asyncio.to_thread(self._write, checkpoint.to_json())

    def _write(self, text: str) -> None:
        sweep_stale(self.path.parent, ".tmp")  # left by a process killed mid-write
        fd, temp = create_locked(self.path, ".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
                os.replace(temp, self.path)  # renamed while still locked
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


class SessionSync(Generic[S]):
    """Pulls every session that ended since the last checkpoint; see the module docstring.

    Args:
        pull: ``pull(start, end, on_bytes=None)`` streams the sessions that ended in
            ``[start, end)``, calling ``on_bytes`` with each body chunk's size
            (``bg.reporting.sync`` and ``bg.pra.sync`` pass their ``ended_between``).
        since: where the very first run starts (aware datetime).
        overlap: how far before the cursor each run looks again (how late the appliance
            may report a session); sessions found there again are skipped by lsid.
        window: the length of each pulled window (one batch each).
        store: where :meth:`commit` keeps the checkpoint (optional).
        clock: returns "now" (``bg.reporting.sync`` passes the appliance's clock).
        report: the report the checkpoints belong to.
    """

    def __init__(
        self,
        pull: Fetch[S],
        *,
        since: datetime,
        overlap: timedelta = timedelta(minutes=15),
        window: timedelta = timedelta(hours=6),
        store: CheckpointStore | None = None,
        clock: Callable[[], Awaitable[datetime]],
        report: str = _DEFAULT_REPORT,
    ) -> None:
        self._pull = pull
        self.report = report
        self.since = _utc(since, "since")
        if not isinstance(overlap, timedelta) or overlap < timedelta(0):
            raise BomgarValidationError("overlap must be a non-negative timedelta")
        if not isinstance(window, timedelta) or window < timedelta(seconds=1):
            raise BomgarValidationError("window must be a timedelta of at least a second")
        self.overlap = overlap
        self.window = window
        self.store = store
        self._clock = clock

    async def _now(self) -> datetime:
        return _utc(await self._clock(), "clock()")

    async def _begin(
        self, checkpoint: SyncCheckpoint | None
    ) -> tuple[SyncCheckpoint, datetime, datetime]:
        """The checkpoint a run starts from, and the range it pulls."""
        current = checkpoint
        if current is None and self.store is not None:
            current = await self.store.load()
        if current is None:
            current = SyncCheckpoint(cursor=self.since, report=self.report)
        if current.report != self.report:
            raise BomgarValidationError(
                f"this checkpoint belongs to {current.report} reports, not {self.report}"
            )
        now = (await self._now()).replace(microsecond=0) + timedelta(seconds=1)
        return current, max(self.since, current.cursor - self.overlap), now

    async def batches(
        self,
        checkpoint: SyncCheckpoint | None = None,
        *,
        catch_up: CatchUp | None = None,
        progress: ProgressCallback | None = None,
    ) -> AsyncIterator[SyncBatch[S]]:
        """One batch per window, from the checkpoint (given, stored, or ``since``) to now.

        Args:
            catch_up: pull windows concurrently and resize them (see
                :mod:`~bomgar_async.reporting.catch_up`); ``None``: one fixed ``window`` at a
                time.
            progress: called with a :class:`SyncProgress` before each batch is yielded.

        Raises:
            BomgarValidationError: the checkpoint belongs to another report, or the range
                needs more than ``MAX_WINDOWS`` windows of the first size.
        """
        windows = self.windows(checkpoint, catch_up=catch_up, progress=progress)
        async with aclosing(windows):
            async for window in windows:
                async for _chunk in window.chunks():
                    pass
                yield window.batch

    async def windows(
        self,
        checkpoint: SyncCheckpoint | None = None,
        *,
        catch_up: CatchUp | None = None,
        progress: ProgressCallback | None = None,
        on_chunk: Callable[[list[S]], Any] | None = None,
    ) -> AsyncGenerator[SyncWindow[S], None]:
        """The windows of :meth:`batches`, each handed out while it is still being pulled:
        its new sessions in chunks as they are parsed, then its batch (see
        :class:`~.sync_window.SyncWindow`). Take every chunk of a window before asking for
        the next one.

        Args:
            on_chunk: called with each chunk of sessions as soon as it has arrived, in any
                window in flight (before it is known which of them are new); what it
                returns comes back with the chunk (``SessionChunk.prepared``).

        Raises:
            BomgarValidationError: as :meth:`batches`.
        """
        current, start, now = await self._begin(checkpoint)
        if start >= now:
            return
        plan = catch_up or CatchUp.fixed(self.window)
        cursor = _Cursor(current, self.overlap, progress)
        feeds = stream_windows(self._pull, start, now, self.window, plan, on_chunk=on_chunk)
        async with aclosing(feeds):
            async for feed in feeds:
                window = SyncWindow(feed, cursor.seen, cursor.advance)
                yield window
                if not window.complete:
                    raise BomgarValidationError("take every chunk of a window before the next")

    async def commit(self, batch: SyncBatch[S]) -> None:
        """Store ``batch.checkpoint`` in the :class:`CheckpointStore`."""
        if self.store is None:
            raise BomgarValidationError("this SessionSync has no store; keep batch.checkpoint")
        await self.store.save(batch.checkpoint)


class _Cursor:
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
