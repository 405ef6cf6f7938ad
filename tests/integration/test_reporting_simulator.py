"""bg.reporting against the simulated appliance: every report type, streaming, windows,
faults, recordings, and the resumable sync with crashes between windows."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarClient,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarTransportError,
    ExitSurvey,
    LicenseUsageReport,
    SessionListingEntry,
    SessionSummary,
    SupportSession,
    SyncCheckpoint,
    TeamActivityReport,
)
from bomgar_async.simulator import (
    Fault,
    Simulator,
)

UTC = timezone.utc


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1) as simulator:
        yield simulator


def admin(sim: Simulator, **options: Any) -> BomgarClient:
    options.setdefault("retry_backoff", 0.0)
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, **options
    )


def month_ago() -> datetime:
    return datetime.now(UTC) - timedelta(days=31)


async def test_support_sessions_stream_everything_in_start_order(sim: Simulator) -> None:
    async with admin(sim) as bg:
        sessions = [s async for s in bg.reporting.support_sessions(month_ago())]
    assert len(sessions) == len(sim.world.history) + len(sim.world.active_sessions())
    starts = [s.start_time for s in sessions]
    assert starts == sorted(starts)  # type: ignore[type-var]
    assert all(isinstance(s, SupportSession) for s in sessions)
    in_progress = [s for s in sessions if s.end_time is None]
    assert len(in_progress) == len(sim.world.active_sessions())
    rich = [s for s in sessions if s.events and s.customers]
    assert rich and any(e.body for s in rich for e in s.events)
    record = sim.requests[0]
    assert record.path == "/api/reporting.ns" and record.action == "SupportSession"
    assert record.form["start_time"] and record.form["duration"] == "0"


async def test_by_end_selects_closed_sessions_only(sim: Simulator) -> None:
    async with admin(sim) as bg:
        ended = [s async for s in bg.reporting.support_sessions(month_ago(), by="end")]
    assert len(ended) == len(sim.world.history)
    assert all(s.end_time is not None for s in ended)


async def test_windowed_pull_equals_one_pull(sim: Simulator) -> None:
    since = month_ago()
    async with admin(sim, max_concurrency=4) as bg:
        whole = [s.lsid async for s in bg.reporting.support_sessions(since)]
        sim.clear_requests()
        windowed = [
            s.lsid
            async for s in bg.reporting.support_sessions(
                since, window=timedelta(days=2), concurrency=3
            )
        ]
    assert windowed == whole
    assert len(sim.requests) == 16  # 31 days + a second, in 2-day windows


async def test_every_other_report_type(sim: Simulator) -> None:
    since = date.today() - timedelta(days=31)
    async with admin(sim) as bg:
        listing = await bg.reporting.support_session_listing(since)
        summary = await bg.reporting.support_session_summary(since, report_type="team")
        customer = await bg.reporting.customer_exit_surveys(since)
        rep = await bg.reporting.rep_exit_surveys(since, report_type="team", id="all")
        teams = await bg.reporting.team_activity(since, date.today() + timedelta(days=1))
        usage = await bg.reporting.license_usage(since, group_by="day")
        one = await bg.reporting.support_session(listing[0].lsid)
    assert listing and all(isinstance(e, SessionListingEntry) for e in listing)
    assert any(e.has_recording for e in listing)
    assert summary and all(isinstance(s, SessionSummary) for s in summary)
    assert all(s.avg_duration is not None for s in summary)
    assert customer and all(isinstance(s, ExitSurvey) for s in customer)
    assert any(q.answers for s in customer for q in s.questions)
    assert rep and all(isinstance(s, ExitSurvey) for s in rep)
    assert isinstance(teams, TeamActivityReport) and teams.teams
    assert isinstance(usage, LicenseUsageReport) and usage.intervals
    assert one.lsid == listing[0].lsid
    sent = {r.action: r.form for r in sim.requests}
    assert sent["SupportSessionSummary"]["report_type"] == "team"
    assert sent["SupportCustExitSurvey"]["id"] == "all"
    assert sent["LicenseUsage"]["group_by"] == "day"
    assert sent["SupportTeam"]["start_date"] == since.isoformat()


async def test_a_terminated_session_appears_in_end_reports(sim: Simulator) -> None:
    lsid = sim.world.active_sessions()[0].lsid
    async with admin(sim) as bg:
        await bg.command.terminate_session(lsid)
        recent = datetime.now(UTC) - timedelta(minutes=5)
        ended = [s.lsid async for s in bg.reporting.support_sessions(recent, by="end")]
    assert lsid in ended


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("truncate", BomgarProtocolError),  # connection dropped mid-body
        ("truncate_xml", BomgarProtocolError),  # complete HTTP body, half a document
        ("drop", BomgarTransportError),  # no answer at all
    ],
)
async def test_faults_mid_report_raise_typed_errors(
    sim: Simulator, kind: str, error: type[Exception]
) -> None:
    sim.add_fault(Fault(kind, action="SupportSession", times=None))  # type: ignore[arg-type]
    received: list[str] = []
    async with admin(sim, retries=1) as bg:
        with pytest.raises(error):
            async for session in bg.reporting.support_sessions(month_ago()):
                received.append(session.lsid)
    assert len(received) == len(set(received))
    if kind == "drop":
        assert received == []


async def test_recordings_complete_truncated_and_expired(sim: Simulator, tmp_path: Path) -> None:
    live = next(r for r in sim.world.history if r.session_recording and not r.recording_expired)
    expired = next(r for r in sim.world.history if r.session_recording and r.recording_expired)
    async with admin(sim) as bg:
        result = await bg.reporting.download_recording(live.lsid, tmp_path / "live.flv")
        with pytest.raises(BomgarAPIError, match="expired"):
            await bg.reporting.download_recording(expired.lsid, tmp_path / "old.flv")
        sim.add_fault(Fault("truncate", action="SupportSessionRecording", times=None))
        with pytest.raises(BomgarProtocolError):
            await bg.reporting.download_recording(live.lsid, tmp_path / "cut.flv")
    expected = sim.recording_bytes(live.lsid)
    assert result.sha256 == hashlib.sha256(expected).hexdigest()
    assert (tmp_path / "live.flv").read_bytes() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.flv"]


async def test_reporting_needs_the_reporting_permission(sim: Simulator) -> None:
    async with BomgarClient(
        sim.url, username="nocommand", password="s3cret-nc", allow_http=True
    ) as bg:
        with pytest.raises(BomgarPermissionError):
            await bg.reporting.support_session_listing(date.today())


async def test_sync_with_crashes_between_windows_loses_and_repeats_nothing(
    sim: Simulator,
) -> None:
    store: dict[str, Any] = {"rows": {}, "checkpoint": None}

    class Crash(Exception):
        pass

    since = month_ago()
    late = sim.add_closed_session(
        since + timedelta(days=1), datetime.now(UTC) - timedelta(minutes=1)
    )
    crashes = 0
    async with admin(sim) as bg:
        for attempt in range(40):
            sync = bg.reporting.sync(since=since, window=timedelta(days=3))
            start = store["checkpoint"] and SyncCheckpoint.from_json(store["checkpoint"])
            try:
                async for number, batch in _numbered(sync.batches(start or None)):
                    for session in batch.sessions:  # one transaction: rows + checkpoint
                        store["rows"][session.lsid] = store["rows"].get(session.lsid, 0) + 1
                    store["checkpoint"] = batch.checkpoint.to_json()
                    if number == 1 and attempt < 4:  # die between the 2nd and 3rd window
                        raise Crash("between two windows")
                break
            except Crash:
                crashes += 1
    expected = {record.lsid for record in sim.world.history}
    assert crashes == 4
    assert late in store["rows"]
    assert set(store["rows"]) == expected
    assert set(store["rows"].values()) == {1}


async def _numbered(batches: AsyncIterator[Any]) -> AsyncIterator[tuple[int, Any]]:
    number = 0
    async for batch in batches:
        yield number, batch
        number += 1
