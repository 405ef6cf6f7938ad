"""MemoryCache: single flight, TTL, errors not cached, cancellation safety, invalidation."""

from __future__ import annotations

import asyncio

import pytest

from bomgar_async import CacheKey, MemoryCache

KEY = CacheKey("https://a.example.com", "api", "get_logged_in_reps")


class Upstream:
    def __init__(self, delay: float = 0.02, fail: int = 0) -> None:
        self.calls = 0
        self.delay = delay
        self.fail = fail
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> tuple[str, ...]:
        self.calls += 1
        await self.release.wait()
        await asyncio.sleep(self.delay)
        if self.calls <= self.fail:
            raise ConnectionError("upstream down")
        return ("rep", str(self.calls))


async def test_single_flight_for_many_cold_callers() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream()
    results = await asyncio.gather(*(cache.get_or_fetch(KEY, upstream) for _ in range(1000)))
    assert upstream.calls == 1
    assert set(results) == {("rep", "1")}
    stats = cache.stats()
    assert stats.upstream_calls == 1
    assert stats.misses == 1000
    assert stats.coalesced == 999
    await cache.get_or_fetch(KEY, upstream)
    assert cache.stats().hits == 1


async def test_ttl_expires_and_keys_are_separate() -> None:
    cache = MemoryCache(ttl=0.05, jitter=0.0)
    upstream = Upstream(delay=0)
    await cache.get_or_fetch(KEY, upstream)
    other = CacheKey("https://a.example.com", "api", "get_support_teams", (("showmembers", "1"),))
    await cache.get_or_fetch(other, upstream)
    assert upstream.calls == 2
    await asyncio.sleep(0.08)
    await cache.get_or_fetch(KEY, upstream)
    assert upstream.calls == 3


async def test_errors_are_not_cached() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream(delay=0, fail=1)
    with pytest.raises(ConnectionError):
        await cache.get_or_fetch(KEY, upstream)
    assert await cache.get_or_fetch(KEY, upstream) == ("rep", "2")
    assert cache.stats().errors == 1


async def test_cancelled_waiter_does_not_cancel_the_fetch() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream()
    upstream.release.clear()
    leader = asyncio.create_task(cache.get_or_fetch(KEY, upstream))
    waiter = asyncio.create_task(cache.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.01)
    waiter.cancel()
    upstream.release.set()
    assert await leader == ("rep", "1")
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert upstream.calls == 1


async def test_cancelled_leader_does_not_cancel_the_waiters() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream()
    upstream.release.clear()
    leader = asyncio.create_task(cache.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(cache.get_or_fetch(KEY, upstream)) for _ in range(5)]
    await asyncio.sleep(0.01)
    leader.cancel()
    upstream.release.set()
    assert await asyncio.gather(*waiters) == [("rep", "1")] * 5
    assert upstream.calls == 1


async def test_everyone_cancelled_still_stores_the_value_and_warns_nothing() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream()
    upstream.release.clear()
    callers = [asyncio.create_task(cache.get_or_fetch(KEY, upstream)) for _ in range(3)]
    await asyncio.sleep(0.01)
    for caller in callers:
        caller.cancel()
    upstream.release.set()
    await asyncio.sleep(0.05)
    assert await cache.get_or_fetch(KEY, upstream) == ("rep", "1")
    assert upstream.calls == 1


async def test_everyone_cancelled_and_fetch_fails_retrieves_the_exception() -> None:
    # filterwarnings=error would turn "exception was never retrieved" into a failure.
    cache = MemoryCache(ttl=60)
    upstream = Upstream(fail=1)
    upstream.release.clear()
    caller = asyncio.create_task(cache.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.01)
    caller.cancel()
    upstream.release.set()
    await asyncio.sleep(0.05)
    assert cache.stats().errors == 1


async def test_invalidate_during_a_fetch_keeps_the_older_answer_out() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream()
    upstream.release.clear()
    first = asyncio.create_task(cache.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.01)
    await cache.invalidate("get_logged_in_reps")
    upstream.release.set()
    assert await first == ("rep", "1")
    assert await cache.get_or_fetch(KEY, upstream) == ("rep", "2")


async def test_invalidate_by_action_and_clear() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream(delay=0)
    teams = CacheKey("https://a.example.com", "api", "get_support_teams")
    await cache.get_or_fetch(KEY, upstream)
    await cache.get_or_fetch(teams, upstream)
    assert await cache.invalidate("get_support_teams") == 1
    await cache.get_or_fetch(KEY, upstream)
    assert upstream.calls == 2
    await cache.clear()
    await cache.get_or_fetch(KEY, upstream)
    assert upstream.calls == 3


def test_ttl_must_be_positive() -> None:
    with pytest.raises(ValueError, match="ttl"):
        MemoryCache(ttl=0)
