"""bg.reporting.sync: incremental pulls that lose nothing and repeat nothing, whatever the
crashes, and catch sessions the appliance reports late."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import (
    BomgarClient,
    BomgarProtocolError,
    BomgarTransportError,
    BomgarValidationError,
    FileCheckpointStore,
    SyncCheckpoint,
)
from bomgar_async._http.request import (
    Request,
    Response,
)
from bomgar_async.testing import (
    FakeTransport,
    xml_response,
)

from .test_reporting_api import session_list

UTC = timezone.utc
T0 = datetime(2026, 11, 1, tzinfo=UTC)


class Crash(Exception):
    """A process dying at some point of the sync."""


class LateAppliance:
    """Sessions become visible in end-time reports only ``delay`` after they end."""

    def __init__(self, seed: int, count: int) -> None:
        rng = random.Random(seed)
        self.now = T0
        self.sessions: list[tuple[str, datetime, datetime, datetime]] = []
        for i in range(count):
            start = T0 + timedelta(minutes=rng.randrange(0, 5 * 24 * 60))
            end = start + timedelta(minutes=rng.randrange(1, 180))
            late = timedelta(minutes=rng.choice([0, 0, 0, 2, 9]))  # some reported late
            self.sessions.append((f"lsid{i:05d}", start, end, end + late))
        self.fail_next = 0

    def __call__(self, request: Request) -> Response:
        if self.fail_next:
            self.fail_next -= 1
            raise Crash("the process died while the report was being fetched")
        params = dict(request.form or ())
        begin = datetime.fromtimestamp(int(params["end_time"]), UTC)
        stop = begin + timedelta(seconds=int(params["duration"]))
        rows = [
            (lsid, start, end)
            for lsid, start, end, visible in sorted(self.sessions, key=lambda s: s[1])
            if begin <= end < stop and visible <= self.now and end <= self.now
        ]
        return xml_response(session_list(rows))


class AtomicSink:
    """A database that stores a batch's sessions and its checkpoint in one transaction."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.checkpoint: str | None = None

    def commit(self, lsids: list[str], checkpoint: SyncCheckpoint) -> None:
        for lsid in lsids:
            self.rows[lsid] = self.rows.get(lsid, 0) + 1
        self.checkpoint = checkpoint.to_json()


async def run_once(
    appliance: LateAppliance, sink: AtomicSink, rng: random.Random, crash_rate: float
) -> None:
    async def clock() -> datetime:
        return appliance.now

    fake = FakeTransport(appliance)
    async with BomgarClient(
        "support.example.com", username="api", password="pw", transport=fake, retries=0
    ) as bg:
        sync = bg.reporting.sync(
            since=T0, overlap=timedelta(minutes=15), window=timedelta(hours=3), clock=clock
        )
        start = SyncCheckpoint.from_json(sink.checkpoint) if sink.checkpoint else None
        async for batch in sync.batches(start):
            if rng.random() < crash_rate:
                raise Crash("died after receiving a batch, before storing it")
            sink.commit([s.lsid for s in batch.sessions], batch.checkpoint)
            if rng.random() < crash_rate:
                raise Crash("died right after storing a batch")
            if rng.random() < crash_rate:
                appliance.fail_next = 1


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_crashes_at_any_point_lose_nothing_and_repeat_nothing(seed: int) -> None:
    appliance = LateAppliance(seed, count=400)
    sink = AtomicSink()
    rng = random.Random(seed * 7919)
    crashes = 0
    horizon = T0 + timedelta(days=5, hours=4)
    while appliance.now < horizon:
        appliance.now += timedelta(minutes=rng.randrange(20, 240))
        for _attempt in range(20):  # keep restarting after crashes until a clean run
            try:
                await run_once(appliance, sink, rng, crash_rate=0.15)
                break
            except Crash:
                crashes += 1
    appliance.now = horizon + timedelta(hours=1)
    await run_once(appliance, sink, rng, crash_rate=0.0)
    expected = {lsid for lsid, *_ in appliance.sessions}
    assert crashes > 10  # the crash injection really happened
    assert set(sink.rows) == expected  # nothing lost, late sessions included
    assert set(sink.rows.values()) == {1}  # nothing repeated


