"""The simulator answers empty reports the real way (the no-data ``<error>`` in its locale), and
the SDK treats that as "nothing": every report call, a windowed pull with empty windows in the
middle, and a sync across a mostly empty range that still advances its checkpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarClient,
    BomgarNoDataError,
    BomgarPermissionError,
    SyncCheckpoint,
)
from bomgar_async.reporting.catch_up import CatchUp, SyncProgress
from bomgar_async.simulator import Simulator
from bomgar_async.simulator.no_data import no_data_message

UTC = timezone.utc
QUIET = datetime(2020, 3, 2, tzinfo=UTC)  # years before the generated history


def admin(sim: Simulator) -> BomgarClient:
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, retry_backoff=0.0
    )


@pytest.fixture(params=["en", "fr", "de", "es", "it"])
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[Simulator]:
    async with Simulator(seed=3, history_sessions=40, locale=request.param) as simulator:
        yield simulator


async def test_every_report_of_an_empty_range_is_empty(sim: Simulator) -> None:
    day, until = QUIET.date(), QUIET.date() + timedelta(days=2)
    async with admin(sim) as bg:
        reporting = bg.reporting
        assert await reporting.support_session_listing(day, until) == []
        assert await reporting.support_session_summary(day, until) == []
        assert await reporting.customer_exit_surveys(day, until) == []
        assert await reporting.rep_exit_surveys(day, until) == []
        assert (await reporting.team_activity(day, until)).teams == ()
        assert (await reporting.license_usage(day, until)).intervals == ()
        assert [s async for s in reporting.support_sessions(day, until)] == []
        with pytest.raises(BomgarNoDataError) as caught:
            await reporting.support_session("ffff0000ffff0000")
    assert caught.value.message == no_data_message("SupportSession", sim.locale)
    assert {r.action for r in sim.requests} >= {"SupportSessionListing", "LicenseUsage"}


async def test_a_windowed_pull_passes_over_empty_windows(sim: Simulator) -> None:
    first = sim.add_closed_session(QUIET + timedelta(hours=2), QUIET + timedelta(hours=3))
    last = sim.add_closed_session(
        QUIET + timedelta(days=4, hours=1), QUIET + timedelta(days=4, hours=2)
    )
    async with admin(sim) as bg:
        pulled = bg.reporting.support_sessions(
            QUIET, QUIET + timedelta(days=5), window=timedelta(days=1), concurrency=2
        )
        lsids = [s.lsid async for s in pulled]
    assert lsids == [first, last]  # windows 2, 3 and 4 answered "no data"
    assert sum(r.action == "SupportSession" for r in sim.requests) == 5


async def test_a_sync_across_a_mostly_empty_range_advances(sim: Simulator) -> None:
    early = sim.add_closed_session(QUIET + timedelta(hours=1), QUIET + timedelta(hours=5))
    late = sim.add_closed_session(QUIET + timedelta(days=8), QUIET + timedelta(days=8, hours=1))
    end = QUIET + timedelta(days=10)

    async def clock() -> datetime:
        return end

    async with admin(sim) as bg:
        sync = bg.reporting.sync(since=QUIET, window=timedelta(days=1), clock=clock)
        batches = [batch async for batch in sync.batches()]
    delivered = [s.lsid for b in batches for s in b.sessions]
    assert delivered == [early, late]
    assert len(batches) == 11 and sum(1 for b in batches if not b.sessions) == 9
    final = SyncCheckpoint.from_json(batches[-1].checkpoint.to_json())
    assert final.cursor >= end


async def test_a_catch_up_sync_passes_over_no_data_windows(sim: Simulator) -> None:
    early = sim.add_closed_session(QUIET + timedelta(hours=1), QUIET + timedelta(hours=5))
    late = sim.add_closed_session(QUIET + timedelta(days=50), QUIET + timedelta(days=50, hours=1))
    end = QUIET + timedelta(days=60)

    async def clock() -> datetime:
        return end

    seen: list[SyncProgress] = []
    plan = CatchUp(concurrency=3, min_window=timedelta(hours=1), max_window=timedelta(days=8))
    async with admin(sim) as bg:
        sync = bg.reporting.sync(since=QUIET, window=timedelta(hours=6), clock=clock)
        batches = [b async for b in sync.batches(catch_up=plan, progress=seen.append)]
    assert [s.lsid for b in batches for s in b.sessions] == [early, late]
    assert sum(1 for b in batches if not b.sessions) == len(batches) - 2
    assert len(batches) < 20  # empty windows grew (60 days of fixed 6-hour windows: 241)
    assert [b.window[0] for b in batches[1:]] == [b.window[1] for b in batches[:-1]]
    assert batches[-1].checkpoint.cursor >= end  # the cursor moved past every empty window
    assert [p.windows_done for p in seen] == list(range(1, len(batches) + 1))
    assert seen[-1].bytes > 0  # the no-data answers' bodies count too


async def test_real_errors_still_raise_on_the_simulator(sim: Simulator, tmp_path: Path) -> None:
    async with BomgarClient(
        sim.url, username="nocommand", password="s3cret-nc", allow_http=True
    ) as bg:
        with pytest.raises(BomgarPermissionError):
            await bg.reporting.support_session_listing(date.today())
        with pytest.raises(BomgarPermissionError):
            [s async for s in bg.reporting.support_sessions(date.today())]
    async with admin(sim) as bg:
        with pytest.raises(BomgarAPIError) as caught:
            await bg.reporting.download_recording("ffff0000ffff0000", tmp_path / "x.bin")
    assert not isinstance(caught.value, BomgarNoDataError)


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="locale"):
        Simulator(locale="xx")
