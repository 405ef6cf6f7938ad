"""The fault matrix (tests/README.md): every hostile behaviour by every family of call
(command call, streamed report, download): the typed error (or success), how many requests
reached the server, and nothing left behind: no descriptor, no task, no temp file, an
existing file untouched."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import ssl
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import trustme

from bomgar_async import BomgarClient, BomgarError, Timeout

from .faults import EXPECTED, FAMILIES, FAULTS, FILE
from .servers import SEEN, open_fds, raw_server

OLD = b"the previous backup"
FAST = Timeout(total=0.25, connect=0.25)


@contextlib.asynccontextmanager
async def tls_server(hostname: str, ca: trustme.CA) -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(hostname).configure_cert(context)

    async def serve(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def server_for(fault: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    handler = FAULTS[fault]
    if handler is not None:
        async with raw_server(handler) as url:
            yield url, {"allow_http": True}
    elif fault == "connection refused":
        async with raw_server(FAULTS["silent server"]) as url:  # type: ignore[arg-type]
            port = url.rsplit(":", 1)[1]
        yield f"http://127.0.0.1:{port}", {"allow_http": True}
    else:
        ca = trustme.CA()
        name = "127.0.0.1" if fault == "TLS self-signed" else "other.example"
        async with tls_server(name, ca) as url:
            if fault == "TLS self-signed":
                yield url, {}  # the system's CAs: the test CA is unknown
            else:
                context = ssl.create_default_context()
                ca.configure_trust(context)
                yield url, {"ssl": context}


async def run(bg: BomgarClient, family: str, dest: Path) -> object:
    if family == "command":
        return (await bg.command.get_api_info()).api_version
    if family == "stream":
        sessions = bg.reporting.support_sessions(date(2024, 1, 1), date(2024, 1, 2))
        return [s.lsid async for s in sessions]
    return (await bg.backup.download(dest)).size


async def settle(fds_before: int) -> None:
    """Let closing transports finish (TLS closes take a loop turn or two), up to 1 s."""
    for _ in range(100):
        gc.collect()
        if open_fds() <= fds_before:
            return
        await asyncio.sleep(0.01)


GOOD = {"command": "1.19.0", "stream": ["s1", "s2"], "download": len(FILE)}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("fault", list(EXPECTED))
async def test_fault(fault: str, family: str, tmp_path: Path) -> None:
    expected, attempts = EXPECTED[fault][family]
    dest = tmp_path / "backup.nsb"
    dest.write_bytes(OLD)
    gc.collect()
    fds_before = open_fds()
    tasks_before = asyncio.all_tasks()
    SEEN.clear()
    async with server_for(fault) as (url, options):
        credentials: dict[str, Any] = {"username": "api", "password": "pw-Matrix-1"}
        if fault.startswith("401"):
            credentials = {"client_id": "matrix", "client_secret": "sec-Matrix-1"}
        async with BomgarClient(
            url,
            **credentials,
            **options,
            timeout=FAST,
            download_timeout=FAST,
            retries=2,
            retry_backoff=0.01,
            cache=None,
        ) as bg:
            if expected == "ok":
                assert await run(bg, family, dest) == GOOD[family]
            elif expected == "ok: as announced":  # a shorter file, framed correctly
                assert await run(bg, family, dest) == len(FILE) - 20
            else:
                with pytest.raises(BomgarError) as info:
                    await run(bg, family, dest)
                assert isinstance(info.value, expected), repr(info.value)  # type: ignore[arg-type]
                assert dest.read_bytes() == OLD
    api_requests = [h for h in SEEN if not h.startswith(b"POST /oauth2/token")]
    if attempts is not None:
        assert len(api_requests) == attempts
    assert not any(b"pw-Matrix-1" in h for h in SEEN if h.startswith(b"GET"))
    await settle(fds_before)
    assert open_fds() <= fds_before
    assert asyncio.all_tasks() - tasks_before - {asyncio.current_task()} == set()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.nsb"]
