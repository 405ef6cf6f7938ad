"""The path every call takes: credentials, concurrency limit, transport, status, retries.

``Pipeline.send`` authorizes a request (fetching an OAuth token if needed), sends it under
the client's limit (:mod:`._http.gate`: a slot, counted against the call's timeout; the
answer's rate-limit headers are reported back), fetches a new token once on HTTP 401, turns non-2xx
statuses into ``BomgarHTTPError`` and retries read-only calls on the failures the retry
policy allows. The happy path is flat: the first attempt runs inline, the in-process limit is
taken without a context manager, and only a failure enters the retry loop.
``Pipeline.stream`` does the same for responses read in chunks, and
``Pipeline.download`` streams one into a file (see ``_http.download``).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TypeVar

import attrs

from ..errors import (
    BomgarAPIError,
    BomgarError,
)
from .auth import Auth, PasswordAuth
from .download import (
    DownloadResult,
    stream_to_file,
)
from .gate import Gate
from .interface import (
    StreamedResponse,
    Transport,
)
from .limit import Limit
from .redact import redact_error_in_place
from .request import (
    Request,
    Response,
    Timeout,
)
from .retry import RetryPolicy
from .status import (
    Unauthorized,
    check_status,
    checked,
    unauthorized,
)

__all__ = ["Pipeline"]

logger = logging.getLogger("bomgar_async")
T = TypeVar("T")
AUTHED_KEPT = 64
"""How many requests a pipeline keeps with the credentials added (see ``Pipeline.send``)."""


@attrs.define
class _Count:
    value: int = 0


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
        # Username and password are added without awaiting anything: ``send`` takes the flat
        # path (a password cannot be refreshed, so a 401 is final as in ``_attempt``).
        self._password = auth if type(auth) is PasswordAuth else None
        self._authed: dict[int, tuple[Request, Request]] = {}
        self._gate = Gate(transport, limit)
        self._retry = retry
        self._rng = random.Random()
        self._refreshes = _Count()  # shared with derived pipelines
        self._timeout = timeout
        self._download_timeout = download_timeout
        self._check_open = check_open

    def derive(
        self,
        *,
        retry: RetryPolicy,
        timeout: Timeout,
        download_timeout: Timeout,
        check_open: Callable[[], None],
    ) -> Pipeline:
        """A pipeline with other retries and timeouts that shares this one's credentials,
        transport, limit and counters (``BomgarClient.with_options``)."""
        derived = copy.copy(self)
        derived._retry = retry
        derived._rng = random.Random()
        derived._timeout = timeout
        derived._download_timeout = download_timeout
        derived._check_open = check_open
        return derived

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Authorize and send ``request``; a 2xx response, retried if read-only.

        The happy path is flat: one attempt inline (authorize, take a slot, send, check; with
        a username and password and a free slot of the in-process limit nothing is awaited
        but the transport); only a failure enters the retry loop."""
        self._check_open()
        try:
            password = self._password
            if password is None:
                return await self._attempt(request, timeout)
            authed = self._with_password(password, request)
            response = await self._gate.send(authed, timeout)  # open: checked above
            if 200 <= response.status < 300 and b"error" not in response.body:
                return response  # nothing to check or redact (see status.checked)
            return checked(response, authed)
        except BomgarError as err:
            delay = self._retry.delay(0, err, self._rng) if request.read_only else None
            if delay is None:
                raise
            await self._before_retry(request, err, 1, delay)
        return await self._with_retries(
            request, lambda: self._attempt(request, timeout), first_attempt=1
        )

    def _with_password(self, password: PasswordAuth, request: Request) -> Request:
        """``request`` with the username and password added, kept for the request object
        (the client reuses one per repeated call) among the last :data:`AUTHED_KEPT`."""
        kept = self._authed.get(id(request))
        if kept is not None and kept[0] is request:
            return kept[1]
        authed = password.with_credentials(request)
        if len(self._authed) >= AUTHED_KEPT:
            self._authed.clear()
        self._authed[id(request)] = (request, authed)  # holds request: its id stays unique
        return authed

    async def _attempt(self, request: Request, timeout: Timeout) -> Response:
        """One attempt: authorize, send, check; a new token once on HTTP 401."""
        authed = await self._auth.authorize(request, self._send_token_request)
        try:
            return checked(await self._exchange(authed, timeout), authed)
        except Unauthorized:
            if not self._may_refresh(authed):
                raise
        logger.info("%s: HTTP 401, fetching a new token once", request.label)
        authed = await self._auth.authorize(request, self._send_token_request)
        return checked(await self._exchange(authed, timeout), authed)

    @property
    def unauthorized_refreshes(self) -> int:
        """Calls answered 401 that fetched a new token (or took the one another caller got),
        through this pipeline and the ones derived from it."""
        return self._refreshes.value

    def _may_refresh(self, authed: Request) -> bool:
        refresh = self._auth.invalidate(authed)
        self._refreshes.value += refresh
        return refresh

    async def _authorize(self, request: Request) -> Request:
        return await self._auth.authorize(request, self._send_token_request)

    async def _send_token_request(self, request: Request) -> Response:
        return await self._with_retries(request, lambda: self._exchange(request, self._timeout))

    async def _exchange(self, request: Request, timeout: Timeout) -> Response:
        """Send ``request`` under the limit (any status)."""
        self._check_open()
        return await self._gate.send(request, timeout)

    async def _before_retry(
        self, request: Request, err: BaseException, attempt: int, delay: float
    ) -> None:
        if logger.isEnabledFor(logging.WARNING):
            logger.warning(
                "%s failed (%s); retry %d of %d in %.2fs",
                request.label,
                type(err).__name__,
                attempt,
                self._retry.retries,
                delay,
            )
        await asyncio.sleep(delay)

    async def _with_retries(
        self,
        request: Request,
        attempt_once: Callable[[], Awaitable[T]],
        *,
        first_attempt: int = 0,
    ) -> T:
        attempt = first_attempt
        while True:
            self._check_open()
            try:
                return await attempt_once()
            except BomgarError as err:
                delay = self._retry.delay(attempt, err, self._rng) if request.read_only else None
                if delay is None:
                    raise
                attempt += 1
                await self._before_retry(request, err, attempt, delay)

    @asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[StreamedResponse]:
        """Open an already authorized ``request`` under the concurrency limit and yield its
        2xx response before the body is read (``download_timeout`` applies)."""
        self._check_open()
        async with AsyncExitStack() as stack:
            response = await self._gate.open(stack, request, self._download_timeout)
            if response.status == 401:
                raise unauthorized(request.label)
            if not 200 <= response.status < 300:
                head = b""
                async with contextlib.aclosing(response.iter_chunks(4096)) as chunks:
                    async for chunk in chunks:
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
            except Unauthorized:
                if not self._may_refresh(authed):
                    raise
                authed = await self._authorize(request)
                response = await stack.enter_async_context(self.stream(authed))
            try:
                yield response
            except BomgarAPIError as err:  # parsed from the body by the caller
                redact_error_in_place(err, authed.secrets)
                raise

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
                secrets=authed.secrets,
            )

        async def attempt() -> DownloadResult:
            if not authenticated:
                return await once(request)
            authed = await self._authorize(request)
            try:
                return await once(authed)
            except Unauthorized:
                if not self._may_refresh(authed):
                    raise
            return await once(await self._authorize(request))

        return await self._with_retries(request, attempt)
