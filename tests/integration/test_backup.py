"""bg.backup.download against the simulator: complete files or nothing at all."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import (
    BomgarAuthError,
    BomgarClient,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarTransportError,
    BomgarValidationError,
    DownloadResult,
)
from bomgar_async.simulator import (
    Fault,
    Simulator,
)
from bomgar_async.simulator.files import backup_bytes

SIZE = 3 * (1 << 20) + 12345  # not a multiple of the chunk size


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=5, backup_size=SIZE) as simulator:
        yield simulator


def client(
    sim: Simulator, user: str = "admin", password: str = "s3cret-admin", **kw: Any
) -> BomgarClient:
    kw.setdefault("retry_backoff", 0.0)
    return BomgarClient(sim.url, username=user, password=password, allow_http=True, **kw)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_complete_backup(sim: Simulator, tmp_path: Path) -> None:
    dest = tmp_path / "nightly.nsb"
    async with client(sim) as bg:
        result = await bg.backup.download(dest)
    expected = backup_bytes(5, SIZE)
    assert isinstance(result, DownloadResult)
    assert result.path == dest and result.size == SIZE
    assert result.sha256 == hashlib.sha256(expected).hexdigest()
    assert dest.read_bytes() == expected
    assert leftovers(tmp_path) == ["nightly.nsb"]
    record = sim.requests[0]
    assert record.path == "/api/backup.ns" and record.method == "POST"
    assert "s3cret-admin" not in record.raw_url


async def test_a_body_cut_once_is_retried_from_the_start(sim: Simulator, tmp_path: Path) -> None:
    sim.add_fault(Fault("truncate", times=1))
    async with client(sim) as bg:
        result = await bg.backup.download(tmp_path / "b.nsb")
    assert result.size == SIZE
    assert len(sim.requests) == 2
    assert leftovers(tmp_path) == ["b.nsb"]


async def test_a_truncated_backup_leaves_the_old_file_untouched(
    sim: Simulator, tmp_path: Path
) -> None:
    dest = tmp_path / "b.nsb"
    dest.write_bytes(b"yesterday's complete backup")
    sim.add_fault(Fault("truncate", times=None))
    async with client(sim, retries=2) as bg:
        with pytest.raises(BomgarProtocolError):
            await bg.backup.download(dest)
    assert dest.read_bytes() == b"yesterday's complete backup"
    assert leftovers(tmp_path) == ["b.nsb"]
    assert len(sim.requests) == 3


async def test_a_dropped_connection_leaves_no_file(sim: Simulator, tmp_path: Path) -> None:
    sim.add_fault(Fault("drop", times=None))
    async with client(sim, retries=1) as bg:
        with pytest.raises(BomgarTransportError):
            await bg.backup.download(tmp_path / "b.nsb")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("user", "password", "error"),
    [("admin", "wrong", BomgarAuthError), ("readonly", "s3cret-ro", BomgarPermissionError)],
)
async def test_error_bodies_raise_and_write_nothing(
    sim: Simulator, tmp_path: Path, user: str, password: str, error: type[Exception]
) -> None:
    async with client(sim, user, password) as bg:
        with pytest.raises(error):
            await bg.backup.download(tmp_path / "b.nsb")
    assert leftovers(tmp_path) == []
    assert len(sim.requests) == 1  # an <error> answer is not retried


async def test_an_html_page_instead_of_a_file(sim: Simulator, tmp_path: Path) -> None:
    sim.add_fault(Fault("non_xml", times=None))
    async with client(sim) as bg:
        with pytest.raises(BomgarProtocolError, match="HTML"):
            await bg.backup.download(tmp_path / "b.nsb")
    assert leftovers(tmp_path) == []


async def test_cancelled_download_leaves_nothing(tmp_path: Path) -> None:
    async with Simulator(seed=1, backup_size=64 << 20) as sim, client(sim) as bg:
        task = asyncio.create_task(bg.backup.download(tmp_path / "big.nsb"))
        while not any(p.suffix == ".part" for p in tmp_path.iterdir()):
            await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert leftovers(tmp_path) == []


async def test_oauth_backup_refreshes_an_expired_token_once(tmp_path: Path) -> None:
    async with (
        Simulator(seed=5, backup_size=1000) as sim,
        BomgarClient(
            sim.url, client_id="api-client", client_secret="s3cret-oauth", allow_http=True
        ) as bg,
    ):
        await bg.backup.download(tmp_path / "one.nsb")
        sim.expire_tokens()
        result = await bg.backup.download(tmp_path / "two.nsb")
    assert result.size == 1000
    assert [r.path for r in sim.requests].count("/oauth2/token") == 2


@pytest.mark.parametrize("bad", ["", "missing-folder/b.nsb", "."])
async def test_bad_destinations_send_nothing(sim: Simulator, tmp_path: Path, bad: str) -> None:
    dest = bad if bad == "" else str(tmp_path / bad)
    async with client(sim) as bg:
        with pytest.raises(BomgarValidationError):
            await bg.backup.download(dest)
    assert sim.requests == []
