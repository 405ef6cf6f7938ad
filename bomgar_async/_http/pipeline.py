"""The path every call takes: credentials, concurrency limit, transport, status, retries.

``Pipeline.send`` authorizes a request (fetching an OAuth token if needed), sends it under
the client's limit (:mod:`._http.limit`: a slot, counted against the call's timeout; the
answer's rate-limit headers are reported back), fetches a new token once on HTTP 401, turns non-2xx
statuses into ``BomgarHTTPError`` and retries read-only calls on the failures the retry
policy allows. ``Pipeline.stream`` does the same for responses read in chunks, and
``Pipeline.download`` streams one into a file (see ``_http.download``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TypeVar

import attrs

from ..errors import (
    BomgarAuthError,
    BomgarError,
)
from .auth import Auth
from .download import (
    DownloadResult,
    stream_to_file,
)
from .limit import Limit
from .request import (
    Request,
    Response,
    Timeout,
)
from .retry import RetryPolicy
from .status import check_status
from .transport import (
    StreamedResponse,
    Transport,
)

__all__ = ["Pipeline"]

logger = logging.getLogger("bomgar_async")
T = TypeVar("T")


class _Unauthorized(BomgarAuthError):
    """HTTP 401: the credential may be refreshed once."""


def _unauthorized(label: str) -> _Unauthorized:
    return _Unauthorized("HTTP 401: the appliance refused the credentials", action=label)


class Pipeline:
    """Sends requests for one client; see the module docstring."""

    def __init__(
        self,
        *,
        auth: Auth,
        transport: Transport,
        retry: RetryPolicy,
        limit: Limit,
        timeout: Timeout,
        download_timeout: Timeout,
        check_open: Callable[[], None],
    ) -> None:
        self._auth = auth
        self._transport = transport
        self._retry = retry
        self._rng = random.Random()
        self._limit = limit
        self.unauthorized_refreshes = 0
        """Calls answered 401 that fetched a new token (or took the one another caller got)."""
        self._timeout = timeout
        self._download_timeout = download_timeout
        self._check_open = check_open

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Authorize and send ``request``; a 2xx response, retried if read-only."""
        return await self._with_retries(request, lambda: self._refreshing(request, timeout))

    async def _refreshing(self, request: Request, timeout: Timeout) -> Response:
        authed = await self._authorize(request)
        try:
            return await self._send_checked(authed, timeout)
        except _Unauthorized:
            if not self._may_refresh(authed):
                raise
        logger.info("%s: HTTP 401, fetching a new token once", request.label)
        return await self._send_checked(await self._authorize(request), timeout)

    def _may_refresh(self, authed: Request) -> bool:
        refresh = self._auth.invalidate(authed)
        self.unauthorized_refreshes += refresh
        return refresh

    async def _send_checked(self, request: Request, timeout: Timeout) -> Response:
        response = await self._send_raw(request, timeout)
        if response.status == 401:
            raise _unauthorized(request.label)
        return check_status(response, request.label)

    async def _authorize(self, request: Request) -> Request:
        return await self._auth.authorize(request, self._send_token_request)

    async def _send_token_request(self, request: Request) -> Response:
        return await self._with_retries(request, lambda: self._send_raw(request, self._timeout))

    async def _send_raw(self, request: Request, timeout: Timeout) -> Response:
        self._check_open()
        async with self._limit.slot(timeout.total) as left:
            response = await self._transport.send(request, timeout=_within(timeout, left))
            await self._limit.observe(response.status, response.headers)  # before others go
        return response

    async def _with_retries(self, request: Request, attempt_once: Callable[[], Awaitable[T]]) -> T:
        attempt = 0
        while True:
            self._check_open()
            try:
                return await attempt_once()
            except BomgarError as err:
                delay = self._retry.delay(attempt, err, self._rng) if request.read_only else None
                if delay is None:
                    raise
                attempt += 1
                logger.warning(
                    "%s failed (%s); retry %d of %d in %.2fs",
                    request.label,
                    type(err).__name__,
                    attempt,
                    self._retry.retries,
                    delay,
                )
                await asyncio.sleep(delay)

    @asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[StreamedResponse]:
        """Open an already authorized ``request`` under the concurrency limit and yield its
        2xx response before the body is read (``download_timeout`` applies)."""
        self._check_open()
        timeout = self._download_timeout
        async with (
            self._limit.slot(timeout.total) as left,
            self._transport.stream(request, timeout=_within(timeout, left)) as response,
        ):
            await self._limit.observe(response.status, response.headers)
            if response.status == 401:
                raise _unauthorized(request.label)
            if not 200 <= response.status < 300:
                head = b""
                async for chunk in response.iter_chunks(4096):
                    head = chunk
                    break
                check_status(Response(response.status, response.headers, head), request.label)
            yield response

    @asynccontextmanager
    async def open(self, request: Request) -> AsyncIterator[StreamedResponse]:
        """Authorize ``request`` and open it as a checked stream (one token refresh on 401).
        Not retried: the caller knows whether anything was consumed yet."""
        async with AsyncExitStack() as stack:
            authed = await self._authorize(request)
            try:
                response = await stack.enter_async_context(self.stream(authed))
            except _Unauthorized:
                if not self._may_refresh(authed):
                    raise
                authed = await self._authorize(request)
                response = await stack.enter_async_context(self.stream(authed))
            yield response

    def retry_delay(self, request: Request, attempt: int, err: BaseException) -> float | None:
        """Seconds to wait before retry ``attempt`` (0-based) of ``request``, or ``None``."""
        if not request.read_only:
            return None
        return self._retry.delay(attempt, err, self._rng)

    async def download(
        self,
        request: Request,
        target: Path,
        *,
        authenticated: bool,
        allow_markup: bool,
        validate: Callable[[Path], None] | None = None,
    ) -> DownloadResult:
        """Stream ``request``'s answer into ``target``; retried from the start if allowed."""

        async def once(authed: Request) -> DownloadResult:
            return await stream_to_file(
                lambda: self.stream(authed),
                target,
                label=request.label,
                allow_markup=allow_markup,
                validate=validate,
            )

        async def attempt() -> DownloadResult:
            if not authenticated:
                return await once(request)
            authed = await self._authorize(request)
            try:
                return await once(authed)
            except _Unauthorized:
                if not self._may_refresh(authed):
                    raise
            return await once(await self._authorize(request))

        return await self._with_retries(request, attempt)


def _within(timeout: Timeout, left: float | None) -> Timeout:
    """``timeout`` with its total cut to what waiting for the limit ``left`` of it."""
    if left is None or timeout.total is None or left >= timeout.total:
        return timeout
    return attrs.evolve(timeout, total=left)
