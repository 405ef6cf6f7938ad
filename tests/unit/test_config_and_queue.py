"""Client configuration parsing and the queue grammar."""

from __future__ import annotations

import attrs
import pytest

from bomgar_async import (
    BomgarConfigError,
    BomgarValidationError,
    Queue,
)
from bomgar_async._http.config import base_url


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("support.example.com", "https://support.example.com"),
        ("support.example.com:8443", "https://support.example.com:8443"),
        ("https://support.example.com:8443/", "https://support.example.com:8443"),
        ("https://support.example.com/prefix/", "https://support.example.com/prefix"),
        ("HTTPS://Support.Example.com", "https://support.example.com"),
        ("[::1]:8443", "https://[::1]:8443"),
    ],
)
def test_base_url_forms(host: str, expected: str) -> None:
    assert base_url(host, allow_http=False) == expected


def test_http_needs_allow_http() -> None:
    with pytest.raises(BomgarConfigError, match="allow_http"):
        base_url("http://support.example.com", allow_http=False)
    assert base_url("http://support.example.com", allow_http=True) == "http://support.example.com"


@pytest.mark.parametrize(
    "host",
    ["", "   ", "ftp://x", "https://user:pw@x.example.com", "https://x/?a=1", "https://x:99999"],
)
def test_bad_hosts_are_refused(host: str) -> None:
    with pytest.raises(BomgarConfigError):
        base_url(host, allow_http=False)


def test_credentials_in_url_are_not_echoed() -> None:
    with pytest.raises(BomgarConfigError) as info:
        base_url("https://api:hunter2@x.example.com", allow_http=False)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("built", "wire"),
    [
        (Queue.general(), "general"),
        (Queue.rep(12), "rep:12"),
        (Queue.team(3), "team:3"),
        (Queue.embassy(4), "embassy:4"),
        (Queue.rep_username("admin"), "rep_username:admin"),
    ],
)
def test_queue_builders_and_round_trip(built: Queue, wire: str) -> None:
    assert str(built) == wire
    assert Queue.parse(wire) == built


@pytest.mark.parametrize(
    "text",
    [
        "",
        "rep",
        "rep:",
        "rep:abc",
        "rep:0",
        "rep:-1",
        "team:1.5",
        "foo:1",
        "General",
        "rep_username:",
        "rep_username:two words",
        "embassy:1,2",
    ],
)
def test_bad_queues_are_refused(text: str) -> None:
    with pytest.raises(BomgarValidationError):
        Queue.parse(text)


@pytest.mark.parametrize("bad", [0, -3, True, "x", 1.0])
def test_queue_ids_must_be_positive_ints(bad: object) -> None:
    with pytest.raises(BomgarValidationError):
        Queue.rep(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("rep", -5),
        ("rep", 0),
        ("team", "x"),
        ("embassy", None),
        ("rep", True),
        ("rep", 1.0),
        ("rep", "²"),
        ("bogus", "x"),
        ("general", 3),
        ("rep_username", "two words"),
        ("rep_username", 7),
        ("", None),
    ],
)
def test_queue_constructor_validates(kind: str, value: object) -> None:
    with pytest.raises(BomgarValidationError):
        Queue(kind, value)  # type: ignore[arg-type]


def test_queue_evolve_validates() -> None:
    with pytest.raises(BomgarValidationError):
        attrs.evolve(Queue.rep(3), value=-1)


def test_queue_constructor_normalises_digit_strings() -> None:
    assert Queue("rep", "12") == Queue.rep(12)  # type: ignore[arg-type]
    assert Queue("rep", "12").value == 12  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["rep:²", "team:١٢", "rep:+1"])
def test_queue_parse_refuses_non_ascii_digits(text: str) -> None:
    with pytest.raises(BomgarValidationError):
        Queue.parse(text)


def test_session_key_and_transfer_refuse_a_bad_queue_object() -> None:
    from bomgar_async.command import params as build

    class Loose(Queue):
        """A subclass that skips the check, as a careless caller might write."""

        def __attrs_post_init__(self) -> None:
            return None

    loose = Loose("rep", -5)
    with pytest.raises(BomgarValidationError):
        build.session_key(
            loose, external_key=None, priority=None, skills=None, ttl=None, url_hostname=None
        )
    with pytest.raises(BomgarValidationError):
        build.transfer_session("c69a8e10bea9428f816cfababe9815fe", loose)
