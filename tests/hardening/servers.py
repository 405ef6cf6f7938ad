"""Loopback servers for the hardening tests: an aiohttp app runner and a raw asyncio server
that answers with whatever bytes a test scripts (hostile status lines, trickles, resets)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bomgar_async import BomgarClient

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def app_server(routes: dict[str, Handler]) -> AsyncIterator[str]:
    """An aiohttp server on 127.0.0.1 answering every method of each path; yields its URL."""
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_route("*", path, handler)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def raw_server(handler: RawHandler) -> AsyncIterator[str]:
    """A plain TCP server on 127.0.0.1 running ``handler`` per connection; yields its URL."""
    tasks: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            with contextlib.suppress(ConnectionError):
                await handler(reader, writer)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            tasks.discard(task)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


SEEN: list[bytes] = []
"""The head of every request a raw server read (tests clear it)."""


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """The request head and (Content-Length) body, as bytes (the head is added to SEEN)."""
    head = await reader.readuntil(b"\r\n\r\n")
    SEEN.append(head)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    return head + body


def client_for(url: str, **options: object) -> BomgarClient:
    """A password client for a loopback URL (no cache, no retries unless asked)."""
    settings: dict[str, object] = {
        "username": "api",
        "password": "pw",
        "allow_http": True,
        "cache": None,
        "retries": 0,
        "timeout": 5.0,
    }
    settings.update(options)
    return BomgarClient(url, **settings)  # type: ignore[arg-type]


def open_fds() -> int:
    """How many descriptors this process holds (Linux)."""
    return len(os.listdir("/proc/self/fd"))


def temp_leftovers(folder: Path) -> list[str]:
    """Our temp files (``.name.XXXX.part`` / ``.name.XXXX.tmp``) left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
