"""Per-call cost of ``bg.command.get_logged_in_reps()`` against the simulator.

Three figures from one process and one simulator:
  baseline  a bare aiohttp POST (new connection, closed after the answer) + xmltodict.parse
  sdk       the SDK, uncached (validation, auth, retry wrapper, typed models)
  cached    the SDK with its default MemoryCache (hits)
Printed as calls/s and as ratios to the baseline, so runs on different machines compare.

Run: python benchmarks/bench_command.py [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp
import xmltodict

from bomgar_async import BomgarClient
from bomgar_async.simulator import Simulator

FORM = {"username": "admin", "password": "s3cret-admin", "action": "get_logged_in_reps"}


async def baseline(url: str, calls: int) -> float:
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        for _ in range(calls):
            async with session.post(url + "/api/command.ns", data=FORM) as response:
                xmltodict.parse(await response.read())
        return calls / (time.perf_counter() - started)


async def sdk(url: str, calls: int, *, cached: bool) -> float:
    options = {} if cached else {"cache": None}
    async with BomgarClient(
        url, username="admin", password="s3cret-admin", allow_http=True, **options
    ) as bg:
        await bg.command.get_logged_in_reps()  # warm-up (and fills the cache)
        started = time.perf_counter()
        for _ in range(calls):
            await bg.command.get_logged_in_reps()
        return calls / (time.perf_counter() - started)


async def main(calls: int) -> None:
    async with Simulator(seed=1) as sim:
        base = await baseline(sim.url, calls)
        plain = await sdk(sim.url, calls, cached=False)
        hits = await sdk(sim.url, calls * 20, cached=True)
    print(f"baseline (aiohttp + xmltodict): {base:10.0f} calls/s   1.00x")
    print(f"sdk, uncached                 : {plain:10.0f} calls/s   {plain / base:.2f}x")
    print(f"sdk, cached (hits)            : {hits:10.0f} calls/s   {hits / base:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    asyncio.run(main(parser.parse_args().calls))
