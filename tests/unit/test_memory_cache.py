"""MemoryCache: single flight, TTL, errors not cached, cancellation safety, invalidation,
stale-if-error within the grace period, the cooldown after failures, counters."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from typing import Any

import pytest

from bomgar_async import (
    CacheKey,
    CacheStats,
    MemoryCache,
)
from bomgar_async._http.retry import is_retryable
from bomgar_async.errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarClientClosed,
    BomgarConfigError,
    BomgarError,
    BomgarHTTPError,
    BomgarPermissionError,
    BomgarTimeoutError,
    BomgarTransportError,
)

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


async def test_1000_callers_with_the_leader_and_a_third_cancelled_make_one_call() -> None:
    cache = MemoryCache(ttl=60)
    upstream = Upstream()
    upstream.release.clear()
    callers = [asyncio.create_task(cache.get_or_fetch(KEY, upstream)) for _ in range(1000)]
    await asyncio.sleep(0.01)
    doomed = callers[::3]  # the leader (the first caller) among them
    for caller in doomed:
        caller.cancel()
    upstream.release.set()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    served = [o for o in outcomes if not isinstance(o, asyncio.CancelledError)]
    assert served == [("rep", "1")] * (1000 - len(doomed))
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


# -- stale-if-error, cooldown, immutability ------------------------------------------------

REPS = ("rep", "fresh")


class Failing:
    """An upstream that answers ``REPS`` until ``error`` is set, then raises it."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay
        self.error: BaseException | None = None

    async def __call__(self) -> tuple[str, ...]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return REPS


def quick(**options: Any) -> MemoryCache:
    settings: dict[str, Any] = {"ttl": 0.05, "jitter": 0.0, "grace": 5.0, "cooldown": 0.0}
    return MemoryCache(**(settings | options))


async def stale_cache(upstream: Failing, **options: Any) -> MemoryCache:
    """A cache holding ``REPS`` that has just gone stale."""
    cache = quick(**options)
    assert await cache.get_or_fetch(KEY, upstream) == REPS
    await asyncio.sleep(0.07)
    return cache


@pytest.mark.parametrize(
    "error",
    [
        BomgarHTTPError("get_logged_in_reps: HTTP 503", status=503),
        BomgarHTTPError("get_logged_in_reps: HTTP 429", status=429, retry_after=1.0),
        BomgarTimeoutError("timed out: POST https://a.example.com/api/command.ns"),
        BomgarTransportError("connection failed: ConnectionRefusedError"),
    ],
    ids=["503", "429", "timeout", "connection"],
)
async def test_stale_value_stands_in_for_a_retryable_failure(
    error: BomgarError, caplog: pytest.LogCaptureFixture
) -> None:
    upstream = Failing()
    cache = await stale_cache(upstream)
    upstream.error = error
    caplog.set_level(logging.WARNING, logger="bomgar_async.cache")
    results = await asyncio.gather(*(cache.get_or_fetch(KEY, upstream) for _ in range(20)))
    assert results == [REPS] * 20
    assert upstream.calls == 2
    stats = cache.stats()
    assert (stats.stale_served, stats.errors, stats.upstream_calls) == (20, 1, 2)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "get_logged_in_reps" in warnings[0].getMessage()
    assert type(error).__name__ in warnings[0].getMessage()


async def test_past_the_grace_period_the_typed_error_is_raised() -> None:
    upstream = Failing()
    cache = quick(grace=0.05)
    await cache.get_or_fetch(KEY, upstream)
    await asyncio.sleep(0.12)  # TTL 0.05 + grace 0.05 are over
    upstream.error = BomgarHTTPError("get_logged_in_reps: HTTP 503", status=503)
    with pytest.raises(BomgarHTTPError) as caught:
        await cache.get_or_fetch(KEY, upstream)
    assert caught.value.status == 503
    assert cache.stats().stale_served == 0


@pytest.mark.parametrize(
    "error",
    [
        BomgarAPIError("Unknown failure", action="get_logged_in_reps"),
        BomgarAuthError("Invalid credentials", action="get_logged_in_reps"),
        BomgarPermissionError("Permission denied", action="get_logged_in_reps"),
        BomgarHTTPError("get_logged_in_reps: HTTP 404", status=404),
    ],
    ids=["api", "auth", "permission", "404"],
)
async def test_error_answers_and_client_errors_are_never_covered_by_a_stale_value(
    error: BomgarError,
) -> None:
    upstream = Failing()
    # Even a predicate that accepts everything cannot cover an <error> answer.
    everything = (lambda _err: True) if isinstance(error, BomgarAPIError) else is_retryable
    cache = await stale_cache(upstream, stale_if=everything)
    upstream.error = error
    with pytest.raises(type(error)):
        await cache.get_or_fetch(KEY, upstream)
    assert cache.stats().stale_served == 0


async def test_grace_zero_disables_stale_values() -> None:
    upstream = Failing()
    cache = await stale_cache(upstream, grace=0)
    upstream.error = BomgarHTTPError("HTTP 503", status=503)
    with pytest.raises(BomgarHTTPError):
        await cache.get_or_fetch(KEY, upstream)


