"""The XML core (``_xml.core``) and value conversion (``_xml.values``) on their own."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async._xml.core import (
    attr,
    child,
    children,
    parse_document,
    text,
)
from bomgar_async._xml.values import (
    bool_of,
    datetime_of,
    int_of,
    str_of,
    timedelta_of,
    to_bool,
    to_datetime,
    to_float,
    to_int,
    to_timedelta,
)
from bomgar_async.errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarPermissionError,
    BomgarProtocolError,
)

# Responses recorded from real appliances, copied byte for byte from shared/samples/real/.
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
UTC = timezone.utc
NAMESPACES = [
    "",
    ' xmlns="http://www.bomgar.com/namespaces/API/command"',
    ' xmlns="http://www.beyondtrust.com/sra/namespaces/API/command"',
    ' xmlns="https://www.beyondtrust.com/namespaces/API/command"',
]


@pytest.mark.parametrize("ns", NAMESPACES)
def test_namespaces_are_ignored(ns: str) -> None:
    body = f'<?xml version="1.0"?>\n<logged_in_reps{ns}><rep id="1"><type>Normal</type></rep>'
    body += '<rep id="2"/></logged_in_reps>'
    root, node = parse_document(body.encode(), list_paths=("rep",))
    assert root == "logged_in_reps"
    assert [attr(r, "id") for r in children(node, "rep")] == ["1", "2"]
    assert text(child(children(node, "rep")[0], "type")) == "Normal"
    assert "@xmlns" not in node


def test_prefixed_namespace_and_schema_hints_are_stripped() -> None:
    body = (
        b'<c:appliances xmlns:c="http://www.bomgar.com/namespaces/API/command" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="x y">'
        b'<c:appliance c:id="g1"><c:name>A</c:name></c:appliance></c:appliances>'
    )
    root, node = parse_document(body, list_paths=("appliances/appliance",))
    assert root == "appliances"
    assert set(node) == {"appliance"}
    only = children(node, "appliance")
    assert len(only) == 1
    assert attr(only[0], "id") == "g1"
    assert text(child(only[0], "name")) == "A"


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (b"<error>Invalid lsid.</error>", BomgarAPIError, "Invalid lsid."),
        (b'<error xmlns="http://x">Login failed</error>', BomgarAuthError, "Login failed"),
        (b"<logged_in_reps><error>Invalid credentials</error></logged_in_reps>", BomgarAuthError,
         "Invalid credentials"),
        (b"<a><error>You do not have permission</error><error>2</error></a>",
         BomgarPermissionError, "You do not have permission"),
        (b"<error/>", BomgarAPIError, "unspecified error"),
    ],
)  # fmt: skip
def test_error_root_or_child_raises(body: bytes, error: type[BomgarAPIError], message: str) -> None:
    with pytest.raises(error) as caught:
        parse_document(body, expected_roots=("logged_in_reps",), action="get_logged_in_reps")
    assert type(caught.value) is error
    assert caught.value.message == message
    assert caught.value.action == "get_logged_in_reps"
    assert str(caught.value) == f"get_logged_in_reps: {message}"


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (b"", "empty"),
        (b" \r\n\t", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "HTML"),
        (b"\n  <html><head></head></html>", "HTML"),
        (b'{"error": "json"}', "not XML"),
        (b"<logged_in_reps><rep id='1'>", "truncated"),
        (b"<logged_in_reps><rep", "truncated"),
        (b"<a></b>", "malformed"),
        (b"<a/><b/>", "malformed"),
        (b"<a><![CDATA[x", "XML body"),
    ],
)
def test_bad_bodies_raise_protocol_error(body: bytes, hint: str) -> None:
    with pytest.raises(BomgarProtocolError, match=hint):
        parse_document(body)


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE r [<!ENTITY a "xx"><!ENTITY b "&a;&a;&a;">]>',
        b'<!DOCTYPE r [<!ENTITY b SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_entities_are_refused(doctype: bytes) -> None:
    with pytest.raises(BomgarProtocolError, match="refused"):
        parse_document(b'<?xml version="1.0"?>' + doctype + b"<r><x>&b;</x></r>")


def test_unexpected_root_is_a_protocol_error() -> None:
    with pytest.raises(BomgarProtocolError, match=r"expected <appliances>, got <support_teams>"):
        parse_document(b"<support_teams/>", expected_roots=("appliances",), action="get_appliances")


@pytest.mark.parametrize("count", [0, 1, 3])
def test_list_paths_keep_lists(count: int) -> None:
    items = "".join(f'<rep id="{i}"/>' for i in range(count))
    _, node = parse_document(
        f"<logged_in_reps>{items}</logged_in_reps>".encode(), list_paths=("rep",)
    )
    if count:
        assert isinstance(node["rep"], list)
        assert len(node["rep"]) == count
    assert [attr(r, "id") for r in children(node, "rep")] == [str(i) for i in range(count)]


def test_parent_child_list_paths_apply_only_under_that_parent() -> None:
    body = (
        b'<r><appliances><appliance id="a"/></appliances><appliance id="b">host</appliance>'
        b"<ids><lsid>1</lsid></ids><lsid>2</lsid></r>"
    )
    _, node = parse_document(body, list_paths=("appliances/appliance", "ids/lsid"))
    assert isinstance(node["appliances"]["appliance"], list)
    assert isinstance(node["appliance"], dict)
    assert isinstance(node["ids"]["lsid"], list)
    assert node["lsid"] == "2"


def test_accessors_are_tolerant() -> None:
    node = {"@id": "7", "#text": "host", "kid": [{"#text": "a"}, "b"], "empty": None}
    assert child(node, "kid") == {"#text": "a"}
    assert child(node, "missing") is None
    assert child("text", "kid") is None
    assert children(node, "kid") == [{"#text": "a"}, "b"]
    assert children(node, "empty") == []
    assert children(None, "kid") == []
    assert children({"one": "x"}, "one") == ["x"]
    assert text(node) == "host"
    assert text("plain") == "plain"
    assert text(None) is None
    assert text({"@id": "1"}) is None
    assert text(["first", "second"]) == "first"
    assert attr(node, "id") == "7"
    assert attr(node, "missing") is None
    assert attr([{"@id": "9"}], "id") == "9"
    assert attr("text", "id") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", 42), (" -7 ", -7), ("", None), (None, None), ("Unknown", None), ("1.5", None)],
)
def test_to_int(raw: str | None, expected: int | None) -> None:
    assert to_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("0", False), ("true", True), ("No", False), ("", None), ("Unknown", None)],
)
def test_to_bool(raw: str | None, expected: bool | None) -> None:
    assert to_bool(raw) is expected


def test_to_float() -> None:
    assert to_float("2.5") == 2.5
    assert to_float("Unknown") is None
    assert to_float(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-11-29T16:33:31+00:00", datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)),
        ("2019-11-29T11:33:31-05:00", datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)),
        ("2019-11-29T16:33:31Z", datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)),
        ("2019-11-29T16:33:31", datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)),
        ("1575045211", datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)),
        ("1575045211.5", datetime(2019, 11, 29, 16, 33, 31, 500000, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("Unknown", None),
        ("0000-00-00 00:00:00", None),
    ],
)
def test_to_datetime(raw: str | None, expected: datetime | None) -> None:
    value = to_datetime(raw)
    assert value == expected
    if value is not None:
        assert value.utcoffset() == timedelta(0)
        assert value.tzinfo is UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00:15:02", timedelta(minutes=15, seconds=2)),
        ("25:00:01", timedelta(hours=25, seconds=1)),
        ("100:59:59", timedelta(hours=100, minutes=59, seconds=59)),
        ("2 days, 1:02:03", timedelta(days=2, hours=1, minutes=2, seconds=3)),
        ("1:2:3", timedelta(hours=1, minutes=2, seconds=3)),
        ("", None),
        ("Unknown", None),
        ("00:61:00", None),
    ],
)
def test_to_timedelta(raw: str, expected: timedelta | None) -> None:
    assert to_timedelta(raw) == expected


def test_shorthands_read_named_children() -> None:
    body = (
        b"<r><s> padded </s><blank/><i>5</i><b>1</b><d>2024-01-02T03:04:05Z</d>"
        b'<ts ts="1575045211">2001-01-01T00:00:00Z</ts><stamp timestamp="0">x</stamp>'
        b'<only ts="1575045211"/><bad ts="soon">2024-01-02T03:04:05Z</bad><t>26:00:00</t></r>'
    )
    _, node = parse_document(body)
    assert str_of(node, "s") == "padded"
    assert str_of(node, "blank") is None
    assert str_of(node, "missing") is None
    assert int_of(node, "i") == 5
    assert bool_of(node, "b") is True
    assert datetime_of(node, "d") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert datetime_of(node, "ts") == datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)
    assert datetime_of(node, "stamp") == datetime(1970, 1, 1, tzinfo=UTC)
    assert datetime_of(node, "only") == datetime(2019, 11, 29, 16, 33, 31, tzinfo=UTC)
    assert datetime_of(node, "bad") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert datetime_of(node, "missing") is None
    assert timedelta_of(node, "t") == timedelta(hours=26)


@pytest.mark.parametrize(
    ("name", "root", "item"),
    [
        ("pra-cloud-2024-access-session-list.xml", "session_list", "session"),
        ("pra-cloud-2024-session-summary-list.xml", "session_summary_list", "session_summary"),
    ],
)
def test_real_samples_parse(name: str, root: str, item: str) -> None:
    body = (REAL / name).read_bytes()
    parsed_root, node = parse_document(body, list_paths=("session", "session_summary"))
    assert parsed_root == root
    items = children(node, item)
    assert len(items) >= 1
    assert all(len(attr(i, "lsid") or "") == 32 for i in items)
    if item == "session":
        start = datetime_of(items[0], "start_time")
        assert start == datetime(2024, 12, 3, 15, 26, 5, tzinfo=UTC)
        assert timedelta_of(items[0], "duration") == timedelta(minutes=15, seconds=2)


def test_real_error_sample_becomes_api_error() -> None:
    body = (REAL / "rs-archive-error.xml").read_bytes()
    with pytest.raises(BomgarAPIError) as caught:
        parse_document(body, action="SupportSession")
    assert caught.value.message == "No archives found for the given search criteria."
    assert type(caught.value) is BomgarAPIError
