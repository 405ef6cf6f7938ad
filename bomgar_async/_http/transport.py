"""The HTTP transport: the only module that imports aiohttp.

``AiohttpTransport`` implements the :class:`~._http.interface.Transport` interface (send a
Request, get a Response; or open a streamed response) over one shared ``aiohttp.ClientSession``
whose connector closes every connection after its response is read, as the guide
requires ("you must close the connection after each API call"). Every aiohttp or socket
failure is mapped to a ``BomgarError`` and its cause chain scrubbed of secrets.
"""

from __future__ import annotations

import asyncio
import logging
import ssl as ssl_module
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import aiohttp

from ..errors import (
    BomgarConfigError,
    BomgarError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
)
from .redact import (
    redact,
    scrub_exception,
)
from .request import (
    Headers,
    Params,
    Request,
    Response,
    Timeout,
)

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "AiohttpTransport"]

logger = logging.getLogger("bomgar_async")
SSLOption = bool | ssl_module.SSLContext
DEFAULT_MAX_RESPONSE_BYTES = 128 << 20
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
FORMS_KEPT = 64
"""How many encoded form bodies (and their payloads) a transport keeps (most calls repeat one:
credentials and action); the store is emptied when full and when the transport closes."""


class _AiohttpStream:
    def __init__(self, response: aiohttp.ClientResponse, request: Request, url: str) -> None:
        self._response = response
        self._request = request
        self._url = url
        self.status = response.status
        self.headers = Headers(response.headers.items())

    async def iter_chunks(self, size: int = 65536) -> AsyncGenerator[bytes, None]:
        while True:
            try:
                chunk = await self._response.content.read(size)
            except Exception as err:
                raise _mapped(err, self._request, self._url) from None
            if not chunk:
                return
            yield chunk

    async def read(self) -> bytes:
        try:
            return await self._response.read()
        except Exception as err:
            raise _mapped(err, self._request, self._url) from None


