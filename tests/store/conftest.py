"""Fixtures of the session store tests: ``store_factory`` opens stores of the parametrized
kind (``sqlite`` on a temporary file, ``postgres`` on a fresh database of a real server);
``history`` is every closed session of a seeded simulator, ``bg`` a client of another
(seed 2) running for the test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import BomgarClient, SupportSession
from bomgar_async.simulator import Simulator
from bomgar_async.store import PostgresSessionStore, SessionStore, SQLiteSessionStore

StoreFactory = Callable[[], SessionStore]


@pytest.fixture(params=["sqlite", "postgres"])
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def store_target(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the stores of this test keep their data: a file path or a DSN."""
    if store_kind == "sqlite":
        return str(tmp_path / "sessions.db")
    dsn: str = request.getfixturevalue("postgres_db")
    return dsn


@pytest.fixture
async def store_factory(store_kind: str, store_target: str) -> AsyncIterator[StoreFactory]:
    """``new()``: another (unopened) store on the same database; all closed afterwards."""
    made: list[SessionStore] = []

    def new() -> SessionStore:
        store: SessionStore
        if store_kind == "sqlite":
            store = SQLiteSessionStore(store_target)
        else:
            store = PostgresSessionStore(store_target)
        made.append(store)
        return store

    yield new
    for store in made:
        await store.close()


@pytest.fixture
async def store(store_factory: StoreFactory) -> AsyncIterator[SessionStore]:
    """An open store on a fresh database."""
    opened = store_factory()
    await opened.open()
    return opened


@pytest.fixture(scope="session")
def history() -> list[SupportSession]:
    """Every closed session of a seeded simulator (seed 3, 60 days), as the API gives them."""

    async def pull() -> list[SupportSession]:
        async with (
            Simulator(seed=3) as sim,
            BomgarClient(sim.url, username="admin", password="s3cret-admin", allow_http=True) as bg,
        ):
            since = datetime.now(timezone.utc) - timedelta(days=60)
            return [s async for s in bg.reporting.support_sessions(since, by="end")]

    return asyncio.run(pull())


@pytest.fixture
async def bg() -> AsyncIterator[BomgarClient]:
    """A client of a seeded simulator (seed 2) that runs for the test."""
    async with (
        Simulator(seed=2) as sim,
        BomgarClient(
            sim.url, username="admin", password="s3cret-admin", allow_http=True, retry_backoff=0.0
        ) as client,
    ):
        yield client
