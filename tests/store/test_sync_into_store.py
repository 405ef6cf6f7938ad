"""store.sync: batches and checkpoints in one transaction, the sync lock, conflicts, the
schema version table; against the simulator, in SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bomgar_async import BomgarClient, BomgarProtocolError, BomgarValidationError
from bomgar_async.reporting.catch_up import CatchUp, SyncProgress
from bomgar_async.store import (
    BomgarStoreError,
    SessionStore,
    SQLiteSessionStore,
    SyncConflictError,
    SyncLockedError,
)

from .conftest import StoreFactory

UTC = timezone.utc


def since() -> datetime:
    return datetime.now(UTC) - timedelta(days=45)


async def test_a_sync_stores_everything_once_and_resumes_from_its_checkpoint(
    store: SessionStore, bg: BomgarClient
) -> None:
    seen: list[SyncProgress] = []
    result = await store.sync(bg.reporting.sync(since=since()), progress=seen.append)
    expected = {s.lsid: s async for s in bg.reporting.support_sessions(since(), by="end")}
    stored = {s.lsid: s async for s in store.sessions(by="end")}
    assert stored == expected
    assert result.sessions == len(expected) and result.batches == len(seen)
    assert [p.windows_done for p in seen] == list(range(1, len(seen) + 1))
    assert seen[-1].windows_total == len(seen) and seen[-1].sessions == len(expected)
    assert seen[-1].bytes > 1000 * len(expected)
    assert await store.load_checkpoint() == result.checkpoint
    again = await store.sync(bg.reporting.sync(since=since()))
    assert again.sessions == 0  # the stored checkpoint: nothing is delivered twice


async def test_adaptive_windows_need_far_fewer_requests(
    store: SessionStore, bg: BomgarClient
) -> None:
    start = datetime.now(UTC) - timedelta(days=330)  # "from January 1st"
    plain = 0
    async for _batch in bg.reporting.sync(since=start).batches():
        plain += 1
    fast = await store.sync(bg.reporting.sync(since=start), catch_up=CatchUp(concurrency=4))
    assert plain >= 1300  # 6-hour windows, one after the other
    assert fast.batches * 10 < plain


async def test_a_second_sync_waits_then_refuses_with_a_typed_error(
    store_factory: StoreFactory, bg: BomgarClient
) -> None:
    first, second = store_factory(), store_factory()
    await first.open()
    await second.open()
    async with first.sync_lock("rs", 1.0):
        with pytest.raises(SyncLockedError, match="another sync"):
            await second.sync(bg.reporting.sync(since=since()), lock_timeout=0.3)
    result = await second.sync(bg.reporting.sync(since=since()), lock_timeout=0.3)
    assert result.sessions > 0  # released: the second one runs


async def test_two_syncs_at_once_never_interleave(
    store_factory: StoreFactory, bg: BomgarClient
) -> None:
    stores = [store_factory(), store_factory()]
    for s in stores:
        await s.open()
    runs = await asyncio.gather(
        *(s.sync(bg.reporting.sync(since=since()), lock_timeout=30) for s in stores)
    )
    total = {s.lsid async for s in bg.reporting.support_sessions(since(), by="end")}
    assert sorted(r.sessions for r in runs) == [0, len(total)]  # one ran, then the other


async def test_a_checkpoint_moved_by_another_writer_rolls_the_batch_back(
    store: SessionStore, bg: BomgarClient
) -> None:
    await store.sync(bg.reporting.sync(since=since()))
    before = await store.load_checkpoint()
    assert before is not None
    with pytest.raises(SyncConflictError):
        await store._write([], ("rs", before.to_json(), None))  # expects no checkpoint
    assert await store.load_checkpoint() == before


async def test_schema_version_and_reopening(store_factory: StoreFactory) -> None:
    store = store_factory()
    await store.open()
    assert await store.schema_version() == 1
    await store.close()
    again = store_factory()
    await again.open()  # migrations are idempotent
    assert await again.schema_version() == 1


async def test_a_newer_schema_is_refused(tmp_path: object) -> None:
    import sqlite3
    from pathlib import Path

    path = Path(str(tmp_path)) / "new.db"
    async with SQLiteSessionStore(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01 00:00:00')")
    with pytest.raises(BomgarStoreError, match="schema version 99"):
        async with SQLiteSessionStore(path):
            pass


async def test_bad_arguments_are_refused_before_any_work(store: SessionStore) -> None:
    with pytest.raises(BomgarValidationError):
        SQLiteSessionStore(":memory:")
    with pytest.raises(BomgarValidationError):
        [s async for s in store.sessions(datetime(2026, 1, 1))]  # naive
    with pytest.raises(BomgarValidationError):
        CatchUp(min_window=timedelta(days=2), max_window=timedelta(days=1))
    with pytest.raises(BomgarValidationError):
        CatchUp(concurrency=0)


class _Renamed:
    """A sync of another report name (any BatchSource): its checkpoint is kept under it."""

    report = "custom-report"

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def batches(self, checkpoint: Any = None, **options: Any) -> AsyncIterator[Any]:
        return self.inner.batches(checkpoint, **options)  # type: ignore[no-any-return]


async def test_a_source_of_another_report_keeps_its_checkpoint_under_its_name(
    store: SessionStore, bg: BomgarClient
) -> None:
    result = await store.sync(_Renamed(bg.reporting.sync(since=since())))
    assert result.sessions > 0
    assert await store.load_checkpoint("custom-report") == result.checkpoint
    assert await store.load_checkpoint("rs") is None


async def test_the_sync_lock_waits_30_seconds_by_default(
    store_factory: StoreFactory, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bomgar_async.store import postgres, sqlite

    first, second = store_factory(), store_factory()
    await first.open()
    await second.open()
    clock = iter(range(0, 10_000, 7))  # each look at the clock: 7 seconds later
    for module in (sqlite, postgres):
        monkeypatch.setattr(module, "time", type("T", (), {"monotonic": lambda: next(clock)}))
    monkeypatch.setattr(asyncio, "sleep", _no_sleep)
    async with first.sync_lock("rs", 1.0):
        with pytest.raises(SyncLockedError, match=r"waited 30 s"):
            await second.sync(bg.reporting.sync(since=since()))


_real_sleep = asyncio.sleep


async def _no_sleep(_delay: float, *args: Any) -> Any:
    return await _real_sleep(0, *args)


@pytest.mark.parametrize("name", ["", 5, b"rs"])
async def test_a_checkpoint_name_must_be_a_non_empty_string(
    store: SessionStore, bg: BomgarClient, name: Any
) -> None:
    with pytest.raises(BomgarValidationError, match=r"^name must be a non-empty string$"):
        await store.sync(bg.reporting.sync(since=since()), name=name)
    assert await store.load_checkpoint("rs") is None  # refused before any work


async def test_the_catch_up_plan_given_is_the_one_used(
    store_factory: StoreFactory, bg: BomgarClient
) -> None:
    six_hours = timedelta(hours=6)
    plain = [b async for b in bg.reporting.sync(since=since(), window=six_hours).batches()]
    fixed, adaptive = store_factory(), store_factory()
    await fixed.open()
    got = await fixed.sync(
        bg.reporting.sync(since=since(), window=six_hours), catch_up=CatchUp.fixed(six_hours)
    )
    assert got.batches == len(plain) >= 150  # one 6-hour window at a time, as asked
    await fixed.close()
    await adaptive.open()
    default = await adaptive.sync(bg.reporting.sync(since=since(), window=six_hours), name="x")
    assert default.batches * 5 < len(plain)  # no plan given: CatchUp() resizes the windows
    assert default.sessions == got.sessions


class _FailsAfter:
    """The real sync's first ``count`` batches, then a pull that fails."""

    report = "SupportSession"

    def __init__(self, inner: Any, count: int) -> None:
        self.inner, self.count = inner, count

    async def batches(self, checkpoint: Any = None, **options: Any) -> AsyncIterator[Any]:
        seen = 0
        async for batch in self.inner.batches(checkpoint, **options):
            if batch.sessions:
                yield batch
                seen += 1
                if seen == self.count:
                    raise BomgarProtocolError("the appliance went away")


