"""The SQLite store's writer process (issue 12): writes go through a child process that
lives as long as the store, a dead writer is a typed error (never a hang), a writer whose
parent goes away rolls back and releases the sync lock, the frames of its protocol, and the
in-thread writer (``write_process=False``) doing the same job without a process."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import BomgarClient, BomgarValidationError, SupportSession
from bomgar_async.store import BomgarStoreError, SQLiteSessionStore, SyncLockedError
from bomgar_async.store.sqlite_link import ProcessLink
from bomgar_async.store.sqlite_writer import read_frame, release_flock, try_flock, write_frame

UTC = timezone.utc


def _writers() -> set[int]:
    """The pids of this process's children running the writer script."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        if ppid == os.getpid() and b"sqlite_writer.py" in command:
            found.add(int(entry))
    return found


async def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if pid not in _writers():
            return True
        await asyncio.sleep(0.02)
    return False


@asynccontextmanager
async def _with_writer(path: Path) -> AsyncIterator[tuple[SQLiteSessionStore, int]]:
    """An open store and the pid of its writer process."""
    before = _writers()
    async with SQLiteSessionStore(path) as store:
        assert isinstance(store, SQLiteSessionStore)
        (writer,) = _writers() - before
        yield store, writer


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


async def test_writes_go_through_one_child_process_that_ends_with_the_store(
    tmp_path: Path, history: list[SupportSession]
) -> None:
    before = _writers()
    store = SQLiteSessionStore(tmp_path / "s.db")
    assert store.write_process is True and store._write_while_pulled is True
    await store.open()
    (writer,) = _writers() - before
    assert await store.write(history) > len(history)
    assert {s.lsid: s async for s in _each(store)} == {s.lsid: s for s in history}
    assert _writers() - before == {writer}  # the same process wrote everything
    await store.close()
    assert writer not in _writers()  # close waited for it to end


async def _each(store: SQLiteSessionStore) -> AsyncIterator[SupportSession]:
    async for session in store.sessions(by="end"):
        yield session


async def test_in_thread_writer_does_the_same_without_a_process(
    tmp_path: Path, history: list[SupportSession]
) -> None:
    before = _writers()
    async with SQLiteSessionStore(tmp_path / "s.db", write_process=False) as store:
        assert isinstance(store, SQLiteSessionStore)
        assert _writers() == before
        await store.write(history)
        await store.write(history[:5])  # re-written sessions replace their rows
        assert {s.lsid: s async for s in _each(store)} == {s.lsid: s for s in history}
        async with store.sync_lock("rs", 1.0):
            other = SQLiteSessionStore(tmp_path / "s.db")
            with pytest.raises(SyncLockedError, match=r"^another sync is writing to "):
                async with other, other.sync_lock("rs", 0.2):
                    pass


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_write_process_is_true_or_false(tmp_path: Path, bad: object) -> None:
    with pytest.raises(BomgarValidationError, match=r"^write_process must be True or False"):
        SQLiteSessionStore(tmp_path / "s.db", write_process=bad)  # type: ignore[arg-type]


async def test_a_killed_writer_is_a_store_error_not_a_hang(
    tmp_path: Path, history: list[SupportSession]
) -> None:
    async with _with_writer(tmp_path / "s.db") as (store, writer):
        await store.write(history[:3])
        os.kill(writer, signal.SIGKILL)
        assert await _gone(writer)
        with pytest.raises(
            BomgarStoreError, match=r"^the SQLite writer process (ended|failed)"
        ) as failed:
            await asyncio.wait_for(store.write(history[3:6]), 10)
        assert failed.value.__context__ is None or not isinstance(
            failed.value.__context__, BomgarStoreError
        )  # the rollback after it did not fail too (the writer's end rolled back)
        # what was committed before stays readable
        assert len([s async for s in _each(store)]) == 3


