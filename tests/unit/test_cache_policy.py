"""The cache settings both backends share: defaults, validation, which failures a stale
value covers and which start a cooldown, the jitter's direction, the immutability check."""

from __future__ import annotations

import asyncio
import gc
import math
import random
import time
from collections.abc import Awaitable, Callable

import pytest

from bomgar_async import CacheKey, CacheStats, MemoryCache, RedisCache
from bomgar_async._http.retry import is_retryable
from bomgar_async.cache import _policy
from bomgar_async.cache._policy import (
    CachePolicy,
    check_immutable,
    check_ttl,
    is_upstream_failure,
    retrieve,
)
from bomgar_async.errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarClientClosed,
    BomgarConfigError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
    BomgarValidationError,
)

KEY = CacheKey("https://a.example.com", "api", "get_logged_in_reps")


class Edge:
    """Stands in for the ``random`` module: always the low or the high end of a range."""

    def __init__(self, end: str) -> None:
        self.end = end
        self.ranges: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.ranges.append((a, b))
        return b if self.end == "high" else a


@pytest.fixture
def high(monkeypatch: pytest.MonkeyPatch) -> Edge:
    rng = Edge("high")
    monkeypatch.setattr(_policy, "random", rng)
    return rng


@pytest.fixture
def low(monkeypatch: pytest.MonkeyPatch) -> Edge:
    rng = Edge("low")
    monkeypatch.setattr(_policy, "random", rng)
    return rng


# -- defaults -------------------------------------------------------------------------------


def test_defaults() -> None:
    policy = CachePolicy()
    assert (policy.ttl, policy.grace, policy.cooldown, policy.jitter) == (60.0, 300.0, 5.0, 0.1)
    assert policy.stale_if is is_retryable


def test_memory_cache_defaults_are_the_policy_defaults() -> None:
    cache = MemoryCache()
    assert cache.policy == CachePolicy()
    assert cache.ttl == 60.0
    assert cache.stats() == CacheStats()


def test_memory_cache_passes_every_setting_on() -> None:
    def never(_err: BaseException) -> bool:
        return False

    cache = MemoryCache(7.0, jitter=0.25, grace=11.0, cooldown=2.5, stale_if=never)
    assert cache.policy == CachePolicy(
        ttl=7.0, grace=11.0, cooldown=2.5, jitter=0.25, stale_if=never
    )


def test_the_default_lifetime_is_a_minute_plus_up_to_a_tenth(high: Edge) -> None:
    assert CachePolicy().lifetime() == pytest.approx(66.0)
    assert high.ranges == [(0.0, 0.1)]


def test_the_default_cooldown_is_five_seconds_plus_up_to_a_tenth(high: Edge) -> None:
    assert CachePolicy().cooldown_for(BomgarTransportError("down")) == pytest.approx(5.5)


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ttl", "grace", "cooldown", "jitter"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -1, -0.001, "5", None, True])
def test_settings_must_be_finite_numbers(name: str, value: object) -> None:
    with pytest.raises(BomgarConfigError, match=name):
        CachePolicy(**{name: value})  # type: ignore[arg-type]
    with pytest.raises(BomgarConfigError, match=name):
        MemoryCache(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["grace", "cooldown", "jitter"])
def test_zero_switches_a_feature_off_and_is_accepted(name: str) -> None:
    assert getattr(CachePolicy(**{name: 0}), name) == 0


def test_ttl_must_be_positive_but_may_be_tiny() -> None:
    with pytest.raises(BomgarConfigError, match="ttl"):
        CachePolicy(ttl=0)
    assert CachePolicy(ttl=0.001).ttl == 0.001
    assert CachePolicy(ttl=1).ttl == 1


def test_check_ttl() -> None:
    assert check_ttl(5) == 5.0
    assert check_ttl(0.5) == 0.5
    for bad in (0, 0.0, -1, math.nan, math.inf, True, "60", None):
        with pytest.raises(BomgarConfigError, match="ttl"):
            check_ttl(bad)


def test_the_error_names_the_setting_and_the_value() -> None:
    with pytest.raises(BomgarConfigError) as info:
        CachePolicy(jitter=math.nan)
    assert str(info.value) == "jitter must be a finite non-negative fraction, not nan"
    with pytest.raises(BomgarConfigError) as info:
        CachePolicy(cooldown=-2)
    assert str(info.value) == "cooldown must be a finite non-negative number of seconds, not -2"


# -- jitter -----------------------------------------------------------------------------------


def test_jitter_only_lengthens_a_lifetime(low: Edge) -> None:
    policy = CachePolicy(ttl=10.0, jitter=0.5)
    assert policy.lifetime() == 10.0
    assert low.ranges == [(0.0, 0.5)]


def test_jitter_adds_at_most_its_fraction(high: Edge) -> None:
    assert CachePolicy(ttl=10.0, jitter=0.5).lifetime() == pytest.approx(15.0)
    assert CachePolicy(ttl=10.0, jitter=0.0).lifetime() == 10.0


