"""The simulated appliance against the 1.11.0 guide: ``perm_view_reports`` scopes, the
permissions PresentationRecording and LicenseUsage need, and every session and team event
type the guide lists. Answers are read with the client's parsers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import xmltodict

from bomgar_async.reporting.parse import parse_session_list, parse_team_activity
from bomgar_async.simulator import SessionRecord, Simulator, World
from bomgar_async.simulator.history import RecordTeam, active_records
from bomgar_async.simulator.history_events_extra import SESSION_EVENT_TYPES
from bomgar_async.simulator.team_events import TEAM_EVENT_TYPES

ADMIN = {"username": "admin", "password": "s3cret-admin"}
WIDE = {"start_date": "2000-01-01", "duration": "0"}
DAY = 86400
GUIDE = Path("/work/shared/spec/bomgar-api-guide-1.11.0.txt")


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1) as simulator:
        yield simulator


async def report(sim: Simulator, **params: str) -> bytes:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{sim.url}/api/reporting.ns", params={**ADMIN, **params}) as response,
    ):
        assert response.status == 200
        return await response.read()


def error_text(body: bytes) -> str | None:
    """The text of a root ``<error>``, or ``None`` when the answer is something else."""
    document = xmltodict.parse(body)
    name = next(iter(document))
    if name != "error":
        return None
    content = document[name]
    return content if isinstance(content, str) else content.get("#text", "")


def everything(sim: Simulator) -> list[SessionRecord]:
    return [*sim.world.history, *active_records(sim.world)]


# -- perm_view_reports ----------------------------------------------------------------------


async def listed(sim: Simulator, scope: str) -> set[str]:
    sim.world.users["admin"].permissions["perm_view_reports"] = scope
    sessions = parse_session_list(await report(sim, generate_report="SupportSession", **WIDE))
    return {s.lsid for s in sessions}


async def test_user_sessions_are_those_the_user_was_primary_rep_of(sim: Simulator) -> None:
    admin = sim.world.users["admin"].user_id
    seen = await listed(sim, "user_sessions")
    expected = {r.lsid for r in everything(sim) if r.primary_rep and r.primary_rep.id == admin}
    assert seen == expected and seen
    # A session the user only joined (not as primary rep) is not shown.
    joined = {r.lsid for r in everything(sim) if any(rep.id == admin for rep in r.reps)}
    assert joined - seen


async def test_team_sessions_follow_teammates_and_primary_teams(sim: Simulator) -> None:
    admin = sim.world.users["admin"].user_id
    teams = {t.id for t in sim.world.teams if admin in t.member_ids}
    mates = {m for t in sim.world.teams if t.id in teams for m in t.member_ids} | {admin}
    seen = await listed(sim, "team_sessions")
    expected = {
        r.lsid
        for r in everything(sim)
        if (r.primary_rep and r.primary_rep.id in mates)
        or (r.primary_team and r.primary_team.id in teams)
    }
    assert seen == expected
    assert seen > await listed(sim, "user_sessions")
    assert seen < await listed(sim, "all_sessions")
    # A session that passed through one of the user's teams, was escalated to another team
    # and taken by no teammate stays hidden (the simulator's old reading showed it).
    other = next(t for t in sim.world.teams if t.id not in teams)
    index, record = next(
        (n, r)
        for n, r in enumerate(sim.world.history)
        if r.primary_rep and r.primary_rep.id not in mates
    )
    via = sim.world.team(min(teams))
    escalated = dataclasses.replace(
        record,
        teams=(RecordTeam(via.id, via.name, False), RecordTeam(other.id, other.name, True)),
    )
    sim.world.history[index] = escalated
    assert escalated.lsid not in await listed(sim, "team_sessions")
    assert escalated.lsid in await listed(sim, "all_sessions")


@pytest.mark.parametrize("scope", ["none", "own_sessions", "everything", ""])
async def test_scopes_the_guide_does_not_define_see_nothing(sim: Simulator, scope: str) -> None:
    sim.world.users["admin"].permissions["perm_view_reports"] = scope
    body = await report(sim, generate_report="SupportSessionListing", **WIDE)
    assert "permission" in (error_text(body) or "")


# -- PresentationRecording and LicenseUsage --------------------------------------------------


async def test_presentation_recordings_need_the_presentation_reports_permission(
    sim: Simulator,
) -> None:
    permissions = sim.world.users["admin"].permissions
    lsid = next(k for k, expired in sim.world.presentation_recordings.items() if not expired)
    permissions["perm_view_presentation_reports"] = "none"
    body = await report(sim, generate_report="PresentationRecording", lsid=lsid)
    assert error_text(body) == (
        "User does not have permission to view presentation session reports."
    )
    permissions["perm_view_presentation_reports"] = "user_sessions"
    permissions["perm_view_sd_recordings"] = "0"  # not what a presentation recording needs
    body = await report(sim, generate_report="PresentationRecording", lsid=lsid)
    assert body.startswith(b"FLV")
    record = next(r for r in sim.world.history if r.session_recording and not r.recording_expired)
    body = await report(sim, generate_report="SupportSessionRecording", lsid=record.lsid)
    assert error_text(body) == "User does not have permission to view support session recordings."


async def test_license_usage_needs_the_license_usage_permission(sim: Simulator) -> None:
    permissions = sim.world.users["admin"].permissions
    params = {"generate_report": "LicenseUsage", "group_by": "day", **WIDE}
    permissions["perm_view_license_usage_reports"] = "0"
    assert error_text(await report(sim, **params)) == (
        "User does not have permission to view license usage reports."
    )
    permissions["perm_view_license_usage_reports"] = "1"
    permissions["perm_view_reports"] = "none"  # session reports are a different permission
    assert error_text(await report(sim, **params)) is None


# -- every event type the guide lists -------------------------------------------------------


def _guide_event_types(section: str) -> set[str]:
    """The event types listed in the guide's table of ``section`` (read from the guide)."""
    lines = GUIDE.read_text().splitlines()
    start = lines.index(section)
    row = next(line for line in lines[start:] if line.startswith("event_type (attribute)"))
    cells = re.findall(r"<td>\s*([^<]*?)\s*</td>", row)
    return {cell.rstrip("*") for cell in cells if cell.strip()}


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is not on this machine")
def test_the_event_type_tables_are_the_guides() -> None:
    session = _guide_event_types("/session_list/session/session_details/event")
    team = _guide_event_types("/team_activity_list/team_activity/events/event")
    assert (len(session), len(team)) == (28, 19)
    assert session == set(SESSION_EVENT_TYPES)
    assert team == set(TEAM_EVENT_TYPES)


