"""``SQLiteSessionStore``: sessions in an SQLite file (stdlib ``sqlite3``, no server).

One worker thread owns the two connections (one writes, one reads) and runs every
statement, so the event loop never blocks on the database; it inserts each chunk of rows
while the store's encoder thread encodes the next (see :mod:`~bomgar_async.store.base`).
The file is in WAL mode with ``synchronous=FULL``: a committed batch survives a crash of
the process or of the machine. Each batch is one ``BEGIN IMMEDIATE`` transaction (SQLite's
write lock), its statements run one chunk at a time by the worker thread; it rolls back
when the batch fails or is cancelled (and, should the process die, SQLite drops what was
not committed). A batch's transaction spans several calls of the worker thread (chunk by
chunk), so the store's own reads (``sessions``, ``session``, ``load_checkpoint``,
``schema_version``) go through the second connection and see only committed batches, and a
second write through the same store waits for the open transaction to end.

The sync lock is an exclusive ``flock`` on ``<path>.sync-lock``, held for a whole run: the
kernel drops it when the holder dies, so a killed sync never blocks the next one. Each
batch also checks, inside its transaction, that the stored checkpoint is still the one the
run started from.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from ..errors import BomgarConfigError, BomgarValidationError
from ..reporting.sync import SyncCheckpoint
from .base import SessionStore
from .errors import BomgarStoreError, SyncConflictError, SyncLockedError
from .query import SessionQuery, select_lsids
from .rows import SQLITE_VALUES, Parts, Row, Rows
from .schema import CHECKPOINTS, CHILD_TABLES, MIGRATIONS, SESSIONS, ddl

__all__ = ["SQLiteSessionStore"]

T = TypeVar("T")
_CHUNK = 500  # host parameters per IN (...) list


def _now_text() -> str:
    return SQLITE_VALUES.ts(datetime.now(timezone.utc))  # type: ignore[no-any-return]


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _in(values: list[str]) -> str:
    return ",".join("?" * len(values))


class SQLiteSessionStore(SessionStore):
    """Sessions in the SQLite file ``path`` (created with its schema when missing).

    Args:
        path: the database file.
        busy_timeout: how long a statement waits for another connection's write lock.
    """

    values = SQLITE_VALUES
    # Whole batches, each written while the next is pulled: writing each window while it
    # is parsed measured slower here (sqlite3 binds rows holding the GIL, which the
    # parsing event loop needs; benchmarks part store).
    _write_while_pulled = False

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0) -> None:
        if str(path) in ("", ":memory:"):
            raise BomgarValidationError("SQLiteSessionStore needs a file path")
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._writing = asyncio.Lock()

    def __repr__(self) -> str:
        return f"SQLiteSessionStore({str(self.path)!r})"

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            raise BomgarStoreError("the store is not open (use 'async with store:')")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, function, *args)
        except sqlite3.Error as err:
            raise BomgarStoreError(f"SQLite failed: {err}") from err

    async def open(self) -> None:
        """Open the file and apply the missing schema versions."""
        if self._executor is not None:
            return
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="bomgar-sqlite")
        try:
            await self._run(self._open)
        except BaseException:
            await self.close()
            raise

    def _open(self) -> None:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        self._conn = conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                " applied_at TEXT NOT NULL)"
            )
            have = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            newest = MIGRATIONS[-1][0]
            if have > newest:
                raise BomgarStoreError(f"the database has schema version {have}; this SDK {newest}")
            for version, description in MIGRATIONS:
                if version > have:
                    for statement in ddl("sqlite") if version == 1 else ():
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO schema_version VALUES (?, ?, ?)",
                        (version, description, _now_text()),
                    )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._reader = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        self._reader.execute("PRAGMA query_only=1")

    async def close(self) -> None:
        """Close the connection and stop the worker thread."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        self._stop_encoder()
        for conn in (self._reader, self._conn):
            if conn is not None:
                await asyncio.get_running_loop().run_in_executor(executor, conn.close)
        self._conn = self._reader = None
        executor.shutdown(wait=True)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise BomgarStoreError("the store is not open")
        return self._conn

    def _read_db(self) -> sqlite3.Connection:
        """The reading connection: it sees committed transactions only."""
        if self._reader is None:
            raise BomgarStoreError("the store is not open")
        return self._reader

    async def schema_version(self) -> int:
        """The newest schema version applied to the file."""

        def read() -> int:
            db = self._read_db()
            return int(db.execute("SELECT max(version) FROM schema_version").fetchone()[0])

        return await self._run(read)

    async def load_checkpoint(self, name: str = "rs") -> SyncCheckpoint | None:
        """The checkpoint stored under ``name``."""
        text = await self._run(self._checkpoint_text, name, self._read_db)
        return None if text is None else SyncCheckpoint.from_json(text)

    def _checkpoint_text(
        self, name: str, db: Callable[[], sqlite3.Connection] | None = None
    ) -> str | None:
        sql = "SELECT checkpoint FROM sync_checkpoints WHERE name = ?"
        row = (db or self._db)().execute(sql, (name,))
        found = row.fetchone()
        return None if found is None else str(found[0])

    @asynccontextmanager
    async def sync_lock(self, name: str, timeout: float) -> AsyncIterator[None]:
        """An exclusive ``flock`` on ``<path>.sync-lock`` (see the module docstring);
        ``name`` is not needed: one sync writes to a file at a time."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            raise BomgarConfigError("the SQLite sync lock needs a POSIX system (flock)") from None
        fd = os.open(f"{self.path}.sync-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise SyncLockedError(
                            f"another sync is writing to {self.path} (waited {timeout:g} s)"
                        ) from None
                    await asyncio.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @asynccontextmanager
    async def _transaction(
        self, expected: tuple[str, str | None] | None
    ) -> AsyncIterator[_SQLiteWriter]:
        async with self._writing:  # one write transaction at a time per store
            try:
                await self._run(self._begin, expected)
                yield _SQLiteWriter(self, _now_text())
                await self._run(self._db().execute, "COMMIT")
            except BaseException:
                await self._rollback()
                raise

    def _begin(self, expected: tuple[str, str | None] | None) -> None:
        conn = self._db()
        conn.execute("BEGIN IMMEDIATE")
        if expected is not None:
            name, text = expected
            if self._checkpoint_text(name) != text:
                raise SyncConflictError(f"the checkpoint {name!r} changed under this sync")

    async def _rollback(self) -> None:
        """Roll the open transaction back, after whatever the worker thread is running;
        a second cancellation does not stop it."""
        conn, executor = self._conn, self._executor
        if conn is None or executor is None:
            return

        def rollback() -> None:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

        await asyncio.shield(asyncio.wrap_future(executor.submit(rollback)))

    def _add_sync(self, rows: Rows, stored: str) -> int:
        conn, sessions = self._db(), rows.tables[SESSIONS.name]
        revisions: dict[str, int] = {}
        for chunk in _chunks([row[0] for row in sessions]):
            query = f"SELECT lsid, revision FROM sessions WHERE lsid IN ({_in(chunk)})"  # noqa: S608
            revisions.update(conn.execute(query, chunk).fetchall())
        if revisions:
            replaced = list(revisions)
            for table in (SESSIONS, *CHILD_TABLES):
                for chunk in _chunks(replaced):
                    delete = f"DELETE FROM {table.name} WHERE lsid IN ({_in(chunk)})"  # noqa: S608
                    conn.execute(delete, chunk)
        session_rows = [(*row, revisions.get(row[0], 0) + 1, stored) for row in sessions]
        conn.executemany(_insert(SESSIONS.name, len(SESSIONS.columns)), session_rows)
        for table in CHILD_TABLES:
            if rows.tables[table.name]:
                conn.executemany(_insert(table.name, len(table.columns)), rows.tables[table.name])
        return rows.count()

    def _move_sync(self, name: str, checkpoint: str, stored: str) -> None:
        cursor = SQLITE_VALUES.ts(SyncCheckpoint.from_json(checkpoint).cursor)
        self._db().execute(
            f"INSERT INTO {CHECKPOINTS.name} VALUES (?, ?, ?, ?) ON CONFLICT(name)"  # noqa: S608
            " DO UPDATE SET checkpoint = excluded.checkpoint, cursor = excluded.cursor,"
            " updated_at = excluded.updated_at",
            (name, checkpoint, cursor, stored),
        )

    async def _select(self, query: SessionQuery) -> list[str]:
        sql, params = select_lsids(query, "?")
        return await self._run(lambda: [r[0] for r in self._read_db().execute(sql, params)])

    async def _load(self, lsids: list[str]) -> tuple[list[Row], Parts]:
        return await self._run(self._load_sync, lsids)

    def _load_sync(self, lsids: list[str]) -> tuple[list[Row], Parts]:
        conn = self._read_db()
        conn.execute("BEGIN")  # one snapshot for the session rows and their parts
        try:
            return self._load_rows(conn, lsids)
        finally:
            conn.execute("COMMIT")

    @staticmethod
    def _load_rows(conn: sqlite3.Connection, lsids: list[str]) -> tuple[list[Row], Parts]:
        marks = _in(lsids)
        found = {
            row[0]: row
            for row in conn.execute(f"SELECT * FROM sessions WHERE lsid IN ({marks})", lsids)  # noqa: S608
        }
        parts = Parts()
        for table in CHILD_TABLES:
            order = ", ".join(table.key)
            sql = f"SELECT * FROM {table.name} WHERE lsid IN ({marks}) ORDER BY {order}"  # noqa: S608
            parts.add(table.name, conn.execute(sql, lsids).fetchall())
        return [found[lsid] for lsid in lsids if lsid in found], parts


class _SQLiteWriter:
    """One write transaction's statements, each run in the store's worker thread."""

    def __init__(self, store: SQLiteSessionStore, stored: str) -> None:
        self._store = store
        self._stored = stored

    async def add(self, rows: Rows) -> int:
        """Replace the stored rows of ``rows``' sessions with ``rows``."""
        return await self._store._run(self._store._add_sync, rows, self._stored)

    async def move(self, name: str, checkpoint: str) -> None:
        """Store ``checkpoint`` under ``name``."""
        await self._store._run(self._store._move_sync, name, checkpoint, self._stored)


def _insert(table: str, width: int) -> str:
    return f"INSERT INTO {table} VALUES ({','.join('?' * width)})"  # noqa: S608
