"""Issue 16: redaction details (longest form first, cyclic exception chains) and the error
bodies a download may meet (over the 1 MiB cap, an HTML page in one piece)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web

from bomgar_async import BomgarAPIError, BomgarProtocolError
from bomgar_async._http.redact import (
    RedactedError,
    redact,
    redact_error_text,
    scrub_exception,
)

from .servers import app_server, client_for, temp_leftovers


def test_overlapping_secrets_are_replaced_longest_first() -> None:
    assert redact("user=abcdef;", ["abc", "abcdef"]) == "user=***;"
    assert redact("user=abcdef;", ["abcdef", "abc"]) == "user=***;"
    # "a b" has the quote_plus form "a+b"; "a+b" itself quotes to "a%2Bb"
    assert redact("q=a+b&r=a%2Bb&s=a b", ["a b", "a+b"]) == "q=***&r=***&s=***"


def test_a_cyclic_exception_chain_is_scrubbed_and_terminates() -> None:
    first = ValueError("token s3cr3t-token rejected")
    second = RuntimeError("wrapper")
    first.__cause__ = second
    second.__context__ = first  # a cycle
    scrubbed = scrub_exception(second, ["s3cr3t-token"])
    assert isinstance(scrubbed, RedactedError)
    assert "s3cr3t-token" not in str(scrubbed)
    assert scrubbed.original_type == "builtins.RuntimeError"
    clean = RuntimeError("nothing here")
    clean.__context__ = clean
    assert scrub_exception(clean, ["s3cr3t-token"]) is clean


def test_only_error_text_is_redacted_in_a_body() -> None:
    body = b"<r><a>pw</a><ns:error code='1'>bad pw here</ns:error></r>"
    assert (
        redact_error_text(body, ["pw"])
        == b"<r><a>pw</a><ns:error code='1'>bad *** here</ns:error></r>"
    )


async def test_an_error_document_over_the_cap_is_refused_without_buffering_it(
    tmp_path: Path,
) -> None:
    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        await response.prepare(request)
        await response.write(b"<?xml version='1.0'?><error>")
        for _ in range(20):
            await response.write(b"x" * (1 << 17))
            await asyncio.sleep(0)
        await response.write(b"</error>")
        return response

    dest = tmp_path / "backup.nsb"
    async with app_server({"/api/backup.ns": huge}) as url:
        async with client_for(url) as bg:
            with pytest.raises(BomgarProtocolError, match="more than 1048576 bytes"):
                await bg.backup.download(dest)
    assert not dest.exists()
    assert temp_leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html><body>Login</body></html>", BomgarProtocolError),
        (b"<!DOCTYPE html><html></html>", BomgarProtocolError),
        (b"<error>expired</error>", BomgarAPIError),
        (b"\xef\xbb\xbf<?xml version='1.0'?><error>expired</error>", BomgarAPIError),
    ],
)
async def test_a_page_in_one_piece_is_an_error(
    tmp_path: Path, body: bytes, error: type[Exception]
) -> None:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html")

    async with app_server({"/api/backup.ns": page}) as url:
        async with client_for(url) as bg:
            with pytest.raises(error):
                await bg.backup.download(tmp_path / "b.nsb")
    assert list(tmp_path.iterdir()) == []
