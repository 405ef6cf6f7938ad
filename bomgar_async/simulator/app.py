"""The simulated appliance as a real aiohttp server: the :class:`Simulator` and its lifecycle.

It serves the Command API on ``/api/command.ns`` and ``/api/command`` (GET or POST, form
fields merged over the query string), the Reporting API on ``/api/reporting.ns`` and
``/api/reporting``, the backup on ``/api/backup.ns`` and ``/api/backup``, client scripting
on ``/api/client_script.ns`` and ``/api/client_script`` (see
:mod:`.reports`), OAuth 2 client credentials on ``/oauth2/token``, and the file APIs of
:mod:`.files` (backup, client scripting, session generation); the handlers answering them are
in :mod:`.handlers`. Every request is recorded as a :class:`RequestRecord` before the simulated
latency and any injected :class:`~bomgar_async.simulator.faults.Fault` are applied (the
middleware, :mod:`.traffic`, which also names the paths). The table
``ACTIONS`` (defined in :mod:`.actions`, re-exported here) says, for each action, its answer's
root, the permissions it needs and what it does; the XML comes from :mod:`.render`, the state
and its rules from :mod:`.world`.
"""

from __future__ import annotations

import ssl
import weakref
from datetime import datetime
from types import TracebackType

from aiohttp import web

from . import files
from .actions import ACTIONS
from .faults import (
    Fault,
    FaultPlan,
)
from .history_gen import add_closed_session
from .limits import (
    InFlight,
    RateLimits,
    add_limit_headers,
)
from .no_data import LOCALES
from .recordings import recording_bytes
from .render import COMMAND_NS_BOMGAR
from .reports import ReportStats
from .seed import add_connected_clients
from .tls import make_tls_contexts
from .traffic import (
    BACKUP_PATHS,
    CLIENT_SCRIPT_PATHS,
    COMMAND_PATHS,
    OAUTH_PATH,
    REPORTING_PATHS,
    RequestRecord,
    SimulatorTraffic,
)
from .world import (
    ApiUser,
    World,
)

__all__ = ["ACTIONS", "RequestRecord", "Simulator"]

# -- the server ----------------------------------------------------------------------------


