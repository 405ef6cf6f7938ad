"""A loopback aiohttp server for the transport tests: ``/full`` answers the whole body,
``/cut`` declares its whole length and closes the connection after ``cut`` bytes, ``/stall``
sends ``stall_after`` bytes and then waits ``stall`` seconds. Every path takes any method."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from tests.hardening.servers import app_server


@asynccontextmanager
async def body_server(
    body: bytes, *, cut: int, stall_after: int, stall: float, content_type: str
) -> AsyncIterator[str]:
    """The server's base URL while the block runs."""

    async def full(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type)

    async def partial(request: web.Request, size: int) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": str(len(body))})
        await response.prepare(request)
        await response.write(body[:size])
        return response

    async def cut_short(request: web.Request) -> web.StreamResponse:
        response = await partial(request, cut)
        assert request.transport is not None
        request.transport.close()
        return response

    async def stalled(request: web.Request) -> web.StreamResponse:
        response = await partial(request, stall_after)
        await asyncio.sleep(stall)
        return response

    routes = {"/full": full, "/cut": cut_short, "/stall": stalled}
    async with app_server(routes) as url:  # type: ignore[arg-type]
        yield url
