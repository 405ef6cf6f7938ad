"""The loops of ``store.sync``: :func:`sync_windows` for a sync that hands out its windows
while they are pulled (``bg.reporting.sync`` and ``bg.pra.sync``): each window is written
while it is parsed; :func:`sync_batches` for any other source of whole batches.

Each chunk of sessions goes to the store's encoder thread the moment it is parsed, in
whichever window it arrives. The windows pulled together share one write transaction (a
:class:`~.window_group.Group`): a chunk of any of them is inserted as soon as it is encoded,
and the transaction commits with the checkpoint after the last of them once all are
complete (windows are still taken in window order; a chunk whose sessions may have been
delivered before waits for its turn, see :mod:`~.window_group`). Nothing of a group is
visible before its commit, and a group that fails or is cancelled part-way rolls back, so
the exactly-once argument of whole batches holds unchanged: sessions and the checkpoint
after them are committed together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..reporting.catch_up import CatchUp, ProgressCallback, SyncProgress
from ..reporting.sync import SyncCheckpoint
from .errors import BomgarStoreError
from .window_group import Ahead, Group

if TYPE_CHECKING:
    from .base import BatchSource, SessionStore

__all__ = ["WindowSource", "sync_batches", "sync_windows"]


@runtime_checkable
class WindowSource(Protocol):
    """A sync that hands out its windows while they are pulled (``SessionSync.windows``)."""

    report: str

    def windows(
        self,
        checkpoint: SyncCheckpoint | None = None,
        *,
        catch_up: CatchUp | None = None,
        progress: ProgressCallback | None = None,
        on_chunk: Callable[[list[Any], tuple[datetime, datetime]], Any] | None = None,
    ) -> AsyncGenerator[Any, None]:
        """The sync's windows from ``checkpoint`` on (see ``SessionSync.windows``)."""


async def sync_windows(
    store: SessionStore,
    source: WindowSource,
    name: str,
    checkpoint: SyncCheckpoint | None,
    plan: CatchUp,
    progress: ProgressCallback | None,
) -> tuple[int, int, int, SyncCheckpoint | None]:
    """Write ``source``'s windows into ``store``: the windows pulled together in one
    transaction, each chunk inserted as soon as it arrives, committed in window order (see
    the module docstring). Returns the windows, sessions and rows committed, and the last
    checkpoint."""
    seen = _starting_seen(source, checkpoint) if store._insert_on_arrival else None
    ahead = Ahead(store, seen)
    batches = sessions = rows = 0
    expected = None if checkpoint is None else checkpoint.to_json()
    windows = source.windows(checkpoint, catch_up=plan, on_chunk=ahead.on_chunk)
    try:
        async with aclosing(windows):
            window = await anext(windows, None)
            while window is not None:
                async with store._transaction((name, expected)) as writer:
                    group = Group(writer, asyncio.current_task())
                    try:
                        done, window = await _group(ahead, group, window, windows)
                        written = await group.drain()
                        last = done[-1].checkpoint
                        await writer.move(name, last.to_json())
                    except asyncio.CancelledError:
                        _raise_insert_error(group)
                        raise
                    finally:
                        await group.stop()
                ahead.committed()
                expected, checkpoint = last.to_json(), last
                batches, rows = batches + len(done), rows + written
                for batch in done:
                    sessions += len(batch.sessions)
                    if progress is not None and batch.progress is not None:
                        progress(batch.progress)
    finally:
        ahead.cancel()
    return batches, sessions, rows, checkpoint


async def _group(
    ahead: Ahead, group: Group, window: Any, windows: AsyncIterator[Any]
) -> tuple[list[Any], Any]:
    """Take the windows of ``group`` in order, from ``window`` on: their chunks not
    inserted on arrival are queued in turn. Returns their batches and the next window
    (``None`` at the end)."""
    ahead.open(group)
    done: list[Any] = []
    while True:
        async for chunk in window.chunks():
            ahead.take(chunk, group)
        group.accepting = False
        done.append(window.batch)
        following = await anext(windows, None)
        if not group.waits_beyond(window.batch.window):
            return done, following
        if following is None:  # pragma: no cover - a member window is always handed out
            raise BomgarStoreError("a window with rows in the transaction never came")
        window = following


def _raise_insert_error(group: Group) -> None:
    """Raise what stopped ``group``'s inserts (they cancel the sync to stop it at once)."""
    if group.error is not None:
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        raise group.error


def _starting_seen(source: WindowSource, checkpoint: SyncCheckpoint | None) -> Any:
    """The lsids the run starts knowing, when the store can tell (a source that keeps its
    own checkpoint may start from one the store does not see)."""
    if checkpoint is not None:
        return checkpoint.seen
    return {} if getattr(source, "store", None) is None else None


async def sync_batches(
    store: SessionStore,
    sync: BatchSource,
    name: str,
    checkpoint: SyncCheckpoint | None,
    plan: CatchUp,
    progress: ProgressCallback | None,
) -> tuple[int, int, int, SyncCheckpoint | None]:
    """``store.sync`` for a source of whole batches: one batch is encoded while the one
    before it is written (one transaction in flight, committed in order)."""
    batches = sessions = rows = 0
    expected = None if checkpoint is None else checkpoint.to_json()
    source: AsyncIterator[_Batch] = sync.batches(checkpoint, catch_up=plan)
    writing: tuple[asyncio.Task[int], _Batch] | None = None
    try:
        async for batch in source:
            prepared = store._prepare(batch.sessions)  # encoded during the transaction
            if writing is not None:  # one transaction in flight, committed in order
                try:
                    rows += await _committed(*writing, progress)
                except BaseException:
                    prepared.cancel()
                    raise
            text = batch.checkpoint.to_json()
            task = asyncio.create_task(store._write_batch(prepared, (name, text, expected)))
            writing, expected = (task, batch), text
            batches, sessions = batches + 1, sessions + len(batch.sessions)
        if writing is not None:
            rows += await _committed(*writing, progress)
            checkpoint = writing[1].checkpoint
    finally:  # a failed pull still lets the transaction in flight finish (whole)
        if writing is not None and not writing[0].done():
            await asyncio.gather(writing[0], return_exceptions=True)
    return batches, sessions, rows, checkpoint


async def _committed(
    task: asyncio.Task[int], batch: _Batch, progress: ProgressCallback | None
) -> int:
    written = await task
    if progress is not None and batch.progress is not None:
        progress(batch.progress)
    return written


class _Batch(Protocol):
    @property
    def sessions(self) -> tuple[Any, ...]: ...
    @property
    def checkpoint(self) -> SyncCheckpoint: ...
    @property
    def progress(self) -> SyncProgress | None: ...