async def test_a_failing_pull_lets_the_transaction_in_flight_commit_whole(
    store: SessionStore, bg: BomgarClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed: list[int] = []
    write = store._write_prepared

    async def slow_write(prepared: Any, checkpoint: Any) -> int:
        await asyncio.sleep(0.3)  # still in flight when the next pull fails
        rows = await write(prepared, checkpoint)
        committed.append(len(prepared.lsids))
        return rows

    monkeypatch.setattr(store, "_write_prepared", slow_write)
    plan = CatchUp(concurrency=1, max_window=timedelta(days=2))
    source = _FailsAfter(bg.reporting.sync(since=since()), 2)
    with pytest.raises(BomgarProtocolError, match="went away"):
        await store.sync(source, catch_up=plan)
    assert len(committed) == 2  # both batches pulled were committed before sync raised
    stored = [s async for s in store.sessions()]
    assert len(stored) == sum(committed) > 0
    checkpoint = await store.load_checkpoint()
    ends = [s.end_time for s in stored if s.end_time is not None]
    assert checkpoint is not None and checkpoint.cursor > max(ends)  # moved with the batches


async def test_a_sync_reports_the_batches_sessions_and_rows_it_stored(
    store: SessionStore, bg: BomgarClient
) -> None:
    seen: list[SyncProgress] = []
    plan = CatchUp(concurrency=2, max_window=timedelta(days=2))
    result = await store.sync(bg.reporting.sync(since=since()), catch_up=plan, progress=seen.append)
    assert len({p.sessions for p in seen if p.sessions}) >= 3  # several batches held sessions
    assert result.batches == len(seen)
    stored = [s async for s in store.sessions()]
    assert result.sessions == len(stored) == seen[-1].sessions
    parts = sum(len(s.customers) + len(s.reps) + len(s.teams) + len(s.events) for s in stored)
    assert result.rows > len(stored) + parts  # sessions, participants, events and their parts
    assert result.rows == await store.write(stored)  # the same rows, written again
