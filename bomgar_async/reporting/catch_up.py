"""Catching up fast: how a sync pulls its windows (pure scheduling, no parsing).

A sync from months ago would otherwise make one request per fixed window, one after the
other. :func:`pull_windows` instead keeps up to ``concurrency`` windows in flight, hands
them back strictly in order (a checkpoint can only move forward over a contiguous range),
and sizes each new window from what the previous ones held: a window that came back empty
or small grows the next one (x4 / x2), one that came back huge shrinks it towards
``target_sessions``, always within ``[min_window, max_window]``. Windows launched ahead keep
the size they were given; memory grows with ``concurrency`` windows, not with the range.

:class:`SyncProgress` is what a progress callback receives (for a CLI bar): windows done and
an estimate of the total (done + in flight + the rest of the range at the current size),
sessions delivered and report bytes received so far.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

import attrs

from ..errors import BomgarValidationError
from .time_range import MAX_WINDOWS

__all__ = [
    "CatchUp",
    "Fetch",
    "ProgressCallback",
    "SyncProgress",
    "WindowResult",
    "pull_windows",
]

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


async def _collect(fetch: Fetch[T], start: datetime, end: datetime) -> tuple[list[T], int]:
    received = [0]

    def count(size: int) -> None:
        received[0] += size

    sessions = [s async for s in fetch(start, end, on_bytes=count)]
    return sessions, received[0]


async def pull_windows(
    fetch: Fetch[T], start: datetime, end: datetime, first: timedelta, plan: CatchUp
) -> AsyncIterator[WindowResult[T]]:
    """Pull ``[start, end)`` window by window as ``plan`` says; results in window order.

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
    pending: deque[tuple[tuple[datetime, datetime], asyncio.Task[tuple[list[T], int]]]]
    pending = deque()
    try:
        while next_start < end or pending:
            while next_start < end and len(pending) < plan.concurrency:
                window = (next_start, min(next_start + size, end))
                task = asyncio.create_task(_collect(fetch, *window))
                pending.append((window, task))
                next_start = window[1]
            window, task = pending.popleft()
            sessions, received = await task
            size = plan.next_size(window[1] - window[0], len(sessions))
            rest = math.ceil((end - next_start) / size) if next_start < end else 0
            yield WindowResult(window, sessions, received, len(pending) + rest)
    finally:
        for _window, task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*(task for _w, task in pending), return_exceptions=True)