def test_jitter_spreads_lifetimes_over_the_whole_range() -> None:
    random.seed(4321)
    policy = CachePolicy(ttl=10.0, jitter=0.5)
    lifetimes = [policy.lifetime() for _ in range(2000)]
    assert all(10.0 <= t <= 15.0 for t in lifetimes)
    assert min(lifetimes) < 10.1
    assert max(lifetimes) > 14.9


def test_a_per_call_ttl_replaces_the_default(high: Edge) -> None:
    policy = CachePolicy(ttl=60.0, jitter=0.2)
    assert policy.lifetime(5.0) == pytest.approx(6.0)
    assert policy.lifetime(None) == pytest.approx(72.0)


@pytest.mark.parametrize("ttl", [0, -1, math.nan, math.inf])
def test_a_bad_per_call_ttl_is_refused(ttl: float) -> None:
    with pytest.raises(BomgarConfigError, match="ttl"):
        CachePolicy().lifetime(ttl)


def test_jitter_only_lengthens_a_cooldown(low: Edge) -> None:
    policy = CachePolicy(cooldown=4.0, jitter=0.5)
    assert policy.cooldown_for(BomgarTransportError("down")) == 4.0
    assert low.ranges == [(0.0, 0.5)]


def test_jitter_adds_at_most_its_fraction_to_a_cooldown(high: Edge) -> None:
    policy = CachePolicy(cooldown=4.0, jitter=0.5)
    assert policy.cooldown_for(BomgarTransportError("down")) == pytest.approx(6.0)


# -- which failures start a cooldown, which a stale value covers ----------------------------


UPSTREAM = [
    BomgarTransportError("connection refused"),
    BomgarTimeoutError("timed out"),
    BomgarHTTPError("HTTP 503", status=503),
    BomgarHTTPError("HTTP 404", status=404),
    BomgarProtocolError("not XML"),
    BomgarAPIError("Invalid lsid."),
    BomgarAuthError("Invalid credentials"),
]
NOT_UPSTREAM = [
    BomgarClientClosed("closed"),
    BomgarValidationError("bad lsid"),
    BomgarConfigError("bad ttl"),
    ValueError("a bug"),
    TypeError("not immutable"),
    ConnectionError("someone else's"),
]


@pytest.mark.parametrize("err", UPSTREAM, ids=lambda e: type(e).__name__)
def test_the_appliances_failures_start_a_cooldown(err: Exception, low: Edge) -> None:
    assert is_upstream_failure(err)
    assert CachePolicy(cooldown=3.0).cooldown_for(err) == 3.0


@pytest.mark.parametrize("err", NOT_UPSTREAM, ids=lambda e: type(e).__name__)
def test_other_failures_start_no_cooldown(err: Exception) -> None:
    assert not is_upstream_failure(err)
    assert CachePolicy(cooldown=3.0).cooldown_for(err) == 0.0


def test_cooldown_zero_disables_it() -> None:
    assert CachePolicy(cooldown=0).cooldown_for(BomgarTransportError("down")) == 0.0


