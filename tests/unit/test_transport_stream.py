"""AiohttpTransport.stream (used for reports, recordings and backups) and gather_or_cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bomgar_async import (
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
    Timeout,
)
from bomgar_async._http.aio import gather_or_cancel
from bomgar_async._http.request import Request
from bomgar_async._http.timeouts import to_timeout
from bomgar_async._http.transport import AiohttpTransport
from tests.body_server import body_server

BODY = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with body_server(
        BODY, cut=100_000, stall_after=1000, stall=1, content_type="application/octet-stream"
    ) as url:
        yield url


async def test_stream_yields_the_body_in_chunks(base_url: str) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    chunks: list[bytes] = []
    async with transport.stream(Request("GET", "/full"), timeout=Timeout(total=10)) as response:
        assert response.status == 200
        assert response.headers["Content-Length"] == str(len(BODY))
        async for chunk in response.iter_chunks(65536):
            assert len(chunk) <= 65536
            chunks.append(chunk)
    await transport.close()
    assert b"".join(chunks) == BODY
    assert len(chunks) >= 16


async def test_stream_read_returns_everything(base_url: str) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    async with transport.stream(Request("GET", "/full"), timeout=Timeout(total=10)) as response:
        assert await response.read() == BODY
    await transport.close()


async def test_a_body_cut_mid_stream_is_a_protocol_error(base_url: str) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    received = 0

    async def consume() -> None:
        nonlocal received
        async with transport.stream(Request("GET", "/cut"), timeout=Timeout(total=10)) as response:
            async for chunk in response.iter_chunks():
                received += len(chunk)

    with pytest.raises(BomgarProtocolError, match="cut short") as info:
        await consume()
    await transport.close()
    assert info.value.retryable
    assert 0 < received < len(BODY)


async def test_a_stalled_body_times_out(base_url: str) -> None:
    transport = AiohttpTransport(base_url, user_agent="test")
    with pytest.raises(BomgarTimeoutError):
        async with transport.stream(
            Request("GET", "/stall"), timeout=Timeout(total=None, sock_read=0.2)
        ) as response:
            await response.read()
    await transport.close()


async def test_stream_connection_refused(unused_tcp_port: int) -> None:
    transport = AiohttpTransport(f"http://127.0.0.1:{unused_tcp_port}", user_agent="test")
    with pytest.raises(BomgarTransportError):
        async with transport.stream(Request("GET", "/x"), timeout=Timeout(total=5)):
            pass
    await transport.close()


def test_to_timeout_forms() -> None:
    assert to_timeout(5) == Timeout(total=5.0, connect=5.0)
    assert to_timeout(60) == Timeout(total=60.0, connect=10.0)

    class ClientTimeoutLike:
        total = None
        connect = None
        sock_connect = 3.0
        sock_read = 7.0

    assert to_timeout(ClientTimeoutLike()) == Timeout(total=None, connect=3.0, sock_read=7.0)

    class NoLimits:
        total = None
        sock_read = None

    from bomgar_async import BomgarConfigError

    with pytest.raises(BomgarConfigError, match="never hang"):
        to_timeout(NoLimits())
    with pytest.raises(BomgarConfigError):
        to_timeout(True)


async def test_gather_or_cancel_cancels_the_rest_on_failure() -> None:
    finished: list[int] = []
    cancelled: list[int] = []

    async def work(n: int) -> int:
        try:
            await asyncio.sleep(0.01 * n)
            if n == 2:
                raise ValueError("batch 2 failed")
            await asyncio.sleep(1)
            finished.append(n)
            return n
        except asyncio.CancelledError:
            cancelled.append(n)
            raise

    with pytest.raises(ValueError, match="batch 2"):
        await gather_or_cancel(work(n) for n in range(1, 5))
    assert finished == []
    assert sorted(cancelled) == [1, 3, 4]


async def test_gather_or_cancel_keeps_order() -> None:
    async def work(n: int) -> int:
        await asyncio.sleep(0.01 * (5 - n))
        return n

    assert await gather_or_cancel(work(n) for n in range(5)) == [0, 1, 2, 3, 4]
