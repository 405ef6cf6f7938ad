"""``BomgarClient``: one appliance's configuration, endpoint groups, lifecycle and views.

The options are checked in :mod:`.options`; the calls the endpoint groups make through the
client (the ``Host`` protocol) and the cache glue are in :mod:`.calls`; what happens to a
call on its way (credentials, ``max_concurrency``, one connection per call, statuses, one
token refresh on 401, retries of read-only calls) is ``_http/pipeline.py``.
"""

from __future__ import annotations

import copy
import re
import ssl as ssl_module
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from types import TracebackType
from typing import Literal

from .._http.auth import auth_from_options
from .._http.config import base_url
from .._http.interface import Transport
from .._http.limit import (
    Limiter,
    LocalLimiter,
)
from .._http.paths import ApiPaths
from .._http.pipeline import Pipeline
from .._http.retry import RetryPolicy
from .._http.stats import (
    ClientStats,
    client_stats,
)
from .._http.timeouts import (
    TimeoutOption,
    to_timeout,
)
from .._http.tokens import TokenStore
from .._http.transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AiohttpTransport,
)
from ..backup import BackupAPI
from ..cache import (
    Cache,
    MemoryCache,
)
from ..command.api import (
    ClientType,
    CommandAPI,
)
from ..command.polling import (
    ClientSnapshot,
    poll_connected_clients,
)
from ..pra.api import PraAPI
from ..reporting.api import ReportingAPI
from ..reporting.no_data import NoDataMatcher
from ..scripting.api import ScriptingAPI
from ..start_session import StartSessionURLs
from .calls import HostCalls
from .options import (
    DEFAULT_CACHE,
    DEFAULT_DOWNLOAD_TIMEOUT,
    USER_AGENT,
    DefaultCache,
    check_method,
    check_options,
    check_retries,
    check_sharing_and_proxy,
)

__all__ = ["BomgarClient"]


class BomgarClient(HostCalls):
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
        cache: Cache | DefaultCache | None = DEFAULT_CACHE,
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
        check_sharing_and_proxy(
            proxy=proxy,
            trust_env=trust_env,
            transport=transport,
            limiter=limiter,
            token_store=token_store,
        )
        self._auth = auth_from_options(
            username,
            password,
            client_id,
            client_secret,
            token_store=token_store,
            appliance=self._base_url,
        )
        check_method(method)
        paths = ApiPaths.choose(
            api_paths,
            command_path=command_path,
            reporting_path=reporting_path,
            backup_path=backup_path,
            client_script_path=client_script_path,
        )
        check_options(
            max_concurrency=max_concurrency,
            retries=retries,
            retry_backoff=retry_backoff,
            cache_ttl=cache_ttl,
            max_response_bytes=max_response_bytes,
            cache=cache,
            ssl=ssl,
        )
        self._no_data = NoDataMatcher(no_data_messages)
        self._method: Literal["POST", "GET"] = method
        self._requests = {}
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
            MemoryCache(ttl=cache_ttl) if isinstance(cache, DefaultCache) else cache
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
        if retries is not None:
            check_retries(retries)
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
