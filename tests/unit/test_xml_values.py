"""XML text -> Python values at their edges: flags, durations, UNIX and ISO 8601 times
(including the rewriting that makes Python 3.10's ``fromisoformat`` read them)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bomgar_async._xml.core import parse_document
from bomgar_async._xml.values import (
    bool_of,
    datetime_of,
    int_of,
    iso_for_fromisoformat,
    str_of,
    timedelta_of,
    to_bool,
    to_datetime,
    to_float,
    to_int,
    to_timedelta,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        ("YES", True),
        (" Yes ", True),
        ("true", True),
        ("True", True),
        ("1", True),
        ("no", False),
        ("NO", False),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("y", None),
        ("2", None),
        ("-1", None),
        ("on", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_to_bool(raw: str | None, expected: bool | None) -> None:
    assert to_bool(raw) is expected


def test_to_int_and_to_float_edges() -> None:
    assert to_int(" 0 ") == 0
    assert to_int("+3") == 3
    assert to_int("   ") is None
    assert to_int("0x10") is None
    assert to_float(" -0.25 ") == -0.25
    assert to_float("1e3") == 1000.0
    assert to_float("") is None
    assert to_float("   ") is None
    assert to_float("Unknown") is None


# -- durations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00:00:00", timedelta(0)),
        ("00:00:01", timedelta(seconds=1)),
        ("00:59:59", timedelta(minutes=59, seconds=59)),
        ("1:02:03.5", timedelta(hours=1, minutes=2, seconds=3, milliseconds=500)),
        ("0:00:00.000001", timedelta(microseconds=1)),
        ("0:00:00.25", timedelta(milliseconds=250)),
        ("0:00:01.1234567", timedelta(seconds=1, microseconds=123456)),
        ("1 day, 0:00:00", timedelta(days=1)),
        ("1 day, 2:03:04", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("3 days, 23:59:59.5", timedelta(days=3, hours=23, minutes=59, seconds=59.5)),
        ("10 days, 0:00:01", timedelta(days=10, seconds=1)),
        ("  0:00:07  ", timedelta(seconds=7)),
        ("123:00:00", timedelta(hours=123)),
    ],
)
def test_to_timedelta(raw: str, expected: timedelta) -> None:
    assert to_timedelta(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "00:00",
        "00:60:00",
        "00:00:60",
        "1 day 0:00:00",
        "days, 0:00:00",
        "-1 day, 23:59:59",
        "0:00:00.",
        "0:00:00.5x",
        "0:00:00\nmore",
        "x0:00:00",
        "15 minutes",
    ],
)
def test_to_timedelta_unreadable(raw: str | None) -> None:
    assert to_timedelta(raw) is None


# -- UNIX timestamps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", datetime(1970, 1, 1, tzinfo=UTC)),
        ("-1", datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("-86400", datetime(1969, 12, 31, tzinfo=UTC)),
        ("-1.5", datetime(1969, 12, 31, 23, 59, 58, 500000, tzinfo=UTC)),
        ("1733240467", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        (" 1733240467 ", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("1733240467.25", datetime(2024, 12, 3, 15, 41, 7, 250000, tzinfo=UTC)),
        ("253402300799", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("-62135596800", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_unix_timestamps(raw: str, expected: datetime) -> None:
    value = to_datetime(raw)
    assert value == expected
    assert value is not None and value.tzinfo is UTC


@pytest.mark.parametrize(
    "raw", ["253402300800", "999999999999", "-999999999999", "-62135596801", "1.5.5", "--1"]
)
def test_timestamps_beyond_what_datetime_holds_become_none(raw: str) -> None:
    assert to_datetime(raw) is None


# -- ISO 8601 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rewritten"),
    [
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05+00:00"),
        ("2024-01-02T03:04:05z", "2024-01-02T03:04:05+00:00"),
        ("2024-01-02T03:04:05.5Z", "2024-01-02T03:04:05.500000+00:00"),
        ("2024-01-02T03:04:05.12+02:00", "2024-01-02T03:04:05.120000+02:00"),
        ("2024-01-02T03:04:05,25+00:00", "2024-01-02T03:04:05.250000+00:00"),
        ("2024-01-02T03:04:05.123456", "2024-01-02T03:04:05.123456"),
        ("2024-01-02T03:04:05.1234567-0500", "2024-01-02T03:04:05.123456-05:00"),
        ("2024-01-02 03:04:05+05", "2024-01-02 03:04:05+05:00"),
        ("2024-01-02T03:04:05-03:30", "2024-01-02T03:04:05-03:30"),
        ("2024-01-02T03:04Z", "2024-01-02T03:04+00:00"),
        ("2024-01-02T03:04:05", "2024-01-02T03:04:05"),
        ("2024-01-02", "2024-01-02"),
        # Not an extended ISO date-time: left for fromisoformat to accept or refuse.
        ("20240102T030405Z", "20240102T030405Z"),
        ("2024-01-02Z", "2024-01-02Z"),
        ("Unknown", "Unknown"),
    ],
)
def test_iso_text_is_rewritten_into_what_python_3_10_reads(raw: str, rewritten: str) -> None:
    assert iso_for_fromisoformat(raw) == rewritten


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-12-03T15:41:07+00:00", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("2024-12-03T15:41:07Z", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("2024-12-03T15:41:07z", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("2024-12-03T15:41:07.5Z", datetime(2024, 12, 3, 15, 41, 7, 500000, tzinfo=UTC)),
        ("2024-12-03T17:41:07+0200", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("2024-12-03T10:41:07-05", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("2024-12-03 15:41:07", datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)),
        ("2024-12-03", datetime(2024, 12, 3, tzinfo=UTC)),
        ("2024-12-31T23:30:00-01:00", datetime(2025, 1, 1, 0, 30, tzinfo=UTC)),
    ],
)
def test_iso_times_become_aware_utc(raw: str, expected: datetime) -> None:
    value = to_datetime(raw)
    assert value == expected
    assert value is not None and value.tzinfo is UTC


@pytest.mark.parametrize(
    "raw",
    ["2024-13-01T00:00:00Z", "2024-02-30", "2024-01-02T25:00:00", "2024-01-02T03:04:05+25:00"],
)
def test_impossible_iso_times_become_none(raw: str) -> None:
    assert to_datetime(raw) is None


# -- the shorthands ---------------------------------------------------------------------------


def test_shorthands_on_a_session_like_node() -> None:
    _, root = parse_document(
        b"<session>"
        b'<start_time timestamp="-60">1969-12-31T23:59:00Z</start_time>'
        b'<end_time ts="garbage">2024-12-03T15:41:07Z</end_time>'
        b'<other timestamp="">2024-12-03T15:41:07.5Z</other>'
        b"<duration>1 day, 00:15:02.5</duration>"
        b"<flag>yes</flag><count> 12 </count><name>  rep  </name>"
        b"</session>"
    )
    assert datetime_of(root, "start_time") == datetime(1969, 12, 31, 23, 59, tzinfo=UTC)
    assert datetime_of(root, "end_time") == datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)
    assert datetime_of(root, "other") == datetime(2024, 12, 3, 15, 41, 7, 500000, tzinfo=UTC)
    assert datetime_of(root, "missing") is None
    assert timedelta_of(root, "duration") == timedelta(days=1, minutes=15, seconds=2.5)
    assert bool_of(root, "flag") is True
    assert int_of(root, "count") == 12
    assert str_of(root, "name") == "rep"


def test_a_timestamp_attribute_wins_over_the_text_ts_first() -> None:
    _, root = parse_document(
        b"<session>"
        b'<a ts="60" timestamp="120">2024-12-03T15:41:07Z</a>'
        b'<b timestamp="120">2024-12-03T15:41:07Z</b>'
        b'<c ts="bad" timestamp="180">2024-12-03T15:41:07Z</c>'
        b'<d ts="bad" timestamp="worse">2024-12-03T15:41:07Z</d>'
        b"</session>"
    )
    assert datetime_of(root, "a") == datetime(1970, 1, 1, 0, 1, tzinfo=UTC)
    assert datetime_of(root, "b") == datetime(1970, 1, 1, 0, 2, tzinfo=UTC)
    assert datetime_of(root, "c") == datetime(1970, 1, 1, 0, 3, tzinfo=UTC)
    assert datetime_of(root, "d") == datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)


def test_where_fromtimestamp_refuses_a_stamp_epoch_arithmetic_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some platforms' ``fromtimestamp`` refuses stamps its C library cannot hold (Windows
    before 1970 or after 3000): the fallback gives the same value."""
    from bomgar_async._xml import values

    class NarrowDatetime(datetime):
        @classmethod
        def fromtimestamp(cls, t: float, tz: object = None) -> NarrowDatetime:  # type: ignore[override]
            raise OSError(22, "Invalid argument")

    monkeypatch.setattr(values, "datetime", NarrowDatetime)
    assert to_datetime("33000000000") == datetime(3015, 9, 24, 10, 40, tzinfo=UTC)
    assert to_datetime("999999999999") is None  # beyond year 9999 either way
