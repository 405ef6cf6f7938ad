"""The incremental ``<session_list>`` parser: same sessions as the in-memory parser however
the body is cut, errors like the XML core, and flat memory on a large report."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

import pytest

from bomgar_async.errors import (
    BomgarAPIError,
    BomgarProtocolError,
)
from bomgar_async.reporting.models import SupportSession
from bomgar_async.reporting.parse import parse_session_list
from bomgar_async.reporting.session_stream import (
    SessionStreamParser,
    iter_sessions,
)

from .test_reporting_models import NAMESPACES, load

REAL = "pra-cloud-2024-access-session-list"
SESSION_LISTS = ["session_list_many", "session_list_one", "session_list_zero"]


def stream(chunks: list[bytes]) -> list[SupportSession]:
    parser = SessionStreamParser()
    sessions: list[SupportSession] = []
    for chunk in chunks:
        sessions += parser.feed(chunk)
    sessions += parser.close()
    return sessions


def real() -> bytes:
    return load(REAL, folder="real")


@pytest.mark.parametrize("body", [real(), load("session_list_one")], ids=["real", "prefixed"])
def test_a_split_at_every_byte_boundary_gives_the_same_sessions(body: bytes) -> None:
    expected = parse_session_list(body)
    assert expected
    for cut in range(len(body) + 1):
        assert stream([body[:cut], body[cut:]]) == expected, cut


@pytest.mark.parametrize("name", SESSION_LISTS)
def test_byte_by_byte_gives_the_same_sessions(name: str) -> None:
    body = load(name)
    sessions = stream([body[i : i + 1] for i in range(len(body))])
    assert sessions == parse_session_list(body)


@pytest.mark.parametrize("size", [7, 100, 4096, 1 << 20])
def test_any_chunk_size_gives_the_same_sessions(size: int) -> None:
    body = load("session_list_many")
    sessions = stream([body[i : i + size] for i in range(0, len(body), size)])
    assert [s.lsid for s in sessions] == [
        "c69a8e10bea9428f816cfababe9815fe",
        "a5eaaa58591047b88556f944804227b0",
        "5bf07601298b495b87310da9ce571e22",
    ]
    assert sessions == parse_session_list(body)


def test_multibyte_characters_cut_in_half() -> None:
    body = (
        '<session_list><session lsid="x1"><session_details>'
        '<event timestamp="1" event_type="Chat Message"><body>h\u00e9llo \u2603 w\u00f6rld</body>'
        "</event></session_details></session></session_list>"
    ).encode()
    expected = parse_session_list(body)
    assert expected[0].events[0].body == "h\u00e9llo \u2603 w\u00f6rld"
    for cut in range(len(body) + 1):
        assert stream([body[:cut], body[cut:]]) == expected


def test_each_session_is_returned_as_soon_as_it_is_complete() -> None:
    body = load("session_list_many")
    first_end = body.index(b"</session>") + len(b"</session>")
    parser = SessionStreamParser()
    assert parser.feed(body[: first_end - 1]) == []
    (first,) = parser.feed(body[first_end - 1 : first_end])
    assert first.lsid == "c69a8e10bea9428f816cfababe9815fe"
    rest = parser.feed(body[first_end:])
    assert [s.lsid for s in rest] == [
        "a5eaaa58591047b88556f944804227b0",
        "5bf07601298b495b87310da9ce571e22",
    ]
    assert parser.close() == []
    assert parser.close() == []  # closing twice is harmless


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_namespaces_are_ignored(namespace: str | None) -> None:
    body = load("session_list_many", namespace)
    assert stream([body]) == parse_session_list(load("session_list_many"))


def test_prefixed_names_are_ignored() -> None:
    (session,) = stream([load("session_list_one")])
    assert session.lsid == "0d7a0a45e1e04c4bb1f3a4d0c1c9e001"
    assert session.customers[0].username == "Robin"


def test_iter_sessions_yields_in_document_order() -> None:
    body = load("session_list_many")
    chunks = (body[i : i + 1000] for i in range(0, len(body), 1000))
    assert list(iter_sessions(chunks)) == parse_session_list(body)


def test_repeated_and_unknown_elements_build_the_same_nodes() -> None:
    body = (
        b'<?xml version="1.0"?>\n<session_list xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        b' xsi:schemaLocation="x"><generated_by>appliance</generated_by>'
        b'<session lsid="r1"><session_type>support</session_type><session_type>other</session_type>'
        b"<custom_attributes><custom_attribute code_name='a'>1</custom_attribute>"
        b"</custom_attributes>"
        b'<session_details><event timestamp="1" event_type="Files Shared">'
        b'<destination gsnumber="1" type="customer">First</destination>'
        b'<destination gsnumber="2" type="customer">Second</destination>'
        b"<body>mixed <b>bold</b> text</body></event></session_details></session>"
        b"</session_list>"
    )
    expected = parse_session_list(body)
    (session,) = expected
    assert session.session_type == "support"
    assert session.events[0].destination is not None
    assert session.events[0].destination.name == "First"
    assert session.events[0].body == "mixed  text"
    assert stream([body[i : i + 3] for i in range(0, len(body), 3)]) == expected


def test_empty_report_gives_no_sessions() -> None:
    assert stream([load("session_list_zero")]) == []
    assert stream([b"<session_list/>"]) == []


def test_error_root_raises_api_error_and_keeps_raising() -> None:
    parser = SessionStreamParser()
    with pytest.raises(BomgarAPIError) as caught:
        parser.feed(load("rs-archive-error", folder="real"))
        parser.close()
    assert caught.value.message == "No archives found for the given search criteria."
    assert caught.value.action == "SupportSession"
    with pytest.raises(BomgarAPIError):
        parser.feed(b"")
    with pytest.raises(BomgarAPIError):
        parser.close()


def test_error_child_raises_api_error() -> None:
    with pytest.raises(BomgarAPIError, match=r"Invalid lsid\.$"):
        stream([load("session_list_error_child")])


def test_error_child_after_sessions_raises_after_returning_them() -> None:
    body = (
        b'<session_list><session lsid="a"/><session lsid="b"/>'
        b"<error>Login failed</error></session_list>"
    )
    cut = body.index(b"</error>")
    parser = SessionStreamParser()
    assert [s.lsid for s in parser.feed(body[:cut])] == ["a", "b"]
    with pytest.raises(BomgarAPIError, match="Login failed"):
        parser.feed(body[cut:])


@pytest.mark.parametrize("name", ["session_list_one", "session_list_many"])
def test_every_truncation_is_a_protocol_error(name: str) -> None:
    body = load(name).rstrip()
    step = 1 if len(body) < 2000 else 37
    for cut in range(0, len(body), step):
        parser = SessionStreamParser()
        with pytest.raises(BomgarProtocolError, match=r"truncated|empty"):
            parser.feed(body[:cut])
            parser.close()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b" \r\n\t", "empty body"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "HTML page"),
        (b"<html><body>Login</body></html>", "expected <session_list>, got <html>"),
        (b"<summary_list/>", "expected <session_list>"),
        (b"not xml at all", "malformed"),
        (b"<session_list></session_list><session_list/>", "malformed"),
        (b"<session_list><session></session_list>", "malformed"),
        (b"<session_list><session lsid='x'/><session/></session_list>", "has no lsid"),
    ],
)
def test_broken_bodies_are_protocol_errors(body: bytes, message: str) -> None:
    with pytest.raises(BomgarProtocolError, match=message):
        stream([body])


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<session_list><session lsid='x'><external_key>&lol2;</external_key></session>"
        b"</session_list>",
        b'<!DOCTYPE session_list SYSTEM "http://attacker.example/x.dtd"><session_list/>',
        b'<!DOCTYPE session_list [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><session_list/>',
    ],
)
def test_dtds_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(BomgarProtocolError, match="refused"):
        stream([body])


def test_feed_after_close_is_refused() -> None:
    parser = SessionStreamParser()
    parser.feed(b"<session_list/>")
    assert parser.close() == []
    with pytest.raises(BomgarProtocolError, match="after close"):
        parser.feed(b"<session_list/>")


def _large_report(total: int, chunk_size: int) -> Iterator[bytes]:
    """A ``total``-byte report produced chunk by chunk (never held whole in memory):
    the guide-shaped sessions, each followed by a session with a long chat transcript."""
    body = load("session_list_many")
    start, end = body.index(b"<session "), body.index(b"</session_list>")
    chat = (
        b'<session lsid="chat"><session_details>'
        + b'<event timestamp="1398931290" event_type="Chat Message"><body>'
        + b"lorem ipsum &amp; dolor sit amet " * 2000
        + b"</body></event></session_details></session>\n"
    )
    template = body[start:end] + chat
    buffer, sent, number = bytearray(body[:start]), 0, 0
    while sent + len(buffer) < total:
        while len(buffer) < chunk_size:
            buffer += template.replace(b'lsid="', b'lsid="%d-' % number)
            number += 1
        yield bytes(buffer[:chunk_size])
        sent += chunk_size
        del buffer[:chunk_size]
    buffer += body[end:]
    while buffer:
        yield bytes(buffer[:chunk_size])
        del buffer[:chunk_size]


def test_memory_stays_flat_on_a_50_mb_report() -> None:
    total, count, last = 0, 0, ""
    tracemalloc.start()
    try:
        parser = SessionStreamParser()
        for chunk in _large_report(50 * 1024 * 1024, 64 * 1024):
            total += len(chunk)
            sessions = parser.feed(chunk)
            count += len(sessions)
            last = sessions[-1].lsid if sessions else last
        count += len(parser.close())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total >= 50 * 1024 * 1024
    # every session came out, the last one last: four sessions per template copy
    assert count > 2500 and count % 4 == 0
    assert last == f"{count // 4 - 1}-chat"
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while parsing {total / 1e6:.0f} MB"


def test_sessions_built_by_stream_and_by_xmltodict_are_identical_on_the_large_template() -> None:
    chunks = list(_large_report(400 * 1024, 4096))
    body = b"".join(chunks)
    assert stream(chunks) == parse_session_list(body)