@pytest.mark.parametrize(
    ("err", "covered"),
    [
        (BomgarTransportError("refused"), True),
        (BomgarTimeoutError("slow"), True),
        (BomgarHTTPError("HTTP 500", status=500), True),
        (BomgarHTTPError("HTTP 429", status=429), True),
        (BomgarHTTPError("HTTP 404", status=404), False),
        (BomgarProtocolError("not XML"), False),
        (BomgarAPIError("Invalid lsid."), False),
        (ValueError("a bug"), False),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_by_default_a_stale_value_covers_the_retryable_failures(
    err: Exception, covered: bool
) -> None:
    assert CachePolicy().may_serve_stale(err) is covered


def test_a_custom_stale_if_decides_but_never_for_error_answers() -> None:
    policy = CachePolicy(stale_if=lambda err: isinstance(err, BomgarProtocolError))
    assert policy.may_serve_stale(BomgarProtocolError("not XML"))
    assert not policy.may_serve_stale(BomgarTransportError("refused"))
    everything = CachePolicy(stale_if=lambda _err: True)
    assert everything.may_serve_stale(ValueError("anything"))
    assert not everything.may_serve_stale(BomgarAPIError("Invalid lsid."))
    assert not everything.may_serve_stale(BomgarAuthError("Login failed"))


def test_grace_zero_covers_nothing() -> None:
    assert not CachePolicy(grace=0).may_serve_stale(BomgarTransportError("refused"))
    assert CachePolicy(grace=0.001).may_serve_stale(BomgarTransportError("refused"))


# -- immutability -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [(["a"], "list"), ({"a": 1}, "dict"), ({"a"}, "set"), (bytearray(b"a"), "bytearray")],
)
def test_mutable_containers_are_refused(value: object, kind: str) -> None:
    with pytest.raises(TypeError) as info:
        check_immutable(value)
    assert str(info.value) == (
        f"cached values must be immutable (tuples, frozen models), not {kind}"
    )


@pytest.mark.parametrize("value", [("a",), frozenset({"a"}), b"a", "a", 1, None, CacheStats()])
def test_immutable_values_pass(value: object) -> None:
    check_immutable(value)


@pytest.mark.parametrize("value", [{"a"}, bytearray(b"xml")], ids=["set", "bytearray"])
async def test_a_memory_cache_refuses_sets_and_bytearrays(value: object) -> None:
    cache = MemoryCache(ttl=60)
    calls = 0

    async def fetch() -> object:
        nonlocal calls
        calls += 1
        return value

    for _ in range(2):
        with pytest.raises(TypeError, match="immutable"):
            await cache.get_or_fetch(KEY, fetch)
    assert calls == 2  # nothing stored, and a caller's bug starts no cooldown


# -- MemoryCache: the policy in action --------------------------------------------------------


async def test_a_memory_cache_refuses_a_bad_per_call_ttl_before_fetching() -> None:
    cache = MemoryCache(ttl=60)
    calls = 0

    async def fetch() -> tuple[str, ...]:
        nonlocal calls
        calls += 1
        return ("rep",)

    for bad in (0, -5, math.nan, math.inf):
        with pytest.raises(BomgarConfigError, match="ttl"):
            await cache.get_or_fetch(KEY, fetch, ttl=bad)
    assert calls == 0
    assert await cache.get_or_fetch(KEY, fetch, ttl=0.5) == ("rep",)


async def test_a_memory_cache_entry_lives_ttl_plus_jitter_then_grace(high: Edge) -> None:
    cache = MemoryCache(ttl=10.0, jitter=0.5, grace=100.0)

    async def fetch() -> tuple[str, ...]:
        return ("rep",)

    before = time.monotonic()
    await cache.get_or_fetch(KEY, fetch)
    after = time.monotonic()
    entry = cache._entries[KEY]
    assert before + 15.0 <= entry.fresh_until <= after + 15.0
    assert entry.stale_until == pytest.approx(entry.fresh_until + 100.0)


async def test_a_per_call_ttl_sets_the_entrys_lifetime(low: Edge) -> None:
    cache = MemoryCache(ttl=60.0)

    async def fetch() -> tuple[str, ...]:
        return ("rep",)

    before = time.monotonic()
    await cache.get_or_fetch(KEY, fetch, ttl=2.0)
    assert cache._entries[KEY].fresh_until - before == pytest.approx(2.0, abs=0.5)


@pytest.mark.parametrize("error", UPSTREAM, ids=lambda e: type(e).__name__)
async def test_a_memory_cache_rests_a_key_after_the_appliances_failure(error: Exception) -> None:
    cache = MemoryCache(ttl=60, cooldown=30.0, jitter=0.0)
    calls = 0

    async def fetch() -> tuple[str, ...]:
        nonlocal calls
        calls += 1
        raise error

    for _ in range(3):
        with pytest.raises(type(error)):
            await cache.get_or_fetch(KEY, fetch)
    assert calls == 1
    assert cache.stats().cooldown_errors == 2


@pytest.mark.parametrize("error", NOT_UPSTREAM, ids=lambda e: type(e).__name__)
async def test_a_memory_cache_does_not_rest_a_key_after_other_failures(error: Exception) -> None:
    cache = MemoryCache(ttl=60, cooldown=30.0)
    calls = 0

    async def fetch() -> tuple[str, ...]:
        nonlocal calls
        calls += 1
        raise error

    for _ in range(3):
        with pytest.raises(type(error)):
            await cache.get_or_fetch(KEY, fetch)
    assert calls == 3
    assert cache.stats().cooldown_errors == 0


# -- retrieve ---------------------------------------------------------------------------------


async def test_retrieve_reads_a_failed_task_so_asyncio_reports_nothing() -> None:
    async def fail() -> None:
        raise BomgarTransportError("down")

    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        unread = asyncio.create_task(fail())
        await asyncio.wait([unread])
        del unread
        gc.collect()
        assert len(reported) == 1  # the control: an unread failure is reported
        read = asyncio.create_task(fail())
        await asyncio.wait([read])
        retrieve(read)
        del read
        gc.collect()
        assert len(reported) == 1
    finally:
        loop.set_exception_handler(None)


async def test_retrieve_ignores_cancelled_and_successful_tasks() -> None:
    cancelled = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.wait([cancelled])
    retrieve(cancelled)  # asking a cancelled task for its exception would raise
    done = asyncio.create_task(asyncio.sleep(0))
    await done
    retrieve(done)


class Untouchable:
    """A Redis client stand-in that records every use of its scripts."""

    def __init__(self) -> None:
        self.used = 0

    def register_script(self, _script: str) -> Callable[..., Awaitable[object]]:
        async def run(*_args: object, **_kwargs: object) -> object:
            self.used += 1
            raise AssertionError("Redis was reached")

        return run


async def test_a_redis_cache_refuses_a_bad_per_call_ttl_before_touching_redis() -> None:
    client = Untouchable()
    cache = RedisCache(client=client, ttl=60)  # type: ignore[arg-type]
    calls = 0

    async def fetch() -> tuple[str, ...]:
        nonlocal calls
        calls += 1
        return ("rep",)

    for bad in (0, -5, math.nan, math.inf, True):
        with pytest.raises(BomgarConfigError, match="ttl"):
            await cache.get_or_fetch(KEY, fetch, ttl=bad)
    assert (calls, client.used) == (0, 0)
