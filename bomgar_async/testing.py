"""Test helpers for users of bomgar_async: a transport that never touches the network.

``FakeTransport`` answers each request with a handler you supply and records every
request, so code built on ``BomgarClient`` can be tested without an appliance::

    from bomgar_async.testing import FakeTransport, Request, Response, xml_response

    def answer(request: Request) -> Response:
        return xml_response("<logged_in_reps/>")

    fake = FakeTransport(answer)
    async with BomgarClient("support.example.com", username="u", password="p",
                            transport=fake) as bg:
        assert await bg.command.get_logged_in_reps() == []
    assert fake.requests[0].params()["action"] == "get_logged_in_reps"

For a full simulated appliance on loopback, see ``bomgar_async.simulator``.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from ._http.request import (
    Headers,
    Request,
    Response,
    Timeout,
)
from .errors import BomgarClientClosed

__all__ = [
    "FakeTransport",
    "Handler",
    "RecordedRequest",
    "Request",
    "Response",
    "Timeout",
    "xml_response",
]

Handler = Callable[[Request], Response | Awaitable[Response]]
"""What a :class:`FakeTransport` handler is: takes the :class:`Request` (``method``,
``path``, ``query``, ``form``, ``headers``), returns a :class:`Response` or an awaitable of
one, or raises a ``BomgarError``."""


def xml_response(body: str | bytes, status: int = 200) -> Response:
    """An XML response as appliances send it (``text/xml; charset=UTF-8``)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Response(status=status, headers={"Content-Type": "text/xml; charset=UTF-8"}, body=data)


class RecordedRequest:
    """A request the fake transport received, with the timeout it was given."""

    def __init__(self, request: Request, timeout: Timeout) -> None:
        self.request = request
        self.timeout = timeout

    def params(self) -> dict[str, str]:
        """Query and form parameters merged (form wins), as the appliance would read them."""
        merged = dict(self.request.query)
        merged.update(dict(self.request.form or ()))
        return merged

    def __repr__(self) -> str:
        return f"RecordedRequest({self.request!r})"


class _FakeStream:
    def __init__(self, response: Response) -> None:
        self.status = response.status
        self.headers = Headers(response.headers)
        self._body = response.body

    async def iter_chunks(self, size: int = 65536) -> AsyncGenerator[bytes, None]:
        for start in range(0, len(self._body), size):
            yield self._body[start : start + size]

    async def read(self) -> bytes:
        return self._body


class FakeTransport:
    """A :class:`~bomgar_async.transport.Transport` answering from ``handler``.

    The handler may return a Response (or an awaitable of one) or raise any BomgarError
    to simulate a failure.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.requests: list[RecordedRequest] = []
        self.closed = False

    async def _answer(self, request: Request, timeout: Timeout) -> Response:
        if self.closed:
            raise BomgarClientClosed("the fake transport is closed")
        self.requests.append(RecordedRequest(request, timeout))
        result = self._handler(request)
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, Response):
            raise TypeError(f"the FakeTransport handler returned {result!r}, not a Response")
        return result

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Record ``request`` and answer it with the handler."""
        return await self._answer(request, timeout)

    @asynccontextmanager
    async def stream(self, request: Request, *, timeout: Timeout) -> AsyncIterator[Any]:
        """Record ``request`` and yield the handler's answer as a stream."""
        yield _FakeStream(await self._answer(request, timeout))

    async def close(self) -> None:
        """Mark the transport closed."""
        self.closed = True
