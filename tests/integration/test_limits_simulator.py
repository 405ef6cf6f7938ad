"""The in-process limits against the simulated appliance: the appliance's rate-limit headers
and 429s pause the client's callers, waiting counts against the call's timeout, the rate of
``LocalLimiter``, and OAuth tokens shared through a token store (``bg.stats()`` shows it)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bomgar_async import (
    BomgarClient,
    ClientStats,
    LocalLimiter,
    MemoryTokenStore,
    Timeout,
)
from bomgar_async._http import limit
from bomgar_async.errors import (
    BomgarConfigError,
    BomgarTimeoutError,
)
from bomgar_async.simulator import (
    Fault,
    Simulator,
)

from .accounts import (
    ADMIN,
    OAUTH,
)


async def test_remaining_zero_makes_callers_wait_instead_of_drawing_429s() -> None:
    async with (
        Simulator(rate_limit=10, rate_limit_window=0.5) as sim,
        BomgarClient(sim.url, max_concurrency=1, **ADMIN) as bg,
    ):
        started = time.monotonic()
        for _ in range(25):
            await bg.command.get_api_info()
        elapsed = time.monotonic() - started
        stats = bg.stats()
    assert sim.rate_limits.refused == 0
    assert stats.rate_limited == 0
    assert stats.rate_limit_waits == 2  # after the 10th and the 20th answer
    assert stats.rate_limit_remaining == 5
    assert elapsed >= 2 * limit.RATE_LIMIT_WINDOW


async def test_a_429_without_retry_after_backs_off_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limit, "DEFAULT_429_BACKOFF", 0.4)
    async with Simulator() as sim, BomgarClient(sim.url, retry_backoff=0.01, **ADMIN) as bg:
        sim.add_fault(Fault("http_status", status=429, action="get_api_info"))
        started = time.monotonic()
        await bg.command.get_api_info()
        assert time.monotonic() - started >= 0.4
        stats = bg.stats()
        assert (stats.rate_limited, stats.rate_limit_waits) == (1, 1)
        sim.add_fault(Fault("http_status", status=429, retry_after=1, action="get_api_info"))
        started = time.monotonic()
        await bg.command.get_api_info()
        assert time.monotonic() - started >= 1.0  # Retry-After wins


async def test_waiting_for_a_slot_counts_against_the_calls_timeout() -> None:
    async with (
        Simulator() as sim,
        BomgarClient(sim.url, max_concurrency=1, retries=0, timeout=5, **ADMIN) as bg,
    ):
        sim.add_fault(Fault("latency", delay=1.0, action="get_api_info"))
        slow = asyncio.create_task(bg.command.get_api_info())
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(BomgarTimeoutError, match="concurrency slot"):
            await bg.call(
                "/api/command.ns",
                (("action", "check_health"),),
                read_only=True,
                label="check_health",
                timeout=Timeout(total=0.3),
            )
        assert time.monotonic() - started < 0.8
        await slow
        assert bg.stats().limiter_waits == 1


async def test_the_local_rate_spaces_calls() -> None:
    limiter = LocalLimiter(4, rate=20, burst=1)
    async with Simulator() as sim, BomgarClient(sim.url, limiter=limiter, **ADMIN) as bg:
        started = time.monotonic()
        await asyncio.gather(*(bg.command.get_api_info() for _ in range(21)))
        assert time.monotonic() - started >= 0.95  # 20 intervals of 50 ms
        assert bg.stats().limiter_waits >= 19


async def test_a_shared_token_store_fetches_one_token_and_replaces_it_once_after_401() -> None:
    store = MemoryTokenStore()
    async with Simulator() as sim:
        clients = [BomgarClient(sim.url, token_store=store, **OAUTH) for _ in range(3)]
        await asyncio.gather(*(bg.command.get_api_info() for bg in clients for _ in range(5)))
        assert sim.tokens_issued == 1
        sim.expire_tokens()
        await asyncio.gather(*(bg.command.get_api_info() for bg in clients for _ in range(5)))
        assert sim.tokens_issued == 2
        stats = [bg.stats() for bg in clients]
        assert sum(s.tokens_fetched for s in stats) == 2
        assert sum(s.unauthorized_refreshes for s in stats) >= 1
        for bg in clients:
            await bg.close()


async def test_tokens_are_replaced_before_they_expire() -> None:
    async with Simulator(token_ttl=1) as sim, BomgarClient(sim.url, **OAUTH) as bg:
        deadline = time.monotonic() + 2.2
        while time.monotonic() < deadline:
            await bg.command.get_api_info()
            await asyncio.sleep(0.02)
        stats = bg.stats()
    assert stats.unauthorized_refreshes == 0
    assert stats.tokens_fetched == sim.tokens_issued >= 3


async def test_stats_start_at_zero_and_bad_limits_are_refused() -> None:
    async with Simulator() as sim, BomgarClient(sim.url, **ADMIN) as bg:
        assert bg.stats() == ClientStats()
    for options in ({"max_in_flight": 0}, {"rate": 0}, {"rate": True}, {"burst": 0}):
        with pytest.raises(BomgarConfigError):
            LocalLimiter(**options)


async def test_a_view_shares_the_limiter_the_token_and_the_stats_of_its_client() -> None:
    async with (
        Simulator(rate_limit=4, rate_limit_window=0.3) as sim,
        BomgarClient(sim.url, max_concurrency=1, **OAUTH) as bg,
    ):
        view = bg.with_options(timeout=5, retries=0)
        sim.add_fault(Fault("latency", delay=0.5, action="get_api_info", times=1))
        slow = asyncio.create_task(bg.command.get_api_info())
        await asyncio.sleep(0.1)
        with pytest.raises(BomgarTimeoutError, match="max_concurrency"):  # the client's slot
            await view.call(
                "/api/command.ns",
                (("action", "check_health"),),
                read_only=True,
                label="check_health",
                timeout=Timeout(total=0.2),
            )
        await slow
        for _ in range(5):  # until an answer says remaining 0: both must wait for a window
            await view.command.get_api_info()
            if view.stats().rate_limit_remaining == 0:
                break
        assert bg.stats().rate_limit_remaining == 0
        started = time.monotonic()
        await bg.command.get_api_info()
        assert time.monotonic() - started >= 0.5 * limit.RATE_LIMIT_WINDOW
        assert sim.tokens_issued == 1  # one token for the client and its view
        sim.expire_tokens()
        await view.command.get_api_info()
        await bg.command.get_api_info()
        assert sim.tokens_issued == 2
        assert sim.rate_limits.refused == 0
        assert view.stats() == bg.stats()
        stats = bg.stats()
    assert (stats.tokens_fetched, stats.unauthorized_refreshes) == (2, 1)
    assert stats.limiter_waits == 1 and stats.rate_limit_waits >= 1
    assert stats.rate_limit_remaining is not None


@pytest.mark.parametrize(
    "options",
    [
        {"limiter": 8},
        {"limiter": "redis://localhost"},
        {"limiter": MemoryTokenStore()},
        {"token_store": {}},
        {"token_store": LocalLimiter()},
    ],
)
def test_limiter_and_token_store_options_are_checked(options: dict[str, object]) -> None:
    with pytest.raises(BomgarConfigError, match=r"limiter|token_store"):
        BomgarClient("support.example.com", **OAUTH, **options)
