"""Pulling a large SupportSession report: streamed parsing vs parsing the whole body.

The simulated appliance runs in a separate process (``bomgar-async serve --bulk-sessions N``)
so that only the client's memory is measured. Two pulls of the same report, in this order:
  streamed  ``bg.reporting.support_sessions(since)``: sessions parsed while the body arrives
  buffered  a plain aiohttp POST + ``await response.read()`` + ``xmltodict.parse`` (baseline)
Peak RSS comes from getrusage (it only grows, which is why the streamed pull goes first).

Run: python benchmarks/bench_reporting.py [--sessions 30000]   (30000 sessions ~ 220 MB)
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import xmltodict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient

MB = 1 << 20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def streamed(url: str, since: datetime) -> tuple[float, int]:
    async with BomgarClient(url, username="admin", password="s3cret-admin", allow_http=True) as bg:
        started = time.perf_counter()
        count = 0
        async for _session in bg.reporting.support_sessions(since):
            count += 1
        return time.perf_counter() - started, count


async def buffered(url: str, since: datetime) -> tuple[float, int, int]:
    form = {
        "username": "admin",
        "password": "s3cret-admin",
        "generate_report": "SupportSession",
        "start_time": str(int(since.timestamp())),
        "duration": "0",
    }
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1800)) as session:
        started = time.perf_counter()
        async with session.post(url + "/api/reporting.ns", data=form) as response:
            body = await response.read()
        parsed = xmltodict.parse(body, force_list=("session",))
        count = len(parsed["session_list"]["session"])
        return time.perf_counter() - started, count, len(body)


async def main(sessions: int) -> None:
    server, url = start_simulator("--bulk-sessions", str(sessions))
    since = datetime.now(timezone.utc) - timedelta(days=60)
    try:
        base = peak_rss_mb()
        stream_seconds, stream_count = await streamed(url, since)
        after_stream = peak_rss_mb()
        buffer_seconds, buffer_count, size = await buffered(url, since)
        after_buffer = peak_rss_mb()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert stream_count == buffer_count, (stream_count, buffer_count)
    size_mb = size / MB
    stream_growth = after_stream - base
    buffer_growth = after_buffer - after_stream
    print(f"report: {size_mb:.0f} MB, {stream_count} sessions (both pulls agree)")
    print(
        f"streamed : {size_mb / stream_seconds:7.1f} MB/s, peak RSS growth {stream_growth:8.1f} MB"
    )
    print(
        f"buffered : {size_mb / buffer_seconds:7.1f} MB/s, peak RSS growth {buffer_growth:8.1f} MB"
    )
    print(
        f"ratios   : throughput {buffer_seconds / stream_seconds:.2f}x the baseline; "
        f"peak RSS growth {stream_growth / max(buffer_growth, 0.1):.3f}x the baseline, "
        f"{stream_growth / size_mb:.3f}x the report size"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30000)
    asyncio.run(main(parser.parse_args().sessions))
