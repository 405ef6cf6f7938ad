"""Reporting API parameters: the guide's query examples rebuilt from Python values, every
validation error raised before a request, and the split of a range into windows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

import pytest

from bomgar_async.errors import BomgarValidationError
from bomgar_async.reporting import params as rp

UTC = timezone.utc
MAY_1 = date(2014, 5, 1)
JUNE_1 = date(2014, 6, 1)
EIGHT_AM = datetime(2014, 5, 1, 8, tzinfo=UTC)  # 1398931200
SIX_PM = datetime(2014, 5, 1, 18, tzinfo=UTC)
LSID = "c69a8e10bea9428f816cfababe9815fe"
LSIDS = [LSID, "a5eaaa58591047b88556f944804227b0", "5bf07601298b495b87310da9ce571e22"]


def query(params: tuple[tuple[str, str], ...]) -> str:
    return "&".join(f"{k}={v}" for k, v in params)


# The guide's query examples ------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (rp.support_sessions(MAY_1), "start_date=2014-05-01&duration=0"),
        (rp.support_sessions(MAY_1, JUNE_1), "start_date=2014-05-01&duration=31"),
        (rp.support_sessions(EIGHT_AM), "start_time=1398931200&duration=0"),
        (rp.support_sessions(EIGHT_AM, SIX_PM), "start_time=1398931200&duration=36000"),
        (rp.support_sessions(MAY_1, by="end"), "end_date=2014-05-01&duration=0"),
        (rp.support_sessions(MAY_1, JUNE_1, by="end"), "end_date=2014-05-01&duration=31"),
        (rp.support_sessions(EIGHT_AM, SIX_PM, by="end"), "end_time=1398931200&duration=36000"),
        (rp.support_sessions(lsid=LSID), f"lsid={LSID}"),
        (rp.support_session(LSID), f"lsid={LSID}"),
        (rp.support_sessions(lsids=LSIDS), "lsids=" + ",".join(LSIDS)),
        (rp.support_sessions(lsids=iter([LSID, LSID])), f"lsids={LSID}"),
        (rp.support_sessions(MAY_1, limit="all"), "start_date=2014-05-01&duration=0&limit=all"),
        (rp.support_sessions(MAY_1, limit="rep:1"), "start_date=2014-05-01&duration=0&limit=rep:1"),
        (
            rp.support_sessions(MAY_1, limit="team:all"),
            "start_date=2014-05-01&duration=0&limit=team:all",
        ),
        (
            rp.support_sessions(MAY_1, limit="team:12"),
            "start_date=2014-05-01&duration=0&limit=team:12",
        ),
        (
            rp.support_sessions(MAY_1, limit="members:1"),
            "start_date=2014-05-01&duration=0&limit=members:1",
        ),
        (
            rp.support_sessions(MAY_1, limit="site:1"),
            "start_date=2014-05-01&duration=0&limit=site:1",
        ),
    ],
)
def test_support_session(params: tuple[tuple[str, str], ...], expected: str) -> None:
    assert params[0] == ("generate_report", "SupportSession")
    assert query(params[1:]) == expected


def test_support_session_listing() -> None:
    assert rp.support_session_listing(MAY_1, JUNE_1) == (
        ("generate_report", "SupportSessionListing"),
        ("start_date", "2014-05-01"),
        ("duration", "31"),
    )
    assert query(rp.support_session_listing(EIGHT_AM, by="end")) == (
        "generate_report=SupportSessionListing&end_time=1398931200&duration=0"
    )


@pytest.mark.parametrize("report_type", ["rep", "team", "site"])
def test_support_session_summary(report_type: str) -> None:
    params = rp.support_session_summary(EIGHT_AM, SIX_PM, report_type=report_type)
    assert query(params) == (
        "generate_report=SupportSessionSummary&start_time=1398931200&duration=36000"
        f"&report_type={report_type}"
    )
    assert rp.support_session_summary(MAY_1)[-1] == ("report_type", "rep")


@pytest.mark.parametrize(
    ("builder", "report"),
    [
        (rp.customer_exit_surveys, "SupportCustExitSurvey"),
        (rp.rep_exit_surveys, "SupportRepExitSurvey"),
    ],
)
def test_exit_surveys(builder: Callable[..., Any], report: str) -> None:
    assert query(builder(MAY_1)) == (
        f"generate_report={report}&start_date=2014-05-01&duration=0&report_type=rep&id=all"
    )
    assert query(builder(MAY_1, report_type="team", id=1)) == (
        f"generate_report={report}&start_date=2014-05-01&duration=0&report_type=team&id=1"
    )
    assert query(builder(MAY_1, JUNE_1, by="end", site_id=1)) == (
        f"generate_report={report}&end_date=2014-05-01&duration=31&report_type=rep&id=all&site_id=1"
    )
    assert query(builder(EIGHT_AM, SIX_PM, id="all")) == (
        f"generate_report={report}&start_time=1398931200&duration=36000&report_type=rep&id=all"
    )


def test_team_activity() -> None:
    assert query(rp.team_activity(MAY_1)) == (
        "generate_report=SupportTeam&start_date=2014-05-01&duration=0"
    )
    assert query(rp.team_activity(MAY_1, by="end", team_id=1)) == (
        "generate_report=SupportTeam&end_date=2014-05-01&duration=0&team_id=1"
    )
    assert query(rp.team_activity(EIGHT_AM, SIX_PM, by="end")) == (
        "generate_report=SupportTeam&end_time=1398931200&duration=36000"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            rp.license_usage(MAY_1, group_by="hour"),
            "start_date=2014-05-01&duration=0&group_by=hour",
        ),
        (rp.license_usage(MAY_1, JUNE_1), "start_date=2014-05-01&duration=31&group_by=day"),
        (
            rp.license_usage(EIGHT_AM, group_by="month"),
            "start_time=1398931200&duration=0&group_by=month",
        ),
        (
            rp.license_usage(EIGHT_AM, SIX_PM, group_by="hour"),
            "start_time=1398931200&duration=36000&group_by=hour",
        ),
    ],
)
def test_license_usage(params: tuple[tuple[str, str], ...], expected: str) -> None:
    assert params[0] == ("generate_report", "LicenseUsage")
    assert query(params[1:]) == expected


@pytest.mark.parametrize(
    ("kind", "instance", "expected"),
    [
        ("support_session", None, f"generate_report=SupportSessionRecording&lsid={LSID}"),
        ("presentation", None, f"generate_report=PresentationRecording&lsid={LSID}"),
        ("show_my_screen", 0, f"generate_report=ShowMyScreenRecording&lsid={LSID}&instance=0"),
        ("show_my_screen", 2, f"generate_report=ShowMyScreenRecording&lsid={LSID}&instance=2"),
        ("command_shell", 0, f"generate_report=CommandShellRecording&lsid={LSID}&instance=0"),
        ("command_shell", 2, f"generate_report=CommandShellRecording&lsid={LSID}&instance=2"),
    ],
)
def test_recordings(kind: str, instance: int | None, expected: str) -> None:
    assert query(rp.recording(LSID, kind=kind, instance=instance)) == expected


def test_recording_defaults_to_the_support_session_recording() -> None:
    assert rp.recording(LSID) == (
        ("generate_report", "SupportSessionRecording"),
        ("lsid", LSID),
    )


# Time conversions ----------------------------------------------------------------------


def test_aware_datetimes_in_any_zone_become_unix_seconds() -> None:
    eastern = timezone(timedelta(hours=-4))
    since = datetime(2014, 5, 1, 4, tzinfo=eastern)  # 08:00 UTC
    assert rp.time_range(since, since + timedelta(hours=10)) == (
        ("start_time", "1398931200"),
        ("duration", "36000"),
    )


def test_fractional_seconds_widen_the_range_to_whole_seconds() -> None:
    since = EIGHT_AM + timedelta(microseconds=250_000)
    until = EIGHT_AM + timedelta(seconds=1, microseconds=500_000)
    assert rp.time_range(since, until) == (("start_time", "1398931200"), ("duration", "2"))
    tiny = rp.time_range(since, since + timedelta(microseconds=1))
    assert tiny == (("start_time", "1398931200"), ("duration", "1"))  # never 0 ("to present")


def test_one_day_of_dates() -> None:
    assert rp.time_range(MAY_1, date(2014, 5, 2), by="end") == (
        ("end_date", "2014-05-01"),
        ("duration", "1"),
    )


# Validation errors ---------------------------------------------------------------------

NAIVE = datetime(2014, 5, 1, 8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: rp.support_sessions(), "needs since"),
        (lambda: rp.support_sessions(until=JUNE_1), "needs since"),
        (lambda: rp.support_sessions(MAY_1, lsid=LSID), "not both"),
        (lambda: rp.support_sessions(until=JUNE_1, lsids=LSIDS), "not both"),
        (lambda: rp.support_sessions(lsid=LSID, lsids=LSIDS), "lsid or lsids, not both"),
        (lambda: rp.support_sessions(lsid=LSID, limit="all"), "limit cannot"),
        (lambda: rp.support_sessions(lsids=LSIDS, limit="rep:1"), "limit cannot"),
        (lambda: rp.support_sessions(lsid=""), "non-empty"),
        (lambda: rp.support_sessions(lsid="   "), "non-empty"),
        (lambda: rp.support_sessions(lsid="bad id&x=1"), "not a valid session id"),
        (lambda: rp.support_sessions(lsids=[]), "at least one"),
        (lambda: rp.support_sessions(lsids=LSID), "list of session ids"),
        (lambda: rp.support_sessions(lsids=[LSID, ""]), "non-empty"),
        (lambda: rp.support_sessions(lsids=[LSID, 7]), "non-empty"),  # type: ignore[list-item]
        (lambda: rp.support_sessions(lsids=5), "list of session ids"),  # type: ignore[arg-type]
        (lambda: rp.support_session(""), "non-empty"),
        (lambda: rp.support_sessions(MAY_1, limit="rep:"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="rep:0"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="rep:abc"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="site:-1"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="members:all"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="everything"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit=""), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="all\n"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit="rep:1&x=2"), "limit"),
        (lambda: rp.support_sessions(MAY_1, limit=1), "limit"),  # type: ignore[arg-type]
        (lambda: rp.support_sessions(NAIVE), "timezone-aware"),
        (lambda: rp.support_sessions(EIGHT_AM, NAIVE), "timezone-aware"),
        (lambda: rp.support_sessions(JUNE_1, MAY_1), "must be after"),
        (lambda: rp.support_sessions(MAY_1, MAY_1), "must be after"),
        (lambda: rp.support_sessions(SIX_PM, EIGHT_AM), "must be after"),
        (lambda: rp.support_sessions(EIGHT_AM, EIGHT_AM), "must be after"),
        (lambda: rp.support_sessions(MAY_1, SIX_PM), "both be dates or datetimes"),
        (lambda: rp.support_sessions(EIGHT_AM, JUNE_1), "both be dates or datetimes"),
        (lambda: rp.support_sessions(MAY_1, "2014-06-01"), "both be dates"),  # type: ignore[arg-type]
        (lambda: rp.support_sessions("2014-05-01"), "date or an aware"),  # type: ignore[arg-type]
        (lambda: rp.support_sessions(1398931200), "date or an aware"),  # type: ignore[arg-type]
        (lambda: rp.support_sessions(MAY_1, by="middle"), "by must be"),
        (lambda: rp.support_sessions(MAY_1, by=None), "by must be"),  # type: ignore[arg-type]
        (
            lambda: rp.support_sessions(datetime(1969, 12, 31, tzinfo=UTC)),
            "before 1970",
        ),
        (lambda: rp.support_session_listing(None), "date or an aware"),  # type: ignore[arg-type]
        (lambda: rp.support_session_listing(MAY_1, by="begin"), "by must be"),
        (lambda: rp.support_session_summary(MAY_1, report_type="user"), "report_type"),
        (lambda: rp.support_session_summary(MAY_1, report_type=None), "report_type"),  # type: ignore[arg-type]
        (lambda: rp.support_session_summary(NAIVE), "timezone-aware"),
        (lambda: rp.customer_exit_surveys(MAY_1, report_type="site"), "report_type"),
        (lambda: rp.rep_exit_surveys(MAY_1, report_type="site"), "report_type"),
        (lambda: rp.customer_exit_surveys(MAY_1, id=0), "positive integer"),
        (lambda: rp.customer_exit_surveys(MAY_1, id=-3), "positive integer"),
        (lambda: rp.customer_exit_surveys(MAY_1, id="some"), "positive integer"),
        (lambda: rp.customer_exit_surveys(MAY_1, id=True), "positive integer"),
        (lambda: rp.rep_exit_surveys(MAY_1, id=1.5), "positive integer"),  # type: ignore[arg-type]
        (lambda: rp.customer_exit_surveys(MAY_1, site_id=0), "site_id"),
        (lambda: rp.rep_exit_surveys(MAY_1, site_id="1"), "site_id"),  # type: ignore[arg-type]
        (lambda: rp.rep_exit_surveys(JUNE_1, MAY_1), "must be after"),
        (lambda: rp.team_activity(MAY_1, team_id=0), "team_id"),
        (lambda: rp.team_activity(MAY_1, team_id=True), "team_id"),
        (lambda: rp.team_activity(MAY_1, by="finish"), "by must be"),
        (lambda: rp.license_usage(MAY_1, group_by="week"), "group_by"),
        (lambda: rp.license_usage(MAY_1, group_by=""), "group_by"),
        (lambda: rp.license_usage(MAY_1, group_by="Day"), "group_by"),
        (lambda: rp.license_usage(NAIVE), "timezone-aware"),
        (lambda: rp.license_usage(MAY_1, EIGHT_AM), "both be dates"),
        (lambda: rp.recording(LSID, kind="video"), "kind must be"),
        (lambda: rp.recording(LSID, kind=None), "kind must be"),  # type: ignore[arg-type]
        (lambda: rp.recording(LSID, kind="show_my_screen"), "needs instance"),
        (lambda: rp.recording(LSID, kind="command_shell", instance=-1), "needs instance"),
        (lambda: rp.recording(LSID, kind="command_shell", instance=True), "needs instance"),
        (lambda: rp.recording(LSID, kind="show_my_screen", instance="0"), "needs instance"),  # type: ignore[arg-type]
        (lambda: rp.recording(LSID, instance=0), "takes no instance"),
        (lambda: rp.recording(LSID, kind="presentation", instance=1), "takes no instance"),
        (lambda: rp.recording("", kind="presentation"), "non-empty"),
    ],
)
def test_invalid_arguments_raise_before_any_request(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(BomgarValidationError, match=message):
        call()


def test_validation_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="group_by"):
        rp.license_usage(MAY_1, group_by="week")


# Windows -------------------------------------------------------------------------------


def test_split_dates_into_whole_day_windows() -> None:
    assert rp.split_windows(MAY_1, date(2014, 5, 8), timedelta(days=3)) == [
        (date(2014, 5, 1), date(2014, 5, 4)),
        (date(2014, 5, 4), date(2014, 5, 7)),
        (date(2014, 5, 7), date(2014, 5, 8)),
    ]
    assert rp.split_windows(MAY_1, JUNE_1, timedelta(days=31)) == [(MAY_1, JUNE_1)]
    assert rp.split_windows(MAY_1, JUNE_1, timedelta(days=365)) == [(MAY_1, JUNE_1)]


def test_split_datetimes_into_utc_windows() -> None:
    eastern = timezone(timedelta(hours=-4))
    since = datetime(2014, 5, 1, 4, tzinfo=eastern)  # 08:00 UTC
    windows = rp.split_windows(since, SIX_PM, timedelta(hours=4))
    assert windows == [
        (EIGHT_AM, EIGHT_AM + timedelta(hours=4)),
        (EIGHT_AM + timedelta(hours=4), EIGHT_AM + timedelta(hours=8)),
        (EIGHT_AM + timedelta(hours=8), SIX_PM),
    ]
    assert all(start.tzinfo is UTC and end.tzinfo is UTC for start, end in windows)
    # consecutive, no gaps, no overlaps; each window is a valid request
    assert all(a[1] == b[0] for a, b in pairwise(windows))
    assert rp.time_range(*windows[0]) == (
        ("start_time", "1398931200"),
        ("duration", "14400"),
    )


def test_split_windows_of_one_unit() -> None:
    windows = rp.split_windows(EIGHT_AM, EIGHT_AM + timedelta(seconds=3), timedelta(seconds=1))
    assert [(s.second, e.second) for s, e in windows] == [(0, 1), (1, 2), (2, 3)]


@pytest.mark.parametrize(
    ("since", "until", "window", "message"),
    [
        (MAY_1, None, timedelta(days=1), "needs until"),
        (MAY_1, JUNE_1, timedelta(0), "positive timedelta"),
        (MAY_1, JUNE_1, timedelta(days=-1), "positive timedelta"),
        (MAY_1, JUNE_1, 3, "positive timedelta"),
        (MAY_1, JUNE_1, timedelta(hours=12), "whole days"),
        (MAY_1, JUNE_1, timedelta(days=1, seconds=1), "whole days"),
        (EIGHT_AM, SIX_PM, timedelta(milliseconds=1500), "whole seconds"),
        (JUNE_1, MAY_1, timedelta(days=1), "must be after"),
        (EIGHT_AM, EIGHT_AM, timedelta(hours=1), "must be after"),
        (MAY_1, SIX_PM, timedelta(days=1), "both be dates"),
        (NAIVE, SIX_PM, timedelta(hours=1), "timezone-aware"),
        (EIGHT_AM, datetime(2014, 5, 2), timedelta(hours=1), "timezone-aware"),
    ],
)
def test_split_windows_errors(since: Any, until: Any, window: Any, message: str) -> None:
    with pytest.raises(BomgarValidationError, match=message):
        rp.split_windows(since, until, window)