class AiohttpTransport:
    """The production transport.

    Args:
        base_url: ``scheme://host[:port][/prefix]`` of the appliance.
        ssl: ``True`` (verify), ``False`` (no verification) or an ``ssl.SSLContext``.
        user_agent: the ``User-Agent`` header.
        max_response_bytes: the largest body :meth:`send` buffers (after decompression).
        proxy: an ``http://`` or ``https://`` proxy URL every request goes through.
        trust_env: take proxies from ``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY`` (and
            proxy credentials from ``~/.netrc``), as aiohttp does with ``trust_env``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        ssl: SSLOption = True,
        user_agent: str,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: str | None = None,
        trust_env: bool = False,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._max_response_bytes = max_response_bytes
        self._ssl = ssl
        self._user_agent = user_agent
        self._proxy = proxy
        self._trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None
        self._last_timeout: tuple[Timeout, aiohttp.ClientTimeout] | None = None
        self._forms: dict[Params, tuple[bytes, aiohttp.payload.BytesPayload]] = {}

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            ssl_arg: Any = self._ssl if isinstance(self._ssl, ssl_module.SSLContext) else None
            if self._ssl is False:
                ssl_arg = False
            connector = aiohttp.TCPConnector(force_close=True, limit=0, ssl=ssl_arg)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self._user_agent, "Connection": "close"},
                trust_env=self._trust_env,
            )
            # aiohttp silently resends an idempotent-method request (GET) once after a
            # dropped connection; with method="GET" that would repeat state changes such as
            # terminate_session. Our RetryPolicy alone decides what is retried.
            if hasattr(self._session, "_retry_connection"):
                self._session._retry_connection = False
        return self._session

    def _client_timeout(self, timeout: Timeout) -> aiohttp.ClientTimeout:
        """The aiohttp timeout of ``timeout``: built once while calls use the same one."""
        last = self._last_timeout
        if last is not None and last[0] is timeout:
            return last[1]
        made = aiohttp.ClientTimeout(
            total=timeout.total, connect=timeout.connect, sock_read=timeout.sock_read
        )
        self._last_timeout = (timeout, made)
        return made

    def _prepare(self, request: Request, timeout: Timeout) -> tuple[str, dict[str, Any]]:
        url = self._base_url + request.path
        kwargs: dict[str, Any] = {
            "timeout": self._client_timeout(timeout),
            "allow_redirects": False,
        }
        if request.query:
            kwargs["params"] = list(request.query)
        if request.headers:
            kwargs["headers"] = dict(request.headers)
        if self._proxy is not None:
            kwargs["proxy"] = self._proxy
        if request.form is not None:
            # Encoded here exactly as aiohttp's FormData does for plain fields (UTF-8),
            # without building a FormData per call.
            kwargs["data"] = self._form_body(request.form)[1]
        return url, kwargs

    def _encoded(self, form: Params) -> bytes:
        """``form`` URL-encoded (UTF-8), as aiohttp's ``FormData`` encodes plain fields."""
        return self._form_body(form)[0]

    def _form_body(self, form: Params) -> tuple[bytes, aiohttp.payload.BytesPayload]:
        """``form`` encoded, and the payload that sends it; the last :data:`FORMS_KEPT` are
        kept (they hold credentials: never shown, dropped on :meth:`close`). A kept payload
        is sent again by later calls, concurrent ones too: aiohttp only reads a bytes payload
        (its bytes, size and content type) and closing one releases nothing."""
        try:
            return self._forms[form]
        except (KeyError, TypeError):  # TypeError: a value that cannot be a key
            pass
        body = urlencode(form, doseq=True, encoding="utf-8").encode()
        made = (body, aiohttp.payload.BytesPayload(body, content_type=FORM_CONTENT_TYPE))
        # Only strings are kept: no other value can then find a body (1 == True, "1" != 1).
        if all(type(name) is str and type(value) is str for name, value in form):
            if len(self._forms) >= FORMS_KEPT:
                self._forms.clear()
            self._forms[form] = made
        return made

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Send ``request``; the connection is closed once the body is read."""
        url, kwargs = self._prepare(request, timeout)
        started = time.perf_counter()
        try:
            # Awaited, not entered: what ``async with`` does on the way out is done below,
            # without its four coroutines per call.
            resp = await self._get_session().request(request.method, url, **kwargs)
            try:
                headers = resp.headers
                size = resp.content_length
                if (
                    size is not None
                    and size <= self._max_response_bytes
                    and headers.get("Content-Encoding", "identity").lower() == "identity"
                ):
                    # A declared length and no decompression: the body cannot grow past it.
                    body = await resp.read()
                else:
                    body = await self._read_capped(resp, request)
                result = Response(resp.status, dict(headers), body)
            finally:  # as ClientResponse.__aexit__: the connection is released (closed)
                resp.release()
                await resp.wait_for_close()
        except Exception as err:
            failure = _mapped(err, request, url)
        else:
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s %s -> %s (%d bytes, %.3fs)",
                    request.method,
                    url,
                    request.label,
                    result.status,
                    len(result.body),
                    time.perf_counter() - started,
                )
            return result
        raise failure

    async def _read_capped(self, resp: aiohttp.ClientResponse, request: Request) -> bytes:
        """The body of ``resp`` read in chunks, refused once it exceeds the cap (no declared
        length, or a compressed body)."""
        body = bytearray()
        async for chunk in resp.content.iter_chunked(1 << 16):
            body += chunk
            if len(body) > self._max_response_bytes:
                raise BomgarProtocolError(
                    f"{request.label or request.path}: the answer is larger than "
                    f"max_response_bytes ({self._max_response_bytes} bytes)"
                )
        return bytes(body)

    @asynccontextmanager
    async def stream(self, request: Request, *, timeout: Timeout) -> AsyncIterator[_AiohttpStream]:
        """Open ``request`` and yield the response before its body is read."""
        url, kwargs = self._prepare(request, timeout)
        try:
            resp = await self._get_session().request(request.method, url, **kwargs)
        except Exception as err:
            failure = _mapped(err, request, url)
        else:
            try:
                yield _AiohttpStream(resp, request, url)
            finally:
                resp.release()
                resp.close()
            return
        raise failure

    async def close(self) -> None:
        """Close the underlying session (idempotent)."""
        self._forms.clear()
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


def _mapped(err: BaseException, request: Request, url: str) -> BomgarError:
    """Translate an aiohttp/asyncio/socket failure into a scrubbed BomgarError.

    The message names the method, path and action, never the URL (in GET mode its query
    holds the credentials), and keeps the reason, redacted.
    """
    if isinstance(err, BomgarError):
        return err
    what = f"{request.method} {request.path}" + (f" ({request.label})" if request.label else "")
    reason = redact(
        f"{type(err).__name__}: {err}" if str(err) else type(err).__name__, request.secrets
    ).replace(redact(url, request.secrets), request.path)
    error: BomgarError
    if isinstance(err, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        error = BomgarTimeoutError(f"timed out: {what}")
    elif isinstance(err, aiohttp.ClientSSLError | ssl_module.SSLError):
        error = BomgarTransportError(f"TLS failure talking to {what}: {reason}")
        error.retryable = False
    elif isinstance(err, aiohttp.ClientPayloadError):
        error = BomgarProtocolError(f"the response body was cut short: {what}: {reason}")
        error.retryable = True
    elif isinstance(err, aiohttp.InvalidURL):
        error = BomgarConfigError(f"invalid appliance URL for {what}")
    elif isinstance(err, aiohttp.ClientError | OSError):
        error = BomgarTransportError(f"connection failed: {what}: {reason}")
    else:
        error = BomgarTransportError(f"unexpected transport failure: {what}: {reason}")
    error.__cause__ = scrub_exception(err, request.secrets)
    error.__suppress_context__ = True
    return error
