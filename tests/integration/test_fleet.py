"""A fleet of worker processes sharing one appliance through Redis (see ``tests/conftest.py``):
``RedisLimiter`` (fleet-wide in-flight cap, rate, a killed holder's slots, Redis outages, the
appliance's rate-limit signals) and ``RedisTokenStore`` (one token for the fleet under the
appliance's 30-token cap, one replacement after a 401, sealed at rest).

Workers are real processes; each runs several independent clients (each with its own Redis
connection and, without a shared store, its own token) so that 40 token holders cost 8
processes on the 2 shared cores of CI."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import time
from typing import Any

import pytest

from bomgar_async import (
    BomgarClient,
    RedisLimiter,
    RedisTokenStore,
)
from bomgar_async.errors import BomgarConfigError
from bomgar_async.simulator import (
    Fault,
    Simulator,
)

from .accounts import (
    ADMIN,
    OAUTH,
)

WORKER = """
import asyncio, json, sys, time
from bomgar_async import BomgarClient, RedisLimiter, RedisTokenStore

async def one(sim_url, options, opts):
    limiter = store = None
    kw = dict(allow_http=True, retries=opts.get("retries", 2))
    if opts.get("oauth"):
        kw.update(client_id="api-client", client_secret="s3cret-oauth")
    else:
        kw.update(username="admin", password="s3cret-admin")
    if "limiter" in opts:
        limiter = RedisLimiter(opts["redis"], prefix=opts["prefix"], **opts["limiter"])
        kw["limiter"] = limiter
    if opts.get("store"):
        store = RedisTokenStore(opts["redis"], prefix=opts["prefix"])
        kw["token_store"] = store
    ok = failed = 0
    async with BomgarClient(sim_url, **kw) as bg:
        until = opts.get("until")
        n = 0
        while (until is None and n < opts["calls"]) or (until is not None and time.time() < until):
            n += 1
            try:
                await bg.command.get_api_info()
                ok += 1
            except Exception as err:
                failed += 1
                print("error", type(err).__name__, err, file=sys.stderr, flush=True)
        stats = bg.stats()
    for closer in (limiter, store):
        if closer is not None:
            await closer.aclose()
    return ok, failed, stats

