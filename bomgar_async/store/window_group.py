"""Writing the windows pulled at once in one transaction, each chunk as soon as it arrives.

``CatchUp`` pulls several windows at once, and they complete in any order; the checkpoint
can only move over windows in order. Written one transaction a window, the rows of a later
window that arrives first wait until every window before it has committed: with a few big
windows, most of a report's inserts were left until after the last byte was parsed.

So a :class:`Group` is one transaction for the windows in flight together. While it is open,
each chunk of a member window goes to the database the moment it is encoded, whichever
window it belongs to (:class:`Ahead` decides on arrival). The windows are still taken in
order, and the transaction commits, with the checkpoint after the last of them, once every
window with rows in it is complete. Sessions and checkpoint are committed together as
before, and a failure anywhere in the group rolls all of it back.

Which sessions a window delivers is still decided in window order (an lsid delivered by an
earlier window, or by the checkpoint, within the sync's ``overlap`` is not delivered again),
and the copy of an lsid the database keeps must be the one window order delivers last. A
chunk holding an lsid of the starting checkpoint waits for its turn in window order, and is
written then (its new sessions only); every other chunk goes in on arrival. When a window's
turn comes, its sessions that were written on arrival but written again since (another
window's copy arrived later) are written once more: the last write of an lsid is then the
copy of the last window that delivers it. One queue feeds the database, so writes land in
the order they are queued.

A window joins the open group when one of its chunks arrives before the group's first
window is complete; windows launched later wait for the next group, so a group holds at
most ``CatchUp.concurrency`` windows that were in flight together.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import BomgarStoreError
from .rows import Rows

if TYPE_CHECKING:
    from ..reporting.sync_window import SessionChunk
    from .base import SessionStore, Writer

__all__ = ["Ahead", "Group", "Pending"]

Window = tuple[datetime, datetime]
JOIN = 8
"""The most queued chunks one insert takes (see ``Group._joined``)."""


class Pending:
    """One arrived chunk on its way to the database: its rows being encoded, its window,
    its sessions' lsids, and when it was queued for the database (0: not yet)."""

    __slots__ = ("future", "lsids", "seq", "window")

    def __init__(self, future: Future[Rows], window: Window, sessions: Iterable[Any]) -> None:
        self.future = future
        self.window = window
        self.lsids = [session.lsid for session in sessions]
        self.seq = 0


