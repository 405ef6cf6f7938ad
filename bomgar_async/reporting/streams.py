"""Pulling ``SupportSession`` reports as streams of sessions.

- :func:`stream_report` parses one report incrementally while its body arrives
  (``SessionStreamParser``), so memory stays flat however large the report. A failure before
  the first session is yielded is retried like any read-only call; after that it is raised
  (re-sending would repeat sessions the caller already has).
- :func:`windowed` splits a long range into windows pulled concurrently (at most
  ``concurrency`` at once, and under the client's ``max_concurrency``), and yields the
  windows' sessions in window order, each lsid once (windows may share a boundary second).
  Windows that finish early wait, parsed, until their turn: memory grows with
  ``concurrency`` windows, not with the whole range.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable

from .._http.host import Host
from .._http.request import Params
from ..errors import BomgarError
from .models import SupportSession
from .session_stream import SessionStreamParser

__all__ = ["REPORTING_PATH", "stream_report", "windowed"]

REPORTING_PATH = "/api/reporting.ns"


async def stream_report(
    client: Host, params: Params, *, on_bytes: Callable[[int], None] | None = None
) -> AsyncIterator[SupportSession]:
    """Yield the sessions of one ``SupportSession`` report as they are parsed
    (``on_bytes`` is called with the size of each body chunk received)."""
    request = client.build_request(REPORTING_PATH, params, read_only=True, label="SupportSession")
    attempt = 0
    while True:
        yielded = 0
        try:
            async with client.open_stream(request) as response:
                parser = SessionStreamParser()
                async for chunk in response.iter_chunks():
                    if on_bytes is not None:
                        on_bytes(len(chunk))
                    for session in parser.feed(chunk):
                        yielded += 1
                        yield session
                for session in parser.close():
                    yielded += 1
                    yield session
            return
        except BomgarError as err:
            delay = None if yielded else client.retry_delay(request, attempt, err)
            if delay is None:
                raise
        attempt += 1
        await asyncio.sleep(delay)


async def _collect(client: Host, params: Params) -> list[SupportSession]:
    return [session async for session in stream_report(client, params)]


async def windowed(
    client: Host,
    window_params: list[Params],
    *,
    concurrency: int,
    skip: Callable[[str], bool] | None = None,
) -> AsyncIterator[SupportSession]:
    """Yield the sessions of each window's report, windows in order, each lsid once.

    A session can appear in two neighbouring windows only (they may share the boundary
    second), so the lsids of the previous window are enough to drop repeats: memory does
    not grow with the range.

    Args:
        window_params: one ``SupportSession`` query per window, in order.
        concurrency: windows pulled at once (the client's ``max_concurrency`` also applies).
        skip: called with each new lsid; a True answer leaves that session out.
    """
    previous: set[str] = set()
    pending: deque[asyncio.Task[list[SupportSession]]] = deque()
    queue = deque(window_params)
    try:
        while queue or pending:
            while queue and len(pending) < concurrency:
                pending.append(asyncio.create_task(_collect(client, queue.popleft())))
            current: set[str] = set()
            for session in await pending.popleft():
                if session.lsid in previous or session.lsid in current:
                    continue
                current.add(session.lsid)
                if skip is None or not skip(session.lsid):
                    yield session
            previous = current
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
