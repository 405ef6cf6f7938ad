"""The catch-up scheduler: windows in order, at most ``concurrency`` in flight, grown when
empty or small, shrunk when huge, within bounds; progress numbers add up."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone

import pytest

from bomgar_async import BomgarValidationError
from bomgar_async.reporting.catch_up import CatchUp, pull_windows
from bomgar_async.reporting.time_range import MAX_WINDOWS

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


class Source:
    """Sessions ``i`` at ``T0 + i * spacing`` (an end-time report); counts concurrency."""

    def __init__(self, times: list[datetime]) -> None:
        self.times = times
        self.in_flight = 0
        self.most = 0
        self.windows: list[tuple[datetime, datetime]] = []

    async def fetch(
        self, start: datetime, end: datetime, /, *, on_bytes: Callable[[int], None] | None = None
    ) -> AsyncIterator[datetime]:
        self.windows.append((start, end))
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.001 * (len(self.windows) % 3))  # finish out of order
        self.in_flight -= 1
        if on_bytes is not None:
            on_bytes(100)
        for t in self.times:
            if start <= t < end:
                yield t


async def test_windows_come_back_in_order_covering_the_range_once() -> None:
    times = [T0 + timedelta(minutes=7 * i) for i in range(3000)]
    source = Source(times)
    end = T0 + timedelta(days=30)
    plan = CatchUp(concurrency=3, min_window=HOUR, max_window=timedelta(days=4), target_sessions=40)
    results = [r async for r in pull_windows(source.fetch, T0, end, 6 * HOUR, plan)]
    assert [t for r in results for t in r.sessions] == [t for t in times if t < end]
    assert results[0].window[0] == T0 and results[-1].window[1] == end
    assert all(a.window[1] == b.window[0] for a, b in itertools.pairwise(results))
    assert source.most == 3
    assert all(r.bytes == 100 for r in results) and results[-1].windows_left == 0
    sizes = {r.window[1] - r.window[0] for r in results[:-1]}
    assert all(HOUR <= size <= timedelta(days=4) for size in sizes)


async def test_empty_windows_grow_to_the_bound_and_huge_ones_shrink() -> None:
    busy_from = T0 + timedelta(days=60)
    times = [busy_from + timedelta(seconds=30 * i) for i in range(10 * 2880)]
    source = Source(times)
    plan = CatchUp(
        concurrency=1, min_window=HOUR, max_window=timedelta(days=8), target_sessions=100
    )
    end = busy_from + timedelta(days=10)
    results = [r async for r in pull_windows(source.fetch, T0, end, 6 * HOUR, plan)]
    sizes = [r.window[1] - r.window[0] for r in results]
    assert sizes[:4] == [6 * HOUR, 24 * HOUR, 96 * HOUR, timedelta(days=8)]
    assert timedelta(days=8) in sizes  # grew to the bound, not beyond
    assert max(sizes) == timedelta(days=8)
    huge = next(i for i, r in enumerate(results) if len(r.sessions) > 100)
    after = sizes[huge + 1 : -1]  # (the last window is cut by the end of the range)
    assert after[0] < sizes[huge] and set(after[-3:]) == {HOUR}  # shrank to the bound
    quiet = [r for r in results if r.window[1] <= busy_from]
    assert len(quiet) < 15  # versus 240 fixed 6-hour windows


def test_the_next_size_rule() -> None:
    plan = CatchUp(min_window=HOUR, max_window=timedelta(days=2), target_sessions=100)
    assert plan.next_size(6 * HOUR, 0) == 24 * HOUR
    assert plan.next_size(6 * HOUR, 25) == 12 * HOUR
    assert plan.next_size(6 * HOUR, 50) == 6 * HOUR
    assert plan.next_size(6 * HOUR, 400) == timedelta(hours=1, minutes=30)
    assert plan.next_size(2 * HOUR, 10_000) == HOUR
    assert plan.next_size(timedelta(days=2), 0) == timedelta(days=2)
    assert CatchUp.fixed(3 * HOUR).next_size(3 * HOUR, 0) == 3 * HOUR


async def test_too_many_windows_are_refused_before_any_pull() -> None:
    source = Source([])
    end = T0 + timedelta(days=200)
    plan = CatchUp.fixed(timedelta(minutes=1))  # 288,000 windows
    with pytest.raises(BomgarValidationError, match=str(MAX_WINDOWS)):
        [r async for r in pull_windows(source.fetch, T0, end, timedelta(minutes=1), plan)]
    assert source.windows == []
    adaptive = CatchUp(min_window=timedelta(minutes=1))  # starts at 6 hours: 800 windows at most
    results = [r async for r in pull_windows(source.fetch, T0, end, 6 * HOUR, adaptive)]
    assert results[-1].window[1] == end and len(results) < 30
