"""``SQLiteSessionStore``: sessions in an SQLite file (stdlib ``sqlite3``, no server).

The writes run in a process of their own (:mod:`~bomgar_async.store.sqlite_writer`: one
connection, fed by the store's worker thread), so inserting a batch uses the other core
instead of taking Python's GIL from the event loop that parses the next one
(``write_process=False`` runs them in the worker thread instead). The worker thread also
owns the reading connection, so the event loop never blocks on the database.
The file is in WAL mode with ``synchronous=FULL``: a committed batch survives a crash of
the process or of the machine. Each batch is one ``BEGIN IMMEDIATE`` transaction (SQLite's
write lock), its rows sent one chunk at a time as they are encoded; it rolls back when the
batch fails or is cancelled (and, should the process die, the writer sees its input end and
rolls back; SQLite drops what was not committed). A batch's transaction spans several
requests, so the store's own reads (``sessions``, ``session``, ``load_checkpoint``,
``schema_version``) go through the reading connection and see only committed batches, and a
second write through the same store waits for the open transaction to end.

The sync lock is an exclusive ``flock`` on ``<path>.sync-lock`` held by the writer for a
whole run: the kernel drops it when the holder dies, so a killed sync never blocks the next
one (and it outlives the parent only as long as the writer finishes its transaction). Each
batch also checks, inside its transaction, that the stored checkpoint is still the one the
run started from.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..errors import BomgarConfigError, BomgarValidationError
from ..reporting.sync import SyncCheckpoint
from .base import SessionStore
from .errors import BomgarStoreError, SyncConflictError, SyncLockedError
from .query import SessionQuery, select_lsids
from .rows import SQLITE_VALUES, Parts, Row, Rows
from .schema import CHECKPOINTS, CHILD_TABLES, SESSIONS
from .sqlite_link import LocalLink, ProcessLink, Step, WriterLink
from .sqlite_sql import (
    BEGIN,
    CHECKPOINT_SQL,
    COMMIT,
    chunks,
    in_marks,
    insert_sql,
    load_rows,
    migrate,
    now_text,
)
from .sqlite_writer import open_writer_connection

__all__ = ["SQLiteSessionStore"]

T = TypeVar("T")


class SQLiteSessionStore(SessionStore):
    """Sessions in the SQLite file ``path`` (created with its schema when missing).

    Args:
        path: the database file.
        busy_timeout: how long a statement waits for another connection's write lock.
        write_process: write through a child process (the default; see the module
            docstring); ``False`` writes in the store's worker thread (no process is
            started, for programs that cannot start one).
    """

    values = SQLITE_VALUES

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 30.0,
        write_process: bool = True,
    ) -> None:
        if str(path) in ("", ":memory:"):
            raise BomgarValidationError("SQLiteSessionStore needs a file path")
        if not isinstance(write_process, bool):
            raise BomgarValidationError(
                f"write_process must be True or False, not {write_process!r}"
            )
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.write_process = write_process
        # With the writer process, each window is written while it is pulled; in the
        # worker thread, whole batches measured faster (its row binding holds the GIL the
        # parsing loop needs; benchmarks part store)
        self._write_while_pulled = write_process
        self._executor: ThreadPoolExecutor | None = None
        self._link: WriterLink | None = None
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

    async def _run_shielded(self, function: Callable[[WriterLink], None]) -> None:
        """``function(link)`` after whatever the worker thread is running; a cancellation
        does not stop it (a rollback, an unlock)."""
        link, executor = self._link, self._executor
        if link is None or executor is None:
            return
        await asyncio.shield(asyncio.wrap_future(executor.submit(function, link)))

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
        conn = open_writer_connection(str(self.path), self.busy_timeout)
        try:
            migrate(conn)
        finally:
            conn.close()
        self._reader = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        self._reader.execute("PRAGMA query_only=1")
        link = ProcessLink if self.write_process else LocalLink
        self._link = link(str(self.path), self.busy_timeout)

    async def close(self) -> None:
        """Close the connections and stop the writer and the worker thread."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        self._stop_encoder()
        link, reader, self._link, self._reader = self._link, self._reader, None, None
        loop = asyncio.get_running_loop()
        for done in (link.close if link else None, reader.close if reader else None):
            if done is not None:
                await loop.run_in_executor(executor, done)
        executor.shutdown(wait=True)

    def _writer(self) -> WriterLink:
        if self._link is None:
            raise BomgarStoreError("the store is not open")
        return self._link

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

        def read() -> list[tuple[Any, ...]]:
            return self._read_db().execute(CHECKPOINT_SQL, (name,)).fetchall()

        found = await self._run(read)
        return SyncCheckpoint.from_json(found[0][0]) if found else None

    @asynccontextmanager
    async def sync_lock(self, name: str, timeout: float) -> AsyncIterator[None]:
        """An exclusive ``flock`` on ``<path>.sync-lock`` (see the module docstring);
        ``name`` is not needed: one sync writes to a file at a time."""
        try:
            import fcntl  # noqa: F401 - only to tell a system without flock
        except ImportError:  # pragma: no cover - not POSIX
            raise BomgarConfigError("the SQLite sync lock needs a POSIX system (flock)") from None
        lock_path = f"{self.path}.sync-lock"
        deadline = time.monotonic() + timeout
        while not await self._run(self._writer().lock, lock_path):
            if time.monotonic() >= deadline:
                raise SyncLockedError(
                    f"another sync is writing to {self.path} (waited {timeout:g} s)"
                )
            await asyncio.sleep(0.05)
        try:
            yield
        finally:
            await self._run_shielded(lambda link: link.unlock())

    @asynccontextmanager
    async def _transaction(
        self, expected: tuple[str, str | None] | None
    ) -> AsyncIterator[_SQLiteWriter]:
        async with self._writing:  # one write transaction at a time per store
            try:
                await self._run(self._begin, expected)
                yield _SQLiteWriter(self, now_text())
                await self._run(self._writer().run, [COMMIT])
            except BaseException:
                await self._run_shielded(lambda link: link.rollback())
                raise

    def _begin(self, expected: tuple[str, str | None] | None) -> None:
        link = self._writer()
        link.run([BEGIN])
        if expected is not None:
            name, text = expected
            found = link.query(CHECKPOINT_SQL, (name,))
            if (str(found[0][0]) if found else None) != text:
                raise SyncConflictError(f"the checkpoint {name!r} changed under this sync")

    def _add_sync(self, rows: Rows, stored: str) -> int:
        link, sessions = self._writer(), rows.tables[SESSIONS.name]
        revisions: dict[str, int] = {}
        for chunk in chunks([row[0] for row in sessions]):
            query = f"SELECT lsid, revision FROM sessions WHERE lsid IN ({in_marks(chunk)})"  # noqa: S608
            revisions.update(link.query(query, chunk))
        steps: list[Step] = []
        if revisions:
            replaced = list(revisions)
            for table in (SESSIONS, *CHILD_TABLES):
                for chunk in chunks(replaced):
                    delete = f"DELETE FROM {table.name} WHERE lsid IN ({in_marks(chunk)})"  # noqa: S608
                    steps.append((delete, chunk, False))
        session_rows = [(*row, revisions.get(row[0], 0) + 1, stored) for row in sessions]
        steps.append((insert_sql(SESSIONS.name, len(SESSIONS.columns)), session_rows, True))
        for table in CHILD_TABLES:
            if rows.tables[table.name]:
                steps.append(
                    (insert_sql(table.name, len(table.columns)), rows.tables[table.name], True)
                )
        link.run(steps)
        return rows.count()

    def _move_sync(self, name: str, checkpoint: str, stored: str) -> None:
        cursor = SQLITE_VALUES.ts(SyncCheckpoint.from_json(checkpoint).cursor)
        upsert = (
            f"INSERT INTO {CHECKPOINTS.name} VALUES (?, ?, ?, ?) ON CONFLICT(name)"  # noqa: S608
            " DO UPDATE SET checkpoint = excluded.checkpoint, cursor = excluded.cursor,"
            " updated_at = excluded.updated_at"
        )
        self._writer().run([(upsert, (name, checkpoint, cursor, stored), False)])

    async def _select(self, query: SessionQuery) -> list[str]:
        sql, params = select_lsids(query, "?")
        return await self._run(lambda: [r[0] for r in self._read_db().execute(sql, params)])

    async def _load(self, lsids: list[str]) -> tuple[list[Row], Parts]:
        return await self._run(self._load_sync, lsids)

    def _load_sync(self, lsids: list[str]) -> tuple[list[Row], Parts]:
        conn = self._read_db()
        conn.execute("BEGIN")  # one snapshot for the session rows and their parts
        try:
            return load_rows(conn, lsids)
        finally:
            conn.execute("COMMIT")


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
