"""Catching up fast: how a sync pulls its windows (pure scheduling, no parsing).

A sync from months ago would otherwise make one request per fixed window, one after the
other. :func:`pull_windows` instead keeps up to ``concurrency`` windows in flight, hands
them back strictly in order (a checkpoint can only move forward over a contiguous range),
and sizes each new window from what the previous ones held: a window that came back empty
or small grows the next one (x4 / x2), one that came back huge shrinks it towards
``target_sessions``, always within ``[min_window, max_window]``. Windows launched ahead keep
the size they were given; memory grows with ``concurrency`` windows, not with the range.
:func:`stream_windows` hands each window out while it is still being pulled (its sessions
in chunks, as they are parsed), so a consumer can work on a window before it is complete.

:class:`SyncProgress` is what a progress callback receives (for a CLI bar): windows done and
an estimate of the total (done + in flight + the rest of the range at the current size),
sessions delivered and report bytes received so far.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

import attrs

from ..errors import BomgarValidationError
from .time_range import MAX_WINDOWS

__all__ = [
    "CatchUp",
    "Fetch",
    "ProgressCallback",
    "SyncProgress",
    "WindowFeed",
    "WindowResult",
    "pull_windows",
    "stream_windows",
]

CHUNK = 1000
"""Sessions per chunk of a window handed out while it is pulled (:func:`stream_windows`)."""

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Fetch(Protocol[T_co]):
    """``fetch(start, end, on_bytes=...)``: the records of one window, ``on_bytes`` called
    with the size of each body chunk received (``ended_between`` of ``bg.reporting`` and
    ``bg.pra``)."""

    def __call__(
        self, start: datetime, end: datetime, /, *, on_bytes: Callable[[int], None] | None = None
    ) -> AsyncIterator[T_co]:
        """Stream the records that ended in ``[start, end)``."""


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BomgarValidationError(f"{attribute.name} must be a positive integer")


def _whole_seconds(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, timedelta) or value < timedelta(seconds=1) or value.microseconds:
        raise BomgarValidationError(f"{attribute.name} must be whole seconds, at least one")


@attrs.frozen(kw_only=True)
class CatchUp:
    """How a sync schedules its windows.

    Attributes:
        concurrency: windows pulled at once (the client's ``max_concurrency`` also applies).
        min_window: the smallest window a huge one shrinks to.
        max_window: the largest window an empty or small one grows to.
        target_sessions: the number of sessions a window should hold; empty windows grow
            x4, windows with at most a quarter of it x2, windows with more shrink in
            proportion.

    Raises:
        BomgarValidationError: a non-positive number, a window that is not whole seconds,
            or ``min_window`` above ``max_window``.
    """

    concurrency: int = attrs.field(default=4, validator=_positive)
    min_window: timedelta = attrs.field(default=timedelta(minutes=15), validator=_whole_seconds)
    max_window: timedelta = attrs.field(default=timedelta(days=31), validator=_whole_seconds)
    target_sessions: int = attrs.field(default=2000, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.min_window > self.max_window:
            raise BomgarValidationError("min_window must not be above max_window")

    @classmethod
    def fixed(cls, window: timedelta) -> CatchUp:
        """One window at a time, all of length ``window`` (the plain sequential sync)."""
        return cls(concurrency=1, min_window=window, max_window=window)

    def next_size(self, size: timedelta, found: int) -> timedelta:
        """The size of the window after one of ``size`` that held ``found`` sessions."""
        if found == 0:
            wanted = size * 4
        elif found <= self.target_sessions // 4:
            wanted = size * 2
        elif found > self.target_sessions:
            wanted = min(size / 2, size * (self.target_sessions / found))
        else:
            wanted = size
        wanted = timedelta(seconds=math.floor(wanted.total_seconds()))
        return max(self.min_window, min(self.max_window, wanted))


@attrs.frozen(kw_only=True)
class SyncProgress:
    """How far a sync has come (given to a progress callback after each window).

    ``windows_total`` is an estimate that firms up as the sync goes (windows resize).
    """

    windows_done: int
    windows_total: int
    sessions: int
    bytes: int
    cursor: datetime


ProgressCallback = Callable[[SyncProgress], None]


@attrs.frozen
class WindowResult(Generic[T]):
    """One pulled window, in order: its sessions, the body bytes of its report, and an
    estimate of the windows still to come (in flight or not yet started)."""

    window: tuple[datetime, datetime]
    sessions: list[T]
    bytes: int
    windows_left: int


class WindowFeed(Generic[T]):
    """One window being pulled (see :func:`stream_windows`): its sessions in chunks, as
    they arrive. After :meth:`chunks` is exhausted, ``count`` (sessions received),
    ``bytes`` (body bytes received) and ``windows_left`` are final."""

    def __init__(
        self,
        fetch: Fetch[T],
        window: tuple[datetime, datetime],
        chunk_size: int,
        on_chunk: Callable[[list[T], tuple[datetime, datetime]], Any] | None,
    ) -> None:
        self.window = window
        self.count = 0
        self.bytes = 0
        self.windows_left = 0
        self._left: Callable[[int], int] = lambda _count: 0
        self._size = chunk_size
        self._on_chunk = on_chunk
        self._current: list[T] = []
        self._ready: deque[tuple[list[T], Any]] = deque()
        self._wake = asyncio.Event()
        self.task = asyncio.create_task(self._pull(fetch))

    def _count_bytes(self, size: int) -> None:
        self.bytes += size

    def _push(self) -> None:
        chunk, self._current = self._current, []
        token = self._on_chunk(chunk, self.window) if self._on_chunk is not None else None
        self._ready.append((chunk, token))
        self._wake.set()

    async def _pull(self, fetch: Fetch[T]) -> None:
        try:
            async for session in fetch(*self.window, on_bytes=self._count_bytes):
                self._current.append(session)
                self.count += 1
                if len(self._current) >= self._size:
                    self._push()
            if self._current:
                self._push()
        finally:
            self._wake.set()

    async def chunks(self) -> AsyncIterator[tuple[list[T], Any]]:
        """Each chunk of sessions as soon as it is complete, with what ``on_chunk``
        returned for it (``None`` without one), in arrival order.

        Raises:
            Exception: whatever pulling the window raised (after the chunks before it).
        """
        while True:
            while self._ready:
                yield self._ready.popleft()
            if self.task.done():
                await self.task  # raises the pull's error
                self.windows_left = self._left(self.count)
                return
            self._wake.clear()
            await self._wake.wait()

    def tokens(self) -> list[Any]:
        """What ``on_chunk`` returned for the chunks not taken yet."""
        return [token for _chunk, token in self._ready]


async def stream_windows(
    fetch: Fetch[T],
    start: datetime,
    end: datetime,
    first: timedelta,
    plan: CatchUp,
    *,
    chunk_size: int | None = None,
    on_chunk: Callable[[list[T], tuple[datetime, datetime]], Any] | None = None,
) -> AsyncGenerator[WindowFeed[T], None]:
    """Pull ``[start, end)`` window by window as ``plan`` says, handing each window out
    (in window order) while it is still being pulled: its sessions come in chunks of
    ``chunk_size`` as they are parsed, and ``on_chunk(chunk, window)`` runs for each chunk
    as soon as it is complete, whether its window is the one handed out or one pulled ahead
    (``chunk_size`` default: :data:`CHUNK`).

    The next window is handed out once the previous one is complete (taken or not).

    Args:
        fetch: pulls one window (see :class:`Fetch`).
        first: the size of the first windows (clamped into the plan's bounds).

    Raises:
        BomgarValidationError: more than :data:`~.time_range.MAX_WINDOWS` windows of the
            first size would cover the range (checked before any request).
    """
    size = max(plan.min_window, min(plan.max_window, first))
    count = -((start - end) // size)  # ceil((end - start) / size)
    if count > MAX_WINDOWS:
        raise BomgarValidationError(
            f"{count} windows of {size} over this range; at most {MAX_WINDOWS}: use a longer window"
        )
    next_start = start
    pending: deque[WindowFeed[T]] = deque()

    def left(found: int, *, length: timedelta, behind: int, after: datetime) -> int:
        new = plan.next_size(length, found)
        return behind + (math.ceil((end - after) / new) if after < end else 0)

    try:
        while next_start < end or pending:
            while next_start < end and len(pending) < plan.concurrency:
                window = (next_start, min(next_start + size, end))
                pending.append(WindowFeed(fetch, window, chunk_size or CHUNK, on_chunk))
                next_start = window[1]
            feed = pending[0]
            length, behind, after = feed.window[1] - feed.window[0], len(pending) - 1, next_start
            feed._left = partial(left, length=length, behind=behind, after=after)
            yield feed
            await feed.task
            pending.popleft()
            size = plan.next_size(length, feed.count)
    finally:
        for feed in pending:
            feed.task.cancel()
        if pending:
            await asyncio.gather(*(feed.task for feed in pending), return_exceptions=True)


async def pull_windows(
    fetch: Fetch[T], start: datetime, end: datetime, first: timedelta, plan: CatchUp
) -> AsyncIterator[WindowResult[T]]:
    """Pull ``[start, end)`` window by window as ``plan`` says; results in window order,
    each window whole (see :func:`stream_windows`, which this collects).

    Raises:
        BomgarValidationError: more than :data:`~.time_range.MAX_WINDOWS` windows of the
            first size would cover the range (checked before any request).
    """
    async with aclosing(stream_windows(fetch, start, end, first, plan)) as feeds:
        async for feed in feeds:
            sessions = [s async for chunk, _token in feed.chunks() for s in chunk]
            yield WindowResult(feed.window, sessions, feed.bytes, feed.windows_left)
