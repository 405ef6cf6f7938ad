"""``BomgarClient``: configuration, credentials, retries, concurrency and caching for one appliance.

Endpoint groups (``bg.command``, ...) build parameters and parse answers; this module owns
the path in between: add credentials, respect ``max_concurrency``, send through the
transport (one connection per call), turn HTTP statuses into errors, fetch a new OAuth
token once on 401, and retry read-only calls with backoff.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import re
import ssl as ssl_module
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Final, Literal, TypeVar

import attrs

from ._http.auth import auth_from_options
from ._http.config import base_url
from ._http.download import (
    DownloadResult,
    check_destination,
)
from ._http.limit import (
    Limiter,
    LocalLimiter,
)
from ._http.paths import ApiPaths
from ._http.pipeline import Pipeline
from ._http.request import (
    Params,
    Request,
    Response,
    Timeout,
)
from ._http.retry import RetryPolicy
from ._http.stats import (
    ClientStats,
    client_stats,
)
from ._http.tokens import TokenStore
from ._http.transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AiohttpTransport,
    StreamedResponse,
    TimeoutOption,
    Transport,
    to_timeout,
)
from .backup import BackupAPI
from .cache import (
    Cache,
    CacheKey,
    MemoryCache,
)
from .command.api import (
    ClientType,
    CommandAPI,
)
from .command.polling import (
    ClientSnapshot,
    poll_connected_clients,
)
from .errors import (
    BomgarClientClosed,
    BomgarConfigError,
)
from .pra.api import PraAPI
from .reporting.api import ReportingAPI
from .reporting.no_data import NoDataMatcher
from .scripting.api import ScriptingAPI
from .start_session import StartSessionURLs

__all__ = ["DEFAULT_CACHE", "BomgarClient", "InsecureTLSWarning"]

logger = logging.getLogger("bomgar_async")
T = TypeVar("T")
USER_AGENT = "bomgar_async/0.1"
IDENTITY_ENCODING = ("Accept-Encoding", "identity")
DEFAULT_DOWNLOAD_TIMEOUT = Timeout(total=3600.0, connect=10.0, sock_read=120.0)


def _check_proxy(proxy: object, trust_env: object, transport: object) -> None:
    if proxy is not None and (
        not isinstance(proxy, str) or not proxy.lower().startswith(("http://", "https://"))
    ):
        raise BomgarConfigError("proxy must be an http:// or https:// URL")
    if not isinstance(trust_env, bool):
        raise BomgarConfigError("trust_env must be True or False")
    if transport is not None and (proxy is not None or trust_env):
        raise BomgarConfigError("proxy and trust_env apply to the built-in transport only")


def _check_sharing(limiter: object, token_store: object) -> None:
    if limiter is not None and not callable(getattr(limiter, "bind", None)):
        raise BomgarConfigError(
            "limiter must be a limiter (LocalLimiter, RedisLimiter) or None, "
            f"not {type(limiter).__name__}"
        )
    if token_store is not None and not callable(getattr(token_store, "token", None)):
        raise BomgarConfigError(
            "token_store must be a token store (MemoryTokenStore, RedisTokenStore) or None, "
            f"not {type(token_store).__name__}"
        )


class InsecureTLSWarning(UserWarning):
    """TLS certificate verification was turned off with ``ssl=False``."""


class _DefaultCache:
    def __repr__(self) -> str:
        return "DEFAULT_CACHE"


DEFAULT_CACHE: Final = _DefaultCache()
"""Sentinel: use a fresh ``MemoryCache(ttl=cache_ttl)``."""


def _check_seconds(value: object, name: str, *, allow_zero: bool) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        raise BomgarConfigError(f"{name} must be a finite, non-negative number, not {value!r}")


def _is_cache(value: object) -> bool:
    return all(callable(getattr(value, name, None)) for name in ("get_or_fetch", "invalidate"))


class BomgarClient:
    """An async client for one Bomgar / BeyondTrust Remote Support appliance.

    Use it as ``async with BomgarClient(host, username=..., password=...) as bg:`` (or call
    ``await bg.close()``); every call opens a new connection and closes it when the answer
    has been read, as the guide requires.

    Args:
        host: ``support.example.com``, ``host:port`` or ``https://host[:port]``.
        username: the API user (sent as form fields of a POST by default).
        password: its password (never in a URL by default, a log record, a repr or an error).
        client_id: OAuth 2 client id (instead of username/password, newer appliances).
        client_secret: OAuth 2 client secret.
        allow_http: allow a plain ``http://`` host (refused otherwise).
        ssl: ``True`` (verify), ``False`` (no verification; warns) or an ``ssl.SSLContext``.
        timeout: seconds or a timeout object (``aiohttp.ClientTimeout`` works) for API calls.
        download_timeout: the same for reports, recordings and backups (longer).
        max_concurrency: calls in flight to this appliance at once (the default limiter's).
        limiter: what limits the calls to the appliance: default ``LocalLimiter(max_concurrency)``
            (this process); ``bomgar_async.fleet.RedisLimiter`` shares limits across a fleet.
        token_store: where OAuth tokens live (default: this client's own memory);
            ``bomgar_async.fleet.RedisTokenStore`` shares one token per account with a fleet.
        retries: automatic retries of read-only calls on connection errors, timeouts, 5xx, 429.
        retry_backoff: the base of the exponential backoff, in seconds.
        method: ``"POST"`` (credentials in the body) or ``"GET"`` (credentials in the URL).
        command_path: ``"/api/command.ns"`` or ``"/api/command"`` (newer appliances).
        reporting_path: ``"/api/reporting.ns"`` or ``"/api/reporting"`` (newer appliances).
        backup_path: ``"/api/backup.ns"`` or ``"/api/backup"`` (newer appliances).
        client_script_path: ``"/api/client_script.ns"`` or ``"/api/client_script"``.
        api_paths: ``"classic"`` (the ``.ns`` paths, default) or ``"modern"`` (every API at
            its suffix-less path); an explicit ``*_path`` wins.
        cache: a cache backend, ``None`` to disable caching, or the default in-memory cache.
        cache_ttl: seconds cached answers stay fresh (default cache).
        no_data_messages: more texts (or compiled patterns) of the appliance's "no data"
            ``<error>`` answers, beyond the built-in catalog (see
            ``bomgar_async.reporting.no_data``); report calls treat them as empty reports.
        transport: a custom transport (tests use ``bomgar_async.testing.FakeTransport``).
        max_response_bytes: the largest answer a call buffers, after decompression (128 MiB
            by default); a larger one raises ``BomgarProtocolError``. Downloads and streamed
            reports are not buffered and not limited by it.
        proxy: an ``http://`` or ``https://`` proxy for every request (credentials in it
            stay out of reprs and logs).
        trust_env: use the proxies named by ``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY``.

    Raises:
        BomgarConfigError: for an unusable or unsafe configuration.
    """

    def __init__(
        self,
        host: str,
        *,
        username: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        allow_http: bool = False,
        ssl: bool | ssl_module.SSLContext = True,
        timeout: TimeoutOption = 30.0,
        download_timeout: TimeoutOption = DEFAULT_DOWNLOAD_TIMEOUT,
        max_concurrency: int = 8,
        retries: int = 2,
        retry_backoff: float = 0.5,
        method: Literal["POST", "GET"] = "POST",
        command_path: str | None = None,
        reporting_path: str | None = None,
        backup_path: str | None = None,
        client_script_path: str | None = None,
        api_paths: Literal["classic", "modern"] = "classic",
        cache: Cache | _DefaultCache | None = DEFAULT_CACHE,
        cache_ttl: float = 60.0,
        no_data_messages: Iterable[str | re.Pattern[str]] = (),
        transport: Transport | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: str | None = None,
        trust_env: bool = False,
        limiter: Limiter | None = None,
        token_store: TokenStore | None = None,
    ) -> None:
        self._base_url = base_url(host, allow_http=allow_http)
        _check_proxy(proxy, trust_env, transport)
        _check_sharing(limiter, token_store)
        self._auth = auth_from_options(
            username,
            password,
            client_id,
            client_secret,
            token_store=token_store,
            appliance=self._base_url,
        )
        if method not in ("POST", "GET"):
            raise BomgarConfigError(f"method must be 'POST' or 'GET', not {method!r}")
        paths = ApiPaths.choose(
            api_paths,
            command_path=command_path,
            reporting_path=reporting_path,
            backup_path=backup_path,
            client_script_path=client_script_path,
        )
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise BomgarConfigError("max_concurrency must be a positive integer")
        if max_concurrency < 1:
            raise BomgarConfigError("max_concurrency must be a positive integer")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise BomgarConfigError("retries must be a non-negative integer")
        _check_seconds(retry_backoff, "retry_backoff", allow_zero=True)
        _check_seconds(cache_ttl, "cache_ttl", allow_zero=False)
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1
        ):
            raise BomgarConfigError("max_response_bytes must be a positive integer")
        if cache is not None and not isinstance(cache, _DefaultCache) and not _is_cache(cache):
            raise BomgarConfigError(
                f"cache must be a cache object (MemoryCache, RedisCache) or None, not {cache!r}"
            )
        if ssl is False:
            warnings.warn(
                "TLS certificate verification is disabled (ssl=False): anyone on the path "
                "can read the API credentials",
                InsecureTLSWarning,
                stacklevel=2,
            )
        elif not isinstance(ssl, bool | ssl_module.SSLContext):
            raise BomgarConfigError("ssl must be True, False or an ssl.SSLContext")
        self._no_data = NoDataMatcher(no_data_messages)
        self._method: Literal["POST", "GET"] = method
        self.paths = paths
        self.command_path = paths.command
        self.timeout = to_timeout(timeout)
        self.download_timeout = to_timeout(download_timeout)
        self.max_concurrency = max_concurrency
        self._transport: Transport = transport or AiohttpTransport(
            self._base_url,
            ssl=ssl,
            user_agent=USER_AGENT,
            max_response_bytes=max_response_bytes,
            proxy=proxy,
            trust_env=trust_env,
        )
        self._retries, self._retry_backoff = retries, retry_backoff
        self._parent: BomgarClient | None = None
        self.cache: Cache | None = (
            MemoryCache(ttl=cache_ttl) if isinstance(cache, _DefaultCache) else cache
        )
        self._closed = False
        self._limit = (limiter or LocalLimiter(max_concurrency)).bind(self._base_url)
        self._pipeline = Pipeline(
            auth=self._auth,
            transport=self._transport,
            retry=RetryPolicy(retries=retries, backoff=retry_backoff),
            limit=self._limit,
            timeout=self.timeout,
            download_timeout=self.download_timeout,
            check_open=self._check_open,
        )
        self._build_groups()
        self.start_session = StartSessionURLs(self._base_url)

    def _build_groups(self) -> None:
        """The endpoint groups, bound to this client (or view)."""
        paths, no_data = self.paths, self._no_data
        self.command = CommandAPI(self)
        self.backup = BackupAPI(self, path=paths.backup)
        self.reporting = ReportingAPI(
            self, appliance_time=self._appliance_time, path=paths.reporting, no_data=no_data
        )
        self.pra = PraAPI(
            self, appliance_time=self._appliance_time, path=paths.reporting, no_data=no_data
        )
        self.scripting = ScriptingAPI(self, path=paths.client_script)

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The appliance's base URL (no credentials)."""
        return self._base_url

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    async def close(self) -> None:
        """Close the client and its connections; later calls raise BomgarClientClosed.
        Closing a :meth:`with_options` view closes only the view."""
        self._closed = True
        if self._parent is None:
            await self._transport.close()

    def with_options(
        self,
        *,
        timeout: TimeoutOption | None = None,
        download_timeout: TimeoutOption | None = None,
        retries: int | None = None,
        retry_backoff: float | None = None,
    ) -> BomgarClient:
        """A view of this client with other timeouts or retries, for some calls::

            await bg.with_options(timeout=5, retries=0).command.check_health()

        The view shares the credentials (and OAuth token store), the connections, the
        limiter (``max_concurrency``), the cache and :meth:`stats`; options not given are
        this client's.
        Closing this client closes its views.

        Raises:
            BomgarConfigError: an invalid option.
        """
        self._check_open()
        if retries is not None and (
            isinstance(retries, bool) or not isinstance(retries, int) or retries < 0
        ):
            raise BomgarConfigError("retries must be a non-negative integer")
        view = copy.copy(self)
        view._parent = self._parent or self
        view.timeout = self.timeout if timeout is None else to_timeout(timeout)
        if download_timeout is not None:
            view.download_timeout = to_timeout(download_timeout)
        view._retries = self._retries if retries is None else retries
        view._retry_backoff = self._retry_backoff if retry_backoff is None else retry_backoff
        view._pipeline = self._pipeline.derive(
            retry=RetryPolicy(retries=view._retries, backoff=view._retry_backoff),
            timeout=view.timeout,
            download_timeout=view.download_timeout,
            check_open=view._check_open,
        )
        view._build_groups()
        return view

    async def __aenter__(self) -> BomgarClient:
        self._check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"BomgarClient({self._base_url!r}, auth={self._auth!r}, {state})"

    def stats(self) -> ClientStats:
        """This client's counters: tokens fetched, 401 refreshes, rate-limit and limiter waits."""
        fetched = getattr(self._auth, "fetch_count", 0)
        return client_stats(fetched, self._pipeline.unauthorized_refreshes, self._limit.counts)

    def _check_open(self) -> None:
        if self._closed or (self._parent is not None and self._parent._closed):
            raise BomgarClientClosed("this BomgarClient is closed")

    # -- the pipeline ------------------------------------------------------------------

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
        if self._method == "POST":
            request = Request("POST", path, form=params, read_only=read_only, label=label)
        else:
            request = Request("GET", path, query=params, read_only=read_only, label=label)
        response = await self._pipeline.send(request, timeout=timeout or self.timeout)
        return response.body

    def open_stream(self, request: Request) -> AbstractAsyncContextManager[StreamedResponse]:
        """Open ``request`` as an authorized, status-checked stream (``download_timeout``);
        not retried (see :meth:`retry_delay`)."""
        return self._pipeline.open(request)

    def retry_delay(self, request: Request, attempt: int, err: BaseException) -> float | None:
        """How long to wait before retrying ``request`` after ``err``, or ``None``."""
        return self._pipeline.retry_delay(request, attempt, err)

    async def command_call(self, action: str, params: Params = (), *, read_only: bool) -> bytes:
        """One Command API action; returns the raw XML body."""
        params = (("action", action), *params)
        if self._method == "POST":
            request = Request(
                "POST", self.command_path, form=params, read_only=read_only, label=action
            )
        else:
            request = Request(
                "GET", self.command_path, query=params, read_only=read_only, label=action
            )
        response = await self._pipeline.send(request, timeout=self.timeout)
        return response.body

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        """Authorize and send ``request``, retrying read-only calls; returns a 2xx response."""
        return await self._pipeline.send(request, timeout=timeout)

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

    async def _appliance_time(self) -> datetime | None:
        """The appliance's clock (``get_api_info``'s timestamp), for ``bg.reporting.sync``."""
        return (await self.command.get_api_info()).timestamp

    # -- polling -----------------------------------------------------------------------

    def poll_connected_clients(
        self,
        interval: float = 10.0,
        types: ClientType | Iterable[ClientType] | None = None,
        include_connections: bool = False,
        *,
        max_failures: int = 3,
    ) -> AsyncIterator[ClientSnapshot]:
        """Snapshots of the connected clients every ``interval`` seconds, with ``added`` and
        ``removed`` since the previous one; see :mod:`bomgar_async.command.polling`.

        ``async for snap in bg.poll_connected_clients(interval=10): ...`` (break to stop).
        """
        return poll_connected_clients(
            self.command,
            interval=interval,
            types=types,
            include_connections=include_connections,
            max_failures=max_failures,
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
