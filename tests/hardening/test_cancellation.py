"""Cancellation at random points (hundreds of runs) of calls, streams, windowed pulls and
downloads: no descriptor, task or temp file is left, and the client works afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from bomgar_async import BomgarClient

from .faults import FILE, INFO, SESSIONS
from .servers import open_fds, raw_server, read_request

RUNS = 320


async def slow_appliance(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers in four pieces a few milliseconds apart, so cancellations land everywhere."""
    head = await read_request(reader)
    body = SESSIONS if b"reporting" in head else FILE if b"backup" in head else INFO
    await asyncio.sleep(0.002)
    writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    step = len(body) // 4 + 1
    for start in range(0, len(body), step):
        writer.write(body[start : start + step])
        await writer.drain()
        await asyncio.sleep(0.002)


async def one(bg: BomgarClient, family: str, dest: Path) -> object:
    if family == "call":
        return await bg.command.get_api_info()
    if family == "stream":
        return [s async for s in bg.reporting.support_sessions(date(2024, 1, 1), date(2024, 1, 2))]
    if family == "windowed":
        pull = bg.reporting.support_sessions(
            date(2024, 1, 1), date(2024, 1, 5), window=timedelta(days=1), concurrency=2
        )
        return [s async for s in pull]
    return await bg.backup.download(dest)


@pytest.mark.timeout(120)
async def test_cancelling_anywhere_leaves_nothing_behind(tmp_path: Path) -> None:
    rng = random.Random(20241125)
    gc.collect()
    fds_before = open_fds()
    tasks_before = asyncio.all_tasks()
    cancelled = 0
    async with raw_server(slow_appliance) as url:
        async with BomgarClient(
            url, username="api", password="pw-Cancel-1", allow_http=True, cache=None
        ) as bg:
            for run in range(RUNS):
                family = ("call", "stream", "windowed", "download")[run % 4]
                task = asyncio.create_task(one(bg, family, tmp_path / "backup.nsb"))
                await asyncio.sleep(rng.uniform(0, 0.02))
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                cancelled += task.cancelled()
            assert (await bg.command.get_api_info()).api_version == "1.19.0"
            result = await bg.backup.download(tmp_path / "backup.nsb")
            assert result.size == len(FILE)
    assert cancelled > RUNS // 3  # most runs were really cut somewhere
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.nsb"]
    for _ in range(100):
        gc.collect()
        if open_fds() <= fds_before:
            break
        await asyncio.sleep(0.01)
    assert open_fds() <= fds_before
    assert asyncio.all_tasks() - tasks_before - {asyncio.current_task()} == set()
