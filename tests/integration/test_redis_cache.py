"""RedisCache against a real Redis server (see ``tests/conftest.py``): single flight in one
process and across processes, a killed lock holder, Redis outages, stale-if-error and
cooldowns shared by processes, unreadable entries, cancellation, invalidation, and the
client end to end with the simulated appliance. The codec tests need no server."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import pytest

from bomgar_async import (
    BomgarClient,
    CacheKey,
)
from bomgar_async.cache import (
    CodecError,
    JsonCodec,
    RedisCache,
)
from bomgar_async.cache.codec import (
    dump_failure,
    load_failure,
)
from bomgar_async.errors import (
    BomgarAuthError,
    BomgarConfigError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTimeoutError,
)
from bomgar_async.models import (
    ApiInfo,
    Issue,
    Representative,
    SupportTeam,
    TeamMember,
)
from bomgar_async.simulator import Simulator

KEY = CacheKey("https://a.example.com", "api", "get_logged_in_reps")
TEAMS = CacheKey("https://a.example.com", "api", "get_support_teams", (("showmembers", "1"),))
SINCE = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
REPS = (
    Representative(id=1, display_name="Ann", logged_in_since=SINCE, showing_on_rep_list=True),
    Representative(id=2, display_name="Bo", support_session_count=3, presentation_count=0),
)
TEAM_LIST = (
    SupportTeam(
        id=7,
        name="Tier 1",
        embassy=False,
        issues=(Issue(id=1, title="Printer"), Issue(id=2, title=None)),
        members=(TeamMember(id=1, username="ann", display_name="Ann"),),
        members_included=True,
    ),
)


class Upstream:
    """A fetch that counts its calls, answers ``value`` after ``delay``, or raises ``error``."""

    def __init__(self, value: Any = REPS, delay: float = 0.05) -> None:
        self.value = value
        self.delay = delay
        self.calls = 0
        self.error: BaseException | None = None
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> Any:
        self.calls += 1
        await self.release.wait()
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.value


# -- the codec (no server needed) ---------------------------------------------------------


def test_codec_round_trips_models_exactly() -> None:
    codec = JsonCodec()
    info = ApiInfo(permissions=MappingProxyType({"support": "full_support"}), timestamp=SINCE)
    for value in (REPS, TEAM_LIST, (info,), (), ("a", 1, 2.5, None, True, timedelta(days=1))):
        entry = codec.loads(codec.dumps(value))
        assert entry.value == value
    decoded = codec.loads(codec.dumps(TEAM_LIST)).value
    assert isinstance(decoded, tuple) and isinstance(decoded[0].issues, tuple)
    assert decoded[0].members[0] == TeamMember(id=1, username="ann", display_name="Ann")
    assert codec.loads(codec.dumps(REPS)).value[0].logged_in_since == SINCE
    mapping = codec.loads(codec.dumps((info,))).value[0].permissions
    assert isinstance(mapping, MappingProxyType)


def test_codec_stores_documents_as_versioned_json() -> None:
    document = json.loads(JsonCodec().dumps(REPS[:1]))
    assert document["v"] == 1
    rep = document["value"][0]
    assert rep["$model"] == "Representative"
    assert rep["fields"]["logged_in_since"] == {"$datetime": "2024-05-06T07:08:09.123456+00:00"}


@pytest.mark.parametrize(
    "value",
    [["mutable"], {"a": 1}, {1, 2}, (object(),), (float("nan"),)],
    ids=["list", "dict", "set", "object", "nan"],
)
def test_codec_refuses_what_it_cannot_store(value: object) -> None:
    with pytest.raises(CodecError):
        JsonCodec().dumps(value)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x80garbage",
        b"[1, 2]",
        b'{"v": 2, "value": []}',
        b'{"v": 1, "values": []}',
        b'{"v": 1, "value": {"$model": "Spaceship", "fields": {}}}',
        b'{"v": 1, "value": {"$model": "Issue", "fields": {"id": 1}}}',
        b'{"v": 1, "value": {"$pickle": "gASV"}}',
        b'{"v": 1, "value": {"$datetime": "yesterday"}}',
    ],
    ids=range(8),
)
def test_codec_treats_unknown_versions_types_and_garbage_as_unreadable(raw: bytes) -> None:
    with pytest.raises(CodecError):
        JsonCodec().loads(raw)


def test_failures_are_rebuilt_with_their_type_and_details() -> None:
    http = load_failure(dump_failure(BomgarHTTPError("x: HTTP 503", status=503, retry_after=2.0)))
    assert isinstance(http.error, BomgarHTTPError)
    assert (http.error.status, http.error.retry_after, str(http.error)) == (503, 2.0, "x: HTTP 503")
    auth = load_failure(dump_failure(BomgarAuthError("Invalid credentials", action="x")))
    assert isinstance(auth.error, BomgarAuthError)
    assert (auth.error.message, auth.error.action) == ("Invalid credentials", "x")
    cut = BomgarProtocolError("the response body was cut short")
    cut.retryable = True
    assert load_failure(dump_failure(cut)).error.retryable is True
    with pytest.raises(CodecError):
        load_failure(b'{"v": 1, "type": "SystemExit", "message": "", "retryable": false}')


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
async def make_cache(
    redis_url: str, prefix: str, raw: Any
) -> AsyncIterator[Callable[..., RedisCache]]:
    """``make_cache(**options)``: a RedisCache on the test server and prefix, closed afterwards
    (several of them stand for several processes)."""
    caches: list[RedisCache] = []

    def make(**options: Any) -> RedisCache:
        settings: dict[str, Any] = {"prefix": prefix, "jitter": 0.0, "cooldown": 0.0}
        cache = RedisCache(options.pop("url", redis_url), **(settings | options))
        caches.append(cache)
        return cache

    yield make
    for cache in caches:
        await cache.aclose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def keys(raw: Any, prefix: str, part: str) -> list[bytes]:
    """The ``part`` keys (value, lock, ...) of exactly ``prefix`` (not of a longer one)."""
    names = [name async for name in raw.scan_iter(match=f"{prefix}:*:{part}")]
    return [name for name in names if name.count(b":") == prefix.count(":") + 4]


async def run_script(script: str, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def expect_line(process: asyncio.subprocess.Process, start: str) -> str:
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    if not line.startswith(start):
        assert process.stderr is not None
        errors = (await process.stderr.read()).decode()
        pytest.fail(f"expected {start!r} from the worker, got {line!r}; stderr:\n{errors}")
    return line


# -- single flight ----------------------------------------------------------------------


async def test_1000_cold_callers_in_one_process_make_one_upstream_call(
    make_cache: Callable[..., RedisCache], raw: Any, prefix: str
) -> None:
    cache = make_cache(ttl=60)
    upstream = Upstream()
    results = await asyncio.gather(*(cache.get_or_fetch(KEY, upstream) for _ in range(1000)))
    assert upstream.calls == 1
    assert all(result == REPS for result in results)
    stats = cache.stats()
    assert (stats.upstream_calls, stats.misses, stats.coalesced) == (1, 1000, 999)
    assert await cache.get_or_fetch(KEY, upstream) == REPS
    assert cache.stats().hits == 1
    assert len(await keys(raw, prefix, "value")) == 1
    assert await keys(raw, prefix, "lock") == []


async def test_a_second_process_reads_the_first_ones_value(
    make_cache: Callable[..., RedisCache],
) -> None:
    first, second = make_cache(), make_cache()
    upstream = Upstream(value=TEAM_LIST)
    assert await first.get_or_fetch(TEAMS, upstream) == TEAM_LIST
    assert await second.get_or_fetch(TEAMS, upstream) == TEAM_LIST
    assert upstream.calls == 1
    assert second.stats().hits == 1


async def test_ttl_runs_from_the_fetch_and_keys_are_separate(
    make_cache: Callable[..., RedisCache],
) -> None:
    cache = make_cache(ttl=0.5)
    upstream, teams = Upstream(delay=0.3), Upstream(value=TEAM_LIST, delay=0)
    await cache.get_or_fetch(KEY, upstream)  # completes 0.3 s after it started
    assert await cache.get_or_fetch(TEAMS, teams) == TEAM_LIST
    await asyncio.sleep(0.25)
    assert await cache.get_or_fetch(KEY, upstream) == REPS  # 0.55 s after the start: fresh
    assert (upstream.calls, teams.calls) == (1, 1)
    await asyncio.sleep(0.4)
    await cache.get_or_fetch(KEY, upstream)
    assert upstream.calls == 2


WORKER = """
import asyncio, json, sys
import redis.asyncio
from bomgar_async import BomgarClient
from bomgar_async.cache import RedisCache

