"""The ``Host`` protocol's call methods of ``BomgarClient`` (see ``_http/host.py``): how an
endpoint group sends a call, opens a stream or downloads a file, plus the client's cache glue.

:class:`HostCalls` is a base class of ``BomgarClient``; it only forwards to the client's
pipeline (credentials, limit, retries: ``_http/pipeline.py``) and cache, so its methods
stay thin: the happy path of a call is ``command_call`` → ``Pipeline.send`` → transport.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Literal, TypeVar

import attrs

from .._http.auth import Auth
from .._http.download import DownloadResult, check_destination
from .._http.interface import StreamedResponse
from .._http.pipeline import Pipeline
from .._http.request import Params, Request, Response, Timeout
from ..cache import Cache, CacheKey
from ..errors import BomgarClientClosed

__all__ = ["IDENTITY_ENCODING", "REQUESTS_KEPT", "HostCalls"]

T = TypeVar("T")
IDENTITY_ENCODING = ("Accept-Encoding", "identity")
REQUESTS_KEPT = 64
"""How many Command API requests a client keeps for its repeated calls."""


class HostCalls:
    """Calls, streams, downloads and caching for one client (a base of ``BomgarClient``)."""

    _method: Literal["POST", "GET"]
    _pipeline: Pipeline
    _base_url: str
    _auth: Auth
    _closed: bool
    _parent: HostCalls | None
    _requests: dict[tuple[str, Params, bool], Request]
    command_path: str
    timeout: Timeout
    cache: Cache | None

    def _check_open(self) -> None:
        if self._closed or (self._parent is not None and self._parent._closed):
            raise BomgarClientClosed("this BomgarClient is closed")

    def build_request(self, path: str, params: Params, *, read_only: bool, label: str) -> Request:
        """A request for ``path`` with ``params`` in the form body (POST) or query (GET)."""
        if self._method == "POST":
            return Request("POST", path, form=params, read_only=read_only, label=label)
        return Request("GET", path, query=params, read_only=read_only, label=label)

    async def call(
        self,
        path: str,
        params: Params,
        *,
        read_only: bool,
        label: str,
        timeout: Timeout | None = None,
    ) -> bytes:
        """Send one API call and return the body of its 2xx answer."""
        request = self.build_request(path, params, read_only=read_only, label=label)
        response = await self._pipeline.send(request, timeout=timeout or self.timeout)
        return response.body

    async def command_call(self, action: str, params: Params = (), *, read_only: bool) -> bytes:
        """One Command API action; returns the raw XML body."""
        response = await self._pipeline.send(
            self._command_request(action, params, read_only), timeout=self.timeout
        )
        return response.body

    def command_response(
        self, action: str, params: Params = (), *, read_only: bool
    ) -> Awaitable[Response]:
        """One Command API action, to await: its 2xx response (``Pipeline.send`` itself, no
        coroutine layer of its own)."""
        return self._pipeline.send(
            self._command_request(action, params, read_only), timeout=self.timeout
        )

    def _command_request(self, action: str, params: Params, read_only: bool) -> Request:
        """The request of a Command API call: one object per repeated call (the last
        :data:`REQUESTS_KEPT` kept), so the pipeline adds the credentials to it once."""
        key = (action, params, read_only)
        try:
            return self._requests[key]
        except (KeyError, TypeError):  # TypeError: a value that cannot be a key
            pass
        request = self.build_request(
            self.command_path, (("action", action), *params), read_only=read_only, label=action
        )
        # Only strings are kept: no other value can then find a request (1 == True).
        if type(action) is str and all(type(n) is str and type(v) is str for n, v in params):
            if len(self._requests) >= REQUESTS_KEPT:
                self._requests.clear()
            self._requests[key] = request
        return request

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Authorize and send ``request``, retrying read-only calls; returns a 2xx response."""
        return await self._pipeline.send(request, timeout=timeout)

    def open_stream(self, request: Request) -> AbstractAsyncContextManager[StreamedResponse]:
        """Open ``request`` as an authorized, status-checked stream (``download_timeout``);
        not retried (see :meth:`retry_delay`)."""
        return self._pipeline.open(request)

    def retry_delay(self, request: Request, attempt: int, err: BaseException) -> float | None:
        """How long to wait before retrying ``request`` after ``err``, or ``None``."""
        return self._pipeline.retry_delay(request, attempt, err)

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
        """Stream a file answer to ``dest``: complete or not at all (see ``_http.download``);
        retried from the start on connection errors, timeouts, 5xx and bodies cut short.
        ``method`` overrides the client's (``GET`` for URLs meant for browsers)."""
        target = check_destination(dest)
        if method == "GET":
            request = Request("GET", path, query=params, read_only=True, label=label)
        else:
            request = self.build_request(path, params, read_only=True, label=label)
        # The size check counts the bytes received: ask for them uncompressed.
        request = attrs.evolve(request, headers=(*request.headers, IDENTITY_ENCODING))
        return await self._pipeline.download(
            request,
            target,
            authenticated=authenticated,
            allow_markup=allow_markup,
            validate=validate,
        )

    # -- caching -----------------------------------------------------------------------

    async def cached(self, action: str, params: Params, fetch: Callable[[], Awaitable[T]]) -> T:
        """``fetch()``'s value through the cache (if any), keyed by appliance, identity,
        action and parameters."""
        self._check_open()
        if self.cache is None:
            return await fetch()
        key = CacheKey(self._base_url, self._auth.identity, action, params)
        # The cache's own TTL: the default cache was built with ``cache_ttl``, and a cache
        # passed in (``RedisCache(url, ttl=...)``) keeps the TTL it was given.
        return await self.cache.get_or_fetch(key, fetch)

    async def invalidate(self, *actions: str) -> None:
        """Drop cached answers of ``actions`` for this appliance (after a state change)."""
        if self.cache is None:
            return
        for action in actions:
            await self.cache.invalidate(action, appliance=self._base_url)
