"""Defect 9: errors keep their reason (redacted): a client reused across event loops, TLS and
DNS failures."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator

import pytest
import trustme
from aiohttp import web

from bomgar_async import BomgarClient, BomgarError, BomgarTransportError

from .servers import app_server

INFO = "<api_information><api_version>1.19.0</api_version></api_information>"


@pytest.fixture
def threaded_server() -> Iterator[str]:
    """A loopback appliance in its own thread and loop (the test runs two asyncio.run)."""
    ready = threading.Event()
    stop: list[asyncio.Event] = []
    urls: list[str] = []

    async def info(_request: web.Request) -> web.Response:
        return web.Response(text=INFO, content_type="text/xml")

    async def main() -> None:
        stop.append(asyncio.Event())
        async with app_server({"/api/command.ns": info}) as url:
            urls.append(url)
            ready.set()
            await stop[0].wait()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(main(),))
    thread.start()
    ready.wait(10)
    yield urls[0]
    loop.call_soon_threadsafe(stop[0].set)
    thread.join(10)
    loop.close()


def test_a_client_reused_across_event_loops_works_or_says_why(threaded_server: str) -> None:
    bg = BomgarClient(
        threaded_server, username="api", password="secret-Pw-1", allow_http=True, cache=None
    )

    async def call() -> str | None:
        return (await bg.command.get_api_info()).api_version

    assert asyncio.run(call()) == "1.19.0"
    try:
        second = asyncio.run(call())
    except BomgarError as err:
        text = str(err)
        assert "RuntimeError" in text
        assert "loop" in text  # the reason, not only the class name
    else:
        assert second == "1.19.0"
    asyncio.run(bg.close())


async def test_a_dns_failure_names_the_reason() -> None:
    async with BomgarClient(
        "no-such-host.invalid", username="u", password="p", retries=0, timeout=5, cache=None
    ) as bg:
        with pytest.raises(BomgarTransportError) as info:
            await bg.command.get_api_info()
    text = str(info.value)
    assert text.startswith("connection failed: POST /api/command.ns (get_api_info): ")
    assert "Cannot connect to host no-such-host.invalid:443" in text  # the reason, kept


async def test_a_tls_failure_names_the_reason() -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)

    async def info(_request: web.Request) -> web.Response:
        return web.Response(text=INFO, content_type="text/xml")

    app = web.Application()
    app.router.add_route("*", "/api/command.ns", info)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ctx)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with BomgarClient(
            f"https://127.0.0.1:{port}", username="u", password="p", retries=0, cache=None
        ) as bg:
            with pytest.raises(BomgarTransportError) as info_:
                await bg.command.get_api_info()
    finally:
        await runner.cleanup()
    assert "CERTIFICATE_VERIFY_FAILED" in str(info_.value) or "certificate" in str(info_.value)
    assert not info_.value.retryable