async def main(redis_url, prefix, sim_url, ttl, rounds):
    control = redis.asyncio.Redis.from_url(redis_url)
    cache = RedisCache(redis_url, ttl=ttl, prefix=prefix)
    async with BomgarClient(sim_url, username="admin", password="s3cret-admin",
                            allow_http=True, cache=cache) as bg:
        for n in range(rounds):
            print("ready", n, flush=True)
            while not await control.exists(prefix + "-go:" + str(n)):
                await asyncio.sleep(0.005)
            answers = await asyncio.gather(*(bg.command.get_logged_in_reps() for _ in range(50)))
            ids = sorted({tuple(rep.id for rep in answer) for answer in answers})
            print("done", json.dumps({"ids": ids, "upstream": cache.stats().upstream_calls}),
                  flush=True)
    await cache.aclose()
    await control.aclose()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])))
"""


async def test_8_processes_of_50_callers_make_one_upstream_request_per_ttl(
    redis_url: str, prefix: str, raw: Any
) -> None:
    ttl, rounds = 3.0, 2
    async with Simulator(seed=1, latency=0.2) as sim:
        workers = [
            await run_script(WORKER, redis_url, prefix, sim.url, str(ttl), str(rounds))
            for _ in range(8)
        ]
        try:
            for n in range(rounds):
                for worker in workers:
                    await expect_line(worker, "ready")
                await raw.set(f"{prefix}-go:{n}", 1)
                reports = [json.loads((await expect_line(w, "done"))[5:]) for w in workers]
                asked = [r for r in sim.requests if r.action == "get_logged_in_reps"]
                assert len(asked) == n + 1, f"round {n}: {len(asked)} requests"
                assert len({json.dumps(report["ids"]) for report in reports}) == 1
                assert all(len(report["ids"]) == 1 for report in reports)  # 50 equal answers
                assert sum(report["upstream"] for report in reports) == n + 1
                if n + 1 < rounds:
                    await asyncio.sleep(ttl * 1.1 + 0.3)  # the TTL, jitter included, is over
            for worker in workers:
                assert await asyncio.wait_for(worker.wait(), 30) == 0
        finally:
            for worker in workers:
                if worker.returncode is None:
                    worker.kill()
                    await worker.wait()


HOLDER = """
import asyncio, sys
from bomgar_async import CacheKey
from bomgar_async.cache import RedisCache

