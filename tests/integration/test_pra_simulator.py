"""``bg.pra`` against ``Simulator(product="pra")``: every PRA report from the seeded history,
streaming and windows, recordings, empty ranges answered the real way, and the one sync engine
with checkpoints that say which report they belong to."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bomgar_async import (
    AccessSession,
    BomgarAPIError,
    BomgarClient,
    BomgarNoDataError,
    BomgarValidationError,
    SyncCheckpoint,
)
from bomgar_async.simulator import REPORTING_NS_BEYONDTRUST, Simulator

UTC = timezone.utc
QUIET = datetime(2020, 3, 2, tzinfo=UTC)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=5, history_sessions=60, product="pra") as simulator:
        yield simulator


def admin(sim: Simulator, **options: Any) -> BomgarClient:
    options.setdefault("retry_backoff", 0.0)
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, **options
    )


def month_ago() -> datetime:
    return datetime.now(UTC) - timedelta(days=31)


async def test_access_sessions_stream_the_history(sim: Simulator) -> None:
    async with admin(sim) as bg:
        sessions = [s async for s in bg.pra.access_sessions(month_ago())]
        windowed = bg.pra.access_sessions(month_ago(), window=timedelta(days=5), concurrency=3)
        in_windows = [s.lsid async for s in windowed]
        listing = await bg.pra.access_session_listing(month_ago())
        one = await bg.pra.access_session(sessions[3].lsid)
    assert len(sessions) == len(sim.world.history) + len(sim.world.active_sessions())
    assert all(isinstance(s, AccessSession) and s.jump_group is not None for s in sessions)
    assert {s.jump_group.type for s in sessions if s.jump_group} == {"shared", "personal"}
    assert any(s.custom_attributes for s in sessions)
    assert any(not s.custom_attributes for s in sessions)
    assert in_windows == [s.lsid for s in sessions]
    assert [e.lsid for e in listing] == [s.lsid for s in sessions]
    assert one == sessions[3]
    assert {r.path for r in sim.requests} == {"/api/reporting.ns"}


async def test_the_answers_use_the_pra_namespace(sim: Simulator) -> None:
    fields = {"username": "admin", "password": "s3cret-admin", "generate_report": "Team"}
    fields |= {"start_date": month_ago().date().isoformat(), "duration": "0"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sim.url}/api/reporting", data=fields) as response,
    ):
        body = await response.read()
    assert f'<team_activity_list xmlns="{REPORTING_NS_BEYONDTRUST}"'.encode() in body


async def test_summary_team_and_vault(sim: Simulator) -> None:
    async with admin(sim) as bg:
        sessions = [s async for s in bg.pra.access_sessions(month_ago())]
        summary = await bg.pra.access_session_summary(month_ago())
        team = await bg.pra.team_activity(month_ago())
        vault = await bg.pra.vault_account_activity(month_ago())
        limited = await bg.pra.vault_account_activity(month_ago(), limit="account:2")
    assert {s.type for s in summary} == {"user"}
    owned = sum(1 for s in sessions if s.primary_rep is not None)
    assert sum(s.total_sessions or 0 for s in summary) == owned
    assert team.teams and all(t.events for t in team.teams)
    assert len(vault) > 20
    stamps = [v.timestamp for v in vault]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert all(v.event_type and v.account_id and v.performed_by for v in vault)
    assert {v.performed_by.type for v in vault if v.performed_by} <= {"User", "System"}
    assert any(v.account_name for v in vault) and any(v.data for v in vault)
    assert limited == vault  # the simulator accepts limit; it does not filter by it


async def test_recordings(sim: Simulator, tmp_path: Path) -> None:
    record = next(r for r in sim.world.history if r.session_recording and not r.recording_expired)
    async with admin(sim) as bg:
        result = await bg.pra.download_recording(record.lsid, tmp_path / "rec.flv")
    assert result.path.read_bytes() == sim.recording_bytes(record.lsid, "support_session")


@pytest.mark.parametrize("locale", ["en", "fr", "de", "pt", "nl"])
async def test_empty_ranges_are_answered_the_real_way(locale: str) -> None:
    async with Simulator(seed=5, history_sessions=20, product="pra", locale=locale) as sim:
        day, until = QUIET.date(), QUIET.date() + timedelta(days=1)
        async with admin(sim) as bg:
            assert [s async for s in bg.pra.access_sessions(day, until)] == []
            assert await bg.pra.access_session_listing(day, until) == []
            assert await bg.pra.access_session_summary(day, until) == []
            assert (await bg.pra.team_activity(day, until)).teams == ()
            assert await bg.pra.vault_account_activity(day, until) == []
            with pytest.raises(BomgarNoDataError):
                await bg.pra.access_session("ffff0000ffff0000")
        assert len(sim.requests) == 6


async def test_remote_support_reports_are_unknown_to_pra(sim: Simulator) -> None:
    async with admin(sim) as bg:
        with pytest.raises(BomgarAPIError, match="Invalid report type") as caught:
            await bg.reporting.support_session_listing(date.today())
    assert not isinstance(caught.value, BomgarNoDataError)


async def test_one_sync_engine_and_checkpoints_that_name_their_report(sim: Simulator) -> None:
    early = sim.add_closed_session(QUIET + timedelta(hours=1), QUIET + timedelta(hours=2))
    end = QUIET + timedelta(days=4)

    async def clock() -> datetime:
        return end

    async with admin(sim) as bg:
        sync = bg.pra.sync(since=QUIET, window=timedelta(days=1), clock=clock)
        batches = [b async for b in sync.batches()]
        checkpoint = batches[-1].checkpoint
        with pytest.raises(BomgarValidationError, match="AccessSession"):
            [b async for b in bg.reporting.sync(since=QUIET, clock=clock).batches(checkpoint)]
    assert [s.lsid for b in batches for s in b.sessions] == [early]
    assert all(isinstance(s, AccessSession) for b in batches for s in b.sessions)
    assert json.loads(checkpoint.to_json())["report"] == "AccessSession"
    assert SyncCheckpoint.from_json(checkpoint.to_json()) == checkpoint
    old = json.loads(checkpoint.to_json())
    del old["report"]  # written before checkpoints named their report
    assert SyncCheckpoint.from_json(json.dumps(old)).report == "SupportSession"
