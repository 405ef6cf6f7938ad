"""Per-call cost of small calls: uncached ``bg.command.get_api_info()`` against bare aiohttp.

Variants, all against one simulator in its own process (``bomgar-async serve``), each call
on a new connection closed after the answer (the guide's rule; ``force_close``):
  aiohttp            a bare aiohttp POST of the same form, the body drained with ``read()``
                     (the baseline: ratio 1.0)
  aiohttp+xmltodict  the same, then ``xmltodict.parse(body)`` (dicts)
  bomgar_async       ``await bg.command.get_api_info()`` with ``cache=None``: credentials,
                     limiter, retry policy, status checks, parsed into an ``ApiInfo`` model

``C`` callers (1, 8, 32, 128) each make calls in a loop until ``--calls`` calls are done;
``max_concurrency=C`` so the SDK's limiter lets every caller through, as the bare variants
do. Plain HTTP and TLS (``serve --tls``, a handshake per connection). The variants are
interleaved (one run of each, in a rotating order, then again), ``--repeats`` times; the
table shows calls/s (median, min-max), the ratio of the medians to bare aiohttp (and, for the
SDK, to aiohttp+xmltodict), and the client process's CPU time per call (median), which
shows the SDK's own cost when the machine is busy. JSON is written too.

``--quick``: 16 calls per run (C for 128 callers), TLS at 1 and 32 callers only, medians of 3.

``--profile VARIANT``: one run of that variant alone at each level (``--calls`` calls), its
calls/s and CPU per call printed, no table nor JSON: the client process to hand to an
instruction counter, whose figures the load of the machine does not change. Per call:
(instructions at N calls - instructions at M calls) / (N - M), e.g. with
``valgrind --tool=callgrind python -m benchmarks.bench_calls --profile bomgar_async --no-tls
--concurrency 32 --calls 1300`` and the same with ``--calls 300`` (the simulator runs in its
own process, which valgrind does not follow).

Run: python -m benchmarks.bench_calls [--quick] [--json bench_calls.json]
"""

from __future__ import annotations

import argparse
import asyncio
import ssl
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import aiohttp
import xmltodict

from benchmarks.output import command_of, save
from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient

VARIANTS = ("aiohttp", "aiohttp+xmltodict", "bomgar_async")
BASELINE = "aiohttp"
USER, PASSWORD = "admin", "s3cret-admin"
FORM = {"username": USER, "password": PASSWORD, "action": "get_api_info"}

QUICK_CALLS = 16
QUICK_TLS_LEVELS = (1, 32)
QUICK_REPEATS = 3

Call = Callable[[], Awaitable[object]]


def _ca_bundle(server: Any, lines: int = 10) -> str:
    """The CA file ``serve --tls`` names in its ``export`` line (after the URL line)."""
    for _ in range(lines):
        line = server.stdout.readline()
        for word in line.split():
            if word.startswith("BOMGAR_CA_BUNDLE="):
                return str(word.split("=", 1)[1].strip("'\""))
    raise RuntimeError("bomgar-async serve --tls printed no BOMGAR_CA_BUNDLE")


