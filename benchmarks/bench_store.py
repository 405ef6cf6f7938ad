"""Sessions into a database: store throughput as a ratio of parse-only throughput.

The simulated appliance runs in its own process (``bomgar-async serve --bulk-sessions N``).
Three syncs of the same report, same windows and concurrency (``CatchUp()`` defaults):
  parse     ``sync.batches(...)``, sessions dropped (pull + streamed parsing only)
  sqlite    ``SQLiteSessionStore(tmp file).sync(...)``
  postgres  ``PostgresSessionStore(dsn).sync(...)`` ($DATABASE_URL, else a throw-away
            cluster started like the tests do; skipped when neither can be had)
  parse     again; the ratios are against the mean of the two parse-only rates
The target is a store run at >= 0.7x the parse-only rate (the store is not the bottleneck).
``--profile`` prints cProfile's top functions of the SQLite run's event-loop thread and
the time spent encoding rows (done in the worker thread, invisible to cProfile).

Run: python benchmarks/bench_store.py [--sessions 30000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def postgres_dsn(work: Path) -> tuple[str | None, object]:
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


def line(name: str, seconds: float, sessions: int, rows: int, base: float | None) -> None:
    ratio = f"{(sessions / seconds) / base:5.2f}x parse-only" if base else ""
    print(
        f"{name:9}: {sessions / seconds:8.0f} sessions/s {rows / seconds:9.0f} rows/s "
        f"({seconds:6.2f} s) {ratio}"
    )


async def main(sessions: int, profile: bool) -> None:
    server, url = start_simulator("--bulk-sessions", str(sessions))
    since = datetime.now(timezone.utc) - timedelta(days=60)
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    pg_server = None
    try:
        parse_s, parsed = await parse_only(url, since)
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        lite = await into(SQLiteSessionStore(work / "s.db"), url, since)
        if profiler:
            profiler.disable()
        assert lite[1] == parsed, (lite[1], parsed)
        dsn, pg_server = postgres_dsn(work)
        pg = None if dsn is None else await into(PostgresSessionStore(dsn), url, since)
        assert pg is None or pg[1] == parsed, (pg, parsed)
        again_s, again = await parse_only(url, since)
        base = (parsed / parse_s + again / again_s) / 2  # the load of the machine moves it
        line("parse", parse_s, parsed, 0, base)
        line("sqlite", *lite, base)
        if pg is None:
            print("postgres : skipped (no DATABASE_URL and no initdb/postgres binaries)")
        else:
            line("postgres", *pg, base)
        line("parse", again_s, again, 0, base)
        print("(ratios against the mean rate of the two parse-only runs)")
        if profiler:
            enc_s, enc_n = await encode_seconds(url, since)
            print(f"encoding rows alone: {enc_n / enc_s:.0f} sessions/s")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if pg_server is not None:
            pg_server.stop()  # type: ignore[attr-defined]
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.profile))