async def main(redis_url, prefix, lease):
    cache = RedisCache(redis_url, prefix=prefix, lock_timeout=lease)
    async def fetch():
        print("fetching", flush=True)
        await asyncio.sleep(3600)
    await cache.get_or_fetch(CacheKey("https://a.example.com", "api", "get_logged_in_reps"), fetch)

asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
"""


async def test_a_killed_lock_holder_blocks_the_others_at_most_its_lease(
    make_cache: Callable[..., RedisCache], redis_url: str, prefix: str, raw: Any
) -> None:
    lease = 1.5
    holder = await run_script(HOLDER, redis_url, prefix, str(lease))
    try:
        await expect_line(holder, "fetching")
        assert len(await keys(raw, prefix, "lock")) == 1
        started = time.monotonic()
        holder.kill()  # SIGKILL: no chance to release the lock
        await holder.wait()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
    cache = make_cache(lock_timeout=lease)
    upstream = Upstream(delay=0)
    results = await asyncio.gather(*(cache.get_or_fetch(KEY, upstream) for _ in range(20)))
    waited = time.monotonic() - started
    assert results == [REPS] * 20
    assert upstream.calls == 1
    assert lease / 2 < waited < lease + 1.0, waited  # it honoured the lease, then took over
    assert await keys(raw, prefix, "lock") == []


# -- failures, outages, unreadable entries ------------------------------------------------


async def test_a_stale_value_stands_in_for_a_503_in_every_process(
    make_cache: Callable[..., RedisCache], caplog: pytest.LogCaptureFixture
) -> None:
    first = make_cache(ttl=0.1, grace=30.0, cooldown=5.0)
    second = make_cache(ttl=0.1, grace=30.0, cooldown=5.0)
    upstream = Upstream(delay=0)
    await first.get_or_fetch(KEY, upstream)
    await asyncio.sleep(0.15)
    upstream.error = BomgarHTTPError("get_logged_in_reps: HTTP 503", status=503)
    caplog.set_level(logging.WARNING, logger="bomgar_async.cache")
    assert await second.get_or_fetch(KEY, upstream) == REPS
    # The failure is shared: the other process serves the stale value without a request.
    for _ in range(10):
        assert await first.get_or_fetch(KEY, upstream) == REPS
    assert upstream.calls == 2
    assert second.stats().stale_served == 1
    assert (first.stats().stale_served, first.stats().upstream_calls) == (10, 1)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "get_logged_in_reps" in warnings[0] and "stale" in warnings[0]


async def test_past_the_grace_period_the_typed_error_is_raised(
    make_cache: Callable[..., RedisCache],
) -> None:
    cache = make_cache(ttl=0.1, grace=0.1)
    upstream = Upstream(delay=0)
    await cache.get_or_fetch(KEY, upstream)
    await asyncio.sleep(0.3)
    upstream.error = BomgarTimeoutError("timed out: POST https://a.example.com/api/command.ns")
    with pytest.raises(BomgarTimeoutError):
        await cache.get_or_fetch(KEY, upstream)
    assert cache.stats().stale_served == 0


async def test_error_answers_are_raised_and_shared_during_the_cooldown(
    make_cache: Callable[..., RedisCache],
) -> None:
    first = make_cache(ttl=0.1, grace=30.0, cooldown=5.0)
    second = make_cache(ttl=0.1, grace=30.0, cooldown=5.0)
    upstream = Upstream(delay=0)
    await first.get_or_fetch(KEY, upstream)
    await asyncio.sleep(0.15)
    upstream.error = BomgarAuthError("Invalid credentials", action="get_logged_in_reps")
    with pytest.raises(BomgarAuthError):
        await first.get_or_fetch(KEY, upstream)
    with pytest.raises(BomgarAuthError) as again:
        await second.get_or_fetch(KEY, upstream)
    assert (again.value.message, again.value.action) == ("Invalid credentials", KEY.action)
    assert upstream.calls == 2
    assert second.stats().cooldown_errors == 1
    assert first.stats().stale_served == second.stats().stale_served == 0


async def test_redis_down_falls_back_logs_once_and_the_call_succeeds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pytest.importorskip("redis")
    caplog.set_level(logging.INFO, logger="bomgar_async.cache")
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # nothing listens there
    async with RedisCache(url, redis_timeout=0.5) as cache:
        upstream = Upstream()
        results = await asyncio.gather(*(cache.get_or_fetch(KEY, upstream) for _ in range(50)))
        for _ in range(20):
            assert await cache.get_or_fetch(KEY, upstream) == REPS
        await cache.invalidate("get_logged_in_reps")  # never fails either
        assert await cache.get_or_fetch(KEY, upstream) == REPS
    assert results == [REPS] * 50
    assert upstream.calls == 2  # once, and once more after the invalidation
    assert cache.redis_available is False
    stats = cache.stats()
    assert (stats.backend_errors, stats.hits, stats.coalesced) == (1, 20, 49)
    records = [r for r in caplog.records if r.name == "bomgar_async.cache"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING and "unreachable" in records[0].getMessage()
    assert "hunter2" not in records[0].getMessage() and "hunter2" not in repr(cache)


async def test_the_cache_recovers_when_redis_comes_back(
    make_cache: Callable[..., RedisCache],
    redis_server_factory: Callable[[int | None], Any],
    caplog: pytest.LogCaptureFixture,
    prefix: str,
) -> None:
    import redis.asyncio

    server = redis_server_factory(None)
    cache = make_cache(url=server.url, retry_interval=0.2, redis_timeout=0.5)
    upstream = Upstream(delay=0)
    await cache.get_or_fetch(KEY, upstream)
    server.stop()
    caplog.set_level(logging.INFO, logger="bomgar_async.cache")
    for _ in range(5):
        assert await cache.get_or_fetch(KEY, upstream) == REPS
    await cache.invalidate("get_support_teams")  # remembered until Redis answers again
    assert cache.redis_available is False
    server = redis_server_factory(server.port)  # back, empty (no persistence)
    await asyncio.sleep(0.25)
    assert await cache.get_or_fetch(KEY, upstream) == REPS
    assert cache.redis_available is True
    client = redis.asyncio.Redis.from_url(server.url)
    try:
        assert len([n async for n in client.scan_iter(match=f"{prefix}:*:value")]) == 1
        assert await client.get(f"{prefix}:epoch") == b"1"  # the pending invalidation ran
    finally:
        await client.aclose()
    messages = [r.getMessage() for r in caplog.records if r.name == "bomgar_async.cache"]
    assert sum("unreachable" in m for m in messages) == 1
    assert sum("is back" in m for m in messages) == 1
    assert upstream.calls == 3  # before, during (fallback), after (Redis was emptied)


@pytest.mark.parametrize(
    "junk",
    [
        b"\x00\x01 not json",
        b'{"v": 99, "value": []}',
        b'{"v": 1, "value": [{"$model": "Spaceship", "fields": {}}]}',
    ],
    ids=["garbage", "version", "type"],
)
async def test_unreadable_entries_are_misses_and_get_replaced(
    make_cache: Callable[..., RedisCache], raw: Any, prefix: str, junk: bytes
) -> None:
    cache = make_cache()
    upstream = Upstream(delay=0)
    await cache.get_or_fetch(KEY, upstream)
    (name,) = await keys(raw, prefix, "value")
    await raw.set(name, junk, px=60_000)
    failure = name[: -len(b"value")] + b"failure"
    await raw.set(failure, b"\xff not a failure", px=60_000)  # ignored as well
    other = make_cache()  # another process: nothing decoded in memory
    assert await other.get_or_fetch(KEY, upstream) == REPS
    assert upstream.calls == 2
    assert JsonCodec().loads(await raw.get(name)).value == REPS


# -- cancellation ------------------------------------------------------------------------


async def test_cancelled_waiter_and_leader_do_not_cancel_the_others(
    make_cache: Callable[..., RedisCache],
) -> None:
    cache = make_cache()
    upstream = Upstream()
    upstream.release.clear()
    leader = asyncio.create_task(cache.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.02)
    waiters = [asyncio.create_task(cache.get_or_fetch(KEY, upstream)) for _ in range(5)]
    await asyncio.sleep(0.01)
    leader.cancel()
    waiters[0].cancel()
    upstream.release.set()
    assert await asyncio.gather(*waiters[1:]) == [REPS] * 4
    for task in (leader, waiters[0]):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert upstream.calls == 1


async def test_1000_callers_with_the_leader_and_a_third_cancelled_make_one_call(
    make_cache: Callable[..., RedisCache],
) -> None:
    cache = make_cache()
    upstream = Upstream()
    upstream.release.clear()
    callers = [asyncio.create_task(cache.get_or_fetch(KEY, upstream)) for _ in range(1000)]
    await asyncio.sleep(0.02)
    doomed = callers[::3]  # the leader (the first caller) among them
    for caller in doomed:
        caller.cancel()
    upstream.release.set()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    cancelled = [o for o in outcomes if isinstance(o, asyncio.CancelledError)]
    assert len(cancelled) == len(doomed)
    assert [o for o in outcomes if not isinstance(o, asyncio.CancelledError)] == [REPS] * (
        1000 - len(doomed)
    )
    assert upstream.calls == 1


async def test_a_cancelled_leader_in_one_process_still_answers_another(
    make_cache: Callable[..., RedisCache],
) -> None:
    first, second = make_cache(), make_cache()
    upstream = Upstream()
    upstream.release.clear()
    leader = asyncio.create_task(first.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.02)
    waiter = asyncio.create_task(second.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.02)
    leader.cancel()
    upstream.release.set()
    assert await waiter == REPS
    assert upstream.calls == 1
    assert second.stats().coalesced == 1


@pytest.mark.parametrize("fails", [False, True], ids=["succeeds", "fails"])
async def test_everyone_cancelled_the_fetch_completes_and_releases_the_lock(
    make_cache: Callable[..., RedisCache], raw: Any, prefix: str, fails: bool
) -> None:
    cache = make_cache(cooldown=0.0)
    upstream = Upstream()
    upstream.error = BomgarHTTPError("HTTP 503", status=503) if fails else None
    upstream.release.clear()
    callers = [asyncio.create_task(cache.get_or_fetch(KEY, upstream)) for _ in range(3)]
    await asyncio.sleep(0.02)
    for caller in callers:
        caller.cancel()
    upstream.release.set()
    await asyncio.sleep(0.15)
    assert await keys(raw, prefix, "lock") == []
    assert len(await keys(raw, prefix, "value")) == (0 if fails else 1)
    upstream.error = None
    assert await cache.get_or_fetch(KEY, upstream) == REPS
    assert upstream.calls == (2 if fails else 1)


# -- invalidation ------------------------------------------------------------------------


async def test_invalidate_and_clear_touch_only_their_prefix_and_filter(
    make_cache: Callable[..., RedisCache], raw: Any, prefix: str
) -> None:
    cache = make_cache()
    upstream = Upstream(delay=0)
    elsewhere = CacheKey("https://b.example.com", "api", "get_logged_in_reps")
    for key in (KEY, TEAMS, elsewhere):
        await cache.get_or_fetch(key, upstream)
    await raw.set(f"{prefix}-foreign", b"keep me")
    longer = make_cache(prefix=f"{prefix}:other")  # a longer prefix is another namespace
    await longer.get_or_fetch(KEY, upstream)
    assert await cache.invalidate("get_support_teams") == 1
    assert await cache.invalidate(appliance="https://b.example.com") == 1
    assert len(await keys(raw, prefix, "value")) == 1
    await cache.clear()
    assert await keys(raw, prefix, "value") == []
    assert len(await keys(raw, f"{prefix}:other", "value")) == 1
    assert await raw.get(f"{prefix}-foreign") == b"keep me"


async def test_invalidate_during_a_fetch_in_another_process_keeps_the_older_answer_out(
    make_cache: Callable[..., RedisCache], raw: Any, prefix: str
) -> None:
    first, second = make_cache(), make_cache()
    upstream = Upstream()
    upstream.release.clear()
    fetching = asyncio.create_task(first.get_or_fetch(KEY, upstream))
    await asyncio.sleep(0.02)
    await second.invalidate("get_logged_in_reps")
    upstream.release.set()
    assert await fetching == REPS
    assert await keys(raw, prefix, "value") == []  # not stored: it may predate the change
    await second.get_or_fetch(KEY, upstream)
    assert upstream.calls == 2


# -- configuration and the client end to end ---------------------------------------------


def test_configuration_errors_are_reported() -> None:
    with pytest.raises(BomgarConfigError, match="url or a client"):
        RedisCache()
    with pytest.raises(BomgarConfigError, match="invalid Redis URL"):
        RedisCache("http://:pw@localhost:6379")
    with pytest.raises(BomgarConfigError, match="lock_timeout"):
        RedisCache("redis://localhost", lock_timeout=0)


@pytest.fixture
async def simulator() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1, latency=0.05) as sim:
        yield sim


def requests_for(sim: Simulator, action: str) -> int:
    return sum(record.action == action for record in sim.requests)


async def test_the_client_with_a_redis_cache_sends_one_request_for_1000_callers(
    simulator: Simulator, make_cache: Callable[..., RedisCache]
) -> None:
    cache = make_cache(ttl=60)
    options: dict[str, Any] = {"username": "admin", "password": "s3cret-admin"}
    async with BomgarClient(simulator.url, allow_http=True, cache=cache, **options) as bg:
        answers = await asyncio.gather(*(bg.command.get_logged_in_reps() for _ in range(1000)))
        teams = await bg.command.get_support_teams(show_members=True)
        bare = await bg.command.get_support_teams()
        await bg.command.get_support_teams(show_members=True)
    assert requests_for(simulator, "get_logged_in_reps") == 1
    assert requests_for(simulator, "get_support_teams") == 2  # show_members is in the key
    async with BomgarClient(simulator.url, allow_http=True, cache=None, **options) as bg:
        assert answers[0] == await bg.command.get_logged_in_reps()
        assert teams == await bg.command.get_support_teams(show_members=True)
    assert all(answer == answers[0] for answer in answers)
    assert answers[0] is not answers[1]  # each caller gets a list of its own
    assert all(team.members_included for team in teams)
    assert not any(team.members_included for team in bare)