class Simulator(SimulatorTraffic):
    """A simulated Bomgar appliance: a real aiohttp server on 127.0.0.1 and a random free port.

    Args:
        seed: seeds the generated :class:`World` (same seed, same world).
        latency: seconds of delay before every response.
        tls: serve HTTPS with a freshly generated CA (see :attr:`client_ssl_context`).
        namespace: the ``xmlns`` of every XML answer; ``None`` for pre-14.1 appliances.
        token_ttl: lifetime in seconds of OAuth 2 access tokens (``expires_in``).
        world: serve this world instead of generating one from ``seed``.
        backup_size: size in bytes of the file ``/api/backup.ns`` streams (see
            :func:`~bomgar_async.simulator.files.backup_bytes`).
        port: the loopback port to listen on (0: a random free port).
        history_sessions: how many closed sessions the generated world's history holds
            (over the 30 days before now; ignored with ``world``).
        bulk_sessions: extra synthetic closed sessions for large reports (about 6 KB of XML
            each), rebuilt whenever reported and never held in memory.
        connected_clients: connect extra clients (Jumpoints, presentation attendees, ``rdp``
            customer clients) until the generated world has this many (ignored with ``world``).
        locale: the language of the appliance's "no data" answers (one of
            :data:`~bomgar_async.simulator.no_data.LOCALES`: en, fr, de, es, it, pt, nl).
        product: ``"rs"`` (Remote Support, the guide's reports) or ``"pra"`` (Privileged
            Remote Access: ``AccessSession``, ``VaultAccountActivity``... in the PRA
            namespace; see :mod:`.pra_reports`).
        token_cap: valid OAuth tokens per API account (the appliance's 30; one more
            invalidates the oldest); ``None``: no cap.
        rate_limit: requests per ``rate_limit_window`` seconds per API account (cloud: 20 per
            second), answered with ``X-RateLimit-*`` headers and 429 beyond; ``None``: off.
        rate_limit_retry_after: send ``Retry-After`` with those 429s.

    ``sim.in_flight.peak`` is the most requests ever answered at once; ``sim.tokens_issued``
    counts tokens, ``sim.rate_limits.refused`` the 429s.
    """

    def __init__(
        self,
        seed: int = 1,
        latency: float = 0.0,
        tls: bool = False,
        namespace: str | None = COMMAND_NS_BOMGAR,
        token_ttl: int = 3600,
        *,
        world: World | None = None,
        backup_size: int = 1 << 20,
        port: int = 0,
        history_sessions: int = 300,
        bulk_sessions: int = 0,
        connected_clients: int = 0,
        locale: str = "en",
        product: str = "rs",
        token_cap: int | None = 30,
        rate_limit: int | None = None,
        rate_limit_window: float = 1.0,
        rate_limit_retry_after: bool = False,
    ) -> None:
        if min(bulk_sessions, history_sessions, connected_clients) < 0:
            raise ValueError(
                "history_sessions, bulk_sessions and connected_clients must not be negative"
            )
        if locale not in LOCALES:
            raise ValueError(f"locale must be one of {', '.join(LOCALES)}, not {locale!r}")
        self.locale = locale
        if product not in ("rs", "pra"):
            raise ValueError(f"product must be 'rs' or 'pra', not {product!r}")
        self.product = product
        self.seed = seed
        self.backup_size = backup_size
        self.port = port
        self.world = world if world is not None else World.generate(seed, history=history_sessions)
        if world is None and connected_clients:
            add_connected_clients(self.world, connected_clients)
        if bulk_sessions:
            self.world.bulk_sessions = bulk_sessions
        self.latency = latency
        self.tls = tls
        self.namespace = namespace
        self.token_ttl = token_ttl
        self.token_cap = token_cap
        self.tokens_issued = 0
        self.rate_limits = RateLimits(
            rate_limit, rate_limit_window, retry_after=rate_limit_retry_after
        )
        self.in_flight = InFlight()
        self.requests: list[RequestRecord] = []
        self.report_stats: list[ReportStats] = []
        """One entry per streamed report (chunks and bytes written, finished or not)."""
        self.faults = FaultPlan()
        self.client_ssl_context: ssl.SSLContext | None = None
        self.ca_pem: bytes | None = None
        """With ``tls=True``, once started: the generated CA certificate (PEM)."""
        self._tokens: dict[str, tuple[ApiUser, float]] = {}
        self._connections: weakref.WeakKeyDictionary[object, list[int]] = (
            weakref.WeakKeyDictionary()
        )
        self._connection_count = 0
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving; :attr:`url` is valid afterwards."""
        if self._runner is not None:
            raise RuntimeError("the simulator is already started")
        server_context = None
        if self.tls:
            contexts = make_tls_contexts()
            server_context, self.client_ssl_context = contexts.server, contexts.client
            self.ca_pem = contexts.ca_pem
        app = web.Application(middlewares=[self._middleware])
        app.on_response_prepare.append(add_limit_headers)
        for path in COMMAND_PATHS:
            app.router.add_route("GET", path, self._command)
            app.router.add_route("POST", path, self._command)
        app.router.add_route("POST", OAUTH_PATH, self._token)
        for method in ("GET", "POST"):
            for path in REPORTING_PATHS:
                app.router.add_route(method, path, self._reporting)
            for path in BACKUP_PATHS:
                app.router.add_route(method, path, self._backup)
            for path in CLIENT_SCRIPT_PATHS:
                app.router.add_route(method, path, self._client_script)
            app.router.add_route(method, files.START_SESSION_PATH, self._start_session)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self.port, ssl_context=server_context)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def close(self) -> None:
        """Stop serving and close every connection (safe to call twice)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``."""
        if self._runner is None:
            raise RuntimeError("the simulator is not started")
        return f"127.0.0.1:{self._port}"

    @property
    def url(self) -> str:
        """The base URL: ``http://127.0.0.1:<port>`` (``https://`` with ``tls=True``)."""
        return f"{'https' if self.tls else 'http'}://{self.host}"

    # -- test controls ---------------------------------------------------------------------

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()

    def add_fault(self, fault: Fault) -> Fault:
        """Inject ``fault`` into the requests to come; returns it (see ``fault.used``)."""
        return self.faults.add(fault)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def expire_tokens(self) -> None:
        """Invalidate every OAuth token issued so far (their next use gets HTTP 401)."""
        self._tokens.clear()

    def add_closed_session(self, start: datetime, end: datetime, *, lsid: str | None = None) -> str:
        """Add a closed session that ran from ``start`` to ``end`` (aware datetimes) to the
        history, e.g. one that started long ago and ends now (a late arrival); returns its
        lsid (made up unless given)."""
        if start.utcoffset() is None or end.utcoffset() is None:
            raise ValueError("start and end must be timezone-aware datetimes")
        record = add_closed_session(self.world, int(start.timestamp()), int(end.timestamp()), lsid)
        return record.lsid

    def recording_bytes(
        self, lsid: str, kind: str = "support_session", instance: int | None = None
    ) -> bytes:
        """The exact body a recording download of ``lsid`` gets (``kind``:
        ``support_session``, ``show_my_screen``, ``command_shell``, ``presentation``).

        Raises:
            LookupError: the server answers an ``<error>`` instead (its text included).
        """
        return recording_bytes(self.world, lsid, kind, instance)
