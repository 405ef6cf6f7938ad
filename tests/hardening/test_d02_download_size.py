"""Defect 2 and the size checks of downloads: compressed answers, Content-Length mismatches
(short and long, any header case), and what the result reports."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from aiohttp import web

from bomgar_async import BomgarClient, BomgarProtocolError
from bomgar_async._http.request import Request, Response
from bomgar_async.testing import FakeTransport

from .servers import app_server, client_for, temp_leftovers

PAYLOAD = b"backup-content " * 20_000  # compresses well: 300 kB -> ~1 kB


async def test_a_server_that_compresses_when_allowed_still_gives_the_file(tmp_path: Path) -> None:
    seen: list[str] = []

    async def backup(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Accept-Encoding", ""))
        response = web.Response(body=PAYLOAD, content_type="application/octet-stream")
        response.enable_compression()  # gzip/deflate only if the client accepts them
        return response

    async with app_server({"/api/backup.ns": backup}) as url, client_for(url) as bg:
        result = await bg.backup.download(tmp_path / "b.nsb")
    assert (tmp_path / "b.nsb").read_bytes() == PAYLOAD
    assert result.size == len(PAYLOAD)
    assert result.sha256 == hashlib.sha256(PAYLOAD).hexdigest()
    assert seen == ["identity"]


async def test_a_server_that_compresses_anyway_still_gives_the_file(tmp_path: Path) -> None:
    packed = gzip.compress(PAYLOAD)

    async def backup(_request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/octet-stream"}
        return web.Response(body=packed, headers=headers)

    async with app_server({"/api/backup.ns": backup}) as url, client_for(url) as bg:
        result = await bg.backup.download(tmp_path / "b.nsb")
    assert (tmp_path / "b.nsb").read_bytes() == PAYLOAD
    assert result.size == len(PAYLOAD)


def fake_client(body: bytes, headers: dict[str, str]) -> BomgarClient:
    def answer(_request: Request) -> Response:
        return Response(status=200, headers=headers, body=body)

    return BomgarClient(
        "appliance.example",
        username="api",
        password="pw",
        retries=0,
        transport=FakeTransport(answer),
    )


@pytest.mark.parametrize("name", ["Content-Length", "content-length", "CONTENT-LENGTH"])
@pytest.mark.parametrize("announced", [len(PAYLOAD) + 1, len(PAYLOAD) - 1, 10 * len(PAYLOAD)])
async def test_a_length_mismatch_fails_whatever_the_header_case(
    tmp_path: Path, name: str, announced: int
) -> None:
    dest = tmp_path / "b.nsb"
    dest.write_bytes(b"old")
    async with fake_client(PAYLOAD, {name: str(announced)}) as bg:
        with pytest.raises(BomgarProtocolError) as info:
            await bg.backup.download(dest)
    assert str(info.value) == f"backup: received {len(PAYLOAD)} bytes of the {announced} announced"
    assert info.value.retryable
    assert dest.read_bytes() == b"old"
    assert temp_leftovers(tmp_path) == []


async def test_the_result_reports_size_hash_and_content_type(tmp_path: Path) -> None:
    headers = {"content-length": str(len(PAYLOAD)), "content-type": "application/x-nsb"}
    async with fake_client(PAYLOAD, headers) as bg:
        result = await bg.backup.download(tmp_path / "b.nsb")
    assert result.path == tmp_path / "b.nsb"
    assert result.size == len(PAYLOAD)
    assert result.sha256 == hashlib.sha256(PAYLOAD).hexdigest()
    assert result.content_type == "application/x-nsb"
