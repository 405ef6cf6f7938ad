"""Cost per call of the fleet-wide ``RedisLimiter`` next to the in-process ``LocalLimiter``.

  slot: local        ``async with limit.slot(30): observe(...)`` of ``LocalLimiter(8)``: the
                     cost every call pays by default
  slot: redis        the same with ``RedisLimiter(max_in_flight=8)``: a script taking a lease,
                     a ``ZREM`` releasing it (plus the rate reservation when ``rate`` is set)
  slot: redis+rate   ``RedisLimiter(max_in_flight=8, rate=1e6)``: the token bucket script too
  redis PING         one redis-py round trip: the floor of anything shared through Redis
  call: local/redis  ``bg.command.get_api_info()`` in sequence against the simulated appliance
                     running in its own process (``bomgar-async serve``), with either limiter

Redis is ``$REDIS_URL`` or a throw-away ``redis-server`` (see ``bench_cache.py``). Each figure
is the best of 5 repeats, in µs per call, with ratios so runs on different machines compare.

Run: python benchmarks/bench_limiter.py [--slots 5000] [--calls 500]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench_cache import (
    best_async,
    redis_server,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.serve import start_simulator
from bomgar_async import (
    BomgarClient,
    LocalLimiter,
    RedisLimiter,
)
from bomgar_async._http.limit import Limit

APPLIANCE = "https://support.example.com"


def through(limit: Limit) -> Callable[[], Awaitable[None]]:
    async def once() -> None:
        async with limit.slot(30.0):
            await limit.observe(200, {})

    return once


async def calls(url: str, limiter: LocalLimiter | RedisLimiter, count: int) -> float:
    options = {"username": "admin", "password": "s3cret-admin", "allow_http": True}
    async with BomgarClient(url, limiter=limiter, **options) as bg:
        return await best_async(count, bg.command.get_api_info)


async def main(slots: int, count: int, redis_url: str) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    local = LocalLimiter(8)
    shared = RedisLimiter(redis_url, max_in_flight=8, prefix=prefix)
    rated = RedisLimiter(redis_url, max_in_flight=8, rate=1e6, prefix=prefix + "r")
    figures = {
        "slot: local": await best_async(slots, through(local.bind(APPLIANCE))),
        "slot: redis": await best_async(slots, through(shared.bind(APPLIANCE))),
        "slot: redis+rate": await best_async(slots, through(rated.bind(APPLIANCE))),
        "redis PING": await best_async(slots, shared.store.ping),
    }
    server, url = start_simulator()
    try:
        figures["call: local"] = await calls(url, LocalLimiter(8), count)
        figures["call: redis"] = await calls(url, shared, count)
    finally:
        server.terminate()
        server.wait(timeout=10)
    await shared.aclose()
    await rated.aclose()
    base = figures["slot: local"]
    for name, seconds in figures.items():
        print(f"{name:18} {seconds * 1e6:9.1f} µs  ({seconds / base:6.1f}x the local slot)")
    added = figures["slot: redis"] - figures["slot: local"]
    print(f"redis slot / redis PING: {figures['slot: redis'] / figures['redis PING']:.2f}")
    print(
        f"call with redis / call with local: {figures['call: redis'] / figures['call: local']:.3f}"
        f" (+{added * 1e6:.0f} µs of a {figures['call: local'] * 1e6:.0f} µs call)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    with redis_server() as url:
        if url is None:
            raise SystemExit("no Redis: set REDIS_URL or install redis-server")
        asyncio.run(main(args.slots, args.calls, url))
