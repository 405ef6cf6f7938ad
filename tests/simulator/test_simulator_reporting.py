"""The simulated Reporting API: history, every report, parameters, permissions, recordings,
streaming of bulk reports and faults. Answers are checked with the CLIENT's parsers."""

from __future__ import annotations

import asyncio
import base64
import tracemalloc
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest
import xmltodict

from bomgar_async.errors import (
    BomgarAPIError,
    BomgarProtocolError,
)
from bomgar_async.reporting.models import SupportSession
from bomgar_async.reporting.no_data import NoDataMatcher
from bomgar_async.reporting.parse import (
    parse_exit_surveys,
    parse_license_usage,
    parse_session_list,
    parse_session_listing,
    parse_session_summary,
    parse_team_activity,
)
from bomgar_async.reporting.session_stream import SessionStreamParser
from bomgar_async.simulator import (
    COMMAND_NS_BEYONDTRUST,
    COMMAND_NS_HTTPS,
    REPORTING_NS_BEYONDTRUST,
    REPORTING_NS_BOMGAR,
    REPORTING_NS_HTTPS,
    Fault,
    SessionRecord,
    Simulator,
    World,
)
from bomgar_async.simulator.history import (
    active_records,
    bulk_lsid,
    bulk_record,
)
from bomgar_async.simulator.history_gen import add_closed_session

ADMIN = {"username": "admin", "password": "s3cret-admin"}
WIDE = {"start_date": "2000-01-01", "duration": "0"}
NOW = 1_700_000_000
DAY = 86400
EXPIRED = "This recording has expired and can no longer be viewed or downloaded."
NO_SUPPORT_DATA = "No Support report information matching your chosen criteria is available."


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1) as simulator:
        yield simulator


def url(sim: Simulator) -> str:
    return f"{sim.url}/api/reporting.ns"


