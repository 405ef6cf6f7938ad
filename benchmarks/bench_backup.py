"""Streaming a large backup to disk: throughput and peak memory, next to buffering it.

The simulated appliance runs in a separate process (``bomgar-async serve``) so that only the
client's memory is measured. Two downloads of the same backup, in this order:
  streamed  bg.backup.download(dest): chunks to a temp file, fsync, rename
  buffered  a plain aiohttp POST + ``await response.read()`` + write (the baseline)
Peak RSS is read from getrusage (it only grows, which is why the streamed run goes first).

Run: python benchmarks/bench_backup.py [--size-mb 256]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient

MB = 1 << 20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def streamed(url: str, dest: Path) -> tuple[float, str]:
    async with BomgarClient(url, username="admin", password="s3cret-admin", allow_http=True) as bg:
        started = time.perf_counter()
        result = await bg.backup.download(dest)
        return time.perf_counter() - started, result.sha256


async def buffered(url: str, dest: Path) -> tuple[float, str]:
    form = {"username": "admin", "password": "s3cret-admin"}
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        async with session.post(url + "/api/backup.ns", data=form) as response:
            body = await response.read()
        dest.write_bytes(body)
        return time.perf_counter() - started, hashlib.sha256(body).hexdigest()


async def main(size_mb: int) -> None:
    server, url = start_simulator("--backup-size", str(size_mb * MB))
    try:
        with tempfile.TemporaryDirectory() as folder:
            base_rss = peak_rss_mb()
            seconds, digest = await streamed(url, Path(folder) / "streamed.nsb")
            streamed_rss = peak_rss_mb()
            buffered_seconds, buffered_digest = await buffered(url, Path(folder) / "buffered.nsb")
            buffered_rss = peak_rss_mb()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert digest == buffered_digest, "the two downloads differ"
    streamed_growth = streamed_rss - base_rss
    buffered_growth = buffered_rss - streamed_rss
    print(f"backup size: {size_mb} MB (identical SHA-256 both ways)")
    rate, buffered_rate = size_mb / seconds, size_mb / buffered_seconds
    print(f"streamed : {rate:8.1f} MB/s, peak RSS growth {streamed_growth:7.1f} MB")
    print(f"buffered : {buffered_rate:8.1f} MB/s, peak RSS growth {buffered_growth:7.1f} MB")
    print(
        f"ratios   : throughput {buffered_seconds / seconds:.2f}x the baseline; "
        f"peak RSS growth {streamed_growth / max(buffered_growth, 0.1):.3f}x the baseline; "
        f"streamed growth is {streamed_growth / size_mb:.3f}x the file size"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=256)
    asyncio.run(main(parser.parse_args().size_mb))