async def _run(call: Call, callers: int, calls: int) -> tuple[float, float]:
    """``calls`` calls by ``callers`` concurrent loops: (calls/s, CPU µs per call)."""
    share, extra = divmod(calls, callers)

    async def loop(count: int) -> None:
        for _ in range(count):
            await call()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(loop(share + (n < extra)) for n in range(callers)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return calls / wall, cpu / calls * 1e6


async def _variants(
    stack: AsyncExitStack, url: str, tls: ssl.SSLContext | None, callers: int
) -> dict[str, Call]:
    """One call of each variant, their sessions and client opened on ``stack``."""
    connector = aiohttp.TCPConnector(force_close=True, limit=0, ssl=tls if tls else True)
    session = await stack.enter_async_context(aiohttp.ClientSession(connector=connector))
    target = url + "/api/command.ns"

    async def bare() -> object:
        async with session.post(target, data=FORM) as response:
            return await response.read()

    async def parsed() -> object:
        async with session.post(target, data=FORM) as response:
            return xmltodict.parse(await response.read())

    bg = await stack.enter_async_context(
        BomgarClient(
            url,
            username=USER,
            password=PASSWORD,
            allow_http=tls is None,
            ssl=tls or True,
            cache=None,
            max_concurrency=callers,
        )
    )
    calls: dict[str, Call] = {
        "aiohttp": bare,
        "aiohttp+xmltodict": parsed,
        "bomgar_async": bg.command.get_api_info,
    }
    for call in calls.values():
        await call()  # warm-up, and a check that each variant works
    return calls


def _figures(runs: dict[str, list[tuple[float, float]]]) -> dict[str, dict[str, float]]:
    base = statistics.median(rate for rate, _ in runs[BASELINE])
    parsed = statistics.median(rate for rate, _ in runs["aiohttp+xmltodict"])
    out: dict[str, dict[str, float]] = {}
    for variant, samples in runs.items():
        rates = [rate for rate, _ in samples]
        median = statistics.median(rates)
        out[variant] = {
            "calls_s_median": round(median, 1),
            "calls_s_min": round(min(rates), 1),
            "calls_s_max": round(max(rates), 1),
            "ratio": round(median / base, 3),
            "ratio_to_xmltodict": round(median / parsed, 3),
            "cpu_us_per_call": round(statistics.median(cpu for _, cpu in samples), 1),
        }
    return out


async def _measure(tls: bool, levels: list[int], calls: int, repeats: int) -> list[dict[str, Any]]:
    server, url = start_simulator(*(["--tls"] if tls else []))
    rows: list[dict[str, Any]] = []
    try:
        context = ssl.create_default_context(cafile=_ca_bundle(server)) if tls else None
        for callers in levels:
            count = max(calls, callers)
            async with AsyncExitStack() as stack:
                variants = await _variants(stack, url, context, callers)
                runs: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
                for repeat in range(repeats):
                    order = VARIANTS[repeat % 3 :] + VARIANTS[: repeat % 3]
                    for variant in order:
                        runs[variant].append(await _run(variants[variant], callers, count))
            rows.append(
                {"tls": tls, "concurrency": callers, "calls": count, "variants": _figures(runs)}
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


async def _profile(variant: str, tls: bool, levels: list[int], calls: int) -> None:
    """``--profile``: one run of ``variant`` per level (after one warm-up call)."""
    server, url = start_simulator(*(["--tls"] if tls else []))
    try:
        context = ssl.create_default_context(cafile=_ca_bundle(server)) if tls else None
        for callers in levels:
            count = max(calls, callers)
            async with AsyncExitStack() as stack:
                call = (await _variants(stack, url, context, callers))[variant]
                rate, cpu = await _run(call, callers, count)
            print(
                f"{variant} tls={'yes' if tls else 'no'} callers={callers} calls={count}: "
                f"{rate:.0f} calls/s, client CPU {cpu:.0f} µs/call"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


def _table(rows: list[dict[str, Any]]) -> None:
    print(
        "| TLS | callers | variant | calls/s median (min-max) | ratio to aiohttp "
        "| ratio to aiohttp+xmltodict | client CPU µs/call |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        for variant, f in row["variants"].items():
            print(
                f"| {'yes' if row['tls'] else 'no'} | {row['concurrency']} | {variant} | "
                f"{f['calls_s_median']:.0f} ({f['calls_s_min']:.0f}-{f['calls_s_max']:.0f}) | "
                f"{f['ratio']:.2f}x | {f['ratio_to_xmltodict']:.2f}x | "
                f"{f['cpu_us_per_call']:.0f} |"
            )


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="few calls per run, ~20 s")
    parser.add_argument("--calls", type=int, default=800, help="calls per run (at least C)")
    parser.add_argument("--concurrency", default="1,8,32,128", help="callers, comma-separated")
    parser.add_argument("--repeats", type=int, help=f"default 5 ({QUICK_REPEATS} with --quick)")
    parser.add_argument("--no-tls", action="store_true", help="plain HTTP only")
    parser.add_argument("--json", default="bench_calls.json", help="where to write the figures")
    parser.add_argument(
        "--profile", choices=VARIANTS, help="run only this variant, once per level (no JSON)"
    )
    args = parser.parse_args(argv)
    calls = QUICK_CALLS if args.quick else args.calls
    repeats = args.repeats or (QUICK_REPEATS if args.quick else 5)
    levels = [int(n) for n in args.concurrency.split(",") if n]
    if args.profile:
        for tls in (False,) if args.no_tls else (False, True):
            asyncio.run(_profile(args.profile, tls, levels, calls))
        return
    rows: list[dict[str, Any]] = []
    for tls in (False,) if args.no_tls else (False, True):
        # --quick: a TLS handshake per call costs ~10x a plain call; fewer TLS levels.
        tls_levels = [n for n in levels if n in QUICK_TLS_LEVELS] if args.quick else levels
        rows += asyncio.run(_measure(tls, tls_levels if tls else levels, calls, repeats))
    _table(rows)
    command = command_of("bench_calls", argv)
    results = {
        "command": command,
        "quick": args.quick,
        "repeats": repeats,
        "baseline": BASELINE,
        "variants": list(VARIANTS),
        "rows": rows,
    }
    save(results, args.json)


if __name__ == "__main__":
    main()
