"""What caching costs and saves: a cache hit next to a dict lookup, and 1,000 cold callers.

Hit cost (this process; the variants interleaved, ``--repeats`` runs of ``--hits`` hits each,
median ns per hit with min-max, ratio of medians to the dict lookup):
  dict       ``table[key]``: the floor of any in-process cache (the baseline: ratio 1.0)
  coroutine  ``await lookup()``, a coroutine doing ``table[key]``: the floor of an async API
  memory     ``await MemoryCache.get_or_fetch(key, fetch)`` on a fresh entry
  redis-get  ``await client.get(name)`` with redis-py: the floor of a Redis-backed cache
  redis      ``await RedisCache.get_or_fetch(key, fetch)`` on a fresh entry (one ``MGET``)
The two Redis rows need ``$REDIS_URL`` or a ``redis-server`` binary (a throw-away server on
a free loopback port); without either they are reported as skipped, with the reason.

Cold callers: ``--callers`` (1,000) concurrent ``bg.command.get_logged_in_reps()`` on a new
client with the default cache, against the simulator in its own process (``--serve`` mode of
this module, which counts the requests it receives): the requests the simulator saw (goal:
exactly 1 per run), and the time of the whole crowd as a ratio of one uncached call's.

Run: python -m benchmarks.bench_cache [--quick] [--json bench_cache.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from benchmarks.output import command_of, save
from bomgar_async import (
    BomgarClient,
    CacheKey,
    MemoryCache,
    Representative,
)

KEY = CacheKey("https://support.example.com", "api", "get_logged_in_reps")
SINCE = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)
VALUE = tuple(
    Representative(id=n, display_name=f"Rep {n}", logged_in_since=SINCE, support_session_count=n)
    for n in range(20)
)
HIT_VARIANTS = ("dict", "coroutine", "memory", "redis-get", "redis")
BASELINE = "dict"
USER, PASSWORD = "admin", "s3cret-admin"
LATENCY = 0.02  # seconds per answer: the crowd is all waiting while the one fetch runs


async def _fetch() -> tuple[Representative, ...]:
    return VALUE


def _time_dict(hits: int) -> float:
    table = {KEY: VALUE}
    started = time.perf_counter()
    for _ in range(hits):
        table[KEY]  # the lookup is what is timed
    return (time.perf_counter() - started) / hits


async def _time_async(hits: int, hit: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    for _ in range(hits):
        await hit()
    return (time.perf_counter() - started) / hits


@contextmanager
def redis_server() -> Iterator[str | None]:
    """``$REDIS_URL``, or a throw-away local redis-server, or ``None``."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--logfile", ""]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(250):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=5)


