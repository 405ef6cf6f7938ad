"""Defect 1: a file download decides "file or error page" on enough leading bytes, and an
empty body never replaces a file (backups, recordings, BRCS downloads alike)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web

from bomgar_async import BomgarAPIError, BomgarError, BomgarProtocolError

from .servers import app_server, client_for, temp_leftovers

OLD = b"yesterday's backup"
ERROR = b'<?xml version="1.0"?><error>backup not allowed now</error>'


def chunked(*parts: bytes) -> web.RequestHandler:  # type: ignore[type-arg]
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        await response.prepare(request)
        for part in parts:
            await response.write(part)
            await asyncio.sleep(0.02)  # separate reads on the client side
        await response.write_eof()
        return response

    return handler


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        ((b"<?x", ERROR[3:]), BomgarAPIError),
        ((b"\n", ERROR), BomgarAPIError),
        ((b"\r\n", ERROR), BomgarAPIError),
        ((b"\xef\xbb\xbf", b"  \n", ERROR), BomgarAPIError),
        ((b"<", b"html><body>login</body></html>"), BomgarProtocolError),
        ((b"\n\n<!DOC", b"TYPE html><html></html>"), BomgarProtocolError),
        ((ERROR[:20], ERROR[20:40], ERROR[40:]), BomgarAPIError),
    ],
)
async def test_an_error_page_in_small_chunks_never_replaces_the_backup(
    tmp_path: Path, parts: tuple[bytes, ...], error: type[BomgarError]
) -> None:
    dest = tmp_path / "backup.nsb"
    dest.write_bytes(OLD)
    async with app_server({"/api/backup.ns": chunked(*parts)}) as url, client_for(url) as bg:
        with pytest.raises(error):
            await bg.backup.download(dest)
    assert dest.read_bytes() == OLD
    assert temp_leftovers(tmp_path) == []


@pytest.mark.parametrize("body", [b"", b"\r\n", b"\xef\xbb\xbf \t\n"])
async def test_an_empty_body_never_replaces_the_backup(tmp_path: Path, body: bytes) -> None:
    async def empty(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/octet-stream")

    dest = tmp_path / "backup.nsb"
    dest.write_bytes(OLD)
    async with app_server({"/api/backup.ns": empty}) as url, client_for(url) as bg:
        with pytest.raises(BomgarProtocolError, match="empty"):
            await bg.backup.download(dest)
    assert dest.read_bytes() == OLD
    assert temp_leftovers(tmp_path) == []


async def test_a_recording_download_uses_the_same_rule(tmp_path: Path) -> None:
    dest = tmp_path / "rec.flv"
    async with app_server({"/api/reporting.ns": chunked(b"\r\n", ERROR)}) as url:
        async with client_for(url) as bg:
            with pytest.raises(BomgarAPIError, match="backup not allowed"):
                await bg.reporting.download_recording("0123456789abcdef0123456789abcdef", dest)
    assert not dest.exists()
    assert temp_leftovers(tmp_path) == []


async def test_a_binary_file_starting_with_whitespace_is_kept_whole(tmp_path: Path) -> None:
    payload = b"\n\x1f\x8b" + bytes(range(256)) * 10
    dest = tmp_path / "backup.nsb"
    handler = chunked(payload[:1], payload[1:2], payload[2:])
    async with app_server({"/api/backup.ns": handler}) as url:
        async with client_for(url) as bg:
            result = await bg.backup.download(dest)
    assert dest.read_bytes() == payload
    assert result.size == len(payload)
    assert result.content_type == "text/xml"


@pytest.mark.parametrize("body", [b"", b"\r\n"])
async def test_an_empty_brcs_download_is_refused(tmp_path: Path, body: bytes) -> None:
    async def empty(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/plain")

    dest = tmp_path / "jump.brcs-support"
    dest.write_bytes(OLD)
    async with app_server({"/api/client_script.ns": empty}) as url:
        async with client_for(url) as bg:
            with pytest.raises(BomgarProtocolError, match="empty"):
                await bg.scripting.download(
                    "start_pinned_client_session", dest, search_string="ABCDEF02"
                )
    assert dest.read_bytes() == OLD
    assert temp_leftovers(tmp_path) == []
