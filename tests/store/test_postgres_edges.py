"""PostgresSessionStore on a real server, where it differs from SQLite: how many connections
it opens, stores opening one database at once, a newer schema, a moved checkpoint, and a
read that stays one snapshot while another writer commits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bomgar_async.reporting.parse import parse_session_list
from bomgar_async.store import (
    BomgarStoreError,
    PostgresSessionStore,
    SyncConflictError,
)
from bomgar_async.store.schema import CHILD_TABLES, MIGRATIONS

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reporting"
NOT_OPEN = r"^the store is not open \(use 'async with store:'\)$"
# the store's connections to the test's database (not the test's own, not autovacuum's)
CONNECTIONS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
)


@pytest.fixture
async def admin(postgres_db: str) -> AsyncIterator[Any]:
    """A plain asyncpg connection to the test's database, beside the store's."""
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(postgres_db)
    yield conn
    await conn.close()


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"waited 10 s for {what}")


async def test_one_connection_when_opened_and_never_more_than_pool_size(
    postgres_db: str, admin: Any
) -> None:
    store = PostgresSessionStore(postgres_db, pool_size=3)
    await store.open()
    release, inside = asyncio.Event(), []

    async def hold(name: str) -> None:  # a sync lock holds its connection
        async with store.sync_lock(name, 10):
            inside.append(name)
            await release.wait()

    holders: list[asyncio.Task[None]] = []
    try:
        assert await admin.fetchval(CONNECTIONS) == 1
        holders += [asyncio.create_task(hold(f"sync-{i}")) for i in range(5)]

        async def three_inside() -> bool:
            return len(inside) >= 3

        await _until(three_inside, "three sync locks")
        await asyncio.sleep(0.3)  # room for a fourth connection, were there one
        assert len(inside) == 3
        assert await admin.fetchval(CONNECTIONS) == 3
        release.set()
        await asyncio.wait_for(asyncio.gather(*holders), 10)
        assert sorted(inside) == [f"sync-{i}" for i in range(5)]  # the others waited their turn
    finally:
        release.set()
        await asyncio.gather(*holders, return_exceptions=True)
        await store.close()

    async def all_closed() -> bool:  # a backend leaves a moment after its client
        return bool(await admin.fetchval(CONNECTIONS) == 0)

    await _until(all_closed, "the store's connections to end")


async def test_stores_opening_a_new_database_at_once_migrate_it_once(
    postgres_db: str, admin: Any
) -> None:
    stores = [PostgresSessionStore(postgres_db, pool_size=2) for _ in range(6)]
    try:
        await asyncio.wait_for(asyncio.gather(*(s.open() for s in stores)), 30)
        assert [await s.schema_version() for s in stores] == [MIGRATIONS[-1][0]] * 6
    finally:
        for s in stores:
            await s.close()
    rows = await admin.fetch("SELECT version, description FROM schema_version ORDER BY 1")
    assert [tuple(r) for r in rows] == list(MIGRATIONS)


async def test_a_newer_schema_is_refused_naming_both_versions_and_left_untouched(
    postgres_db: str, admin: Any
) -> None:
    async with PostgresSessionStore(postgres_db):
        pass
    newest = MIGRATIONS[-1][0]
    await admin.execute("INSERT INTO schema_version VALUES ($1, 'future', now())", newest + 1)
    store = PostgresSessionStore(postgres_db)
    with pytest.raises(BomgarStoreError) as info:
        await store.open()
    assert str(info.value) == f"the database has schema version {newest + 1}; this SDK {newest}"
    with pytest.raises(BomgarStoreError, match=NOT_OPEN):  # the failed open left it closed
        await store.schema_version()
    versions = await admin.fetch("SELECT version FROM schema_version ORDER BY 1")
    assert [r[0] for r in versions] == [*(v for v, _ in MIGRATIONS), newest + 1]


async def test_a_moved_checkpoint_names_the_checkpoint_and_writes_nothing(
    postgres_db: str,
) -> None:
    sessions = parse_session_list((FIXTURES / "session_list_one.xml").read_bytes())
    async with PostgresSessionStore(postgres_db) as store:
        with pytest.raises(SyncConflictError) as info:
            await store._write(sessions, ("rs", "{}", '{"expected": "something"}'))
        assert str(info.value) == "the checkpoint 'rs' changed under this sync"
        assert await store.load_checkpoint() is None
        assert [s async for s in store.sessions()] == []


async def test_a_read_is_one_snapshot_while_another_writer_commits(
    postgres_db: str, admin: Any
) -> None:
    """A session is read in one repeatable-read transaction: a writer that commits while
    the read runs (here: after its sessions row, before its parts) changes nothing read."""
    session = parse_session_list((FIXTURES / "session_list_one.xml").read_bytes())[0]
    assert session.customers and session.events  # parts a writer can take away
    async with PostgresSessionStore(postgres_db) as store:
        await store.write([session])
        writer = admin.transaction()
        await writer.start()
        try:  # the read's first part waits for this transaction
            await admin.execute(f"LOCK TABLE {CHILD_TABLES[0].name} IN ACCESS EXCLUSIVE MODE")
            for table in CHILD_TABLES:
                await admin.execute(f"DELETE FROM {table.name} WHERE lsid = $1", session.lsid)  # noqa: S608
            reading = asyncio.create_task(store.session(session.lsid))

            async def read_waits() -> bool:
                waiting = await admin.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                return bool(waiting)

            await _until(read_waits, "the read to wait for the writer's lock")
        except BaseException:
            await writer.rollback()
            raise
        await writer.commit()  # the parts are gone now, after the read began
        assert await asyncio.wait_for(reading, 10) == session
        assert await store.session(session.lsid) != session  # a new read sees the commit
