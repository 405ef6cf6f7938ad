"""The loops of ``store.sync``: :func:`sync_windows` for a sync that hands out its windows
while they are pulled (``bg.reporting.sync`` and ``bg.pra.sync``): each window is written
while it is parsed; :func:`sync_batches` for any other source of whole batches.

Each chunk of sessions goes to the store's encoder thread the moment it is parsed, in
whichever window it arrives. The window at the head (the oldest one not committed) has the
one write transaction: it opens with the window, each chunk is inserted as soon as it is
encoded, and it commits with the window's checkpoint once the window is complete. A later
window that completes first waits, its chunks encoded, until the windows before it have
committed. Nothing of a window is visible before its commit, and a window that fails or is
cancelled part-way rolls its transaction back, so the exactly-once argument of whole
batches holds unchanged; a report is no longer parsed first and written afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from concurrent.futures import Future
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..reporting.catch_up import CatchUp, ProgressCallback, SyncProgress
from ..reporting.sync import SyncCheckpoint
from ..reporting.sync_window import SessionChunk
from .rows import Rows

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
        on_chunk: Callable[[list[Any]], Any] | None = None,
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
    """Write ``source``'s windows into ``store``, one transaction a window, in window order
    (see the module docstring). Returns the windows, sessions and rows committed, and the
    last checkpoint."""
    ahead: set[Future[Rows]] = set()  # encoding, their window not written yet

    def encode(chunk: list[Any]) -> Future[Rows]:
        future = store._encode_later(chunk)
        ahead.add(future)
        return future

    batches = sessions = rows = 0
    expected = None if checkpoint is None else checkpoint.to_json()
    windows = source.windows(checkpoint, catch_up=plan, on_chunk=encode)
    try:
        async with aclosing(windows):
            async for window in windows:
                written = 0
                async with store._transaction((name, expected)) as writer:
                    async for chunk in window.chunks():
                        encoded = _encoded(store, chunk, ahead)
                        if encoded is not None:
                            written += await writer.add(await asyncio.wrap_future(encoded))
                    batch = window.batch
                    text = batch.checkpoint.to_json()
                    await writer.move(name, text)
                expected, checkpoint = text, batch.checkpoint
                batches, rows = batches + 1, rows + written
                sessions += len(batch.sessions)
                if progress is not None and batch.progress is not None:
                    progress(batch.progress)
    finally:
        for future in ahead:  # windows that will not be written
            future.cancel()
    return batches, sessions, rows, checkpoint


def _encoded(
    store: SessionStore, chunk: SessionChunk[Any], ahead: set[Future[Rows]]
) -> Future[Rows] | None:
    """The rows of ``chunk``'s new sessions: encoded on arrival when every session of it is
    new (the usual case), else encoded again from the new ones only."""
    future: Future[Rows] = chunk.prepared
    ahead.discard(future)
    if chunk.whole:
        return future
    future.cancel()
    return store._encode_later(list(chunk.sessions)) if chunk.sessions else None


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