class Group:
    """One open transaction for the windows pulled together (see the module docstring):
    one task inserts the queued chunks, in queue order."""

    def __init__(self, writer: Writer, owner: asyncio.Task[Any] | None) -> None:
        self.writer = writer
        self.rows = 0
        self.members: set[Window] = set()  # windows with chunks queued on arrival
        self.accepting = True  # until the group's first window is complete
        self.error: BaseException | None = None
        self._owner = owner
        self._queue: deque[Future[Rows]] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task = asyncio.create_task(self._insert())

    def admits(self, window: Window) -> bool:
        """Whether chunks of ``window`` go into this transaction on arrival."""
        return self.accepting or window in self.members

    def waits_beyond(self, window: Window) -> bool:
        """Whether a window after ``window`` has rows in this transaction."""
        return any(member[0] > window[0] for member in self.members)

    def put(self, future: Future[Rows]) -> None:
        """Insert ``future``'s rows after everything queued before."""
        self._queue.append(future)
        self._idle.clear()
        self._wake.set()

    async def _insert(self) -> None:
        try:
            while True:
                while self._queue:
                    rows = await _encoded(self._queue[0])
                    rows, taken = self._joined(rows)
                    self.rows += await self.writer.add(rows)
                    for _ in range(taken):
                        self._queue.popleft()
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            self.error = BomgarStoreError("a chunk's encoding was dropped (the store was closed)")
            if self._owner is not None:
                self._owner.cancel()
        except BaseException as err:  # stop the sync at once: it cannot commit
            self.error = err
            if self._owner is not None:
                self._owner.cancel()

    def _joined(self, first: Rows) -> tuple[Rows, int]:
        """``first`` with the rows of the chunks queued after it that are encoded already
        (at most :data:`JOIN`, stopping before one that shares an lsid with them): one
        insert instead of several, which saves PostgreSQL a dozen round trips a chunk while
        the event loop is busy parsing. Returns the rows and how many queued chunks they
        hold."""
        queue, parts = self._queue, [first]
        lsids: set[str] | None = None
        while len(parts) < min(JOIN, len(queue)):
            future = queue[len(parts)]
            if not future.done() or future.cancelled() or future.exception() is not None:
                break
            rows = future.result()
            if lsids is None:
                lsids = set(first.lsids())
            more = rows.lsids()
            if not lsids.isdisjoint(more):  # one insert replaces an lsid once
                break
            lsids.update(more)
            parts.append(rows)
        return (first if len(parts) == 1 else Rows.joined(parts)), len(parts)

    async def drain(self) -> int:
        """Wait until every queued chunk is inserted; the rows written.

        Raises:
            BaseException: what inserting a chunk raised.
        """
        idle = asyncio.ensure_future(self._idle.wait())
        try:
            await asyncio.wait({idle, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            idle.cancel()
        if self.error is not None:
            raise self.error
        return self.rows

    async def stop(self) -> None:
        """Stop inserting (the group ends: committed, or rolling back); the chunks not
        inserted are dropped."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        for future in self._queue:
            future.cancel()
        self._queue.clear()


async def _encoded(future: Future[Rows]) -> Rows:
    if future.cancelled():
        raise asyncio.CancelledError
    return await asyncio.wrap_future(future)


class Ahead:
    """Every chunk of the windows in flight, from its arrival until it is queued for the
    database (see the module docstring).

    Args:
        store: encodes the chunks.
        seen: the lsids the run's starting checkpoint delivered; ``None``: unknown (every
            chunk then waits for its turn).
    """

    def __init__(self, store: SessionStore, seen: Mapping[str, Any] | None) -> None:
        self.store = store
        self.seen = seen
        self.group: Group | None = None
        self.waiting: dict[Window, list[Pending]] = {}
        self._written: dict[str, int] = {}  # lsid -> the last queuing of it in the group
        self._queued = 0

    def on_chunk(self, chunk: list[Any], window: Window) -> Pending:
        """The sync's ``on_chunk`` hook: encode ``chunk``, and queue it at once when its
        window is in the open group and none of its lsids was delivered before the run."""
        pending = Pending(self.store._encode_later(chunk), window, chunk)
        group = self.group
        if group is None or not group.admits(window) or not self._queue_ahead(pending, group):
            self.waiting.setdefault(window, []).append(pending)
        return pending

    def open(self, group: Group) -> None:
        """``group`` is the open transaction: the chunks already waiting join it."""
        self.group = group
        for window, chunks in list(self.waiting.items()):
            left = [pending for pending in chunks if not self._queue_ahead(pending, group)]
            if left:
                self.waiting[window] = left
            else:
                del self.waiting[window]

    def _queue_ahead(self, pending: Pending, group: Group) -> bool:
        seen = self.seen
        if seen is None or any(lsid in seen for lsid in pending.lsids):
            return False
        group.members.add(pending.window)
        pending.seq = self._queue(pending.future, pending.lsids, group)
        return True

    def _queue(self, future: Future[Rows], lsids: Iterable[str], group: Group) -> int:
        self._queued += 1
        seq = self._queued
        self._written.update(dict.fromkeys(lsids, seq))
        group.put(future)
        return seq

    def take(self, chunk: SessionChunk[Any], group: Group) -> None:
        """``chunk``, taken in window order: queue its new sessions unless they went in on
        arrival (those a later queuing replaced since go again: window order decides which
        copy of an lsid is the last)."""
        pending: Pending = chunk.prepared
        if pending.seq:  # queued on arrival
            written, seq = self._written, pending.seq
            again = [s for s in chunk.sessions if written[s.lsid] > seq]
            if again:
                self._queue(self.store._encode_later(again), (s.lsid for s in again), group)
            return
        chunks = self.waiting.get(pending.window)
        if chunks is not None and pending in chunks:
            chunks.remove(pending)
            if not chunks:
                del self.waiting[pending.window]
        if chunk.whole and chunk.sessions:
            pending.seq = self._queue(pending.future, pending.lsids, group)
            return
        pending.future.cancel()
        if chunk.sessions:
            new = list(chunk.sessions)
            self._queue(self.store._encode_later(new), (s.lsid for s in new), group)

    def committed(self) -> None:
        """The open group committed (or ended): the next one starts afresh."""
        self.group = None
        self._written.clear()

    def cancel(self) -> None:
        """Drop the encodings of every chunk still waiting (the sync ends)."""
        for chunks in self.waiting.values():
            for pending in chunks:
                pending.future.cancel()
        self.waiting.clear()
