"""The windows pulled together share one transaction, each chunk inserted on arrival
(store/window_group.py): window order still decides which copy of a session is stored;
a chunk whose sessions the starting checkpoint delivered waits for its turn; a failing
insert stops the sync at once with its own error. SQLite and PostgreSQL, against the
simulator; :class:`Ahead` on its own with a recording group."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

from bomgar_async import BomgarClient, SupportSession
from bomgar_async.reporting import catch_up
from bomgar_async.reporting.catch_up import CatchUp
from bomgar_async.reporting.sync import SessionSync
from bomgar_async.reporting.sync_window import SessionChunk
from bomgar_async.store import BomgarStoreError, SessionStore
from bomgar_async.store.rows import Rows
from bomgar_async.store.window_group import JOIN, Ahead, Group

from .test_streaming_sync import Event, since, spy, transactions


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catch_up, "CHUNK", 3)  # several chunks a window


class Copies:
    """A pull whose every window but the first also reports two sessions of earlier
    windows again, as having ended at the window's start: the latest one before it (the
    sync still remembers it: not new) and the latest one over two days before it (forgotten
    by then with a one-day overlap: new again). Every other window is slow (``slow``: the
    odd ones, else the even ones), so windows complete out of order."""

    def __init__(
        self, bg: BomgarClient, history: list[SupportSession], slow_odd: bool, start: datetime
    ) -> None:
        self.bg = bg
        self.start = start
        self.history = sorted(history, key=lambda s: s.end_time or start)
        self.slow_odd = slow_odd
        self.calls = 0
        self.injected: list[SupportSession] = []

    def copies(self, start: datetime) -> list[SupportSession]:
        before = [s for s in self.history if s.end_time is not None and s.end_time < start]
        older = [s for s in before if s.end_time < start - timedelta(days=2)]
        picked = {s.lsid: s for s in (before[-1:] + older[-1:])}
        return [attrs.evolve(s, end_time=start) for s in picked.values()]

    async def __call__(self, start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        self.calls += 1
        slow = (self.calls % 2 == 1) == self.slow_odd
        if self.calls > 1:
            for copy in self.copies(start):
                self.injected.append(copy)
                yield copy
        async for session in self.bg.reporting.ended_between(start, end, **kw):
            await asyncio.sleep(0.02 if slow else 0)
            yield session

    def sync(self) -> SessionSync[Any]:
        inner = self.bg.reporting.sync(since=self.start)
        return SessionSync(self, since=self.start, clock=inner._clock, overlap=timedelta(days=1))


@pytest.mark.parametrize("slow_odd", [True, False], ids=["odd-slow", "even-slow"])
async def test_window_order_decides_which_copy_is_stored(
    store: SessionStore, bg: BomgarClient, slow_odd: bool
) -> None:
    start = since()
    history = [s async for s in bg.reporting.support_sessions(start, by="end")]
    plan = CatchUp(concurrency=4, max_window=timedelta(days=2))
    delivered: dict[str, Any] = {}  # what batches() delivers, the last copy of an lsid wins
    count = 0
    pulled = Copies(bg, history, slow_odd, start)
    async for batch in pulled.sync().batches(catch_up=plan):
        count += len(batch.sessions)
        delivered.update((s.lsid, s) for s in batch.sessions)
    kept = [copy for copy in pulled.injected if delivered[copy.lsid] == copy]
    assert kept and count > len(delivered)  # copies of forgotten sessions came again ...
    assert len(kept) < len(pulled.injected)  # ... copies of remembered ones did not

    source = Copies(bg, history, slow_odd, start)
    result = await store.sync(source.sync(), catch_up=plan)
    assert {s.lsid: s async for s in store.sessions()} == delivered
    assert result.sessions == count


async def test_a_failing_insert_stops_the_sync_at_once_with_its_error(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store._transaction
    adds = 0

    class Failing:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def add(self, rows: Rows) -> int:
            nonlocal adds
            adds += 1
            if adds == 3:
                raise BomgarStoreError("the disk is full")
            written: int = await self.inner.add(rows)
            return written

    @asynccontextmanager
    async def failing(expected: Any) -> AsyncIterator[Failing]:
        async with real(expected) as writer:
            yield Failing(writer)

    monkeypatch.setattr(store, "_transaction", failing)
    events: list[Event] = []
    spy(store, events, monkeypatch)

    async def pull(start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        async for session in bg.reporting.ended_between(start, end, **kw):
            yield session
        await asyncio.sleep(30)  # the windows never complete: only the error ends the sync

    inner = bg.reporting.sync(since=since())
    source = SessionSync(pull, since=since(), clock=inner._clock, window=timedelta(days=10))
    plan = CatchUp(concurrency=2, max_window=timedelta(days=10))  # chunks of 3 in each
    task = asyncio.create_task(store.sync(source, catch_up=plan))
    with pytest.raises(BomgarStoreError, match="the disk is full"):
        await asyncio.wait_for(task, 10)
    assert not task.cancelled() and adds == 3
    assert events[-1] == ("rollback",) and ("commit",) not in events
    assert len(transactions(events)) == 1
    assert [s async for s in store.sessions()] == []


class _Sessions:
    """Stand-ins for sessions: an lsid and an end time."""

    @staticmethod
    def of(*lsids: str) -> list[Any]:
        return [_Session(lsid) for lsid in lsids]


@attrs.frozen
class _Session:
    lsid: str
    end_time: datetime | None = None


class _Encoder:
    """A store whose encoding is immediate: the rows name the sessions."""

    def _encode_later(self, sessions: list[Any]) -> Future[Rows]:
        future: Future[Rows] = Future()
        rows = Rows()
        rows.tables["sessions"] = [(s.lsid,) for s in sessions]
        future.set_result(rows)
        return future


class _Recorder:
    """A group's writer recording the lsids of each insert."""

    def __init__(self) -> None:
        self.inserted: list[list[str]] = []

    async def add(self, rows: Rows) -> int:
        self.inserted.append([row[0] for row in rows.tables["sessions"]])
        return len(rows.tables["sessions"])

    async def move(self, name: str, checkpoint: str) -> None:
        raise AssertionError("not used")