async def test_cooldown_reraises_the_same_error_without_calling_upstream() -> None:
    upstream = Failing()
    upstream.error = BomgarAuthError("Invalid credentials", action="get_logged_in_reps")
    cache = quick(cooldown=0.1)
    with pytest.raises(BomgarAuthError) as first:
        await cache.get_or_fetch(KEY, upstream)
    depths = set()
    for _ in range(30):
        with pytest.raises(BomgarAuthError) as again:
            await cache.get_or_fetch(KEY, upstream)
        assert again.value is first.value
        depths.add(len(traceback.extract_tb(again.value.__traceback__)))
    assert len(depths) == 1  # re-raising does not grow the traceback
    assert upstream.calls == 1
    stats = cache.stats()
    assert (stats.errors, stats.cooldown_errors, stats.upstream_calls) == (1, 30, 1)
    await asyncio.sleep(0.12)
    upstream.error = None
    assert await cache.get_or_fetch(KEY, upstream) == REPS  # errors were never stored
    assert upstream.calls == 2


async def test_cooldown_serves_the_stale_value_to_everyone_with_one_upstream_call() -> None:
    upstream = Failing()
    cache = await stale_cache(upstream, cooldown=5.0)
    upstream.error = BomgarHTTPError("HTTP 503", status=503)
    for _ in range(100):
        assert await cache.get_or_fetch(KEY, upstream) == REPS
    assert upstream.calls == 2
    assert cache.stats().stale_served == 100


async def test_cooldown_is_jittered_and_invalidate_ends_it() -> None:
    upstream = Failing()
    upstream.error = BomgarHTTPError("HTTP 502", status=502)
    cache = quick(cooldown=30.0, jitter=0.5)
    with pytest.raises(BomgarHTTPError):
        await cache.get_or_fetch(KEY, upstream)
    until = cache._failures[KEY].until - time.monotonic()
    assert 29.0 < until <= 45.0
    await cache.invalidate("get_logged_in_reps")
    upstream.error = None
    assert await cache.get_or_fetch(KEY, upstream) == REPS
    assert upstream.calls == 2


async def test_failures_outside_the_appliance_start_no_cooldown() -> None:
    upstream = Failing()
    upstream.error = BomgarClientClosed("this BomgarClient is closed")
    cache = quick(cooldown=30.0)
    with pytest.raises(BomgarClientClosed):
        await cache.get_or_fetch(KEY, upstream)
    upstream.error = None
    assert await cache.get_or_fetch(KEY, upstream) == REPS


async def test_a_failed_refresh_under_many_concurrent_callers_is_one_upstream_call() -> None:
    upstream = Failing(delay=0.02)
    cache = await stale_cache(upstream, cooldown=1.0)
    upstream.error = BomgarHTTPError("get_logged_in_reps: HTTP 503", status=503)
    results = await asyncio.gather(*(cache.get_or_fetch(KEY, upstream) for _ in range(200)))
    assert results == [REPS] * 200
    assert upstream.calls == 2
    stats = cache.stats()
    assert (stats.coalesced, stats.stale_served, stats.errors) == (199, 200, 1)


async def test_mutable_values_are_refused_and_not_stored() -> None:
    cache = MemoryCache(ttl=60)
    calls = 0

    async def fetch() -> list[str]:
        nonlocal calls
        calls += 1
        return ["rep"]

    for _ in range(2):
        with pytest.raises(TypeError, match="immutable"):
            await cache.get_or_fetch(KEY, fetch)
    assert calls == 2


async def test_callers_after_invalidate_do_not_share_the_older_fetch() -> None:
    cache = MemoryCache(ttl=60)
    release = asyncio.Event()
    started = 0

    async def fetch() -> tuple[str, ...]:
        nonlocal started
        started += 1
        number = started  # which fetch this is, fixed when it starts
        await release.wait()
        return ("rep", str(number))

    before = asyncio.create_task(cache.get_or_fetch(KEY, fetch))
    await asyncio.sleep(0.01)
    await cache.invalidate("get_logged_in_reps")
    after = asyncio.create_task(cache.get_or_fetch(KEY, fetch))
    await asyncio.sleep(0.01)
    release.set()
    assert await before == ("rep", "1")
    assert await after == ("rep", "2")  # started after the state change: a fetch of its own
    assert await cache.get_or_fetch(KEY, fetch) == ("rep", "2")
    assert started == 2


async def test_stats_count_every_kind_of_answer() -> None:
    upstream = Failing()
    cache = await stale_cache(upstream, cooldown=1.0)
    upstream.error = BomgarHTTPError("HTTP 503", status=503)
    await cache.get_or_fetch(KEY, upstream)  # stale, and the cooldown starts
    await cache.get_or_fetch(KEY, upstream)  # stale during the cooldown
    assert cache.stats() == CacheStats(
        hits=0, misses=3, coalesced=0, upstream_calls=2, stale_served=2, errors=1
    )


@pytest.mark.parametrize(
    "options",
    [{"ttl": -1}, {"grace": -1}, {"cooldown": -0.5}, {"jitter": -0.1}, {"ttl": float("inf")}],
)
def test_settings_are_validated(options: dict[str, float]) -> None:
    with pytest.raises(BomgarConfigError):
        MemoryCache(**options)  # type: ignore[arg-type]
