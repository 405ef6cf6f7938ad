"""Sessions into a database: store throughput as a ratio of parse-only throughput.

The simulated appliance runs in its own process (``bomgar-async serve --bulk-sessions N``).
Three syncs of the same report, same windows and concurrency (``CatchUp()`` defaults):
  parse     ``sync.batches(...)``, sessions dropped (pull + streamed parsing only): the baseline
  sqlite    ``SQLiteSessionStore(fresh file).sync(...)``
  postgres  ``PostgresSessionStore(fresh database).sync(...)`` on $DATABASE_URL's server (a
            ``bench_store_*`` database is created and dropped each run), else a throw-away
            cluster started like the tests do; skipped when neither can be had
  sqlite-thread  (``--thread-writer``) the same with ``write_process=False``: SQLite's writes in
            the store's worker thread, as before the writer process
  sqlite-in-order  (``--in-order``) SQLite with every chunk inserted in window order, one
            transaction a window (as before the windows pulled together shared one)
one run of each in turn, ``--repeats`` times. Each figure is the median sessions/s (and rows/s)
with min-max; the ratio is the store's median over the parse-only median. The target is a
store run at >= 0.7x the parse-only rate (the store is not the bottleneck).
``--profile`` prints cProfile's top functions of the event-loop thread during one SQLite run
and the rate of encoding rows alone (done in the store's encoder thread, which cProfile does
not see).

Run: python -m benchmarks.bench_store [--quick] [--sessions 30000] [--repeats 5]
     [--json bench_store.json] [--profile] [--thread-writer] [--in-order]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.output import command_of, save
from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient
from bomgar_async.reporting.catch_up import CatchUp
from bomgar_async.store import (
    PostgresSessionStore,
    SessionStore,
    SQLiteSessionStore,
)
from bomgar_async.store.codec import SupportSessionCodec
from bomgar_async.store.rows import SQLITE_VALUES, Rows

QUICK_SESSIONS = 300
QUICK_REPEATS = 3


def client(url: str) -> BomgarClient:
    return BomgarClient(url, username="admin", password="s3cret-admin", allow_http=True)


async def parse_only(url: str, since: datetime) -> tuple[float, int]:
    async with client(url) as bg:
        started = time.perf_counter()
        count = 0
        async for batch in bg.reporting.sync(since=since).batches(catch_up=CatchUp()):
            count += len(batch.sessions)
        return time.perf_counter() - started, count


async def into(store: SessionStore, url: str, since: datetime) -> tuple[float, int, int]:
    async with client(url) as bg, store:
        started = time.perf_counter()
        result = await store.sync(bg.reporting.sync(since=since))
        return time.perf_counter() - started, result.sessions, result.rows


async def encode_seconds(url: str, since: datetime) -> tuple[float, int]:
    async with client(url) as bg:
        sessions = [s async for s in bg.reporting.support_sessions(since, by="end")]
    codec = SupportSessionCodec()
    started = time.perf_counter()
    rows = Rows()
    for session in sessions:
        codec.encode(session, rows, SQLITE_VALUES)
    return time.perf_counter() - started, len(sessions)


def postgres_server(work: Path) -> tuple[str | None, Any]:
    """The DSN of a PostgreSQL server: $DATABASE_URL's, else a throw-away cluster (and it)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    from tests.conftest import PostgresServer, _postgres_bin

    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    if initdb is None or postgres is None:
        return None, None
    os.chmod(work, 0o755)  # noqa: S103 - the unprivileged server user must reach its folder
    root = work / "pg"
    root.mkdir()
    if os.geteuid() == 0:
        os.chown(root, 65534, 65534)
    server = PostgresServer(initdb, postgres, root).start()
    return server.dsn, server


@asynccontextmanager
async def fresh_database(dsn: str) -> AsyncIterator[str]:
    """A new, empty database on ``dsn``'s server (dropped afterwards): its DSN."""
    import asyncpg  # type: ignore[import-untyped]

    name = f"bench_store_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    try:
        yield dsn.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name}")
        finally:
            await admin.close()


Run = tuple[float, int, int]  # seconds, sessions, rows


def in_order_store(path: Path) -> SQLiteSessionStore:
    """A SQLite store that inserts every chunk in window order, one transaction a window."""
    store = SQLiteSessionStore(path)
    store._insert_on_arrival = False
    return store


