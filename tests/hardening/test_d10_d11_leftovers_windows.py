"""Defect 10: temp files left by a killed process are removed before the next download or
checkpoint write into the same folder (those still in use are kept). Defect 11: windows are
generated lazily and an absurd number of them is refused."""

from __future__ import annotations

import fcntl
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import BomgarClient, BomgarValidationError, FileCheckpointStore
from bomgar_async._http.request import Request, Response
from bomgar_async.reporting.sync import SyncCheckpoint
from bomgar_async.reporting.time_range import MAX_WINDOWS, split_windows
from bomgar_async.testing import FakeTransport


def leave(folder: Path, name: str, size: int = 1000) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    return path


async def test_a_download_removes_stale_part_files_but_not_live_ones(tmp_path: Path) -> None:
    stale = leave(tmp_path, ".backup.nsb.k2j4h5g6.part")
    other_stale = leave(tmp_path, ".rec.flv.abcd_123.part")
    live = leave(tmp_path, ".backup.nsb.zzzz9999.part")
    mine = leave(tmp_path, ".notes.txt")  # not our pattern
    live_fd = os.open(live, os.O_RDWR)
    fcntl.flock(live_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a download still running
    try:
        transport = FakeTransport(lambda _r: Response(200, {}, b"\x1f\x8bbackup-bytes"))
        async with BomgarClient(
            "appliance.example", username="api", password="pw", transport=transport
        ) as bg:
            await bg.backup.download(tmp_path / "backup.nsb")
        assert not stale.exists()
        assert not other_stale.exists()
        assert live.exists()
        assert mine.exists()
    finally:
        os.close(live_fd)


async def test_a_checkpoint_write_removes_stale_temp_files(tmp_path: Path) -> None:
    stale = leave(tmp_path, ".sync.ckpt.a1b2c3d4.tmp")
    store = FileCheckpointStore(tmp_path / "sync.ckpt")
    checkpoint = SyncCheckpoint(cursor=datetime(2024, 1, 1, tzinfo=timezone.utc))
    await store.save(checkpoint)
    assert not stale.exists()
    assert await store.load() == checkpoint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sync.ckpt"]


def test_windows_are_lazy_and_bounded() -> None:
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    started = time.perf_counter()
    with pytest.raises(BomgarValidationError, match=str(MAX_WINDOWS)):
        split_windows(since, since + timedelta(days=30), timedelta(seconds=1))
    assert time.perf_counter() - started < 0.5  # 2.6 M windows took 7.5 s
    windows = split_windows(since, since + timedelta(hours=1), timedelta(minutes=7))
    assert len(windows) == 9
    assert windows[0] == (since, since + timedelta(minutes=7))
    assert windows[-1] == (since + timedelta(minutes=56), since + timedelta(hours=1))


async def test_a_windowed_report_refuses_too_many_windows_before_any_request() -> None:
    def never(request: Request) -> Response:
        raise AssertionError(request)

    async with BomgarClient(
        "appliance.example", username="api", password="pw", transport=FakeTransport(never)
    ) as bg:
        since = datetime(2024, 1, 1, tzinfo=timezone.utc)
        started = time.perf_counter()
        with pytest.raises(BomgarValidationError):
            bg.reporting.support_sessions(
                since, since + timedelta(days=30), window=timedelta(seconds=1)
            )
        assert time.perf_counter() - started < 0.5  # 2.6 M windows took 7.5 s
