"""What opening an SQLite store sets up and what its errors say (issue 16): WAL and
``synchronous=FULL``, the busy timeout (default 30 s, and a statement really waits that long
for another writer's lock), the ``schema_version`` rows, a newer schema refused, a failed
open rolled back and the store left closed, the worker thread, and a clean close."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import BomgarValidationError
from bomgar_async.store import BomgarStoreError, SQLiteSessionStore, SyncConflictError
from bomgar_async.store.schema import MIGRATIONS

UTC = timezone.utc
NOT_OPEN = r"^the store is not open \(use 'async with store:'\)$"


def _pragma(store: SQLiteSessionStore, name: str) -> object:
    """A PRAGMA's value on the store's writing connection."""
    return store._writer().query(f"PRAGMA {name}")[0][0]


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


async def test_open_sets_up_wal_full_sync_and_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    assert SQLiteSessionStore(path).busy_timeout == 30.0
    async with SQLiteSessionStore(path) as default:
        assert isinstance(default, SQLiteSessionStore)
        assert await default._run(_pragma, default, "busy_timeout") == 30_000  # ms
        assert await default._run(_pragma, default, "synchronous") == 2  # FULL
    async with SQLiteSessionStore(path, busy_timeout=1.5) as store:
        assert isinstance(store, SQLiteSessionStore)
        assert await store._run(_pragma, store, "busy_timeout") == 1_500
    conn = sqlite3.connect(path)
    try:  # WAL is a property of the file: another connection sees it
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


async def test_a_write_waits_busy_timeout_for_another_writer_then_fails(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with SQLiteSessionStore(path, busy_timeout=0.4) as store:
            other.execute("BEGIN IMMEDIATE")  # holds the write lock
            started = time.monotonic()
            with pytest.raises(BomgarStoreError, match=r"^SQLite failed: database is locked$"):
                await store.write([])
            waited = time.monotonic() - started
            other.execute("ROLLBACK")
            assert await store.write([]) == 0  # the lock released: writes go through again
        assert 0.3 <= waited < 3.0  # its own timeout: not sqlite3's default of 5 s
    finally:
        other.close()


async def test_open_records_the_schema_version_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    async with SQLiteSessionStore(path):
        pass
    async with SQLiteSessionStore(path) as again:  # reopening applies nothing twice
        assert await again.schema_version() == MIGRATIONS[-1][0] == 1
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT version, description, applied_at FROM schema_version")
        ((version, description, applied_at),) = rows.fetchall()
    assert (version, description) == MIGRATIONS[0]
    applied = datetime.fromisoformat(applied_at).replace(tzinfo=UTC)  # UTC text
    assert before <= applied <= datetime.now(UTC)


async def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with SQLiteSessionStore(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (2, 'future', '2030-01-01 00:00:00')")
    store = SQLiteSessionStore(path)
    with pytest.raises(BomgarStoreError, match=r"^the database has schema version 2; this SDK 1$"):
        await store.open()
    with pytest.raises(BomgarStoreError, match=NOT_OPEN):  # the failed open left it closed
        await store.schema_version()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall() == [
            (1,),
            (2,),
        ]


async def test_a_failed_migration_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with sqlite3.connect(path) as conn:  # a table of that name, not ours
        conn.execute("CREATE TABLE session_events (x TEXT)")
    store = SQLiteSessionStore(path)
    with pytest.raises(
        BomgarStoreError, match=r"^SQLite failed: table session_events already exists$"
    ):
        await store.open()
    assert _tables(path) == {"session_events"}  # no half schema, no schema_version row
    with pytest.raises(BomgarStoreError, match=NOT_OPEN):
        await store.session("x")


async def test_a_file_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "missing" / "s.db")
    with pytest.raises(BomgarStoreError, match=r"^SQLite failed: unable to open database file$"):
        await store.open()
    with pytest.raises(BomgarStoreError, match=NOT_OPEN):
        await store.load_checkpoint()
    await store.close()  # closing a store that never opened is harmless


async def test_paths_that_are_no_file_are_refused() -> None:
    for path in ("", ":memory:"):
        with pytest.raises(BomgarValidationError, match=r"^SQLiteSessionStore needs a file path$"):
            SQLiteSessionStore(path)


async def test_repr_names_the_file_and_an_unopened_store_says_how_to_open(
    tmp_path: Path,
) -> None:
    store = SQLiteSessionStore(tmp_path / "s.db")
    assert repr(store) == f"SQLiteSessionStore({str(tmp_path / 's.db')!r})"
    with pytest.raises(BomgarStoreError, match=NOT_OPEN):
        await store.write([])
    assert not (tmp_path / "s.db").exists()  # nothing was created before open


async def test_a_moved_checkpoint_names_the_checkpoint(tmp_path: Path) -> None:
    async with SQLiteSessionStore(tmp_path / "s.db") as store:
        with pytest.raises(
            SyncConflictError, match=r"^the checkpoint 'rs' changed under this sync$"
        ):
            await store._write([], ("rs", "{}", '{"expected": "something"}'))
        assert await store.load_checkpoint() is None


def _workers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("bomgar-sqlite")}


async def test_one_named_worker_thread_while_open_and_a_clean_close(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    others = _workers()  # of stores other tests may still hold
    store = SQLiteSessionStore(path)
    await store.open()
    await store.open()  # opening twice keeps the one connection and thread
    await store.schema_version()
    (worker,) = _workers() - others
    await store.close()
    assert not worker.is_alive()  # close waited for the thread to end
    # the connection was closed: its write-ahead log was checkpointed into the file
    assert not Path(f"{path}-wal").exists()
    await store.close()