W1 = (datetime(2026, 1, 1), datetime(2026, 1, 2))
W2 = (datetime(2026, 1, 2), datetime(2026, 1, 3))
W3 = (datetime(2026, 1, 3), datetime(2026, 1, 4))


async def test_ahead_queues_on_arrival_only_what_the_group_admits() -> None:
    ahead = Ahead(_Encoder(), {"old": datetime(2025, 12, 31)})  # type: ignore[arg-type]
    waiting = ahead.on_chunk(_Sessions.of("a", "b"), W2)  # no group yet: waits
    recorder = _Recorder()
    group = Group(recorder, None)
    try:
        ahead.open(group)  # the waiting chunk joins
        first = ahead.on_chunk(_Sessions.of("c"), W1)
        known = ahead.on_chunk(_Sessions.of("d", "old"), W1)  # the checkpoint has "old"
        group.accepting = False  # W1 complete: W3 is not a member, W2 is
        late = ahead.on_chunk(_Sessions.of("e"), W3)
        member = ahead.on_chunk(_Sessions.of("f"), W2)
        assert await group.drain() == 4
        assert [lsid for rows in recorder.inserted for lsid in rows] == ["a", "b", "c", "f"]
        assert (waiting.seq, first.seq, member.seq) == (1, 2, 3)
        assert known.seq == late.seq == 0 and ahead.waiting == {W1: [known], W3: [late]}
        assert group.members == {W1, W2} and group.waits_beyond(W1)
        assert not group.waits_beyond(W2)
        # in window order: the waiting chunk goes in with its new sessions only
        ahead.take(SessionChunk(tuple(_Sessions.of("d")), known, False), group)
        ahead.take(SessionChunk(tuple(_Sessions.of("c")), first, True), group)
        assert await group.drain() == 5
        assert [lsid for rows in recorder.inserted for lsid in rows][4:] == ["d"]
        assert ahead.waiting == {W3: [late]}
    finally:
        await group.stop()