async def fetch(
    sim: Simulator, params: dict[str, str], *, user: dict[str, str] = ADMIN, post: bool = False
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection; (status, headers, body)."""
    fields = {**user, **params}
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        request = http.post(url(sim), data=fields) if post else http.get(url(sim), params=fields)
        async with request as response:
            return response.status, dict(response.headers), await response.read()


async def report(sim: Simulator, **params: str) -> bytes:
    status, _, body = await fetch(sim, params)
    assert status == 200
    return body


async def session_list(sim: Simulator, **params: str) -> list[SupportSession]:
    """The sessions of a SupportSession report; [] for the no-data answer (as the SDK does)."""
    body = await report(sim, generate_report="SupportSession", **params)
    try:
        return parse_session_list(body)
    except BomgarAPIError as err:
        if NoDataMatcher().is_no_data(err):
            return []
        raise


def root_of(body: bytes) -> tuple[str, dict[str, Any]]:
    """(name of the root, its content as xmltodict gives it)."""
    document = xmltodict.parse(body)
    name = next(iter(document))
    content = document[name]
    return name, content if isinstance(content, dict) else {"#text": content}


def error_of(body: bytes) -> tuple[str, str]:
    """(name of the root, text of the <error>: the root itself or its child)."""
    name, content = root_of(body)
    if name == "error":
        return name, content.get("#text") or ""
    assert set(content) - {"@xmlns"} == {"error"}, body
    return name, content["error"]


def everything(sim: Simulator) -> list[SessionRecord]:
    """History and sessions in progress, in start order (what a wide start report holds)."""
    records = [*sim.world.history, *active_records(sim.world)]
    return sorted(records, key=lambda r: (r.start, r.lsid))


def ts(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


# -- the history ----------------------------------------------------------------------------


def test_history_is_deterministic_and_matches_the_world() -> None:
    world = World.generate(1, now=NOW)
    again = World.generate(1, now=NOW)
    assert world.history == again.history
    assert world.presentation_recordings == again.presentation_recordings
    assert [r.lsid for r in World.generate(2, now=NOW).history] != [r.lsid for r in world.history]
    later = World.generate(1, now=NOW + 12_345).history  # the same history, shifted in time
    assert [(r.lsid, r.start - NOW, r.session_recording) for r in world.history] == [
        (r.lsid, r.start - NOW - 12_345, r.session_recording) for r in later
    ]
    history = world.history
    assert len(history) == 300
    assert [(r.start, r.lsid) for r in history] == sorted((r.start, r.lsid) for r in history)
    assert all(r.end is not None and NOW - 30 * DAY <= r.start < r.end < NOW for r in history)
    reps = {rep.id: rep for rep in world.reps}
    teams = {team.id: team.name for team in world.teams}
    for record in history:
        for rep in record.reps:
            assert reps[rep.id].username == rep.username
            assert reps[rep.id].private_display_name == rep.private_display_name
            assert reps[rep.id].public_display_name == rep.public_display_name
        assert all(teams[team.id] == team.name for team in record.teams)
    assert {r.site.id: r.site.name for r in history} == {1: "Default", 2: "Partner Portal"}
    keys = [r.external_key for r in history]
    assert any(keys) and not all(keys)
    assert len(world.presentation_recordings) == 3
    assert sum(world.presentation_recordings.values()) == 1


def test_sessions_in_progress_and_added_sessions() -> None:
    world = World.generate(1, now=NOW)
    active = active_records(world)
    assert {r.lsid for r in active} == {s.lsid for s in world.sessions}
    assert [r.start for r in active] == sorted(s.started_at for s in world.sessions)
    assert all(r.end is None and not r.session_recording and not r.cust_survey for r in active)
    added = add_closed_session(world, NOW - 5 * DAY, NOW - 10)
    assert (added.start, added.end, len(world.history)) == (NOW - 5 * DAY, NOW - 10, 301)
    assert [r.start for r in world.history] == sorted(r.start for r in world.history)
    assert added.lsid != add_closed_session(world, NOW - 5 * DAY, NOW - 10).lsid
    with pytest.raises(ValueError, match="already exists"):
        add_closed_session(world, NOW - 100, NOW, lsid=added.lsid)
    with pytest.raises(ValueError, match="before"):
        add_closed_session(world, NOW, NOW - 100)


# -- SupportSession ---------------------------------------------------------------------------


async def test_support_session_report_has_every_element(sim: Simulator) -> None:
    body = await report(sim, generate_report="SupportSession", **WIDE)
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<session_list xmlns=')
    sessions = parse_session_list(body)
    expected = everything(sim)
    assert [s.lsid for s in sessions] == [r.lsid for r in expected]
    assert len(sessions) == 306
    in_progress = {s.lsid for s in sim.world.sessions}
    assert {s.lsid for s in sessions if s.end_time is None} == in_progress
    for session, record in zip(sessions, expected, strict=True):
        assert (ts(session.start_time), ts(session.end_time)) == (record.start, record.end)
        assert session.lseq == record.lseq
        assert len(session.events) == len(record.events)
    closed = [s for s in sessions if s.end_time is not None]
    assert all(s.session_chat_download_url and s.session_chat_view_url for s in closed)
    assert any(s.jumpoint is not None for s in sessions)
    assert any(s.primary_team is not None for s in sessions)
    assert any(s.primary_rep is None for s in sessions)
    assert any(s.session_recording_download_url for s in sessions)
    assert any(len(s.show_my_screen_recordings) == 2 for s in sessions)
    assert any(s.command_shell_recordings for s in sessions)
    assert all(i.download_url and i.view_url for s in sessions for i in s.command_shell_recordings)
    assert any(s.cust_surveys and s.cust_surveys[0].questions[1].answers for s in sessions)
    assert any(s.rep_surveys for s in sessions)
    customers = [c for s in sessions for c in s.customers]
    assert any(c.public_ip and c.public_ip.startswith("[") for c in customers)
    assert any(c.public_ip == "Unknown" and c.public_endpoint is None for c in customers)
    assert any(c.public_endpoint is not None and c.public_endpoint.port for c in customers)
    assert any(c.info is not None and c.info.company for c in customers)
    reps = [r for s in sessions for r in s.reps]
    assert any(r.embassy for r in reps) and any(r.invited for r in reps)
    events = [e for s in sessions for e in s.events]
    kinds = {e.event_type for e in events}
    assert {"Session Start", "Session End", "Conference Member Added", "Chat Message"} <= kinds
    assert {"File Upload", "System Information Retrieved", "Show My Screen Recording"} <= kinds
    added = next(e for e in events if e.event_type == "Conference Member Added")
    assert added.destination is not None and added.destination.type == "representative"
    assert added.values["user_id"] and "support_teams" in added.values
    encoded = [e for e in events if e.encoded_body]
    assert encoded and all(e.body and not e.body.isprintable() for e in encoded)
    assert any(e.body and "&" in e.body and e.encoded_body is None for e in events)
    upload = next(e for e in events if e.event_type == "File Upload")
    assert upload.files and upload.filename and upload.filesize
    info = next(e for e in events if e.system_information)
    drives = next(c for c in info.system_information if c.name == "Drives")
    assert drives.description[0] == "Drive" and drives.rows


async def test_streaming_and_whole_body_parsers_agree(sim: Simulator) -> None:
    body = await report(sim, generate_report="SupportSession", end_date="2000-01-01", duration="0")
    parser = SessionStreamParser()
    streamed = [s for i in range(0, len(body), 997) for s in parser.feed(body[i : i + 997])]
    streamed += parser.close()
    assert streamed == parse_session_list(body)
    assert len(streamed) == 300


async def test_start_and_end_selection(sim: Simulator) -> None:
    history = sim.world.history
    long = max(history, key=lambda r: r.duration(0))
    assert long.end is not None
    middle = (long.start + long.end) // 2
    started = await session_list(sim, start_time=str(middle), duration="0")
    ended = await session_list(sim, end_time=str(middle), duration="0")
    assert long.lsid not in {s.lsid for s in started}
    assert long.lsid in {s.lsid for s in ended}
    assert all(ts(s.start_time) >= middle for s in started)  # type: ignore[operator]
    assert all(s.end_time is not None and ts(s.end_time) >= middle for s in ended)  # type: ignore[operator]
    active = {s.lsid for s in sim.world.sessions}
    assert active <= {s.lsid for s in started}
    assert not active & {s.lsid for s in ended}


async def test_time_windows_in_seconds_and_days(sim: Simulator) -> None:
    records = everything(sim)
    lo = sim.world.created_at - 10 * DAY
    window = await session_list(sim, start_time=str(lo), duration=str(2 * DAY))
    assert [s.lsid for s in window] == [r.lsid for r in records if lo <= r.start < lo + 2 * DAY]
    day = datetime.fromtimestamp(lo, timezone.utc).date()
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
    days = await session_list(sim, end_date=day.isoformat(), duration="3")
    expected = [
        r.lsid for r in records if r.end is not None and midnight <= r.end < midnight + 3 * DAY
    ]
    assert [s.lsid for s in days] == expected
    to_present = await session_list(sim, start_date=day.isoformat(), duration="0")
    assert [s.lsid for s in to_present] == [r.lsid for r in records if r.start >= midnight]
    nothing = await report(sim, generate_report="SupportSession", start_time="1", duration="10")
    assert error_of(nothing) == ("error", NO_SUPPORT_DATA)  # the real appliances' answer
    with pytest.raises(BomgarAPIError, match="matching your chosen criteria"):
        parse_session_list(nothing)


async def test_lsid_and_lsids(sim: Simulator) -> None:
    history = sim.world.history
    one = await session_list(sim, lsid=history[42].lsid)
    assert [s.lsid for s in one] == [history[42].lsid]
    active = sim.world.sessions[0].lsid
    wanted = [history[200].lsid, active, history[3].lsid, "0123456789abcdef0123456789abcdef"]
    many = await session_list(sim, lsids=",".join(wanted), limit="site:99")  # limit ignored
    assert [s.lsid for s in many] == [history[3].lsid, history[200].lsid, active]
    unknown = await report(sim, generate_report="SupportSession", lsid="ffff0000")
    assert error_of(unknown) == ("error", NO_SUPPORT_DATA)


@pytest.mark.parametrize("limit", ["all", "rep:ID", "team:all", "team:ID", "members:ID", "site:2"])
async def test_limit_forms(sim: Simulator, limit: str) -> None:
    world = sim.world
    team = world.teams[1]
    rep = next(r.primary_rep for r in world.history if r.primary_rep is not None)
    assert rep is not None
    limit = limit.replace("rep:ID", f"rep:{rep.id}").replace("team:ID", f"team:{team.id}")
    limit = limit.replace("members:ID", f"members:{team.id}")
    kind, _, number = limit.partition(":")

    def keep(r: SessionRecord) -> bool:
        owner, home = r.primary_rep, r.primary_team
        return {
            "all": True,
            "rep": owner is not None and owner.id == rep.id,
            "team": home is not None and (number == "all" or home.id == team.id),
            "members": owner is not None and owner.id in team.member_ids,
            "site": r.site.id == 2,
        }[kind]

    found = await session_list(sim, limit=limit, **WIDE)
    expected = [r.lsid for r in everything(sim) if keep(r)]
    assert [s.lsid for s in found] == expected
    assert 0 < len(expected) <= 306


# -- errors, permissions, namespaces -----------------------------------------------------------


def q(report_name: str, **params: str) -> dict[str, str]:
    """The parameters of one request for ``report_name``."""
    return {"generate_report": report_name, **params}


SURVEY = {**WIDE, "report_type": "rep", "id": "all"}
BAD_REQUESTS = [
    (q("SupportSession", start_date="2024-01-01"), "session_list"),
    (q("SupportSession", duration="0"), "session_list"),
    (q("SupportSession", **WIDE, end_time="5"), "session_list"),
    (q("SupportSession", start_date="2024-13-01", duration="1"), "session_list"),
    (q("SupportSession", start_time="soon", duration="1"), "session_list"),
    (q("SupportSession", **WIDE, limit="group:3"), "session_list"),
    (q("SupportSession", lsid="a", lsids="b"), "session_list"),
    (q("SupportSession", lsid="a", **WIDE), "session_list"),
    (q("SupportSession", lsid="bad lsid!"), "session_list"),
    (q("SupportSessionListing", duration="1"), "session_summary_list"),
    (q("SupportSessionSummary", **WIDE), "summary_list"),
    (q("SupportSessionSummary", **WIDE, report_type="x"), "summary_list"),
    (q("SupportCustExitSurvey", **WIDE, report_type="rep"), "exit_survey_list"),
    (q("SupportRepExitSurvey", **{**SURVEY, "report_type": "site"}), "exit_survey_list"),
    (q("SupportRepExitSurvey", **SURVEY, site_id="x"), "exit_survey_list"),
    (q("SupportTeam", **WIDE, team_id="x"), "team_activity_list"),
    (q("LicenseUsage", end_date="2024-01-01", duration="1", group_by="day"), "license_usage"),
    (q("LicenseUsage", **WIDE), "license_usage"),
    (q("LicenseUsage", **WIDE, group_by="week"), "license_usage"),
]


@pytest.mark.parametrize(("params", "root"), BAD_REQUESTS)
async def test_bad_parameters_are_errors_inside_the_root(
    sim: Simulator, params: dict[str, str], root: str
) -> None:
    status, headers, body = await fetch(sim, params)
    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    name, message = error_of(body)
    assert (name, bool(message)) == (root, True)
    if root == "session_list":
        with pytest.raises(BomgarAPIError):
            parse_session_list(body)


@pytest.mark.parametrize("report_name", ["", "SupportSessions", "AccessSession"])
async def test_unknown_reports_are_a_root_error(sim: Simulator, report_name: str) -> None:
    body = await report(sim, generate_report=report_name, **WIDE)
    assert error_of(body)[0] == "error"


async def test_credentials_and_permissions(sim: Simulator) -> None:
    wrong = {"username": "admin", "password": "nope"}
    status, _, body = await fetch(sim, {"generate_report": "SupportSession", **WIDE}, user=wrong)
    assert (status, error_of(body)) == (200, ("error", "Invalid credentials"))
    readonly = {"username": "readonly", "password": "s3cret-ro"}
    params = {"generate_report": "SupportSessionListing", **WIDE}
    _, _, body = await fetch(sim, params, user=readonly)
    assert error_of(body)[0] == "error" and "permission" in error_of(body)[1]
    sim.world.users["readonly"].permissions["perm_use_reporting_api"] = "1"
    _, _, body = await fetch(sim, params, user=readonly)
    assert error_of(body)[0] == "error" and "permission" in error_of(body)[1]
    admin = sim.world.users["admin"].permissions
    admin["perm_view_reports"] = "user_sessions"  # the guide's value: primary rep only
    own = await session_list(sim, **WIDE)
    expected = [r.lsid for r in everything(sim) if r.primary_rep and r.primary_rep.id == 1]
    assert [s.lsid for s in own] == expected and 0 < len(own) < 306
    admin["perm_view_reports"] = "all_sessions"
    admin["perm_view_sd_recordings"] = "0"
    sessions = await session_list(sim, **WIDE)
    assert not any(
        s.session_recording_download_url or s.show_my_screen_recordings for s in sessions
    )
    recorded = next(r for r in sim.world.history if r.session_recording)
    body = await report(sim, generate_report="SupportSessionRecording", lsid=recorded.lsid)
    assert error_of(body)[0] == "error" and "permission" in error_of(body)[1]


async def test_bearer_tokens_and_post(sim: Simulator) -> None:
    async with aiohttp.ClientSession() as http:
        form = {"grant_type": "client_credentials"}
        basic = {"Authorization": "Basic " + base64.b64encode(b"api-client:s3cret-oauth").decode()}
        async with http.post(f"{sim.url}/oauth2/token", data=form, headers=basic) as response:
            token = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        params = {"generate_report": "SupportSessionListing", **WIDE}
        async with http.get(url(sim), params=params, headers=headers) as response:
            listed = parse_session_listing(await response.read())
    assert len(listed) == 306
    status, _, body = await fetch(sim, params, post=True)
    assert status == 200 and len(parse_session_listing(body)) == 306
    assert [r.action for r in sim.requests[-2:]] == ["SupportSessionListing"] * 2


@pytest.mark.parametrize(
    ("command_ns", "reporting_ns"),
    [
        (None, None),
        (COMMAND_NS_BEYONDTRUST, REPORTING_NS_BEYONDTRUST),
        (COMMAND_NS_HTTPS, REPORTING_NS_HTTPS),
    ],
)
async def test_namespaces_follow_the_command_api(
    command_ns: str | None, reporting_ns: str | None
) -> None:
    async with Simulator(seed=1, namespace=command_ns) as sim:
        assert sim.reporting_namespace == reporting_ns
        body = await report(sim, generate_report="SupportSessionListing", **WIDE)
        error = await report(sim, generate_report="Nope")
    name, content = root_of(body)
    assert (name, content.get("@xmlns")) == ("session_summary_list", reporting_ns)
    assert root_of(error)[0] == "error" and root_of(error)[1].get("@xmlns") == reporting_ns
    assert len(parse_session_listing(body)) == 306


async def test_default_namespace(sim: Simulator) -> None:
    body = await report(sim, generate_report="SupportSessionListing", **WIDE)
    name, content = root_of(body)
    assert (name, content["@xmlns"]) == ("session_summary_list", REPORTING_NS_BOMGAR)
    empty = await report(sim, generate_report="SupportSessionListing", start_time="1", duration="1")
    assert root_of(empty) == ("error", {"@xmlns": REPORTING_NS_BOMGAR, "#text": NO_SUPPORT_DATA})


# -- the other reports ----------------------------------------------------------------------------


async def test_listing(sim: Simulator) -> None:
    entries = parse_session_listing(
        await report(sim, generate_report="SupportSessionListing", **WIDE)
    )
    records = everything(sim)
    assert [e.lsid for e in entries] == [r.lsid for r in records]
    for entry, record in zip(entries, records, strict=True):
        assert (entry.lseq, entry.has_recording) == (record.lseq, record.session_recording)
        assert entry.external_key == (record.external_key or None)


@pytest.mark.parametrize("kind", ["rep", "team", "site"])
async def test_summary(sim: Simulator, kind: str) -> None:
    lo = datetime.fromtimestamp(sim.world.created_at - 21 * DAY, timezone.utc).date()
    params = {"end_date": lo.isoformat(), "duration": "14", "report_type": kind}
    rows = parse_session_summary(
        await report(sim, generate_report="SupportSessionSummary", **params)
    )
    start = int(datetime(lo.year, lo.month, lo.day, tzinfo=timezone.utc).timestamp())
    chosen = [
        r for r in sim.world.history if r.end is not None and start <= r.end < start + 14 * DAY
    ]
    groups: dict[int, list[SessionRecord]] = {}
    for record in chosen:
        owner = {"rep": record.primary_rep, "team": record.primary_team, "site": record.site}[kind]
        if owner is not None:
            groups.setdefault(owner.id, []).append(record)
    assert [row.id for row in rows] == sorted(groups)
    for row in rows:
        group = groups[row.id]
        assert row.type == kind and row.display_name
        assert row.total_sessions == len(group)
        seconds = sum(r.duration(0) for r in group) // len(group)
        assert row.avg_duration == timedelta(seconds=seconds)
        weekday = sum(1 for r in group if (r.start // DAY + 3) % 7 < 5)
        assert row.avg_sessions_per_weekday == round(weekday / 10, 1)  # 14 days: 10 weekdays


@pytest.mark.parametrize("report_name", ["SupportCustExitSurvey", "SupportRepExitSurvey"])
async def test_exit_surveys(sim: Simulator, report_name: str) -> None:
    cust = report_name == "SupportCustExitSurvey"
    history = sim.world.history

    def surveyed(r: SessionRecord) -> bool:
        return bool(r.cust_survey if cust else r.rep_survey)

    async def surveys(**params: str) -> list[str]:
        body = await report(sim, generate_report=report_name, **WIDE, **params)
        return [s.lsid for s in parse_exit_surveys(body, report_name)]

    by_rep = await surveys(report_type="rep", id="all")
    assert by_rep == [r.lsid for r in history if surveyed(r) and r.site.id == 1]
    assert await surveys(report_type="rep", id="all", site_id="2") == [
        r.lsid for r in history if surveyed(r) and r.site.id == 2
    ]
    team = sim.world.teams[0].id
    assert await surveys(report_type="team", id=str(team)) == [
        r.lsid
        for r in history
        if surveyed(r)
        and r.site.id == 1
        and r.primary_team is not None
        and r.primary_team.id == team
    ]
    body = await report(sim, generate_report=report_name, **WIDE, report_type="rep", id="all")
    first = parse_exit_surveys(body, report_name)[0]
    record = next(r for r in history if r.lsid == first.lsid)
    assert first.submitted_by is not None and first.submitted_by.type == ("cust" if cust else "rep")
    assert ts(first.ts) == record.start and first.rep_resolved is False
    assert first.public_site is not None and first.public_site.id == 1
    assert [q.id for q in first.questions] == ([1, 2, 3] if cust else [11, 12])
    assert first.customers and first.reps and first.primary_rep is not None


async def test_team_activity(sim: Simulator) -> None:
    lo = sim.world.created_at - 30 * DAY
    body = await report(
        sim, generate_report="SupportTeam", start_time=str(lo), duration=str(30 * DAY)
    )
    activity = parse_team_activity(body)
    assert (ts(activity.start_time), ts(activity.end_time)) == (lo, lo + 30 * DAY)
    names = {team.id: team.name for team in sim.world.teams if team.member_ids}
    assert {(t.id, t.name) for t in activity.teams} == set(names.items())
    events = [e for t in activity.teams for e in t.events]
    assert any(len(e.destinations) == 2 for e in events)
    assert any(e.files for e in events) and any(e.values.get("user_id") for e in events)
    assert any(e.encoded_body and e.body_bytes and e.body_bytes.startswith(b"\x00") for e in events)
    assert any(e.body and e.encoded_body is None for e in events)
    reps = [r for t in activity.teams for r in t.logged_in_representatives]
    assert reps and any(r.public_endpoint and r.public_endpoint.port for r in reps)
    team = activity.teams[0]
    half = await report(
        sim,
        generate_report="SupportTeam",
        end_time=str(lo),
        duration=str(15 * DAY),
        team_id=str(team.id),
    )
    only = parse_team_activity(half)
    assert [t.id for t in only.teams] == [team.id]
    assert list(only.teams[0].events) == [e for e in team.events if ts(e.timestamp) < lo + 15 * DAY]  # type: ignore[operator]


async def test_license_usage(sim: Simulator) -> None:
    lo = sim.world.created_at - 30 * DAY
    counts = {}
    for group_by in ("hour", "day", "month"):
        params = {"start_time": str(lo), "duration": "0", "group_by": group_by}
        usage = parse_license_usage(await report(sim, generate_report="LicenseUsage", **params))
        assert usage.group_by == group_by and ts(usage.start_time) == lo
        assert all(lo <= ts(i.timestamp) for i in usage.intervals)  # type: ignore[operator]
        counts[group_by] = len(usage.intervals)
        if group_by == "hour":
            reasons = {c.reason for i in usage.intervals for c in i.counts}
            assert reasons == {None, "login", "extended_contact"}
            assert all(i.counts[0].count and i.counts[0].count >= 9 for i in usage.intervals)
            assert all(i.datetime for i in usage.intervals)
    assert counts["hour"] > counts["day"] >= counts["month"] >= 1


# -- state changes: terminate, late arrivals --------------------------------------------------


async def test_terminated_session_appears_in_end_reports(sim: Simulator) -> None:
    lsid = sim.world.sessions[2].lsid
    since = {"end_time": str(sim.world.created_at - 5), "duration": "0"}
    assert lsid not in {s.lsid for s in await session_list(sim, **since)}
    before = int(datetime.now(timezone.utc).timestamp())
    async with aiohttp.ClientSession() as http:
        fields = {**ADMIN, "action": "terminate_session", "lsid": lsid}
        async with http.post(f"{sim.url}/api/command.ns", data=fields) as response:
            assert b"Successfully terminated" in await response.read()
    after = int(datetime.now(timezone.utc).timestamp())
    ended = [s for s in await session_list(sim, **since) if s.lsid == lsid]
    assert len(ended) == 1
    assert before <= ts(ended[0].end_time) <= after  # type: ignore[operator]
    assert ended[0].events[-1].event_type == "Session End"
    started = await session_list(sim, **WIDE)
    assert [s.end_time is not None for s in started if s.lsid == lsid] == [True]


async def test_late_arriving_session(sim: Simulator) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    lsid = sim.add_closed_session(now - timedelta(days=10), now)
    recent = {"start_time": str(ts(now - timedelta(days=1))), "duration": "0"}
    assert lsid not in {s.lsid for s in await session_list(sim, **recent)}
    ended = [s for s in await session_list(sim, end_time=recent["start_time"], duration="0")]
    late = next(s for s in ended if s.lsid == lsid)
    assert (late.start_time, late.end_time) == (now - timedelta(days=10), now)
    assert late.duration == timedelta(days=10)
    custom = sim.add_closed_session(now - timedelta(hours=2), now, lsid="late-arrival-1")
    assert custom == "late-arrival-1"
    assert [s.lsid for s in await session_list(sim, lsid=custom)] == [custom]
    with pytest.raises(ValueError, match="aware"):
        sim.add_closed_session(datetime(2024, 1, 1), datetime(2024, 1, 2))


# -- recordings --------------------------------------------------------------------------------


def recorded(sim: Simulator, kind: str, *, expired: bool = False) -> SessionRecord:
    counts = {
        "support_session": lambda r: r.session_recording,
        "show_my_screen": lambda r: r.show_my_screen >= 2,
        "command_shell": lambda r: r.command_shell >= 2,
    }
    return next(r for r in sim.world.history if counts[kind](r) and r.recording_expired == expired)


@pytest.mark.parametrize(
    ("report_name", "kind", "instance"),
    [
        ("SupportSessionRecording", "support_session", None),
        ("ShowMyScreenRecording", "show_my_screen", 1),
        ("CommandShellRecording", "command_shell", 0),
        ("PresentationRecording", "presentation", None),
    ],
)
async def test_recording_downloads(
    sim: Simulator, report_name: str, kind: str, instance: int | None
) -> None:
    if kind == "presentation":
        lsid = next(k for k, gone in sim.world.presentation_recordings.items() if not gone)
    else:
        lsid = recorded(sim, kind).lsid
    params = {"generate_report": report_name, "lsid": lsid}
    if instance is not None:
        params["instance"] = str(instance)
    status, headers, body = await fetch(sim, params)
    assert status == 200
    assert headers["Content-Type"] == "video/x-flv"
    assert int(headers["Content-Length"]) == len(body)
    assert body.startswith(b"FLV\x01")
    assert 200_000 <= len(body) < 500_000
    assert body == sim.recording_bytes(lsid, kind, instance)
    assert (await fetch(sim, params))[2] == body  # deterministic
    if instance is not None:
        assert sim.recording_bytes(lsid, kind, 0 if instance else 1) != body


async def test_recording_errors(sim: Simulator) -> None:
    async def error(**params: str) -> str:
        name, message = error_of(await report(sim, **params))
        assert name == "error"
        return message

    gone = recorded(sim, "support_session", expired=True)
    assert await error(generate_report="SupportSessionRecording", lsid=gone.lsid) == EXPIRED
    with pytest.raises(LookupError, match="expired"):
        sim.recording_bytes(gone.lsid)
    old = next(k for k, expired in sim.world.presentation_recordings.items() if expired)
    assert await error(generate_report="PresentationRecording", lsid=old) == EXPIRED
    unknown = "0123456789abcdef0123456789abcdef"
    assert await error(generate_report="SupportSessionRecording", lsid=unknown) == "Invalid lsid."
    assert await error(generate_report="PresentationRecording", lsid=unknown) == "Invalid lsid."
    assert "lsid" in await error(generate_report="SupportSessionRecording")
    screen = recorded(sim, "show_my_screen")
    sms = {"generate_report": "ShowMyScreenRecording", "lsid": screen.lsid}
    assert "instance" in await error(**sms)
    assert await error(**sms, instance="7") == "Invalid instance."
    assert await error(**sms, instance="-1") == "Invalid instance."
    plain = next(r for r in sim.world.history if not r.session_recording)
    assert await error(generate_report="SupportSessionRecording", lsid=plain.lsid)
    running = sim.world.sessions[0].lsid
    assert await error(generate_report="SupportSessionRecording", lsid=running)
    with pytest.raises(LookupError):
        sim.recording_bytes(running)


# -- bulk sessions: large reports, streamed ----------------------------------------------------


async def test_bulk_sessions_stream_and_parse() -> None:
    async with Simulator(seed=1, bulk_sessions=2000) as sim:
        parser, sessions, size = SessionStreamParser(), [], 0
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                url(sim), params={**ADMIN, "generate_report": "SupportSession", **WIDE}
            ) as response,
        ):
            assert "Content-Length" not in response.headers
            assert response.headers["Transfer-Encoding"] == "chunked"
            async for chunk in response.content.iter_chunked(1 << 16):
                size += len(chunk)
                sessions += [(s.lsid, ts(s.start_time), len(s.events)) for s in parser.feed(chunk)]
        sessions += [(s.lsid, ts(s.start_time), len(s.events)) for s in parser.close()]
        stats = sim.report_stats[-1]
        bulk = {bulk_lsid(sim.world, index) for index in range(2000)}
    assert len(sessions) == 2306
    assert bulk <= {lsid for lsid, _, _ in sessions}
    assert [start for _, start, _ in sessions] == sorted(start for _, start, _ in sessions)
    assert all(events >= 4 for lsid, _, events in sessions if lsid in bulk)
    assert size > 2000 * 5000
    assert (stats.report, stats.items, stats.bytes, stats.done) == (
        "SupportSession",
        2306,
        size,
        True,
    )
    assert stats.chunks > size // (1 << 17)  # written piece by piece, about 64 KiB each


async def test_bulk_report_is_written_while_the_client_reads() -> None:
    async with Simulator(seed=1, bulk_sessions=3000) as sim:
        params = {**ADMIN, "generate_report": "SupportSession", **WIDE}
        async with aiohttp.ClientSession() as http, http.get(url(sim), params=params) as response:
            first = await response.content.read(1 << 16)
            await asyncio.sleep(0.2)  # the server can only run ahead by the socket buffers
            stats = sim.report_stats[-1]
            assert stats.chunks >= 1 and not stats.done
            assert stats.bytes < 20 * 2**20
            rest = await response.read()
        assert sim.report_stats[-1].done
    assert first.startswith(b"<?xml") and rest.endswith(b"</session_list>\n")


async def test_bulk_report_memory_stays_flat() -> None:
    async with Simulator(seed=1, bulk_sessions=1000) as sim:
        params = {
            **ADMIN,
            "generate_report": "SupportSession",
            "end_date": "2000-01-01",
            "duration": "0",
        }
        parser, count, size = SessionStreamParser(), 0, 0
        assert len(sim.world.history) == 300  # generated (and kept) before measuring
        tracemalloc.start()
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.get(url(sim), params=params) as response,
            ):
                async for chunk in response.content.iter_chunked(1 << 16):
                    size += len(chunk)
                    count += len(parser.feed(chunk))
            count += len(parser.close())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    print(f"report {size} bytes, peak traced {peak} bytes")
    assert count == 1300
    assert size > 6_000_000
    assert peak < size / 3  # server and client together hold a fraction of the report


async def test_bulk_sessions_are_deterministic_and_found_by_lsid() -> None:
    async with Simulator(seed=1, bulk_sessions=50) as sim:
        lsids = [bulk_lsid(sim.world, 7), bulk_lsid(sim.world, 3)]
        found = await session_list(sim, lsids=",".join(lsids))
        assert [s.lsid for s in found] == lsids[::-1]
        assert bulk_record(sim.world, 7) == bulk_record(sim.world, 7)
        listed = parse_session_listing(
            await report(sim, generate_report="SupportSessionListing", **WIDE)
        )
        wide = await session_list(sim, **WIDE)
    assert len(listed) == len(wide) == 356
    assert found[1] == next(s for s in wide if s.lsid == lsids[0])
    assert bulk_lsid(sim.world, 49) in {e.lsid for e in listed}


# -- faults --------------------------------------------------------------------------------------


async def test_truncate_drops_a_streamed_report_mid_body(sim: Simulator) -> None:
    fault = sim.add_fault(Fault("truncate", action="SupportSession"))
    parser, received = SessionStreamParser(), []
    params = {**ADMIN, "generate_report": "SupportSession", **WIDE}
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        with pytest.raises(aiohttp.ClientPayloadError):
            async with http.get(url(sim), params=params) as response:
                assert response.status == 200
                async for chunk in response.content.iter_chunked(4096):
                    received += parser.feed(chunk)
    assert fault.used == 1 and sim.requests[-1].action == "SupportSession"
    assert 100 <= len(received) < 306
    assert not sim.report_stats[-1].done
    assert len(await session_list(sim, **WIDE)) == 306  # the next request is whole


@pytest.mark.parametrize(
    "params",
    [
        {"generate_report": "SupportSessionSummary", **WIDE, "report_type": "rep"},
        {"generate_report": "SupportSessionListing", "start_time": "1", "duration": "10"},
    ],
)
async def test_truncate_cuts_small_reports_too(sim: Simulator, params: dict[str, str]) -> None:
    sim.add_fault(Fault("truncate"))
    with pytest.raises(aiohttp.ClientPayloadError):
        await fetch(sim, params)


async def test_truncate_cuts_a_recording(sim: Simulator) -> None:
    lsid = recorded(sim, "command_shell").lsid
    sim.add_fault(Fault("truncate", action="CommandShellRecording"))
    params = {"generate_report": "CommandShellRecording", "lsid": lsid, "instance": "0"}
    with pytest.raises(aiohttp.ClientPayloadError):
        await fetch(sim, params)
    assert (await fetch(sim, params))[2] == sim.recording_bytes(lsid, "command_shell", 0)


SINCE_2000 = {"end_date": "2000-01-01", "duration": "0"}


@pytest.mark.parametrize(
    "params",
    [
        q("SupportSession", **SINCE_2000),
        q("SupportSessionSummary", **SINCE_2000, report_type="team"),
        q("LicenseUsage", start_date="2000-01-01", duration="9000", group_by="day"),
    ],
)
async def test_truncate_xml_sends_a_complete_half_document(
    sim: Simulator, params: dict[str, str]
) -> None:
    whole = await report(sim, **params)
    fault = sim.add_fault(Fault("truncate_xml", action=params["generate_report"]))
    status, headers, body = await fetch(sim, params)
    assert fault.used == 1
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    assert int(headers["Content-Length"]) == len(body) == len(whole) // 2
    assert body == whole[: len(whole) // 2]
    parser = SessionStreamParser()
    with pytest.raises(BomgarProtocolError):
        parser.feed(body)
        parser.close()


async def test_truncate_xml_on_a_recording(sim: Simulator) -> None:
    lsid = recorded(sim, "support_session").lsid
    whole = sim.recording_bytes(lsid)
    sim.add_fault(Fault("truncate_xml"))
    status, headers, body = await fetch(
        sim, {"generate_report": "SupportSessionRecording", "lsid": lsid}
    )
    assert status == 200 and headers["Content-Type"] == "video/x-flv"
    assert int(headers["Content-Length"]) == len(body) == len(whole) // 2
    assert body == whole[: len(whole) // 2]


async def test_faults_match_the_report_name(sim: Simulator) -> None:
    sim.add_fault(Fault("api_error", action="SupportSessionListing", message="No archives found"))
    sessions = await session_list(sim, start_time="1", duration="10")
    assert sessions == []
    body = await report(sim, generate_report="SupportSessionListing", **WIDE)
    with pytest.raises(BomgarAPIError, match="No archives found"):
        parse_session_listing(body)
    assert [r.action for r in sim.requests] == ["SupportSession", "SupportSessionListing"]


def test_encoded_bodies_are_base64_of_the_text() -> None:
    world = World.generate(1, now=NOW)
    bodies = [
        e.body for r in world.history for e in r.events if e.body and not e.body.isprintable()
    ]
    assert bodies
    from bomgar_async.simulator.reports_render import body_xml

    for text in bodies:
        xml = body_xml(text)
        assert xml.startswith("<encoded_body>")
        encoded = xml.removeprefix("<encoded_body>").removesuffix("</encoded_body>\n")
        assert base64.b64decode("".join(encoded.split())).decode() == text
