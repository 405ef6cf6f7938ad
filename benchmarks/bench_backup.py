"""Downloading a large backup to disk: ``bg.backup.download`` next to bare aiohttp.

The simulator runs in its own process (``bomgar-async serve --backup-size``); each download
runs in a fresh worker process of its own (``benchmarks/workers.py``; aiohttp and the SDK,
which every variant imports, imported before the clock starts), so its peak RSS is its own
(``--quick``: one worker per variant for all its runs, the peak RSS the largest of them).
Variants:
  aiohttp-stream   a bare aiohttp POST, ``iter_chunked(64 KiB)`` written to a file (the
                   baseline: ratio 1.0)
  aiohttp-checked  the same, plus what the SDK promises on top: a SHA-256 of the bytes, the
                   ``Content-Length`` check, ``fsync`` and a rename into place
  aiohttp-buffered ``await response.read()``, then one write (the whole body in memory)
  bomgar_async     ``await bg.backup.download(dest)`` (temporary file, size check, SHA-256,
                   fsync, rename; retried from the start on failures)
The variants are interleaved (one run of each, then again), ``--repeats`` times; the table
shows MB/s (median, min-max), the ratio of the medians to the baseline and each variant's
peak RSS (max over its runs). Every run's SHA-256 must agree. JSON is written too.

Run: python -m benchmarks.bench_backup [--quick] [--size-mb 200] [--json bench_backup.json]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.output import command_of, save
from benchmarks.serve import start_simulator
from benchmarks.workers import Workers, serve

MB = 1 << 20
CHUNK = 64 << 10
VARIANTS = ("aiohttp-stream", "aiohttp-checked", "aiohttp-buffered", "bomgar_async")
BASELINE = "aiohttp-stream"
QUICK_MB = 8
USER, PASSWORD = "admin", "s3cret-admin"


async def _download(variant: str, url: str, dest: Path) -> str:
    """Download the backup to ``dest`` with ``variant``; its SHA-256 (hashed afterwards for
    the variants that do not hash as they go: outside the timed part)."""
    import aiohttp

    from bomgar_async import BomgarClient

    if variant == "bomgar_async":
        async with BomgarClient(url, username=USER, password=PASSWORD, allow_http=True) as bg:
            return (await bg.backup.download(dest)).sha256
    form = {"username": USER, "password": PASSWORD}
    timeout = aiohttp.ClientTimeout(total=3600, sock_read=120)
    connector = aiohttp.TCPConnector(force_close=True)
    async with (
        aiohttp.ClientSession(timeout=timeout, connector=connector) as session,
        session.post(url + "/api/backup.ns", data=form) as response,
    ):
        response.raise_for_status()
        if variant == "aiohttp-buffered":
            dest.write_bytes(await response.read())
            return ""
        if variant == "aiohttp-stream":
            with dest.open("wb") as out:
                async for chunk in response.content.iter_chunked(CHUNK):
                    out.write(chunk)
            return ""
        digest, size = hashlib.sha256(), 0
        partial = dest.with_name(dest.name + ".part")
        with partial.open("wb") as out:
            async for chunk in response.content.iter_chunked(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if response.content_length is not None and size != response.content_length:
            raise RuntimeError("the body was cut short")
        partial.replace(dest)
        return digest.hexdigest()


def _once(variant: str, url: str, dest: str) -> dict[str, Any]:
    """One download in this (worker) process: its figures."""
    target = Path(dest)
    started = time.perf_counter()
    digest = asyncio.run(_download(variant, url, target))
    seconds = time.perf_counter() - started
    if not digest:
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    size = target.stat().st_size
    target.unlink()
    return {"seconds": seconds, "bytes": size, "sha256": digest, "peak_rss_mb": peak}


def _serve() -> None:
    """``--serve``: a worker. What ``_download`` imports (aiohttp and the SDK, for every
    variant) is imported before any run, outside the timed part."""
    import aiohttp  # noqa: F401

    import bomgar_async  # noqa: F401

    serve(_once)


def _measure(size_mb: int, repeats: int, *, fresh: bool = True) -> dict[str, Any]:
    server, url = start_simulator("--backup-size", str(size_mb * MB))
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-backup-") as folder,
            Workers("benchmarks.bench_backup", fresh=fresh) as workers,
        ):
            workers.start({v: [] for v in VARIANTS})
            for repeat in range(repeats):
                shift = repeat % len(VARIANTS)
                for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                    dest = str(Path(folder) / f"{variant}.nsb")
                    runs[variant].append(workers.run(variant, [], [variant, url, dest]))
    finally:
        server.terminate()
        server.wait(timeout=10)
    digests = {run["sha256"] for samples in runs.values() for run in samples}
    sizes = {run["bytes"] for samples in runs.values() for run in samples}
    rates = {v: [run["bytes"] / MB / run["seconds"] for run in runs[v]] for v in VARIANTS}
    base = statistics.median(rates[BASELINE])
    figures = {
        variant: {
            "mb_s_median": round(statistics.median(rates[variant]), 1),
            "mb_s_min": round(min(rates[variant]), 1),
            "mb_s_max": round(max(rates[variant]), 1),
            "ratio": round(statistics.median(rates[variant]) / base, 3),
            "peak_rss_mb": round(max(run["peak_rss_mb"] for run in runs[variant]), 1),
        }
        for variant in VARIANTS
    }
    return {
        "size_mb": size_mb,
        "bytes": sizes.pop() if len(sizes) == 1 else None,
        "sha256_agree": len(digests) == 1,
        "variants": figures,
    }


def _table(results: dict[str, Any]) -> None:
    print(f"backup of {results['size_mb']} MB; SHA-256 agree: {results['sha256_agree']}")
    print("| variant | MB/s median (min-max) | ratio to aiohttp-stream | peak RSS MB |")
    print("| --- | --- | --- | --- |")
    for variant, f in results["variants"].items():
        print(
            f"| {variant} | {f['mb_s_median']:.1f} ({f['mb_s_min']:.1f}-{f['mb_s_max']:.1f}) | "
            f"{f['ratio']:.2f}x | {f['peak_rss_mb']:.0f} |"
        )


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"a {QUICK_MB} MB backup")
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default="bench_backup.json", help="where to write the figures")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # a worker
    args = parser.parse_args(argv)
    if args.serve:
        _serve()
        return
    size = QUICK_MB if args.quick else args.size_mb
    results = _measure(size, args.repeats, fresh=not args.quick)
    _table(results)
    command = command_of("bench_backup", argv)
    out = {"command": command, "quick": args.quick, "repeats": args.repeats}
    out["fresh_process_per_run"] = not args.quick
    out.update(results, baseline=BASELINE)
    save(out, args.json)


if __name__ == "__main__":
    main()
