"""Secrets never survive into text or exception chains."""

from __future__ import annotations

import pytest

from bomgar_async._http.redact import (
    RedactedError,
    redact,
    redact_error_text,
    scrub_exception,
)


def test_redact_replaces_raw_and_encoded_forms() -> None:
    secret = "p@ss w/rd&="
    text = f"a={secret} b=p%40ss%20w%2Frd%26%3D c=p%40ss+w%2Frd%26%3D"
    cleaned = redact(text, [secret])
    assert "p@ss" not in cleaned and "p%40ss" not in cleaned
    assert cleaned.count("***") == 3


def test_scrub_keeps_clean_exceptions() -> None:
    err = OSError("connection refused")
    assert scrub_exception(err, ["hunter2"]) is err


def test_scrub_replaces_exceptions_that_leak_anywhere_in_the_chain() -> None:
    inner = ValueError("url=https://x/?password=hunter2")
    outer = RuntimeError("wrapped")
    outer.__cause__ = inner
    scrubbed = scrub_exception(outer, ["hunter2"])
    assert isinstance(scrubbed, RedactedError)
    assert "hunter2" not in repr(scrubbed) and "hunter2" not in str(scrubbed)
    assert scrubbed.original_type == "builtins.RuntimeError"
    assert scrubbed.__cause__ is None and scrubbed.__context__ is None


def test_transport_error_mapping_scrubs_an_aiohttp_cause_that_leaks() -> None:
    import aiohttp

    from bomgar_async import BomgarTransportError
    from bomgar_async._http.request import Request
    from bomgar_async._http.transport import _mapped

    request = Request(
        "GET",
        "/api/command.ns",
        query=(("password", "hunter2"),),
        secrets=("hunter2",),
        label="get_api_info",
    )
    leaky = aiohttp.ClientConnectionError("failed GET /api/command.ns?password=hunter2")
    error = _mapped(leaky, request, "https://x.example.com/api/command.ns")
    assert isinstance(error, BomgarTransportError)
    assert isinstance(error.__cause__, RedactedError)
    assert error.__suppress_context__
    assert "hunter2" not in repr(error.__cause__)
    assert "***" in str(error.__cause__)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # only <error> elements: <errors>, <error_count> are data and stay as sent
        (
            b"<r><errors>pw1</errors><error>pw1 bad</error></r>",
            b"<r><errors>pw1</errors><error>*** bad</error></r>",
        ),
        (b"<r><error_count>pw1</error_count></r>", b"<r><error_count>pw1</error_count></r>"),
        # each element on its own: the data between two errors stays as sent
        (
            b"<r><error>pw1</error><data>pw1</data><error>pw1</error></r>",
            b"<r><error>***</error><data>pw1</data><error>***</error></r>",
        ),
        # a closing tag with blanks, a namespace prefix, attributes, text over lines
        (b"<error>pw1</error >", b"<error>***</error >"),
        (
            b"<api:error code='7'>\npw1\n</api:error\n>",
            b"<api:error code='7'>\n***\n</api:error\n>",
        ),
    ],
)
def test_only_the_text_of_error_elements_is_redacted(body: bytes, expected: bytes) -> None:
    assert redact_error_text(body, ["pw1"]) == expected


def test_overlapping_secrets_in_an_error_body_are_replaced_longest_first() -> None:
    # by length, not by byte order: "b" sorts after "abc" but is shorter
    body = b"<error>rejected: abc</error>"
    assert redact_error_text(body, ["b", "abc"]) == b"<error>rejected: ***</error>"
    assert redact_error_text(body, ["abc", "b"]) == b"<error>rejected: ***</error>"


@pytest.mark.parametrize(
    "shown",
    [
        "a/b c\"d'e",  # raw
        "a%2Fb%20c%22d%27e",  # quote(safe="")
        "a/b%20c%22d%27e",  # quote
        "a%2Fb+c%22d%27e",  # quote_plus
        "a/b+c%22d'e",  # yarl's query encoding (aiohttp's error messages)
        "a/b c&quot;d&apos;e",  # XML-escaped with quotes
    ],
)
def test_every_way_a_secret_is_shown_is_redacted(shown: str) -> None:
    assert redact(f"failed: {shown}!", ["a/b c\"d'e"]) == "failed: ***!"


def test_overlapping_secrets_in_text_are_replaced_longest_first() -> None:
    # by length, not by character order: "b" sorts after "abc" but is shorter
    assert redact("rejected: abc", ["b", "abc"]) == "rejected: ***"


class AppError(Exception):
    """An exception class of some library."""


def test_a_scrubbed_exception_keeps_its_qualified_type_name() -> None:
    scrubbed = scrub_exception(AppError("token pw-123 refused"), ["pw-123"])
    assert isinstance(scrubbed, RedactedError)
    assert scrubbed.original_type == f"{__name__}.AppError"
    assert str(scrubbed) == f"{__name__}.AppError: token *** refused"