async def test_a_writer_whose_parent_goes_rolls_back_and_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with SQLiteSessionStore(path):
        pass  # the schema
    lock = f"{path}.sync-lock"
    link = ProcessLink(str(path), 5.0)
    try:
        assert link.lock(lock)
        assert try_flock(lock) is None  # the child holds it
        link.run([("BEGIN IMMEDIATE", (), False)])
        insert = "INSERT INTO sync_checkpoints VALUES (?, ?, ?, ?)"
        at = "2026-01-01 00:00:00"
        link.run([(insert, ("rs", "{}", at, at), False)])
        link._requests.close()  # what the kernel does when the parent dies
        deadline = time.monotonic() + 10
        while (fd := try_flock(lock)) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert fd is not None
        release_flock(fd)
    finally:
        link.close()
    async with SQLiteSessionStore(path) as store:
        assert await store.load_checkpoint() is None  # the open transaction was rolled back


async def test_an_unknown_request_is_refused_by_name(tmp_path: Path) -> None:
    async with SQLiteSessionStore(tmp_path / "s.db"):
        pass
    link = ProcessLink(str(tmp_path / "s.db"), 5.0)
    try:
        with pytest.raises(
            BomgarStoreError, match=r"^the SQLite writer failed: ValueError: unknown op 'x'$"
        ):
            link.request("x")
        assert link.query("SELECT 1 + 1") == [(2,)]  # the writer goes on
    finally:
        link.close()


def test_frames_round_trip_and_a_cut_frame_is_the_end() -> None:
    stream = io.BytesIO()
    value = ("run", [("INSERT", [("a", 1, None, 2.5, True)], True)])
    write_frame(stream, value)
    write_frame(stream, ("ok", None))
    whole = stream.getvalue()
    assert read_frame(io.BytesIO(whole)) == value
    reader = io.BytesIO(whole)
    read_frame(reader)
    assert read_frame(reader) == ("ok", None)
    assert read_frame(reader) is None  # the end
    assert read_frame(io.BytesIO(whole[:5])) is None  # a cut header
    assert read_frame(io.BytesIO(whole[:20])) is None  # a cut body


@pytest.mark.parametrize("write_process", [True, False])
async def test_two_syncs_through_one_store_do_not_share_the_lock(
    tmp_path: Path, write_process: bool
) -> None:
    async with SQLiteSessionStore(tmp_path / "s.db", write_process=write_process) as store:
        async with store.sync_lock("rs", 1.0):
            with pytest.raises(SyncLockedError, match=r"\(waited 0.2 s\)$"):
                async with store.sync_lock("rs", 0.2):
                    pass
            assert try_flock(f"{tmp_path / 's.db'}.sync-lock") is None  # still held
        fd = try_flock(f"{tmp_path / 's.db'}.sync-lock")  # released when the first ends
        assert fd is not None
        release_flock(fd)


async def test_in_thread_writer_syncs_whole_batches_exactly_once(
    tmp_path: Path, bg: BomgarClient
) -> None:
    async with SQLiteSessionStore(tmp_path / "s.db", write_process=False) as store:
        assert isinstance(store, SQLiteSessionStore)
        assert store._write_while_pulled is False  # whole batches (see the store's docstring)
        since = datetime.now(UTC) - timedelta(days=45)
        result = await store.sync(bg.reporting.sync(since=since))
        expected = {s.lsid: s async for s in bg.reporting.support_sessions(since, by="end")}
        assert len(expected) > 50
        assert {s.lsid: s async for s in _each(store)} == expected
        assert result.sessions == len(expected)
        assert await store.load_checkpoint() == result.checkpoint
        assert (await store.sync(bg.reporting.sync(since=since))).sessions == 0


async def test_ctrl_c_in_a_terminal_leaves_the_writer_to_its_store(
    tmp_path: Path, history: list[SupportSession]
) -> None:
    async with _with_writer(tmp_path / "s.db") as (store, writer):
        os.kill(writer, signal.SIGINT)  # what Ctrl-C sends to the whole process group
        assert not await _gone(writer, within=0.5)
        assert await store.write(history[:4]) > 4  # the writer goes on
        assert len([s async for s in _each(store)]) == 4
    assert await _gone(writer)
