"""``PostgresSessionStore``: sessions in a shared PostgreSQL database (asyncpg, extra
``postgres``).

Each batch is one transaction: the stored checkpoint is read ``FOR UPDATE`` and compared
with the one the run started from; then for each chunk of rows, as soon as the encoder
thread has it, the chunk's sessions already stored are deleted with all their parts and the
chunk is sent with one binary ``COPY`` a table (the server inserts one chunk while the next
is encoded, or, in a sync, while the next is parsed); last, the checkpoint is moved.
The sync lock is a session-level advisory lock (``pg_try_advisory_lock``) on a connection
held for the whole run; PostgreSQL releases it when that connection ends, so a killed sync
never blocks the next one. Schema migrations run under a transaction-level advisory lock,
so processes opening the same database at once do not race.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any

from ..errors import BomgarConfigError, BomgarValidationError
from ..reporting.sync import SyncCheckpoint
from .base import SessionStore
from .errors import BomgarStoreError, SyncConflictError, SyncLockedError
from .query import SessionQuery, select_lsids
from .rows import POSTGRES_VALUES, Parts, Row, Rows
from .schema import CHECKPOINTS, CHILD_TABLES, MIGRATIONS, SESSIONS, ddl

__all__ = ["PostgresSessionStore"]

_MIGRATION_LOCK = 0x626F6D67  # "bomg": serializes schema migrations
_LOCK_KEY = "SELECT hashtextextended('bomgar_async.sync:' || $1, 0)"


def _asyncpg() -> Any:
    try:
        import asyncpg  # type: ignore[import-untyped]
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        raise BomgarConfigError(
            "PostgresSessionStore needs asyncpg: pip install 'bomgar_async[postgres]'"
        ) from err
    return asyncpg


class PostgresSessionStore(SessionStore):
    """Sessions in the PostgreSQL database at ``dsn`` (its schema is created when missing).

    Args:
        dsn: ``postgresql://user:password@host:port/database`` (never logged or shown).
        pool_size: the most connections the store opens.
    """

    values = POSTGRES_VALUES

    def __init__(self, dsn: str, *, pool_size: int = 4) -> None:
        if not isinstance(dsn, str) or not dsn.startswith(("postgresql://", "postgres://")):
            raise BomgarValidationError("dsn must be a postgresql:// URL")
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 2:
            raise BomgarValidationError("pool_size must be an integer of at least 2")
        self._dsn = dsn
        self.pool_size = pool_size
        self._pool: Any = None
        self._errors: tuple[type[BaseException], ...] = ()

    def __repr__(self) -> str:
        return "PostgresSessionStore(<dsn>)"

    async def open(self) -> None:
        """Connect and apply the missing schema versions."""
        if self._pool is not None:
            return
        asyncpg = _asyncpg()
        self._errors = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
        try:
            self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=self.pool_size)
        except self._errors as err:
            raise BomgarStoreError(f"cannot connect to PostgreSQL: {type(err).__name__}") from None
        try:
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def _migrate(self) -> None:
        async with self._connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
                " description text NOT NULL, applied_at timestamptz NOT NULL)"
            )
            have = await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version")
            newest = MIGRATIONS[-1][0]
            if have > newest:
                raise BomgarStoreError(f"the database has schema version {have}; this SDK {newest}")
            for version, description in MIGRATIONS:
                if version > have:
                    for statement in ddl("postgres") if version == 1 else ():
                        await conn.execute(statement)
                    await conn.execute(
                        "INSERT INTO schema_version VALUES ($1, $2, now())", version, description
                    )

    async def close(self) -> None:
        """Close every connection."""
        self._stop_encoder()
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        if self._pool is None:
            raise BomgarStoreError("the store is not open (use 'async with store:')")
        try:
            async with self._pool.acquire() as conn:
                yield conn
        except self._errors as err:
            raise BomgarStoreError(f"PostgreSQL failed: {err}") from err

    async def schema_version(self) -> int:
        """The newest schema version applied to the database."""
        async with self._connection() as conn:
            return int(await conn.fetchval("SELECT max(version) FROM schema_version"))

    async def load_checkpoint(self, name: str = "rs") -> SyncCheckpoint | None:
        """The checkpoint stored under ``name``."""
        async with self._connection() as conn:
            text = await conn.fetchval(
                "SELECT checkpoint::text FROM sync_checkpoints WHERE name = $1", name
            )
        return None if text is None else SyncCheckpoint.from_json(text)

    @asynccontextmanager
    async def sync_lock(self, name: str, timeout: float) -> AsyncIterator[None]:
        """The advisory lock of sync ``name``, on a connection held while it is."""
        async with self._connection() as conn:
            key = await conn.fetchval(_LOCK_KEY, name)
            deadline = time.monotonic() + timeout
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                if time.monotonic() >= deadline:
                    raise SyncLockedError(
                        f"another sync {name!r} holds the database's lock (waited {timeout:g} s)"
                    )
                await asyncio.sleep(0.05)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", key)

    @asynccontextmanager
    async def _transaction(
        self, expected: tuple[str, str | None] | None
    ) -> AsyncIterator[_PostgresWriter]:
        async with self._connection() as conn, conn.transaction():
            if expected is not None:
                name, text = expected
                current = await conn.fetchval(
                    "SELECT checkpoint::text FROM sync_checkpoints WHERE name = $1 FOR UPDATE",
                    name,
                )
                if _differs(current, text):
                    raise SyncConflictError(f"the checkpoint {name!r} changed under this sync")
            yield _PostgresWriter(conn, datetime.now(timezone.utc))

    async def _select(self, query: SessionQuery) -> list[str]:
        sql, params = select_lsids(query, "$")
        async with self._connection() as conn:
            return [r[0] for r in await conn.fetch(sql, *params)]

    async def _load(self, lsids: list[str]) -> tuple[list[Row], Parts]:
        parts = Parts()
        async with self._connection() as conn, conn.transaction(isolation="repeatable_read"):
            found = {
                r[0]: tuple(r)
                for r in await conn.fetch(
                    "SELECT * FROM sessions WHERE lsid = ANY($1::text[])", lsids
                )
            }
            for table in CHILD_TABLES:
                order = ", ".join(table.key)
                sql = f"SELECT * FROM {table.name} WHERE lsid = ANY($1::text[]) ORDER BY {order}"  # noqa: S608
                parts.add(table.name, [tuple(r) for r in await conn.fetch(sql, lsids)])
        return [found[lsid] for lsid in lsids if lsid in found], parts


class _PostgresWriter:
    """The statements of one write transaction on ``conn`` (see ``Writer``)."""

    def __init__(self, conn: Any, stored: datetime) -> None:
        self._conn = conn
        self._stored = stored

    async def add(self, rows: Rows) -> int:
        """Delete the stored rows of ``rows``' sessions, then ``COPY`` ``rows`` in."""
        conn, sessions = self._conn, rows.tables[SESSIONS.name]
        found = await conn.fetch(
            "SELECT lsid, revision FROM sessions WHERE lsid = ANY($1::text[])",
            [row[0] for row in sessions],
        )
        revisions = {r[0]: r[1] for r in found}
        if revisions:
            for table in (SESSIONS, *CHILD_TABLES):
                await conn.execute(
                    f"DELETE FROM {table.name} WHERE lsid = ANY($1::text[])",  # noqa: S608
                    list(revisions),
                )
        session_rows = [(*row, revisions.get(row[0], 0) + 1, self._stored) for row in sessions]
        if session_rows:
            await conn.copy_records_to_table(SESSIONS.name, records=session_rows)
        for table in CHILD_TABLES:
            if rows.tables[table.name]:
                await conn.copy_records_to_table(table.name, records=rows.tables[table.name])
        return rows.count()

    async def move(self, name: str, checkpoint: str) -> None:
        """Store ``checkpoint`` under ``name``."""
        await self._conn.execute(
            f"INSERT INTO {CHECKPOINTS.name} VALUES ($1, $2::jsonb, $3, $4)"  # noqa: S608
            " ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint,"
            " cursor = excluded.cursor, updated_at = excluded.updated_at",
            name,
            checkpoint,
            SyncCheckpoint.from_json(checkpoint).cursor,
            self._stored,
        )


def _differs(current: str | None, expected: str | None) -> bool:
    """Whether two stored checkpoints differ (``jsonb`` does not keep the text as written)."""
    if current is None or expected is None:
        return current is not expected
    return SyncCheckpoint.from_json(current) != SyncCheckpoint.from_json(expected)
