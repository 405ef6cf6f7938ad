"""One poll of many connected clients against its latency floor (issue 11, goal 4).

The simulator runs in its own process (``bomgar-async serve --latency L --connected-clients
N``). A poll lists the connected client ids (one call), then fetches their details in
batches of 100 ids, at most ``C`` requests in flight. Three variants, each on its own
long-lived HTTP session, warmed up once, then timed one after another in a rotating order,
``--repeats`` times (the figures are medians with min-max):

  floor      bare aiohttp, the same requests in the same pattern, every body read and
             discarded (the ids come from one listing made before timing)
  floor-close  the same on a new connection per request (``force_close``), as the SDK's
             transport does: what that choice costs
  aiohttp-xmltodict  bare aiohttp + ``xmltodict.parse`` of the listing and of each batch as it
             arrives, in the same pattern (what a user would write)
  sdk-poll   ``bg.poll_connected_clients(...)``: one snapshot of typed models

The *latency floor* (``floor_theory_s``) is what no client can beat: the listing plus
``ceil(batches / C)`` rounds of batches, each costing the simulated latency:
``(1 + ceil(ceil(N / 100) / C)) * L``. The measured ``floor`` variant adds the HTTP and the
simulator's own work; the issue's goal is ``sdk-poll`` at most 1.5 times the floor.

Run: ``python -m benchmarks.bench_poll [--quick] [--clients 5000] [--json FILE]``
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import xmltodict

from benchmarks.output import command_of, save
from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient

__all__ = ["BASELINE", "VARIANTS", "main", "measure", "table"]

BASELINE = "floor"
VARIANTS = ("floor", "floor-close", "aiohttp-xmltodict", "sdk-poll")
BATCH = 100
FORM = {"username": "admin", "password": "s3cret-admin"}
QUICK_REPEATS = 3
Poll = Callable[[], Awaitable[int]]


def floor_theory(clients: int, concurrency: int, latency: float) -> float:
    """The latency floor in seconds: the listing, then the rounds of batches."""
    batches = math.ceil(clients / BATCH)
    return (1 + math.ceil(batches / concurrency)) * latency


def _batches(ids: list[str]) -> list[str]:
    return [",".join(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]


def _ids_of(listing: Any) -> list[str]:
    refs = listing["connected_client_list"].get("connected_client") or []
    refs = refs if isinstance(refs, list) else [refs]
    return [ref["@id"] for ref in refs]


def _clients_of(answer: Any) -> list[Any]:
    root = answer["connected_clients"] or {}
    found: list[Any] = []
    for key, value in root.items():
        if key.startswith("connected_"):
            found += value if isinstance(value, list) else [value]
    return found


class _Bare:
    """The bare-aiohttp variants on one session (keep-alive unless ``force_close``)."""

    def __init__(self, url: str, concurrency: int, *, force_close: bool = False) -> None:
        self._url = url + "/api/command.ns"
        self._concurrency = concurrency
        connector = aiohttp.TCPConnector(force_close=force_close)
        self._session = aiohttp.ClientSession(connector=connector)
        self.ids: list[str] = []

    async def _post(self, **form: str) -> bytes:
        async with self._session.post(self._url, data={**FORM, **form}) as response:
            response.raise_for_status()
            return await response.read()

    async def _gather(self, batches: list[str], parse: Callable[[bytes], Any]) -> list[Any]:
        gate = asyncio.Semaphore(self._concurrency)

        async def one(ids: str) -> Any:
            async with gate:
                body = await self._post(action="get_connected_clients", id=ids)
            return parse(body)

        return await asyncio.gather(*(one(batch) for batch in batches))

    async def floor(self) -> int:
        await self._post(action="get_connected_client_list")
        sizes = await self._gather(_batches(self.ids), len)
        return len(self.ids) if all(sizes) else 0

    async def xmltodict(self) -> int:
        listing = xmltodict.parse(await self._post(action="get_connected_client_list"))
        answers = await self._gather(_batches(_ids_of(listing)), xmltodict.parse)
        return sum(len(_clients_of(answer)) for answer in answers)

    async def close(self) -> None:
        await self._session.close()


async def _measure(
    url: str, clients: int, concurrency: int, repeats: int
) -> dict[str, dict[str, Any]]:
    bare = _Bare(url, concurrency)
    closing = _Bare(url, concurrency, force_close=True)
    bg = BomgarClient(
        url,
        username="admin",
        password="s3cret-admin",
        allow_http=True,
        max_concurrency=concurrency,
    )
    polls = bg.poll_connected_clients(interval=1e-3)

    async def sdk() -> int:
        return len((await anext(polls)).clients)

    variants: dict[str, Poll] = {
        "floor": bare.floor,
        "floor-close": closing.floor,
        "aiohttp-xmltodict": bare.xmltodict,
        "sdk-poll": sdk,
    }
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    counts: dict[str, set[int]] = {name: set() for name in VARIANTS}
    try:
        async with bg:
            listing = await bare._post(action="get_connected_client_list")
            bare.ids = closing.ids = _ids_of(xmltodict.parse(listing))
            for name in VARIANTS:  # warm-up: connections, imports, caches
                counts[name].add(await variants[name]())
            for run in range(repeats):
                order = VARIANTS[run % len(VARIANTS) :] + VARIANTS[: run % len(VARIANTS)]
                for name in order:
                    started = time.perf_counter()
                    counts[name].add(await variants[name]())
                    times[name].append(time.perf_counter() - started)
            await polls.aclose()
    finally:
        await bare.close()
        await closing.close()
    return {name: {"seconds": times[name], "clients": sorted(counts[name])} for name in VARIANTS}


def measure(clients: int, concurrency: int, latency: float, repeats: int) -> dict[str, Any]:
    """Start the simulator, time every variant ``repeats`` times; the figures."""
    server, url = start_simulator("--latency", str(latency), "--connected-clients", str(clients))
    try:
        raw = asyncio.run(_measure(url, clients, concurrency, repeats))
    finally:
        server.terminate()
        server.wait(timeout=30)
    theory = floor_theory(clients, concurrency, latency)
    floor = statistics.median(raw[BASELINE]["seconds"])
    variants: dict[str, Any] = {}
    for name in VARIANTS:
        seconds = raw[name]["seconds"]
        median = statistics.median(seconds)
        variants[name] = {
            "median_s": round(median, 4),
            "min_s": round(min(seconds), 4),
            "max_s": round(max(seconds), 4),
            "runs_s": [round(s, 4) for s in seconds],
            "ratio_to_floor": round(median / floor, 3),
            "ratio_to_theory": round(median / theory, 3),
            "clients_seen": raw[name]["clients"],
        }
    return {
        "clients": clients,
        "batches": math.ceil(clients / BATCH),
        "max_concurrency": concurrency,
        "latency_s": latency,
        "floor_theory_s": round(theory, 4),
        "repeats": repeats,
        "baseline": BASELINE,
        "variants": variants,
    }


def table(results: dict[str, Any]) -> str:
    """The figures as a markdown table."""
    lines = [
        f"One poll of {results['clients']} connected clients ({results['batches']} batches, "
        f"max_concurrency {results['max_concurrency']}, {results['latency_s'] * 1000:.0f} ms "
        f"latency); latency floor {results['floor_theory_s']:.3f} s; medians of "
        f"{results['repeats']} interleaved runs",
        "",
        "| variant | seconds median (min-max) | ratio to floor | ratio to latency floor |",
        "| --- | --- | --- | --- |",
    ]
    for name, fig in results["variants"].items():
        lines.append(
            f"| {name} | {fig['median_s']:.3f} ({fig['min_s']:.3f}-{fig['max_s']:.3f}) "
            f"| {fig['ratio_to_floor']:.2f}x | {fig['ratio_to_theory']:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help=f"2,000 clients, medians of {QUICK_REPEATS}, ~5 s"
    )
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", default="bench_poll.json", help="where to write the figures")
    args = parser.parse_args(argv)
    clients, repeats = (2000, QUICK_REPEATS) if args.quick else (args.clients, max(5, args.repeats))
    command = command_of("bench_poll", argv)
    results = measure(clients, args.concurrency, args.latency, repeats)
    results["command"] = command
    print(table(results))
    save(results, args.json)


if __name__ == "__main__":
    main()
