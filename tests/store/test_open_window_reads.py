"""While a sync's window transaction is open (it stays open while the window is pulled),
the store's own reads see only committed sessions and checkpoints, and a second write
through the same store waits for that transaction instead of failing; SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from bomgar_async import SupportSession
from bomgar_async.reporting.sync import SyncCheckpoint
from bomgar_async.store import SessionStore

UTC = timezone.utc


@pytest.fixture
def three(history: list[SupportSession]) -> list[SupportSession]:
    """Three closed sessions of a seeded simulator, as the API gives them."""
    assert len(history) >= 3
    return history[:3]


async def _lsids(store: SessionStore) -> set[str]:
    return {s.lsid async for s in store.sessions(by="end")}


async def test_reads_see_only_committed_rows_while_a_transaction_is_open(
    store: SessionStore, three: list[SupportSession]
) -> None:
    committed, pending, other = three
    await store.write([committed])
    checkpoint = SyncCheckpoint(cursor=datetime(2026, 1, 1, tzinfo=UTC)).to_json()
    async with store._transaction(("rs", None)) as writer:
        await writer.add(store._encode([pending]))
        await writer.move("rs", checkpoint)
        # inserted and moved inside the open transaction, not committed yet
        assert await store.session(pending.lsid) is None
        assert await _lsids(store) == {committed.lsid}
        assert await store.load_checkpoint("rs") is None
        assert await store.session(committed.lsid) == committed
        second = asyncio.create_task(store.write([other]))
        await asyncio.sleep(0.3)
    assert await asyncio.wait_for(second, 30) > 0  # waited (SQLite) or ran beside it
    assert await _lsids(store) == {committed.lsid, pending.lsid, other.lsid}
    assert await store.session(pending.lsid) == pending
    stored = await store.load_checkpoint("rs")
    assert stored is not None and stored.to_json() == checkpoint


async def test_a_rolled_back_transaction_was_never_visible_and_leaves_nothing(
    store: SessionStore, three: list[SupportSession]
) -> None:
    committed, pending, _ = three
    await store.write([committed])
    with pytest.raises(RuntimeError, match="window failed"):
        async with store._transaction(None) as writer:
            await writer.add(store._encode([pending]))
            assert await _lsids(store) == {committed.lsid}
            raise RuntimeError("window failed")
    assert await _lsids(store) == {committed.lsid}
    assert await store.write([pending]) > 0  # the store takes the next write
    assert await store.session(pending.lsid) == pending
