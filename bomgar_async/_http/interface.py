"""What the rest of the SDK needs of a transport: the ``Transport`` and ``StreamedResponse``
protocols (pure; the aiohttp implementation is :mod:`._http.transport`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any, Protocol

from .request import (
    Request,
    Response,
    Timeout,
)

__all__ = ["StreamedResponse", "Transport"]


class StreamedResponse(Protocol):
    """A response whose body is read in chunks."""

    status: int
    headers: Mapping[str, str]
    """Case-insensitive (a :class:`~bomgar_async._http.request.Headers`)."""

    def iter_chunks(self, size: int = 65536) -> AsyncGenerator[bytes, None]:
        """The body, chunk by chunk."""

    async def read(self) -> bytes:
        """The whole (remaining) body."""


class Transport(Protocol):
    """Sends requests to one appliance. Implementations must never leak ``request.secrets``."""

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Send ``request`` and return the complete response (any HTTP status)."""

    def stream(self, request: Request, *, timeout: Timeout) -> Any:
        """An async context manager yielding a :class:`StreamedResponse`."""

    async def close(self) -> None:
        """Release every resource; the transport is not used afterwards."""
