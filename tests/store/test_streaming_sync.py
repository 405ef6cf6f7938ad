"""store.sync writes each window while it is pulled: the windows pulled together share a
transaction that takes their chunks as they are parsed, whichever window comes first, and
commits with the checkpoint once they are complete; one transaction at a time, in window
order; a window that fails or is cancelled part-way leaves nothing of its transaction.
SQLite and PostgreSQL, against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bomgar_async import BomgarClient, BomgarProtocolError, BomgarValidationError
from bomgar_async.reporting import catch_up
from bomgar_async.reporting.catch_up import CatchUp, SyncProgress
from bomgar_async.reporting.sync import SessionSync, SyncCheckpoint
from bomgar_async.store import SessionStore
from bomgar_async.store.rows import Rows

UTC = timezone.utc
Event = tuple[Any, ...]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catch_up, "CHUNK", 3)  # several chunks a window


def since() -> datetime:
    return datetime.now(UTC) - timedelta(days=45)


def spy(
    store: SessionStore,
    events: list[Event],
    monkeypatch: pytest.MonkeyPatch,
    added: dict[int, list[str]] | None = None,
) -> None:
    """Record the store's transactions: begin, add (sessions), move (cursor), commit or
    rollback; ``added``: each add's lsids, by the add's index in ``events``."""
    real = store._transaction

    class Writer:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def add(self, rows: Rows) -> int:
            if added is not None:
                added[len(events)] = [row[0] for row in rows.tables["sessions"]]
            events.append(("add", len(rows.tables["sessions"])))
            written: int = await self.inner.add(rows)
            return written

        async def move(self, name: str, checkpoint: str) -> None:
            events.append(("move", SyncCheckpoint.from_json(checkpoint).cursor))
            await self.inner.move(name, checkpoint)

    @asynccontextmanager
    async def transaction(expected: Any) -> AsyncIterator[Writer]:
        async with real(expected) as writer:
            events.append(("begin",))
            try:
                yield Writer(writer)
            except BaseException:
                events.append(("rollback",))
                raise
        events.append(("commit",))

    monkeypatch.setattr(store, "_transaction", transaction)


Pull = Callable[..., AsyncIterator[Any]]


def sync_of(bg: BomgarClient, pull: Pull) -> SessionSync[Any]:
    """``bg.reporting.sync(since=...)`` pulling through ``pull``."""
    inner = bg.reporting.sync(since=since())
    return SessionSync(pull, since=since(), clock=inner._clock)


async def test_a_window_is_inserted_while_it_is_pulled_and_committed_when_complete(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[Event] = []
    spy(store, events, monkeypatch)

    async def pull(start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        async for session in bg.reporting.ended_between(start, end, **kw):
            await asyncio.sleep(0.01)  # a slow report: chunks are written while it streams
            yield session
        events.append(("pulled", end))

    plan = CatchUp(concurrency=1, max_window=timedelta(days=60))  # one window: all sessions
    result = await store.sync(sync_of(bg, pull), catch_up=plan)
    expected = {s.lsid: s async for s in bg.reporting.support_sessions(since(), by="end")}
    assert {s.lsid: s async for s in store.sessions(by="end")} == expected
    assert result.sessions == len(expected) > 9
    adds = [e[1] for e in events if e[0] == "add"]
    assert sum(adds) == len(expected) and max(adds) <= 3  # chunk by chunk
    segments = transactions(events)
    assert len(segments) == result.batches
    biggest = max(segments, key=lambda t: sum(e[1] for e in t if e[0] == "add"))
    pulled = next(i for i, e in enumerate(biggest) if e[0] == "pulled")
    first_add = next(i for i, e in enumerate(biggest) if e[0] == "add")
    assert first_add < pulled  # inserted while the window was still being pulled
    assert biggest[-2][0] == "move" and biggest[-1] == ("commit",)  # checkpoint, then commit


def transactions(events: list[Event]) -> list[list[Event]]:
    """The events split at each begin (what precedes the first begin is dropped)."""
    segments: list[list[Event]] = []
    for event in events:
        if event == ("begin",):
            segments.append([])
        if segments:
            segments[-1].append(event)
    return segments


async def test_a_window_failing_mid_stream_rolls_back_and_nothing_of_it_is_visible(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[Event] = []
    spy(store, events, monkeypatch)
    broken: list[tuple[datetime, datetime]] = []

    async def pull(start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        sent = 0
        async for session in bg.reporting.ended_between(start, end, **kw):
            yield session
            sent += 1
            if sent == 7:  # the second window with 7 sessions breaks off
                broken.append((start, end))
            if sent == 7 and len(broken) == 2:
                await asyncio.sleep(0.2)  # its first chunks are in the open transaction
                raise BomgarProtocolError("the appliance went away")

    plan = CatchUp(concurrency=1, max_window=timedelta(days=2))
    with pytest.raises(BomgarProtocolError, match="went away"):
        await store.sync(sync_of(bg, pull), catch_up=plan)
    assert len(broken) == 2 and events[-1] == ("rollback",)
    failed = transactions(events)[-1]
    assert sum(e[1] for e in failed if e[0] == "add") == 6  # two chunks were inserted ...
    stored = [s async for s in store.sessions(by="end")]
    start, _end = broken[1]
    assert stored and all(s.end_time < start for s in stored)  # ... and none is visible
    checkpoint = await store.load_checkpoint()
    assert checkpoint is not None and checkpoint.cursor == start  # the windows before it
    again = await store.sync(bg.reporting.sync(since=since()))  # and the next run: the rest
    expected = {s.lsid: s async for s in bg.reporting.support_sessions(since(), by="end")}
    assert {s.lsid: s async for s in store.sessions(by="end")} == expected
    assert again.sessions == len(expected) - len(stored)


async def test_windows_pulled_together_share_one_transaction_committed_in_order(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[Event] = []
    added: dict[int, list[str]] = {}
    spy(store, events, monkeypatch, added)
    launched: list[datetime] = []

    async def pull(start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        launched.append(start)
        first = len(launched) % 4 == 1  # the first of each group of four is the slowest
        async for session in bg.reporting.ended_between(start, end, **kw):
            await asyncio.sleep(0.03 if first else 0)
            yield session
        events.append(("pulled", end))

    def progress(status: SyncProgress) -> None:
        events.append(("progress", status.cursor, status.windows_done))

    plan = CatchUp(concurrency=4, max_window=timedelta(days=2))
    result = await store.sync(sync_of(bg, pull), catch_up=plan, progress=progress)
    expected = {s.lsid: s async for s in bg.reporting.support_sessions(since(), by="end")}
    assert {s.lsid: s async for s in store.sessions(by="end")} == expected
    moves = [e[1] for e in events if e[0] == "move"]
    assert moves == sorted(moves) and len(moves) == len(set(moves))
    assert 1 < len(moves) < result.batches  # several windows to a transaction
    steps = [e for e in events if e[0] in ("begin", "move", "commit", "rollback", "progress")]
    done = 0
    for segment in transactions(steps):  # one transaction at a time, in order
        assert segment[:1] == [("begin",)] and segment[1][0] == "move"
        assert segment[2] == ("commit",)  # then progress for each of its windows
        reports = segment[3:]
        assert reports and all(r[0] == "progress" for r in reports)
        assert [r[2] for r in reports] == list(range(done + 1, done + 1 + len(reports)))
        assert reports[-1][1] == segment[1][1]  # the last one's cursor is the checkpoint
        done += len(reports)
    assert done == result.batches
    early = 0  # rows of a later window inserted before an earlier one was pulled
    for segment_start, event in enumerate(events):
        if event[0] != "add":
            continue
        ended = max(expected[lsid].end_time for lsid in added[segment_start])
        later = events[segment_start:]
        cut = later.index(("commit",))
        early += any(e[0] == "pulled" and e[1] <= ended for e in later[:cut])
    assert early > 0


async def test_a_cancelled_sync_leaves_nothing_of_its_open_window(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[Event] = []
    spy(store, events, monkeypatch)
    stuck = asyncio.Event()
    cancelled: list[datetime] = []

    async def pull(start: datetime, end: datetime, **kw: Any) -> AsyncIterator[Any]:
        sent = 0
        async for session in bg.reporting.ended_between(start, end, **kw):
            yield session
            sent += 1
            if sent == 5:
                cancelled.append(start)
                stuck.set()
                await asyncio.sleep(60)  # cancelled here

    plan = CatchUp(concurrency=1, max_window=timedelta(days=60))
    task = asyncio.create_task(store.sync(sync_of(bg, pull), catch_up=plan))
    await asyncio.wait_for(stuck.wait(), 10)
    while ("add", 3) not in events:  # the first chunk went into the open transaction
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert events[-1] == ("rollback",)
    assert sum(e[1] for e in transactions(events)[-1] if e[0] == "add") == 3
    before = [s async for s in store.sessions(by="end")]  # nothing of the open window
    assert all(s.end_time is not None and s.end_time < cancelled[0] for s in before)
    checkpoint = await store.load_checkpoint()
    assert checkpoint is not None and checkpoint.cursor == cancelled[0]
    result = await store.sync(bg.reporting.sync(since=since()))  # the store is usable again
    assert result.sessions == len([s async for s in store.sessions()]) - len(before) > 5


async def test_batches_and_windows_deliver_the_same(bg: BomgarClient) -> None:
    plan, start = CatchUp(concurrency=3, max_window=timedelta(days=2)), since()
    batches = [b async for b in bg.reporting.sync(since=start).batches(catch_up=plan)]
    windows = bg.reporting.sync(since=start).windows(
        catch_up=plan, on_chunk=lambda chunk, _window: len(chunk)
    )
    streamed = []
    async for window in windows:
        chunks = [c async for c in window.chunks()]
        assert all(c.whole and c.prepared == len(c.sessions) <= 3 for c in chunks)
        assert tuple(s for c in chunks for s in c.sessions) == window.batch.sessions
        streamed.append(window.batch)
    assert [(b.sessions, b.checkpoint, b.window) for b in streamed[:-1]] == [
        (b.sessions, b.checkpoint, b.window) for b in batches[:-1]
    ]  # the last window ends at "now", a little later in the second run
    assert len(streamed) == len(batches) and streamed[-1].window[0] == batches[-1].window[0]


async def test_a_window_must_be_taken_whole_before_the_next(bg: BomgarClient) -> None:
    windows = bg.reporting.sync(since=since()).windows(catch_up=CatchUp())
    first = await anext(windows)
    with pytest.raises(BomgarValidationError, match="not complete"):
        _ = first.batch
    with pytest.raises(BomgarValidationError, match="take every chunk"):
        await anext(windows)
    await windows.aclose()