async def measure(
    sessions: int,
    repeats: int,
    profile: bool,
    thread_writer: bool = False,
    in_order: bool = False,
) -> dict[str, Any]:
    """Run the variants in turn, ``repeats`` times; the figures as a JSON-ready dict."""
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    # submitted now: the PostgreSQL cluster (initdb mostly waits on disk) starts while the
    # simulator does
    starting = asyncio.get_running_loop().run_in_executor(None, postgres_server, work)
    server = pg_server = None
    extra = [
        *(["sqlite-thread"] if thread_writer else []),
        *(["sqlite-in-order"] if in_order else []),
    ]
    names = ["parse", "sqlite", *extra, "postgres"]
    runs: dict[str, list[Run]] = {name: [] for name in names}
    try:
        try:
            server, url = start_simulator("--bulk-sessions", str(sessions))
        finally:
            dsn, pg_server = await starting
        since = datetime.now(timezone.utc) - timedelta(days=60)
        for round_ in range(repeats):
            seconds, parsed = await parse_only(url, since)
            runs["parse"].append((seconds, parsed, 0))
            lite = await into(SQLiteSessionStore(work / f"s{round_}.db"), url, since)
            assert lite[1] == parsed, (lite, parsed)
            runs["sqlite"].append(lite)
            if thread_writer:
                path = work / f"t{round_}.db"
                threaded = await into(SQLiteSessionStore(path, write_process=False), url, since)
                assert threaded[1] == parsed, (threaded, parsed)
                runs["sqlite-thread"].append(threaded)
            if in_order:
                ordered = await into(in_order_store(work / f"o{round_}.db"), url, since)
                assert ordered[1] == parsed, (ordered, parsed)
                runs["sqlite-in-order"].append(ordered)
            if dsn is not None:
                async with fresh_database(dsn) as database:
                    pg = await into(PostgresSessionStore(database), url, since)
                assert pg[1] == parsed, (pg, parsed)
                runs["postgres"].append(pg)
        if profile:
            await show_profile(url, since, work)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if pg_server is not None:
            pg_server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return summarise(sessions, repeats, runs)


async def show_profile(url: str, since: datetime, work: Path) -> None:
    """cProfile's reading of the event-loop thread during one SQLite sync."""
    profiler = cProfile.Profile()
    profiler.enable()
    await into(SQLiteSessionStore(work / "profiled.db"), url, since)
    profiler.disable()
    enc_s, enc_n = await encode_seconds(url, since)
    print(f"encoding rows alone: {enc_n / enc_s:.0f} sessions/s")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(sessions: int, repeats: int, runs: dict[str, list[Run]]) -> dict[str, Any]:
    """Median, min and max of sessions/s and rows/s per variant; ratios of medians."""
    variants: dict[str, Any] = {}
    for variant, items in runs.items():
        if not items:
            variants[variant] = None  # no PostgreSQL server to be had
            continue
        variants[variant] = {
            "sessions": items[0][1],
            "rows": items[0][2],
            "sessions_s": _spread([n / s for s, n, _ in items]),
            "rows_s": _spread([r / s for s, _, r in items]),
        }
    base = variants["parse"]["sessions_s"]["median"]
    for figures in variants.values():
        if figures is not None:
            figures["ratio"] = figures["sessions_s"]["median"] / base
    return {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "sessions": sessions,
        "repeats": repeats,
        "baseline": "parse",
        "target_ratio": 0.7,
        "variants": variants,
    }


def table(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| variant | sessions/s median (min-max) | rows/s median (min-max) | ratio to parse-only |",
        "| --- | --- | --- | --- |",
    ]
    for variant, f in results["variants"].items():
        if f is None:
            lines.append(f"| {variant} | skipped: no DATABASE_URL, no initdb/postgres | | |")
            continue
        s, r = f["sessions_s"], f["rows_s"]
        lines.append(
            f"| {variant} | {s['median']:.0f} ({s['min']:.0f}-{s['max']:.0f}) | "
            f"{r['median']:.0f} ({r['min']:.0f}-{r['max']:.0f}) | {f['ratio']:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_SESSIONS} sessions, medians of {QUICK_REPEATS}, about 15 s when quiet",
    )
    parser.add_argument("--sessions", type=int, default=30000)
    parser.add_argument("--repeats", type=int, help=f"default 5 ({QUICK_REPEATS} with --quick)")
    parser.add_argument("--json", default="bench_store.json", help="where to write the figures")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--thread-writer",
        action="store_true",
        help="also SQLite with write_process=False (its writes in a thread, as before)",
    )
    parser.add_argument(
        "--in-order",
        action="store_true",
        help="also SQLite inserting in window order, one transaction a window (as before)",
    )
    args = parser.parse_args(argv)
    sessions = QUICK_SESSIONS if args.quick else args.sessions
    repeats = args.repeats or (QUICK_REPEATS if args.quick else 5)
    command = command_of("bench_store", argv)
    results = asyncio.run(
        measure(sessions, repeats, args.profile, args.thread_writer, args.in_order)
    )
    results["command"] = command
    print(table(results))
    save(results, args.json)


if __name__ == "__main__":
    main()
