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

This module is the engine (:class:`SessionSync`); the checkpoint and where it is kept live in
:mod:`.checkpoint`, a window's batch and the bookkeeping between windows in
:mod:`.sync_batch`. Every name of ``__all__`` is importable from here.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import datetime, timedelta, timezone
from typing import Any, Generic

from ..errors import BomgarValidationError
from .catch_up import (
    CatchUp,
    Fetch,
    ProgressCallback,
    stream_windows,
)
from .checkpoint import (
    DEFAULT_REPORT,
    CheckpointStore,
    FileCheckpointStore,
    SyncCheckpoint,
)
from .sync_batch import (
    S,
    SyncBatch,
    SyncCursor,
    SyncRecord,
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


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise BomgarValidationError(f"{name} must be an aware datetime")
    return value.astimezone(timezone.utc)


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
        report: str = DEFAULT_REPORT,
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
        on_chunk: Callable[[list[S], tuple[datetime, datetime]], Any] | None = None,
    ) -> AsyncGenerator[SyncWindow[S], None]:
        """The windows of :meth:`batches`, each handed out while it is still being pulled:
        its new sessions in chunks as they are parsed, then its batch (see
        :class:`~.sync_window.SyncWindow`). Take every chunk of a window before asking for
        the next one.

        Args:
            on_chunk: called with each chunk of sessions and its window's ``(start, end)``
                as soon as the chunk has arrived, in any window in flight (before it is
                known which of them are new); what it returns comes back with the chunk
                (``SessionChunk.prepared``).

        Raises:
            BomgarValidationError: as :meth:`batches`.
        """
        current, start, now = await self._begin(checkpoint)
        if start >= now:
            return
        plan = catch_up or CatchUp.fixed(self.window)
        cursor = SyncCursor(current, self.overlap, progress)
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
