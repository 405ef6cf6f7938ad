"""A month of SupportSession reports pulled in one-day windows: the SDK next to the naive script.

The simulator runs in its own process (``bomgar-async serve --latency 0.05 --bulk-sessions N``,
plus ``--heavy-events`` for the *heavy* month: 16 more events per session, chat messages
with encoded bodies and member-added events with data values). Every variant pulls the same
31 one-day windows (``by="start"``):

  script        the naive sequential script (baseline, ratio 1.0): one ``aiohttp`` POST per
                window, ``await response.read()``, ``xmltodict.parse`` of the whole body
  sdk-N<n>      ``bg.reporting.support_sessions(since, until, window=1 day, concurrency=n)``,
                parsed on the event loop
  pool2-N<n>    the same with ``parse_workers=2`` (windows parsed in two worker processes)

Each run starts from nothing (a new client or ``aiohttp`` session, and for ``pool`` a new
worker pool: its start-up is part of the figure). Variants are interleaved (one run of each,
then again), ``--repeats`` times; the table shows the median seconds (min-max) and the ratio
baseline time / variant time of the medians (min-max of the per-repeat ratios).

Run: python -m benchmarks.bench_month [--quick] [--json bench_month.json] [--profile VARIANT]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import xmltodict

from benchmarks.output import command_of, save
from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient

MIB = 1 << 20
DAY = timedelta(days=1)
BASELINE = "script"
VARIANTS = (
    "script",
    "sdk-N1",
    "sdk-N4",
    "sdk-N8",
    "sdk-N16",
    "pool2-N4",
    "pool2-N8",
    "pool2-N16",
)
QUICK_VARIANTS = ("script", "sdk-N1", "sdk-N8", "pool2-N8")
#: bulk sessions per kind: about 10 MiB (light) and 105 MiB (heavy) over the month
BULK = {"light": 1150, "heavy": 7900}
QUICK_BULK = {"light": 300, "heavy": 200}
#: ``--quick`` takes medians of 3 (a pool variant starts two spawn workers every run)
QUICK_REPEATS = 3
LOGIN = {"username": "admin", "password": "s3cret-admin"}


async def _script(url: str, windows: list[tuple[datetime, datetime]]) -> tuple[int, int]:
    """The naive script: each window in turn, whole body read, then ``xmltodict.parse``."""
    sessions = size = 0
    timeout = aiohttp.ClientTimeout(total=1800)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for start, stop in windows:
            form = {
                **LOGIN,
                "generate_report": "SupportSession",
                "start_time": str(int(start.timestamp())),
                "duration": str(int((stop - start).total_seconds())),
            }
            async with http.post(url + "/api/reporting.ns", data=form) as response:
                body = await response.read()
            size += len(body)
            parsed = xmltodict.parse(body, force_list=("session",))
            found = (parsed.get("session_list") or {}).get("session") or []
            sessions += len(found)
    return sessions, size


async def _sdk(
    url: str, windows: list[tuple[datetime, datetime]], concurrency: int, workers: int | None
) -> tuple[int, int]:
    since, until = windows[0][0], windows[-1][1]
    async with BomgarClient(url, **LOGIN, allow_http=True, max_concurrency=16) as bg:
        sessions = 0
        stream = bg.reporting.support_sessions(
            since, until, window=DAY, concurrency=concurrency, parse_workers=workers
        )
        async for _session in stream:
            sessions += 1
    return sessions, 0


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped children: pool workers
    return usage.ru_utime + usage.ru_stime


def run_variant(
    variant: str, url: str, windows: list[tuple[datetime, datetime]], server: int = 0
) -> dict[str, Any]:
    """One timed run of ``variant``: seconds, sessions (and bytes, for the script), and the
    CPU seconds of this process, of its worker processes and of the simulator (``server``)."""
    gc.collect()
    if variant == BASELINE:
        pull = _script(url, windows)
    else:
        kind, _, n = variant.partition("-N")
        workers = 2 if kind == "pool2" else None
        pull = _sdk(url, windows, int(n), workers)
    cpu, workers_cpu, server_cpu = time.process_time(), _children_cpu(), _cpu_of(server)
    started = time.perf_counter()
    sessions, size = asyncio.run(pull)
    return {
        "seconds": time.perf_counter() - started,
        "sessions": sessions,
        "bytes": size,
        "cpu_s": time.process_time() - cpu,
        "workers_cpu_s": _children_cpu() - workers_cpu,
        "server_cpu_s": _cpu_of(server) - server_cpu,
    }


def _windows(days: int) -> list[tuple[datetime, datetime]]:
    # the simulator's bulk sessions lie in the 30 days before it started
    now = datetime.now(timezone.utc).replace(microsecond=0)
    first = now - days * DAY
    return [(first + n * DAY, first + (n + 1) * DAY) for n in range(days)]


def measure_kind(
    kind: str, bulk: int, days: int, repeats: int, variants: tuple[str, ...]
) -> dict[str, Any]:
    """Every variant against one simulator (its own process), interleaved ``repeats`` times."""
    args = ["--latency", "0.05", "--bulk-sessions", str(bulk)]
    if kind == "heavy":
        args.append("--heavy-events")
    server, url = start_simulator(*args)
    try:
        windows = _windows(days)
        runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
        run_variant(BASELINE, url, windows)  # warm the simulator and the page cache
        for _ in range(repeats):
            for variant in variants:
                runs[variant].append(run_variant(variant, url, windows, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _summarise(kind, bulk, len(windows), runs)


def _summarise(
    kind: str, bulk: int, windows: int, runs: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    base = runs[BASELINE]
    base_median = statistics.median(r["seconds"] for r in base)
    figures: dict[str, Any] = {}
    for variant, items in runs.items():
        seconds = [r["seconds"] for r in items]
        per_repeat = [b["seconds"] / r["seconds"] for b, r in zip(base, items, strict=True)]
        median = statistics.median(seconds)
        figures[variant] = {
            "seconds_median": median,
            "seconds_min": min(seconds),
            "seconds_max": max(seconds),
            "ratio": base_median / median,
            "ratio_min": min(per_repeat),
            "ratio_max": max(per_repeat),
            "sessions": items[0]["sessions"],
            "cpu_s": statistics.median(r["cpu_s"] for r in items),
            "workers_cpu_s": statistics.median(r["workers_cpu_s"] for r in items),
            "server_cpu_s": statistics.median(r["server_cpu_s"] for r in items),
        }
    size = base[0]["bytes"]
    counts = {f["sessions"] for f in figures.values()}
    return {
        "kind": kind,
        "bulk_sessions": bulk,
        "windows": windows,
        "bytes": size,
        "mib": size / MIB,
        "sessions_agree": len(counts) == 1,
        "variants": figures,
    }


def table(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| month | variant | seconds median (min-max) | ratio to the script (min-max) "
        "| CPU s: client + workers + simulator |",
        "| --- | --- | --- | --- | --- |",
    ]
    for month in results["months"]:
        label = f"{month['kind']} {month['mib']:.1f} MiB, {month['windows']} windows"
        for variant, f in month["variants"].items():
            lines.append(
                f"| {label} | {variant} | {f['seconds_median']:.2f} "
                f"({f['seconds_min']:.2f}-{f['seconds_max']:.2f}) | "
                f"{f['ratio']:.2f}x ({f['ratio_min']:.2f}-{f['ratio_max']:.2f}) | "
                f"{f['cpu_s']:.2f} + {f['workers_cpu_s']:.2f} + {f['server_cpu_s']:.2f} |"
            )
    return "\n".join(lines)


def pool_costs(size_mb: float, repeats: int) -> dict[str, float]:
    """What a worker pool adds, in this process, on the same heavy report: pickling a
    window's models (in the worker) and unpickling them (on the loop's side), each as a
    fraction of parsing them on the loop; and the seconds to start two spawn workers."""
    import pickle

    from benchmarks.reports import report
    from bomgar_async.reporting.parse_pool import ParsePool
    from bomgar_async.reporting.session_stream import SessionStreamParser
    from bomgar_async.reporting.streams import support_session_parser

    body = report(int(size_mb * MIB), "heavy")
    times: dict[str, list[float]] = {"parse": [], "dumps": [], "loads": [], "start": []}
    for _ in range(repeats):
        started = time.perf_counter()
        parser = SessionStreamParser()
        models = [
            m for i in range(0, len(body), 1 << 16) for m in parser.feed(body[i : i + (1 << 16)])
        ]
        models += parser.close()
        times["parse"].append(time.perf_counter() - started)
        started = time.perf_counter()
        blob = pickle.dumps(models, protocol=pickle.HIGHEST_PROTOCOL)
        times["dumps"].append(time.perf_counter() - started)
        started = time.perf_counter()
        pickle.loads(blob)  # noqa: S301 (the bytes pickled just above)
        times["loads"].append(time.perf_counter() - started)

        async def start() -> None:
            pool = ParsePool(2, support_session_parser)
            await pool.ready()
            await pool.aclose()

        started = time.perf_counter()
        asyncio.run(start())
        times["start"].append(time.perf_counter() - started)
    parse = statistics.median(times["parse"])
    return {
        "report_mib": len(body) / MIB,
        "parse_mib_s": len(body) / MIB / parse,
        "dumps_of_parse": statistics.median(times["dumps"]) / parse,
        "loads_of_parse": statistics.median(times["loads"]) / parse,
        "pool_start_s": statistics.median(times["start"]),
    }


def profile(variant: str, kind: str, bulk: int, days: int) -> str:
    """cProfile's reading (top functions by own time) of one run of ``variant``."""
    args = ["--latency", "0.05", "--bulk-sessions", str(bulk)]
    if kind == "heavy":
        args.append("--heavy-events")
    server, url = start_simulator(*args)
    try:
        windows = _windows(days)
        run_variant(BASELINE, url, windows)
        profiler = cProfile.Profile()
        profiler.enable()
        result = run_variant(variant, url, windows)
        profiler.disable()
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    return f"{variant} {kind}: {result}\n{out.getvalue()}"


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 small windows, about 20 s")
    parser.add_argument("--repeats", type=int, help=f"default 5 ({QUICK_REPEATS} with --quick)")
    parser.add_argument("--kinds", default="light,heavy")
    parser.add_argument("--json", default="bench_month.json", help="where to write the figures")
    parser.add_argument("--profile", metavar="VARIANT", help="cProfile one run, print, exit")
    args = parser.parse_args(argv)
    repeats = args.repeats or (QUICK_REPEATS if args.quick else 5)
    days = 3 if args.quick else 31
    bulk = QUICK_BULK if args.quick else BULK
    kinds = [k for k in args.kinds.split(",") if k]
    if args.profile:
        for kind in kinds:
            print(profile(args.profile, kind, bulk[kind], days))
        return
    variants = QUICK_VARIANTS if args.quick else VARIANTS
    command = command_of("bench_month", argv)
    results: dict[str, Any] = {
        "command": command,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "repeats": repeats,
        "latency_s": 0.05,
        "baseline": BASELINE,
        "variants": list(variants),
        "months": [measure_kind(k, bulk[k], days, repeats, variants) for k in kinds],
        "pool_costs": pool_costs(1 if args.quick else 8, repeats),
    }
    print(table(results))
    costs = results["pool_costs"]
    print(
        f"\npool costs on a {costs['report_mib']:.1f} MiB heavy report: parse "
        f"{costs['parse_mib_s']:.1f} MiB/s on the loop; pickling the models "
        f"{costs['dumps_of_parse']:.2f}x and unpickling {costs['loads_of_parse']:.2f}x "
        f"that time; two spawn workers start in {costs['pool_start_s']:.2f} s"
    )
    save(results, args.json)


if __name__ == "__main__":
    main()
