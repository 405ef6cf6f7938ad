"""Client configuration parsing and the queue grammar."""

from __future__ import annotations

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