async def test_a_copy_replaced_since_goes_again_when_window_order_delivers_it() -> None:
    ahead = Ahead(_Encoder(), {})  # type: ignore[arg-type]
    recorder = _Recorder()
    group = Group(recorder, None)
    try:
        ahead.open(group)
        later = ahead.on_chunk(_Sessions.of("x", "y"), W2)  # W2's copy of x arrives first
        earlier = ahead.on_chunk(_Sessions.of("x"), W1)  # then W1's
        ahead.take(SessionChunk(tuple(_Sessions.of("x")), earlier, True), group)  # last: as is
        # W2 delivers x again (the sync forgot it): W2's copy must be the last one written
        ahead.take(SessionChunk(tuple(_Sessions.of("x", "y")), later, True), group)
        await group.drain()
        assert recorder.inserted == [["x", "y"], ["x"], ["x"]]
        ahead.committed()
        again = ahead.on_chunk(_Sessions.of("x"), W3)  # a new group starts afresh
        assert again.seq == 0 and ahead.group is None
    finally:
        await group.stop()


async def test_without_a_known_checkpoint_every_chunk_waits_for_its_turn() -> None:
    ahead = Ahead(_Encoder(), None)  # type: ignore[arg-type]
    recorder = _Recorder()
    group = Group(recorder, None)
    try:
        ahead.open(group)
        pending = ahead.on_chunk(_Sessions.of("a"), W1)
        assert await group.drain() == 0 and pending.seq == 0
        ahead.cancel()
        assert pending.future.cancelled() is False  # done already: nothing to drop
        assert ahead.waiting == {}
    finally:
        await group.stop()


async def test_a_dropped_encoding_is_a_store_error_not_a_silent_loss() -> None:
    recorder = _Recorder()
    owner = asyncio.create_task(asyncio.sleep(30))
    group = Group(recorder, owner)
    dropped: Future[Rows] = Future()
    dropped.cancel()
    group.put(dropped)
    with pytest.raises(BomgarStoreError, match="dropped"):
        await group.drain()
    with pytest.raises(asyncio.CancelledError):
        await owner  # the sync is stopped at once
    await group.stop()


async def test_in_window_order_each_window_is_its_own_transaction(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[Event] = []
    spy(store, events, monkeypatch)
    store._insert_on_arrival = False  # as before the windows pulled together shared one
    calls = 0

    async def pull(start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        nonlocal calls
        calls += 1
        slow = calls % 4 == 1  # the first of each four is the slowest
        async for session in bg.reporting.ended_between(start, end, **kw):
            await asyncio.sleep(0.03 if slow else 0)
            yield session

    inner = bg.reporting.sync(since=since())
    source = SessionSync(pull, since=since(), clock=inner._clock)
    result = await store.sync(source, catch_up=CatchUp(concurrency=4, max_window=timedelta(days=2)))
    assert len([e for e in events if e[0] == "move"]) == result.batches > 4
    assert len(transactions(events)) == result.batches
    expected = {s.lsid: s async for s in bg.reporting.support_sessions(since(), by="end")}
    assert {s.lsid: s async for s in store.sessions(by="end")} == expected


def _encoded(*lsids: str) -> Future[Rows]:
    return _Encoder()._encode_later(_Sessions.of(*lsids))


async def test_chunks_encoded_already_go_in_one_insert_until_an_lsid_repeats() -> None:
    recorder = _Recorder()
    group = Group(recorder, None)
    try:
        waiting: Future[Rows] = Future()
        for future in (
            _encoded("a"),
            _encoded("b", "c"),
            _encoded("d"),
            _encoded("c"),  # c again: a second insert, after the first
            _encoded("e"),
            waiting,  # not encoded yet: the insert before it does not wait for it
            _encoded("f"),
        ):
            group.put(future)
        while len(recorder.inserted) < 2:
            await asyncio.sleep(0.01)
        waiting.set_result(_encoded("g").result())
        assert await group.drain() == 8
        assert recorder.inserted == [["a", "b", "c", "d"], ["c", "e"], ["g", "f"]]
    finally:
        await group.stop()


async def test_one_insert_takes_at_most_join_chunks() -> None:
    recorder = _Recorder()
    group = Group(recorder, None)
    try:
        for n in range(JOIN + 3):
            group.put(_encoded(f"s{n}"))
        assert await group.drain() == JOIN + 3
        assert [len(lsids) for lsids in recorder.inserted] == [JOIN, 3]
    finally:
        await group.stop()
