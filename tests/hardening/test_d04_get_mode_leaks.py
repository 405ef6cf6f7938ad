"""Defect 4: in GET mode the password travels in the URL; no error may carry that URL (in
any encoding, yarl's included), and an ``<error>`` echoing the password is redacted."""

from __future__ import annotations

import asyncio
from xml.sax.saxutils import escape

import pytest

from bomgar_async import BomgarAPIError, BomgarError, MemoryCache

from .leaks import find_leaks, renderings
from .servers import app_server, client_for, raw_server, read_request

PASSWORD = "Pw x/y+z?&=%41;é"


async def bad_status_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 OK-ISH\r\n\r\n")
    await writer.drain()


async def bad_header(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nX Bad Header\x00: 1\r\nContent-Length: 2\r\n\r\nok")
    await writer.drain()


async def huge_header(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
    await writer.drain()


async def bad_length(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n<x/>")
    await writer.drain()


@pytest.mark.parametrize("handler", [bad_status_line, bad_header, huge_header, bad_length])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_malformed_answer_never_carries_the_url(handler: object, method: str) -> None:
    async with raw_server(handler) as url:  # type: ignore[arg-type]
        async with client_for(url, password=PASSWORD, method=method) as bg:
            with pytest.raises(BomgarError) as info:
                await bg.command.get_api_info()
    rendered = renderings(info.value)
    assert find_leaks([rendered], [PASSWORD]) == []
    assert "get_api_info" in str(info.value)
    assert "/api/command.ns" in str(info.value)


async def test_an_error_echoing_the_password_is_redacted() -> None:
    from aiohttp import web

    async def echo(request: web.Request) -> web.Response:
        form = await request.post() if request.method == "POST" else request.query
        sent = escape(str(form.get("password", "")))
        return web.Response(
            text=f"<error>Login failed for password '{sent}' and user api</error>",
            content_type="text/xml",
        )

    cache = MemoryCache(ttl=60)
    async with app_server({"/api/command.ns": echo}) as url:
        for method in ("GET", "POST"):
            async with client_for(url, password=PASSWORD, method=method, cache=cache) as bg:
                with pytest.raises(BomgarAPIError) as info:
                    await bg.command.get_api_info()
            assert find_leaks([renderings(info.value)], [PASSWORD]) == []
            assert "Login failed for password '***' and user api" in info.value.message
