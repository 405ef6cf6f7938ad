"""Cost of a cache hit, next to a bare dict lookup measured in the same run.

  dict       ``table[key]``: the floor of any in-process cache
  coroutine  ``await lookup(key)``, a coroutine doing ``table[key]``: the floor of an async API
  memory     ``await MemoryCache.get_or_fetch(key, fetch)`` on a fresh entry
  redis GET  ``await client.get(name)`` with redis-py on the same server: the floor of any
             Redis-backed cache (one round trip)
  redis      ``await RedisCache.get_or_fetch(key, fetch)`` on a fresh entry: one round trip
             (``MGET`` of the value and its freshness marker); the decoded value is reused
             while the stored bytes do not change

The value is a tuple of 20 ``Representative`` models, as ``get_logged_in_reps`` caches it.
Redis is ``$REDIS_URL`` or a throw-away ``redis-server`` on a free loopback port (skipped when
neither exists). Each figure is the best of 5 repeats; printed as microseconds per hit, hits/s
and ratios, so runs on different machines compare.

Run: python benchmarks/bench_cache.py [--hits 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from bomgar_async import (
    CacheKey,
    MemoryCache,
    Representative,
)
from bomgar_async.cache import (
    JsonCodec,
    RedisCache,
)

KEY = CacheKey("https://support.example.com", "api", "get_logged_in_reps")
SINCE = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)
VALUE = tuple(
    Representative(id=n, display_name=f"Rep {n}", logged_in_since=SINCE, support_session_count=n)
    for n in range(20)
)
REPEATS = 5


async def fetch() -> tuple[Representative, ...]:
    return VALUE


def best_dict(hits: int) -> float:
    table = {KEY: VALUE}
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(hits):
            table[KEY]
        best = min(best, time.perf_counter() - started)
    return best / hits


async def best_async(hits: int, hit: Callable[[], Awaitable[object]]) -> float:
    await hit()  # warm-up (fills the cache)
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(hits):
            await hit()
        best = min(best, time.perf_counter() - started)
    return best / hits


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


def show(label: str, seconds: float, ratio: str) -> None:
    print(f"{label:<28}{seconds * 1e6:9.3f} µs/hit {1 / seconds:14,.0f} hits/s   {ratio}")


async def main(hits: int) -> None:
    table = {KEY: VALUE}

    async def lookup() -> object:
        return table[KEY]

    memory_cache = MemoryCache(ttl=3600)
    bare = best_dict(hits)
    coroutine = await best_async(hits, lookup)
    memory = await best_async(hits, lambda: memory_cache.get_or_fetch(KEY, fetch))
    show("dict lookup", bare, "1.00x dict")
    show("coroutine + dict lookup", coroutine, f"{coroutine / bare:.2f}x dict")
    show("MemoryCache hit", memory, f"{memory / bare:.2f}x dict, {memory / coroutine:.2f}x coro")
    with redis_server() as url:
        if url is None:
            print("RedisCache hit: skipped (no REDIS_URL and no redis-server binary)")
            return
        import redis.asyncio

        calls = max(1, hits // 50)
        client = redis.asyncio.Redis.from_url(url)
        try:
            await client.set("bench_cache-raw", JsonCodec().dumps(VALUE))
            raw_get = await best_async(calls, lambda: client.get("bench_cache-raw"))
            await client.delete("bench_cache-raw")
        finally:
            await client.aclose()
        async with RedisCache(url, ttl=3600, prefix="bench_cache") as redis_cache:
            await redis_cache.clear()
            hit = await best_async(calls, lambda: redis_cache.get_or_fetch(KEY, fetch))
            await redis_cache.clear()
        show("redis-py GET (same value)", raw_get, f"{raw_get / memory:.0f}x MemoryCache hit")
        show(
            "RedisCache hit", hit, f"{hit / memory:.0f}x MemoryCache hit, {hit / raw_get:.2f}x GET"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hits", type=int, default=200_000)
    asyncio.run(main(parser.parse_args().hits))