def test_event_type_tables_have_the_guides_sizes() -> None:
    assert len(set(SESSION_EVENT_TYPES)) == len(SESSION_EVENT_TYPES) == 28
    assert len(set(TEAM_EVENT_TYPES)) == len(TEAM_EVENT_TYPES) == 19


async def test_the_history_holds_every_session_event_type(sim: Simulator) -> None:
    sessions = parse_session_list(await report(sim, generate_report="SupportSession", **WIDE))
    types = {event.event_type for s in sessions for event in s.events}
    assert types == set(SESSION_EVENT_TYPES)


@pytest.mark.parametrize("seed", [1, 2, 7, 19])
def test_every_seed_holds_every_event_type(seed: int) -> None:
    world = World.generate(seed, now=1_700_000_000 + seed * 7777)
    assert {e.event_type for r in world.history for e in r.events} == set(SESSION_EVENT_TYPES)


async def test_the_team_activity_holds_every_team_event_type(sim: Simulator) -> None:
    lo = sim.world.created_at - 30 * DAY
    body = await report(
        sim, generate_report="SupportTeam", start_time=str(lo), duration=str(30 * DAY)
    )
    activity = parse_team_activity(body)
    types = {event.event_type for team in activity.teams for event in team.events}
    assert types == set(TEAM_EVENT_TYPES)
    pinned = [
        e for t in activity.teams for e in t.events if e.event_type == "Session Pinned to Queue"
    ]
    assert all(e.values.get("queue") for e in pinned)