async def main(sim_url, raw):
    opts = json.loads(raw)
    print("ready", flush=True)
    start = opts.get("start")
    if start:
        await asyncio.sleep(max(0.0, start - time.time()))
    results = await asyncio.gather(*(one(sim_url, None, opts) for _ in range(opts["clients"])))
    print("done", json.dumps({
        "ok": sum(r[0] for r in results),
        "failed": sum(r[1] for r in results),
        "tokens": sum(r[2].tokens_fetched for r in results),
        "refreshes": sum(r[2].unauthorized_refreshes for r in results),
        "rate_limited": sum(r[2].rate_limited for r in results),
        "rate_limit_waits": sum(r[2].rate_limit_waits for r in results),
        "limiter_waits": sum(r[2].limiter_waits for r in results),
    }), flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def run_fleet(
    sim: Simulator, processes: int, options: dict[str, Any], timeout: float = 60
) -> list[dict[str, Any]]:
    """Start ``processes`` workers, let them run, return their reports."""
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            sim.url,
            json.dumps(options),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    try:
        reports = []
        for worker in workers:
            assert worker.stdout is not None and worker.stderr is not None
            line = (await asyncio.wait_for(worker.stdout.readline(), timeout)).decode()
            assert line.startswith("ready"), (line, (await worker.stderr.read()).decode())
        for worker in workers:
            assert worker.stdout is not None and worker.stderr is not None
            line = (await asyncio.wait_for(worker.stdout.readline(), timeout)).decode()
            assert line.startswith("done"), (line, (await worker.stderr.read()).decode())
            reports.append(json.loads(line[5:]))
            assert await asyncio.wait_for(worker.wait(), 30) == 0
        return reports
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()


def total(reports: list[dict[str, Any]], name: str) -> int:
    return sum(report[name] for report in reports)


# -- RedisLimiter ------------------------------------------------------------------------


@pytest.mark.timeout(240)
async def test_8_processes_of_200_calls_never_exceed_4_in_flight(
    redis_url: str, prefix: str, raw: Any
) -> None:
    options = {
        "redis": redis_url,
        "prefix": prefix,
        "clients": 1,
        "calls": 200,
        "limiter": {"max_in_flight": 4},
    }
    async with Simulator(latency=0.002) as sim:
        reports = await run_fleet(sim, 8, options, timeout=120)
        assert total(reports, "ok") == 1600
        assert total(reports, "failed") == 0
        assert len(sim.requests) == 1600
        assert sim.in_flight.peak == 4
        assert total(reports, "limiter_waits") > 0


@pytest.mark.timeout(240)
async def test_rate_20_across_4_processes_lets_20_calls_a_second_through(
    redis_url: str, prefix: str, raw: Any
) -> None:
    seconds = 10.0
    async with Simulator() as sim:
        start = time.time() + 5.0  # every worker is up by then
        options = {
            "redis": redis_url,
            "prefix": prefix,
            "clients": 3,  # callers to spare: the rate, not the CPU, sets the pace
            "start": start,
            "until": start + seconds,
            "limiter": {"max_in_flight": 8, "rate": 20, "burst": 1},
        }
        reports = await run_fleet(sim, 4, options)
        arrived = [r for r in sim.requests if start <= r.received_at < start + seconds]
    assert total(reports, "failed") == 0
    # What the simulator saw during the window: 200 +- 10 % (the figure). Counted at
    # the server, so calls a caller began just before the window closed do not count.
    assert abs(len(arrived) - 20 * seconds) <= 0.1 * 20 * seconds, len(arrived)
    calls = total(reports, "ok")
    assert min(report["ok"] for report in reports) >= calls / 4 / 2  # nobody starves


HOLDER = """
import asyncio, sys
from bomgar_async import BomgarClient, RedisLimiter

async def main(sim_url, redis_url, prefix):
    limiter = RedisLimiter(redis_url, max_in_flight=2, lease=1.0, prefix=prefix)
    async with BomgarClient(sim_url, username="admin", password="s3cret-admin",
                            allow_http=True, limiter=limiter, timeout=600) as bg:
        calls = [asyncio.create_task(bg.command.get_api_info()) for _ in range(2)]
        await asyncio.sleep(0.5)
        print("holding", flush=True)
        await asyncio.gather(*calls)

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
"""


async def test_a_killed_process_frees_its_slots_within_the_lease(
    redis_url: str, prefix: str, raw: Any
) -> None:
    async with Simulator() as sim:
        sim.add_fault(Fault("latency", delay=3, action="get_api_info", times=2))
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLDER, sim.url, redis_url, prefix,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            assert holder.stdout is not None
            line = await asyncio.wait_for(holder.stdout.readline(), 30)
            assert line.startswith(b"holding"), line
            os.kill(holder.pid, signal.SIGKILL)
            await holder.wait()
        finally:
            if holder.returncode is None:
                holder.kill()
                await holder.wait()
        limiter = RedisLimiter(redis_url, max_in_flight=2, lease=1.0, prefix=prefix)
        async with BomgarClient(sim.url, limiter=limiter, **ADMIN) as bg:
            started = time.monotonic()
            await asyncio.gather(*(bg.command.check_health() for _ in range(2)))
            waited = time.monotonic() - started
            assert bg.stats().limiter_waits >= 1
        await limiter.aclose()
    assert 0.3 < waited < 1.5  # the dead process's leases ended, after at most 1 s


async def test_redis_down_falls_back_to_local_limits_and_comes_back(
    redis_server_factory: Any, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = redis_server_factory(None)
    limiter = RedisLimiter(server.url, max_in_flight=2, prefix=prefix, retry_interval=0.2)
    async with (
        Simulator(latency=0.05) as sim,
        BomgarClient(sim.url, limiter=limiter, **ADMIN) as bg,
    ):
        await asyncio.gather(*(bg.command.get_api_info() for _ in range(6)))
        assert limiter.redis_available
        server.stop()
        with caplog.at_level(logging.WARNING, logger="bomgar_async"):
            await asyncio.gather(*(bg.command.get_api_info() for _ in range(6)))
            await asyncio.gather(*(bg.command.get_api_info() for _ in range(6)))
        warnings = [r for r in caplog.records if "Redis limiter" in r.getMessage()]
        assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
        assert not limiter.redis_available
        assert sim.in_flight.peak == 2  # the local limit holds the same cap
        redis_server_factory(server.port)
        await asyncio.sleep(0.3)
        sim.add_fault(Fault("latency", delay=0.5, action="check_health"))
        slow = asyncio.create_task(bg.command.check_health())
        await asyncio.gather(*(bg.command.get_api_info() for _ in range(6)))
        assert limiter.redis_available
        import redis.asyncio

        check = redis.asyncio.Redis.from_url(server.url)
        slots = [key async for key in check.scan_iter(match=f"{prefix}:limit:*:slots")]
        assert len(slots) == 1 and await check.zcard(slots[0]) == 1  # the slow call's lease
        await check.aclose()
        await slow
        assert sim.in_flight.peak == 2
    await limiter.aclose()


@pytest.mark.timeout(240)
async def test_a_fleet_under_the_appliances_20_per_second_draws_no_429(
    redis_url: str, prefix: str, raw: Any
) -> None:
    async with Simulator(rate_limit=20) as sim:
        options = {
            "redis": redis_url,
            "prefix": prefix,
            "clients": 1,
            "calls": 15,
            "limiter": {"max_in_flight": 8, "rate": 19, "burst": 1},
        }
        reports = await run_fleet(sim, 4, options)
        assert total(reports, "ok") == 60
        assert sim.rate_limits.refused == 0
        assert total(reports, "rate_limited") == 0


@pytest.mark.timeout(240)
async def test_without_a_rate_the_fleet_follows_the_remaining_header(
    redis_url: str, prefix: str, raw: Any
) -> None:
    async with Simulator(rate_limit=10, rate_limit_window=0.5) as sim:
        options = {
            "redis": redis_url,
            "prefix": prefix,
            "clients": 1,
            "calls": 10,
            "limiter": {"max_in_flight": 1},
        }
        reports = await run_fleet(sim, 4, options)
        assert total(reports, "ok") == 40
        assert sim.rate_limits.refused == 0
        assert total(reports, "rate_limit_waits") >= 3  # the fleet paused, not one process


async def test_a_429_pauses_every_process_sharing_the_limiter(
    redis_url: str, prefix: str, raw: Any
) -> None:
    first = RedisLimiter(redis_url, max_in_flight=4, prefix=prefix)
    second = RedisLimiter(redis_url, max_in_flight=4, prefix=prefix)
    async with (
        Simulator() as sim,
        BomgarClient(sim.url, limiter=first, **ADMIN) as one,
        BomgarClient(sim.url, limiter=second, **ADMIN) as two,
    ):
        sim.add_fault(Fault("http_status", status=429, retry_after=1, action="get_api_info"))
        await one.command.get_api_info()  # retried after the pause
        started = time.monotonic()
        await two.command.check_health()
        assert time.monotonic() - started < 0.5  # the pause is over
        sim.add_fault(Fault("http_status", status=429, retry_after=2, action="get_api_info"))
        call = asyncio.create_task(one.command.get_api_info())
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await two.command.check_health()
        assert time.monotonic() - started >= 1.2  # the other "process" waited too
        await call
        assert two.stats().rate_limit_waits == 1
    await first.aclose()
    await second.aclose()


def test_limiter_configuration_errors(redis_url: str) -> None:
    for options in ({"max_in_flight": 0}, {"rate": -1}, {"lease": 0}, {"prefix": ""}):
        with pytest.raises(BomgarConfigError):
            RedisLimiter(redis_url, **options)
    with pytest.raises(BomgarConfigError):
        RedisLimiter()
    shown = repr(RedisLimiter("redis://:hunter2@127.0.0.1:1/0", max_in_flight=3))
    assert "hunter2" not in shown and "max_in_flight=3" in shown


# -- RedisTokenStore ---------------------------------------------------------------------


@pytest.mark.timeout(240)
async def test_40_token_holders_share_one_token_under_the_30_token_cap(
    redis_url: str, prefix: str, raw: Any
) -> None:
    options = {"redis": redis_url, "prefix": prefix, "clients": 5, "calls": 20, "oauth": True}
    async with Simulator() as sim:
        reports = await run_fleet(sim, 8, {**options, "store": True}, timeout=120)
        assert (total(reports, "ok"), total(reports, "failed")) == (800, 0)
        assert sim.tokens_issued <= 2
        assert total(reports, "tokens") == sim.tokens_issued
        assert total(reports, "refreshes") == 0


@pytest.mark.timeout(240)
async def test_without_the_shared_store_40_holders_log_each_other_out(
    redis_url: str, prefix: str
) -> None:
    """The failure the shared store prevents, and a test of the simulator's cap."""
    options = {"redis": redis_url, "prefix": prefix, "clients": 5, "calls": 20, "oauth": True}
    async with Simulator() as sim:
        # Every holder starts at once (as a fleet does after a deploy): 40 tokens are live
        # together, so the first 10 are evicted while their holders still have calls to make.
        # Without the common start a slow machine can run the processes one after another.
        options["start"] = time.time() + 5.0
        reports = await run_fleet(sim, 8, options, timeout=120)
        assert sim.tokens_issued > 40  # 40 first tokens, then refreshes evicting others
        assert total(reports, "refreshes") > 0
        assert total(reports, "ok") + total(reports, "failed") == 800


async def test_a_401_replaces_the_shared_token_once_for_everyone(
    redis_url: str, prefix: str, raw: Any
) -> None:
    stores = [RedisTokenStore(redis_url, prefix=prefix) for _ in range(4)]
    async with Simulator() as sim:
        clients = [BomgarClient(sim.url, token_store=store, **OAUTH) for store in stores]
        await asyncio.gather(*(bg.command.get_api_info() for bg in clients for _ in range(5)))
        assert sim.tokens_issued == 1
        sim.expire_tokens()
        await asyncio.gather(*(bg.command.get_api_info() for bg in clients for _ in range(5)))
        assert sim.tokens_issued == 2
        assert sum(bg.stats().unauthorized_refreshes for bg in clients) >= 4
        assert sum(bg.stats().tokens_fetched for bg in clients) == 2
        for bg in clients:
            await bg.close()
    for store in stores:
        await store.aclose()


async def test_the_fleet_replaces_its_token_before_it_expires(
    redis_url: str, prefix: str, raw: Any
) -> None:
    stores = [RedisTokenStore(redis_url, prefix=prefix) for _ in range(3)]
    async with Simulator(token_ttl=1) as sim:
        clients = [BomgarClient(sim.url, token_store=store, **OAUTH) for store in stores]

        async def busy(bg: BomgarClient) -> None:
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline:
                await bg.command.get_api_info()
                await asyncio.sleep(0.01)

        await asyncio.gather(*(busy(bg) for bg in clients))
        assert sum(bg.stats().unauthorized_refreshes for bg in clients) == 0
        assert 3 <= sim.tokens_issued <= 4  # one per 0.9 s for the fleet, not per process
        for bg in clients:
            await bg.close()
    for store in stores:
        await store.aclose()


async def test_tokens_in_redis_are_sealed_under_a_key_that_names_no_account(
    redis_url: str, prefix: str, raw: Any
) -> None:
    from bomgar_async._http.tokens import TokenAccount
    from bomgar_async.fleet._sealing import Sealer

    store = RedisTokenStore(redis_url, prefix=prefix)
    async with Simulator() as sim, BomgarClient(sim.url, token_store=store, **OAUTH) as bg:
        await bg.command.get_api_info()
        issued = next(iter(sim._tokens))
        appliance = sim.url
    names = [name async for name in raw.scan_iter(match=f"{prefix}*")]
    assert len(names) == 1
    name = names[0].decode()
    assert "api-client" not in name and "127.0.0.1" not in name
    stored = await raw.get(names[0])
    assert issued.encode() not in stored and b"api-client" not in stored
    account = TokenAccount(appliance, "api-client", "s3cret-oauth")
    assert Sealer(account, prefix).name == name
    opened = Sealer(account, prefix).open(stored)
    assert opened is not None and opened.token == issued
    wrong = Sealer(TokenAccount(appliance, "api-client", "not-the-secret"), prefix)
    assert wrong.name != name
    assert Sealer.open(wrong, stored) is None  # the secret is needed to read it
    assert "s3cret" not in repr(store) and issued not in repr(opened)
    await store.aclose()


async def test_the_token_store_falls_back_when_redis_is_down(
    redis_server_factory: Any, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    server = redis_server_factory(None)
    store = RedisTokenStore(server.url, prefix=prefix, retry_interval=0.2)
    async with Simulator() as sim, BomgarClient(sim.url, token_store=store, **OAUTH) as bg:
        await bg.command.get_api_info()
        server.stop()
        with caplog.at_level(logging.WARNING, logger="bomgar_async"):
            for _ in range(3):
                await bg.command.get_api_info()
        warnings = [r for r in caplog.records if "Redis token store" in r.getMessage()]
        assert len(warnings) == 1
        assert sim.tokens_issued == 2  # this process's own token while Redis is away
        redis_server_factory(server.port)
        await asyncio.sleep(0.3)
        await bg.command.get_api_info()
        assert store.outage.up
        assert sim.tokens_issued == 3  # the emptied Redis got the fleet's token again
    await store.aclose()
