"""What an endpoint group needs from its client: the ``Host`` protocol.

``bg.command``, ``bg.reporting``, ``bg.backup`` and ``bg.scripting`` are built with the
client as their host but only see these few methods (send a call, open a stream, download,
cache, invalidate), so the API packages never import :mod:`bomgar_async.client`.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from .download import DownloadResult
from .interface import StreamedResponse
from .request import Params, Request, Response, Timeout

__all__ = ["Host"]

T = TypeVar("T")


class Host(Protocol):
    """The client as an endpoint group sees it (implemented by ``BomgarClient``)."""

    @property
    def base_url(self) -> str:
        """The appliance's base URL (no credentials)."""

    @property
    def download_timeout(self) -> Timeout:
        """The timeout of reports, recordings and backups."""

    def build_request(self, path: str, params: Params, *, read_only: bool, label: str) -> Request:
        """A request for ``path`` in the client's method (POST form or GET query)."""

    async def call(
        self,
        path: str,
        params: Params,
        *,
        read_only: bool,
        label: str,
        timeout: Timeout | None = None,
    ) -> bytes:
        """Send one API call; the body of its 2xx answer."""

    async def command_call(self, action: str, params: Params = (), *, read_only: bool) -> bytes:
        """One Command API action; the raw XML body."""

    def command_response(
        self, action: str, params: Params = (), *, read_only: bool
    ) -> Awaitable[Response]:
        """One Command API action, to await: its 2xx response (no coroutine of its own)."""

    def open_stream(self, request: Request) -> AbstractAsyncContextManager[StreamedResponse]:
        """``request`` as an authorized, status-checked stream (not retried)."""

    def retry_delay(self, request: Request, attempt: int, err: BaseException) -> float | None:
        """How long to wait before retrying ``request`` after ``err``, or ``None``."""

    async def download(
        self,
        path: str,
        params: Params,
        dest: str | os.PathLike[str],
        *,
        label: str,
        authenticated: bool = True,
        allow_markup: bool = False,
        method: Literal["GET", "POST"] | None = None,
        validate: Callable[[Path], None] | None = None,
    ) -> DownloadResult:
        """Stream a file answer to ``dest``, complete or not at all."""

    async def cached(self, action: str, params: Params, fetch: Callable[[], Awaitable[T]]) -> T:
        """``fetch()``'s value through the client's cache."""

    async def invalidate(self, *actions: str) -> None:
        """Drop cached answers of ``actions`` for this appliance."""
