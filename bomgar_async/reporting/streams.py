"""Pulling session reports (``SupportSession``, PRA's ``AccessSession``) as streams of records.

- :func:`stream_report` parses one report incrementally while its body arrives
  (a ``RecordStreamParser``), so memory stays flat however large the report. The
  appliance's no-data ``<error>`` (see :mod:`.no_data`) is an empty report: nothing is
  yielded and nothing is raised. A failure before
  the first session is yielded is retried like any read-only call; after that it is raised
  (re-sending would repeat sessions the caller already has).
- :func:`windowed` splits a long range into windows pulled concurrently (at most
  ``concurrency`` at once, and under the client's ``max_concurrency``), and yields the
  windows' sessions in window order, each lsid once (windows may share a boundary second).
  A window that ends frees its slot for the next window at once; windows that finish
  early wait, parsed, until their turn, at most ``2 * concurrency`` of them held (memory
  grows with ``concurrency``, not with the whole range). The first windows start
  ``START_SPACING`` apart: windows started together on an appliance that serves them in
  parallel end together, and then the next ones all wait out their latency while the
  appliance has nothing to do; spread, they keep it busy. With ``parse_workers``, each
  window's body is spooled to a temporary file and parsed in a worker process (see
  :mod:`.parse_pool`): same records, order and errors, on both cores.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Protocol, TypeVar

from .._http.host import Host
from .._http.request import Params
from ..errors import BomgarError
from .models import SupportSession
from .no_data import NoDataMatcher
from .parse_pool import ParsePool
from .session_stream import (
    RecordStreamParser,
    SessionStreamParser,
)

__all__ = [
    "REPORTING_PATH",
    "START_SPACING",
    "Record",
    "stream_report",
    "support_session_parser",
    "windowed",
]

REPORTING_PATH = "/api/reporting.ns"
#: seconds between the starts of the first windows of :func:`windowed` (see the module
#: docstring)
START_SPACING = 0.01


class Record(Protocol):
    """What the streams need of a record: its session id."""

    @property
    def lsid(self) -> str:
        """The session id."""


R = TypeVar("R", bound=Record)
_DEFAULT_NO_DATA = NoDataMatcher()


def support_session_parser() -> RecordStreamParser[SupportSession]:
    """A fresh parser of ``SupportSession`` reports."""
    return SessionStreamParser()


async def stream_report(
    client: Host,
    params: Params,
    *,
    parser: Callable[[], RecordStreamParser[R]],
    path: str = REPORTING_PATH,
    no_data: NoDataMatcher = _DEFAULT_NO_DATA,
    on_bytes: Callable[[int], None] | None = None,
) -> AsyncIterator[R]:
    """Yield the records of one session report as they are parsed (none for a no-data
    answer).

    Args:
        parser: makes a fresh parser for each attempt.
        path: the Reporting API's path.
        no_data: recognises the appliance's no-data answers.
        on_bytes: called with the size of each body chunk received.
    """
    label = dict(params).get("generate_report", "SupportSession")
    request = client.build_request(path, params, read_only=True, label=label)
    attempt = 0
    while True:
        yielded = 0
        try:
            async with (
                client.open_stream(request) as response,
                contextlib.aclosing(response.iter_chunks()) as chunks,
            ):
                records = parser()
                async for chunk in chunks:
                    if on_bytes is not None:
                        on_bytes(len(chunk))
                    for record in records.feed(chunk):
                        yielded += 1
                        yield record
                for record in records.close():
                    yielded += 1
                    yield record
            return
        except BomgarError as err:
            if not yielded and no_data.is_no_data(err):
                return
            delay = None if yielded else client.retry_delay(request, attempt, err)
            if delay is None:
                raise
        attempt += 1
        await asyncio.sleep(delay)


async def _collect(
    client: Host,
    params: Params,
    parser: Callable[[], RecordStreamParser[R]],
    path: str,
    no_data: NoDataMatcher,
    on_bytes: Callable[[int], None] | None,
) -> list[R]:
    stream = stream_report(
        client, params, parser=parser, path=path, no_data=no_data, on_bytes=on_bytes
    )
    return [record async for record in stream]


async def _collect_in_pool(
    client: Host,
    params: Params,
    pool: ParsePool[R],
    path: str,
    no_data: NoDataMatcher,
    on_bytes: Callable[[int], None] | None,
) -> list[R]:
    """One window: its body spooled to a temporary file (always deleted), parsed by a
    worker. Errors as :func:`stream_report` (nothing is handed on before the whole
    window is parsed, so a failed pull is retried like any read-only call)."""
    label = dict(params).get("generate_report", "SupportSession")
    request = client.build_request(path, params, read_only=True, label=label)
    attempt = 0
    while True:
        handle, spool = tempfile.mkstemp(prefix="bomgar-window-", suffix=".xml")
        try:
            with os.fdopen(handle, "wb") as file:
                async with (
                    client.open_stream(request) as response,
                    contextlib.aclosing(response.iter_chunks()) as chunks,
                ):
                    async for chunk in chunks:
                        if on_bytes is not None:
                            on_bytes(len(chunk))
                        file.write(chunk)
            return await pool.parse(spool)
        except BomgarError as err:
            if no_data.is_no_data(err):
                return []
            delay = client.retry_delay(request, attempt, err)
            if delay is None:
                raise
        finally:
            with contextlib.suppress(OSError):
                os.unlink(spool)
        attempt += 1
        await asyncio.sleep(delay)


async def windowed(
    client: Host,
    window_params: Iterable[Params],
    *,
    concurrency: int,
    parser: Callable[[], RecordStreamParser[R]],
    path: str = REPORTING_PATH,
    no_data: NoDataMatcher = _DEFAULT_NO_DATA,
    skip: Callable[[str], bool] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    parse_workers: int | None = None,
) -> AsyncIterator[R]:
    """Yield the records of each window's report, windows in order, each lsid once; a
    window answered with the no-data ``<error>`` contributes nothing.

    A session can appear in two neighbouring windows only (they may share the boundary
    second), so the lsids of the previous window are enough to drop repeats: memory does
    not grow with the range.

    At most ``concurrency`` windows are pulled at once; one that ends starts the next at
    once, even while an earlier one still pulls, as long as fewer than ``2 * concurrency``
    windows are held (pulling, or finished and waiting for their turn). The first
    ``concurrency`` windows start :data:`START_SPACING` seconds apart.

    Args:
        window_params: one report query per window, in order.
        concurrency: windows pulled at once (the client's ``max_concurrency`` also applies).
        skip: called with each new lsid; a True answer leaves that session out.
        on_bytes: called with the size of each body chunk received (any window).
        parse_workers: parse each window in one of this many worker processes (its
            body spooled to a temporary file); ``None``: on the event loop. The pool
            lives as long as this iterator.
    """
    pool = ParsePool(parse_workers, parser) if parse_workers is not None else None

    def pull(params: Params) -> Awaitable[list[R]]:
        if pool is None:
            return _collect(client, params, parser, path, no_data, on_bytes)
        return _collect_in_pool(client, params, pool, path, no_data, on_bytes)

    previous: set[str] = set()
    held: deque[asyncio.Task[list[R]]] = deque()  # started, in window order, not handed over
    queue = iter(window_params)  # consumed as windows start: never all built up front
    exhausted = False
    started = 0
    try:
        while True:
            running = [task for task in held if not task.done()]
            while not exhausted and len(running) < concurrency and len(held) < 2 * concurrency:
                params = next(queue, None)
                if params is None:
                    exhausted = True
                    break
                delay = started * START_SPACING if started < concurrency else 0.0
                task = asyncio.create_task(_after(delay, pull, params))
                held.append(task)
                running.append(task)
                started += 1
            if not held:
                break
            if not held[0].done():
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue
            current: set[str] = set()
            for session in held.popleft().result():
                if session.lsid in previous or session.lsid in current:
                    continue
                current.add(session.lsid)
                if skip is None or not skip(session.lsid):
                    yield session
            previous = current
    finally:
        for task in held:
            task.cancel()
        if held:
            await asyncio.gather(*held, return_exceptions=True)
        if pool is not None:
            await pool.aclose()


async def _after(
    delay: float, pull: Callable[[Params], Awaitable[list[R]]], params: Params
) -> list[R]:
    """``pull(params)``, started after ``delay`` seconds."""
    if delay > 0:
        await asyncio.sleep(delay)
    return await pull(params)
