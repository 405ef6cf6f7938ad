"""Writing a report while it is rendered: ``<root>``, each part, ``</root>``, in pieces of
about 64 KiB (HTTP chunked, no ``Content-Length``), so memory stays flat whatever the size.

It also plays the body faults: ``truncate_xml`` sends the first half of the whole document
as a complete answer; ``truncate`` writes half of the parts and half of the next one, then
drops the connection (an incomplete chunked body).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aiohttp import web

from . import reports_render as xml
from .files import (
    TRUNCATE_KEY,
    TRUNCATE_XML_KEY,
)

__all__ = ["CHUNK_SIZE", "ReportStats", "stream_document"]

CHUNK_SIZE = 1 << 16
"""Streamed reports are written in pieces of about this many bytes."""


@dataclass
class ReportStats:
    """How one streamed report went out: pieces written, bytes, items, and whether it ended."""

    report: str
    chunks: int = 0
    bytes: int = 0
    items: int = 0
    done: bool = False


async def stream_document(
    request: web.Request,
    root: str,
    parts: Callable[[], Iterator[str]],
    namespace: str | None,
    stats: ReportStats,
) -> web.StreamResponse:
    """Answer ``request`` with the document ``<root>`` + ``parts()`` + ``</root>``.

    ``parts`` is called once to stream (twice under a ``truncate`` fault, to count).
    """
    head, tail = xml.open_root(root, namespace), xml.close(root)
    if request.get(TRUNCATE_XML_KEY):
        request[TRUNCATE_XML_KEY] = False  # halved here, not again by the fault
        body = (head + "".join(parts()) + tail).encode()
        return web.Response(body=body[: len(body) // 2], content_type="text/xml", charset="UTF-8")
    cut = sum(1 for _ in parts()) // 2 if request.get(TRUNCATE_KEY) else None
    response = web.StreamResponse(headers={"Content-Type": "text/xml; charset=UTF-8"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    pending, size = [head], len(head)
    try:
        for number, text in enumerate(parts()):
            if number == cut:
                pending.append(text[: len(text) // 2])
                break
            pending.append(text)
            size += len(text)
            stats.items += 1
            if size >= CHUNK_SIZE:
                await _write(response, stats, pending)
                pending, size = [], 0
                await asyncio.sleep(0)  # let other requests run between pieces
        else:
            # with a cut but nothing to cut in, send half of the empty document
            pending.append(tail if cut is None else tail[: len(tail) // 2])
        await _write(response, stats, pending)
        if cut is not None:
            if request.transport is not None:
                request.transport.close()
            return response
        await response.write_eof()
    except ConnectionResetError:  # the client went away: nothing left to do
        return response
    stats.done = True
    return response


async def _write(response: web.StreamResponse, stats: ReportStats, pending: list[str]) -> None:
    data = "".join(pending).encode()
    if data:
        await response.write(data)
        stats.chunks += 1
        stats.bytes += len(data)
