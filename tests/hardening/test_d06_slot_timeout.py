"""Defect 6: waiting for a free slot (``max_concurrency``) counts against the call's timeout."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest
from aiohttp import web

from bomgar_async import BomgarTimeoutError

from .servers import app_server, client_for

INFO = "<api_information><api_version>1.19.0</api_version></api_information>"
SESSION = b'<session lsid="a1"><start_time timestamp="1400000000">x</start_time></session>'


@pytest.mark.timeout(20)
async def test_a_call_waiting_for_a_slot_times_out() -> None:
    async def report(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        await response.prepare(request)
        await response.write(b"<session_list>" + SESSION)
        await asyncio.sleep(10)  # the reader pauses; the stream stays open
        return response

    async def info(_request: web.Request) -> web.Response:
        return web.Response(text=INFO, content_type="text/xml")

    routes = {"/api/reporting.ns": report, "/api/command.ns": info}
    async with app_server(routes) as url:
        async with client_for(url, max_concurrency=2, timeout=1.0) as bg:
            first = bg.reporting.support_sessions(date(2024, 1, 1), date(2024, 1, 2))
            second = bg.reporting.support_sessions(date(2024, 1, 1), date(2024, 1, 2))
            assert (await anext(first)).lsid == "a1"
            assert (await anext(second)).lsid == "a1"
            started = time.monotonic()
            with pytest.raises(BomgarTimeoutError, match="max_concurrency"):
                await bg.command.get_api_info()
            assert time.monotonic() - started < 4.0
            await first.aclose()  # closing a stream frees its slot
            assert (await bg.command.get_api_info()).api_version == "1.19.0"
            await second.aclose()
