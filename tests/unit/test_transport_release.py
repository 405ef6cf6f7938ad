"""AiohttpTransport.send awaits the request rather than entering it (issue 11 goal 3): the
response is still released and its writer waited for, as ``async with`` did, whether the body
was read whole, cut short, refused for its size or the call was cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bomgar_async import BomgarProtocolError, Timeout
from bomgar_async._http.request import Request
from bomgar_async._http.transport import AiohttpTransport
from tests.body_server import body_server

BODY = b"<ok/>" * 1000


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with body_server(BODY, cut=100, stall_after=100, stall=5, content_type="text/xml") as url:
        yield url


@pytest.fixture
def released(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What send did with each response: ``release`` and ``wait_for_close`` calls, in order."""
    seen: list[str] = []
    release = aiohttp.ClientResponse.release
    wait_for_close = aiohttp.ClientResponse.wait_for_close

    def recording_release(self: aiohttp.ClientResponse) -> Any:
        seen.append("release")
        return release(self)

    async def recording_wait(self: aiohttp.ClientResponse) -> None:
        seen.append("wait_for_close")
        await wait_for_close(self)

    monkeypatch.setattr(aiohttp.ClientResponse, "release", recording_release)
    monkeypatch.setattr(aiohttp.ClientResponse, "wait_for_close", recording_wait)
    return seen


def _request(path: str) -> Request:
    return Request("POST", path, form=(("action", "x"),), label="x")


async def test_a_whole_body_is_read_and_the_response_released(
    base_url: str, released: list[str]
) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    try:
        response = await transport.send(_request("/full"), timeout=Timeout(total=10))
        assert response.status == 200
        assert response.body == BODY
        assert released[:2] == ["release", "wait_for_close"]
    finally:
        await transport.close()


async def test_a_cut_body_is_a_protocol_error_and_the_response_released(
    base_url: str, released: list[str]
) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    try:
        with pytest.raises(BomgarProtocolError, match="cut short"):
            await transport.send(_request("/cut"), timeout=Timeout(total=10))
        assert released[:2] == ["release", "wait_for_close"]
        # the transport still works afterwards
        response = await transport.send(_request("/full"), timeout=Timeout(total=10))
        assert response.body == BODY
    finally:
        await transport.close()


async def test_a_refused_size_releases_the_response(base_url: str, released: list[str]) -> None:
    transport = AiohttpTransport(base_url, user_agent="test", max_response_bytes=100)
    try:
        with pytest.raises(BomgarProtocolError, match="max_response_bytes"):
            await transport.send(_request("/full"), timeout=Timeout(total=10))
        assert released[:2] == ["release", "wait_for_close"]
    finally:
        await transport.close()


async def test_a_cancelled_call_releases_the_response(base_url: str, released: list[str]) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    try:
        call = asyncio.ensure_future(transport.send(_request("/stall"), timeout=Timeout(total=10)))
        for _ in range(30):  # until the headers arrived and the body is being read
            await asyncio.sleep(0.01)
            if call.done():
                break
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        assert released[:1] == ["release"]
    finally:
        await transport.close()
