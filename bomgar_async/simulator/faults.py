"""Injected faults: what can go wrong on the wire, which requests it hits, and how it is answered.

A :class:`Fault` names a kind of failure, the action it applies to (``None`` = every request;
``/oauth2/token`` counts as the action ``oauth2_token``) and how many requests it spoils.
:class:`FaultPlan` keeps the faults in the order they were added and hands out the first one
that still has uses left; :func:`respond` turns a fault into the response (or the broken
connection) the client sees.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal, get_args

from aiohttp import web

from . import render
from .files import (
    TRUNCATE_KEY,
    TRUNCATE_XML_KEY,
)

__all__ = ["Fault", "FaultKind", "FaultPlan", "respond"]

FaultKind = Literal[
    "latency", "http_status", "drop", "truncate", "truncate_xml", "non_xml", "api_error"
]

_LOGIN_PAGE = """<!DOCTYPE html>
<html><head><title>Support Portal - Login</title></head>
<body><form method="post" action="/login"><h1>Log in</h1>
<input name="login[username]"><input name="login[password]" type="password">
<button type="submit">Log In</button></form></body></html>
"""


@dataclass
class Fault:
    """One injected failure.

    Args:
        kind: ``latency`` (sleep ``delay`` seconds, then answer normally), ``http_status``
            (answer ``status`` with a small HTML body and ``Retry-After: retry_after`` if set),
            ``drop`` (close the connection without answering), ``truncate`` (announce the whole
            XML body, send half of it, close; streamed reports without ``Content-Length`` stop
            mid-body and close), ``truncate_xml`` (HTTP 200, a complete and correctly framed
            body that is only the first half of the document), ``non_xml`` (HTTP 200 with an
            HTML login page), ``api_error`` (HTTP 200 with a root ``<error>message</error>``).
        action: the Command API action (or Reporting API ``generate_report``) it applies to;
            ``None`` matches every request.
        times: how many matching requests it spoils; ``None`` = every one, forever.
    """

    kind: FaultKind
    action: str | None = None
    times: int | None = 1
    status: int = 503
    retry_after: float | str | None = None
    """``Retry-After`` of ``http_status`` answers: seconds, or an HTTP date as a string."""
    delay: float = 0.0
    message: str = "Simulated appliance error"
    used: int = field(default=0, init=False)
    """How many requests this fault has spoiled so far."""

    def __post_init__(self) -> None:
        if self.kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or None for a permanent fault)")
        if self.delay < 0:
            raise ValueError("delay must not be negative")

    @property
    def exhausted(self) -> bool:
        """Whether the fault has no uses left."""
        return self.times is not None and self.used >= self.times

    def matches(self, action: str | None) -> bool:
        """Whether the fault applies to a request for ``action`` and has uses left."""
        return not self.exhausted and (self.action is None or self.action == action)


class FaultPlan:
    """The faults waiting for requests, in the order they were added."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Queue ``fault`` and return it (its ``used`` counter shows what it hit)."""
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Forget every fault."""
        self.faults.clear()

    def take(self, action: str | None) -> Fault | None:
        """The first fault matching ``action``, with one of its uses consumed; else ``None``."""
        for fault in self.faults:
            if fault.matches(action):
                fault.used += 1
                return fault
        return None


Answer = Callable[[], Awaitable[web.StreamResponse]]


async def respond(
    fault: Fault, request: web.Request, answer: Answer, namespace: str | None
) -> web.StreamResponse:
    """Answer ``request`` as ``fault`` dictates; ``answer`` produces the normal response."""
    if fault.kind == "latency":
        await asyncio.sleep(fault.delay)
        return await answer()
    if fault.kind == "http_status":
        return _status_page(fault)
    if fault.kind == "drop":
        _close(request)
        return web.Response()  # nothing reaches the client: the transport is closed
    if fault.kind == "truncate":
        request[TRUNCATE_KEY] = True  # streamed bodies (files.py) cut themselves short
        full = await answer()
        return full if full.prepared else await _truncated(request, full)
    if fault.kind == "truncate_xml":
        request[TRUNCATE_XML_KEY] = True  # streamed bodies halve themselves and reset the flag
        full = await answer()
        return _first_half(full) if request.get(TRUNCATE_XML_KEY) else full
    if fault.kind == "non_xml":
        return web.Response(text=_LOGIN_PAGE, content_type="text/html", charset="UTF-8")
    body = render.document(render.error(fault.message), namespace)
    return web.Response(body=body, content_type="text/xml", charset="UTF-8")


def _status_page(fault: Fault) -> web.Response:
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        value = fault.retry_after  # seconds are sent as a whole number, rounded up
        headers["Retry-After"] = value if isinstance(value, str) else str(math.ceil(value))
    try:
        phrase = HTTPStatus(fault.status).phrase
    except ValueError:
        phrase = "Error"
    page = f"<html><body><h1>{fault.status} {phrase}</h1></body></html>\n"
    return web.Response(status=fault.status, text=page, content_type="text/html", headers=headers)


def _close(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.close()


def _first_half(full: web.StreamResponse) -> web.StreamResponse:
    body = full.body if isinstance(full, web.Response) else None
    if full.prepared or not isinstance(body, bytes):
        return full
    half = web.Response(status=full.status, body=body[: len(body) // 2])
    half.content_type = full.content_type
    if full.charset:
        half.charset = full.charset
    return half


async def _truncated(request: web.Request, full: web.StreamResponse) -> web.StreamResponse:
    body = full.body if isinstance(full, web.Response) else b""
    data = body if isinstance(body, bytes) else b""
    response = web.StreamResponse(status=full.status)
    response.content_type = full.content_type
    response.charset = full.charset
    response.content_length = len(data)
    await response.prepare(request)
    await response.write(data[: len(data) // 2])
    _close(request)
    return response