async def _hit_costs(hits: int, repeats: int, redis_url: str | None) -> dict[str, list[float]]:
    """Seconds per hit of each variant, ``repeats`` interleaved runs."""
    table = {KEY: VALUE}

    async def lookup() -> object:
        return table[KEY]

    memory_cache = MemoryCache(ttl=3600)
    hitters: dict[str, Callable[[], Awaitable[object]]] = {
        "coroutine": lookup,
        "memory": lambda: memory_cache.get_or_fetch(KEY, _fetch),
    }
    slow = {"redis-get", "redis"}  # a round trip each: fewer hits
    closers: list[Callable[[], Awaitable[object]]] = []
    if redis_url is not None:
        import redis.asyncio

        from bomgar_async.cache import JsonCodec, RedisCache

        client = redis.asyncio.Redis.from_url(redis_url)
        await client.set("bench_cache-raw", JsonCodec().dumps(VALUE))
        redis_cache = RedisCache(redis_url, ttl=3600, prefix="bench_cache")
        await redis_cache.clear()
        hitters["redis-get"] = lambda: client.get("bench_cache-raw")
        hitters["redis"] = lambda: redis_cache.get_or_fetch(KEY, _fetch)
        closers += [redis_cache.clear, redis_cache.aclose, client.aclose]
    runs: dict[str, list[float]] = {"dict": [], **{name: [] for name in hitters}}
    try:
        for hit in hitters.values():
            await hit()  # warm-up (fills the caches)
        for _ in range(repeats):
            runs["dict"].append(_time_dict(hits))
            for name, hit in hitters.items():
                runs[name].append(
                    await _time_async(max(1, hits // 50) if name in slow else hits, hit)
                )
    finally:
        for close in closers:
            await close()
    return runs


def _serve(latency: float) -> None:
    """``--serve``: the simulator, printing its URL, then one JSON line of the requests it
    received (by action) for every line read from stdin."""
    from bomgar_async.simulator import Simulator

    async def run() -> None:
        async with Simulator(seed=1, latency=latency) as sim:
            print(sim.url, flush=True)
            loop = asyncio.get_running_loop()
            while await loop.run_in_executor(None, sys.stdin.readline):
                counts = Counter(r.action or r.path for r in sim.requests)
                print(json.dumps(counts), flush=True)

    asyncio.run(run())


class _CountingSimulator:
    """The ``--serve`` process: its URL and the request counts it reports."""

    def __init__(self, latency: float) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_cache", "--serve", str(latency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError(f"the counting simulator printed {self.url!r}")

    def requests(self, action: str) -> int:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write("count\n")
        self._process.stdin.flush()
        return int(json.loads(self._process.stdout.readline()).get(action, 0))

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


async def _cold_callers(sim: _CountingSimulator, callers: int) -> dict[str, Any]:
    """One crowd of ``callers`` on a new client, and one uncached call, timed."""
    options: dict[str, Any] = {"username": USER, "password": PASSWORD, "allow_http": True}
    async with BomgarClient(sim.url, cache=None, **options) as bg:
        started = time.perf_counter()
        await bg.command.get_logged_in_reps()
        one_call = time.perf_counter() - started
    before = sim.requests("get_logged_in_reps")
    async with BomgarClient(sim.url, **options) as bg:
        started = time.perf_counter()
        answers = await asyncio.gather(*(bg.command.get_logged_in_reps() for _ in range(callers)))
        crowd = time.perf_counter() - started
    seen = sim.requests("get_logged_in_reps") - before
    return {
        "requests": seen,
        "same_answer": all(a == answers[0] for a in answers),
        "crowd_s": crowd,
        "one_call_s": one_call,
    }


def _spread(values: list[float], scale: float) -> dict[str, float]:
    return {
        "median": round(statistics.median(values) * scale, 3),
        "min": round(min(values) * scale, 3),
        "max": round(max(values) * scale, 3),
    }


async def _measure(hits: int, callers: int, repeats: int) -> dict[str, Any]:
    with redis_server() as redis_url:
        runs = await _hit_costs(hits, repeats, redis_url)
    base = statistics.median(runs[BASELINE])
    hit_figures: dict[str, Any] = {}
    for name in HIT_VARIANTS:
        if name not in runs:
            hit_figures[name] = {"skipped": "no $REDIS_URL and no redis-server binary"}
            continue
        spread = _spread(runs[name], 1e9)
        hit_figures[name] = {
            "ns_per_hit_median": spread["median"],
            "ns_per_hit_min": spread["min"],
            "ns_per_hit_max": spread["max"],
            "ratio": round(statistics.median(runs[name]) / base, 2),
        }
    sim = _CountingSimulator(LATENCY)
    try:
        crowds = [await _cold_callers(sim, callers) for _ in range(repeats)]
    finally:
        sim.close()
    ratios = [c["crowd_s"] / c["one_call_s"] for c in crowds]
    cold = {
        "callers": callers,
        "latency_s": LATENCY,
        "requests_per_run": [c["requests"] for c in crowds],
        "same_answer": all(c["same_answer"] for c in crowds),
        "crowd_ms": _spread([c["crowd_s"] for c in crowds], 1e3),
        "one_call_ms": _spread([c["one_call_s"] for c in crowds], 1e3),
        "crowd_vs_one_call": _spread(ratios, 1.0),
    }
    return {"hits": hit_figures, "cold": cold}


def _table(results: dict[str, Any]) -> None:
    print("| cache hit | ns per hit median (min-max) | ratio to a dict lookup |")
    print("| --- | --- | --- |")
    for name, f in results["hits"].items():
        if "skipped" in f:
            print(f"| {name} | skipped: {f['skipped']} | |")
            continue
        print(
            f"| {name} | {f['ns_per_hit_median']:.0f} ({f['ns_per_hit_min']:.0f}-"
            f"{f['ns_per_hit_max']:.0f}) | {f['ratio']:.2f}x |"
        )
    cold = results["cold"]
    ratio = cold["crowd_vs_one_call"]
    print(
        f"\n{cold['callers']} cold callers of get_logged_in_reps ({cold['latency_s'] * 1e3:.0f} ms "
        f"simulated latency): requests seen by the simulator per run {cold['requests_per_run']}; "
        f"the crowd took {cold['crowd_ms']['median']:.1f} ms = {ratio['median']:.2f}x "
        f"({ratio['min']:.2f}-{ratio['max']:.2f}) one uncached call"
    )


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer hits, ~10 s")
    parser.add_argument("--hits", type=int, default=200_000)
    parser.add_argument("--callers", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default="bench_cache.json", help="where to write the figures")
    parser.add_argument("--serve", type=float, metavar="LATENCY", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        _serve(args.serve)
        return
    hits = 20_000 if args.quick else args.hits
    results = asyncio.run(_measure(hits, args.callers, args.repeats))
    _table(results)
    command = command_of("bench_cache", argv)
    out = {"command": command, "quick": args.quick, "repeats": args.repeats, **results}
    out["baseline"] = BASELINE
    save(out, args.json)


if __name__ == "__main__":
    main()
