"""Privileged Remote Access in the session stores: every ``AccessSession`` field survives
store -> load, ``store.sync(bg.pra.sync(...))`` stores each access session exactly once, and
both products share one database told apart by ``product``; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from bomgar_async import AccessSession, BomgarClient, BomgarValidationError, SupportSession
from bomgar_async.reporting.catch_up import CatchUp, SyncProgress
from bomgar_async.simulator import Simulator
from bomgar_async.store import SessionStore

UTC = timezone.utc
DAYS = 45


def _client(sim: Simulator) -> BomgarClient:
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, retry_backoff=0.0
    )


def since() -> datetime:
    return datetime.now(UTC) - timedelta(days=DAYS)


@pytest.fixture
async def pra() -> AsyncIterator[Simulator]:
    async with Simulator(seed=4, product="pra") as sim:
        yield sim


@pytest.fixture(scope="module")
def pra_history() -> list[AccessSession]:
    """Every closed access session of a seeded PRA simulator, as the API gives them."""

    async def pull() -> list[AccessSession]:
        async with Simulator(seed=3, product="pra") as sim, _client(sim) as bg:
            return [s async for s in bg.pra.access_sessions(since(), by="end")]

    return asyncio.run(pull())


async def _all(store: SessionStore, **query: Any) -> list[Any]:
    return [s async for s in store.sessions(**query)]


async def test_every_access_session_field_round_trips(
    store: SessionStore, pra_history: list[AccessSession]
) -> None:
    rows = await store.write(pra_history)
    loaded = await _all(store, by="end")
    assert len(pra_history) > 50
    assert rows > len(pra_history) * 5  # the parts went into child tables
    assert all(isinstance(s, AccessSession) for s in loaded)
    assert {s.lsid: s for s in loaded} == {s.lsid: s for s in pra_history}
    fields = {f.name for f in attrs.fields(AccessSession)}
    filled = {f for f in fields if any(getattr(s, f) not in (None, ()) for s in pra_history)}
    assert filled == fields  # every field (Jump Group, custom attributes, ...) had a value
    assert {a.display_name is not None for s in pra_history for a in s.custom_attributes} == {True}
    assert await _all(store, product="rs") == []


async def test_a_pra_sync_stores_every_access_session_exactly_once(
    store: SessionStore, pra: Simulator
) -> None:
    seen: list[SyncProgress] = []
    async with _client(pra) as bg:
        plan = CatchUp(concurrency=3, target_sessions=20)
        result = await store.sync(bg.pra.sync(since=since()), catch_up=plan, progress=seen.append)
        late = pra.add_closed_session(since() + timedelta(days=3), datetime.now(UTC))
        again = await store.sync(bg.pra.sync(since=since()))
        expected = {s.lsid: s async for s in bg.pra.access_sessions(since(), by="end")}
    stored = {s.lsid: s for s in await _all(store, by="end", product="pra")}
    assert stored == expected and late in stored
    assert result.sessions == len(expected) - 1 and again.sessions == 1  # only the late one
    assert seen[-1].sessions == result.sessions and seen[-1].bytes > 1000 * result.sessions
    checkpoint = await store.load_checkpoint("pra")  # named after the product by default
    assert checkpoint is not None and checkpoint.report == "AccessSession"
    assert await store.load_checkpoint("rs") is None


async def test_both_products_in_one_database(store: SessionStore, pra: Simulator) -> None:
    async with Simulator(seed=2) as rs, _client(rs) as rs_bg, _client(pra) as pra_bg:
        await store.sync(rs_bg.reporting.sync(since=since()))
        await store.sync(pra_bg.pra.sync(since=since()))
        support = {s.lsid async for s in rs_bg.reporting.support_sessions(since(), by="end")}
        access = {s.lsid async for s in pra_bg.pra.access_sessions(since(), by="end")}
        with pytest.raises(BomgarValidationError, match="SupportSession"):
            await store.sync(pra_bg.pra.sync(since=since()), name="rs")  # the other product's
    assert support and access and not support & access
    everything = await _all(store, by="end")
    assert {s.lsid for s in everything} == support | access
    by_type = {type(s) for s in everything}
    assert by_type == {SupportSession, AccessSession}
    assert {s.lsid for s in await _all(store, product="rs")} == support
    assert {s.lsid for s in await _all(store, product="pra")} == access
    assert all(isinstance(s, AccessSession) for s in await _all(store, product="pra"))
    rs_checkpoint, pra_checkpoint = (
        await store.load_checkpoint("rs"),
        await store.load_checkpoint("pra"),
    )
    assert rs_checkpoint is not None and rs_checkpoint.report == "SupportSession"
    assert pra_checkpoint is not None and pra_checkpoint.report == "AccessSession"