async def test_late_sessions_within_the_overlap_are_caught() -> None:
    appliance = LateAppliance(9, count=0)
    appliance.sessions = [
        ("early", T0, T0 + timedelta(minutes=50), T0 + timedelta(minutes=50)),
        ("late", T0, T0 + timedelta(minutes=55), T0 + timedelta(minutes=68)),
    ]
    sink = AtomicSink()
    appliance.now = T0 + timedelta(minutes=60)
    await run_once(appliance, sink, random.Random(0), crash_rate=0.0)
    assert set(sink.rows) == {"early"}
    appliance.now = T0 + timedelta(minutes=70)
    await run_once(appliance, sink, random.Random(0), crash_rate=0.0)
    assert sink.rows == {"early": 1, "late": 1}


async def test_file_store_commits_and_resumes(tmp_path: Path) -> None:
    appliance = LateAppliance(4, count=60)
    appliance.now = T0 + timedelta(days=6)
    store = FileCheckpointStore(tmp_path / "sync.json")
    delivered: list[str] = []

    async def clock() -> datetime:
        return appliance.now

    fake = FakeTransport(appliance)
    async with BomgarClient(
        "support.example.com", username="api", password="pw", transport=fake
    ) as bg:
        sync = bg.reporting.sync(since=T0, window=timedelta(days=1), store=store, clock=clock)
        async for batch in sync.batches():
            delivered.extend(s.lsid for s in batch.sessions)
            await sync.commit(batch)
            if len(delivered) > 20:
                break  # stop early, as a process being shut down would
        async for batch in sync.batches():  # resumes from the stored checkpoint
            delivered.extend(s.lsid for s in batch.sessions)
            await sync.commit(batch)
    assert sorted(delivered) == sorted(lsid for lsid, *_ in appliance.sessions)
    assert [p.name for p in tmp_path.iterdir()] == ["sync.json"]
    saved = await store.load()
    assert saved is not None and saved.cursor > T0 + timedelta(days=5)


def test_checkpoint_json_round_trip_and_refusals() -> None:
    checkpoint = SyncCheckpoint(cursor=T0, seen={"a": T0 + timedelta(minutes=1)})
    assert SyncCheckpoint.from_json(checkpoint.to_json()) == checkpoint
    for bad in ("", "{}", '{"version": 2, "cursor": "x", "seen": {}}', "[1]"):
        with pytest.raises(BomgarProtocolError):
            SyncCheckpoint.from_json(bad)
    with pytest.raises(TypeError):
        checkpoint.seen["b"] = T0  # type: ignore[index]


async def test_sync_arguments_are_checked() -> None:
    async def clock() -> datetime:
        return T0

    fake = FakeTransport(lambda _r: xml_response(session_list([])))
    async with BomgarClient("x.example.com", username="a", password="b", transport=fake) as bg:
        with pytest.raises(BomgarValidationError):
            bg.reporting.sync(since=datetime(2026, 1, 1), clock=clock)
        with pytest.raises(BomgarValidationError):
            bg.reporting.sync(since=T0, window=timedelta(0), clock=clock)
        assert fake.requests == []  # bad arguments: nothing sent
        sync = bg.reporting.sync(since=T0, clock=clock)
        with pytest.raises(BomgarValidationError, match="no store"):
            async for batch in sync.batches():
                await sync.commit(batch)
    assert len(fake.requests) == 1  # the one (empty) window was pulled, then commit refused


async def test_a_transport_failure_mid_sync_keeps_the_last_checkpoint() -> None:
    appliance = LateAppliance(5, count=100)
    appliance.now = T0 + timedelta(days=6)
    calls = 0

    def flaky(request: Request) -> Response:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise BomgarTransportError("connection refused")
        return appliance(request)

    sink = AtomicSink()

    async def clock() -> datetime:
        return appliance.now

    fake = FakeTransport(flaky)
    async with BomgarClient(
        "support.example.com", username="api", password="pw", transport=fake, retries=0
    ) as bg:
        sync = bg.reporting.sync(since=T0, window=timedelta(days=1), clock=clock)
        with pytest.raises(BomgarTransportError):
            async for batch in sync.batches():
                sink.commit([s.lsid for s in batch.sessions], batch.checkpoint)
        assert sink.checkpoint is not None
        async for batch in sync.batches(SyncCheckpoint.from_json(sink.checkpoint)):
            sink.commit([s.lsid for s in batch.sessions], batch.checkpoint)
    assert set(sink.rows) == {lsid for lsid, *_ in appliance.sessions}
    assert set(sink.rows.values()) == {1}
