"""The simulated appliance as a real aiohttp server: the :class:`Simulator` and its handlers.

It serves the Command API on ``/api/command.ns`` and ``/api/command`` (GET or POST, form
fields merged over the query string), the Reporting API on ``/api/reporting.ns`` (see
:mod:`.reports`), OAuth 2 client credentials on ``/oauth2/token``, and the file APIs of
:mod:`.files` (backup, client scripting, session generation).
Every request is recorded as a :class:`RequestRecord` before the simulated latency and any
injected :class:`~bomgar_async.simulator.faults.Fault` are applied. The table ``ACTIONS``
(defined in :mod:`.actions`, re-exported here) says, for each action, its answer's root, the
permissions it needs and what it does; the XML comes from :mod:`.render`, the state and its
rules from :mod:`.world`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
import ssl
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from xml.etree.ElementTree import Element

from aiohttp import web

from . import files, render
from .actions import ACTIONS, PERMISSION_MESSAGES
from .faults import Fault, FaultPlan, respond
from .history_gen import add_closed_session
from .recordings import recording_bytes
from .render import COMMAND_NS_BOMGAR
from .reports import ReportContext, ReportStats, handle_report
from .reports_render import reporting_namespace
from .tls import make_tls_contexts
from .world import ApiUser, CommandError, World

__all__ = ["ACTIONS", "RequestRecord", "Simulator"]

COMMAND_PATHS = ("/api/command.ns", "/api/command")
OAUTH_PATH = "/oauth2/token"
REPORTING_PATH = "/api/reporting.ns"


@dataclass(frozen=True)
class RequestRecord:
    """One request as the simulator received it (recorded before any fault is applied)."""

    method: str
    path: str
    raw_url: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    action: str | None
    connection_id: int
    request_number_on_connection: int
    peer: str


# -- the server ----------------------------------------------------------------------------


class Simulator:
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
    ) -> None:
        if bulk_sessions < 0 or history_sessions < 0:
            raise ValueError("history_sessions and bulk_sessions must not be negative")
        self.seed = seed
        self.backup_size = backup_size
        self.port = port
        self.world = world if world is not None else World.generate(seed, history=history_sessions)
        if bulk_sessions:
            self.world.bulk_sessions = bulk_sessions
        self.latency = latency
        self.tls = tls
        self.namespace = namespace
        self.token_ttl = token_ttl
        self.requests: list[RequestRecord] = []
        self.report_stats: list[ReportStats] = []
        """One entry per streamed report (chunks and bytes written, finished or not)."""
        self.faults = FaultPlan()
        self.client_ssl_context: ssl.SSLContext | None = None
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
        app = web.Application(middlewares=[self._middleware])
        for path in COMMAND_PATHS:
            app.router.add_route("GET", path, self._command)
            app.router.add_route("POST", path, self._command)
        app.router.add_route("POST", OAUTH_PATH, self._token)
        for method in ("GET", "POST"):
            app.router.add_route(method, REPORTING_PATH, self._reporting)
            app.router.add_route(method, files.BACKUP_PATH, self._backup)
            app.router.add_route(method, files.CLIENT_SCRIPT_PATH, self._client_script)
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

    @property
    def reporting_namespace(self) -> str | None:
        """The ``xmlns`` of Reporting API answers, matching :attr:`namespace`."""
        return reporting_namespace(self.namespace)

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

    # -- handlers --------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        record = await self._record(request)
        self.requests.append(record)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        fault = self.faults.take(record.action)
        if fault is None:
            return await handler(request)
        return await respond(fault, request, lambda: handler(request), self.namespace)

    async def _record(self, request: web.Request) -> RequestRecord:
        query, form = _strings(request.query), await _form(request)
        transport = request.transport
        if transport is None:
            connection = [0, 0]
        else:
            connection = self._connections.setdefault(transport, [0, 0])
            if connection[0] == 0:
                self._connection_count += 1
                connection[0] = self._connection_count
        connection[1] += 1
        peer = transport.get_extra_info("peername") if transport is not None else None
        params = {**query, **form}
        action = params.get("action")
        if request.path == OAUTH_PATH:
            action = "oauth2_token"
        elif request.path == REPORTING_PATH:
            action = params.get("generate_report")
        return RequestRecord(
            method=request.method,
            path=request.path,
            raw_url=request.raw_path,
            query=query,
            form=form,
            headers=dict(request.headers),
            action=action,
            connection_id=connection[0],
            request_number_on_connection=connection[1],
            peer=f"{peer[0]}:{peer[1]}" if peer else "",
        )

    def _xml(self, root: Element, namespace: str | None = None) -> web.Response:
        body = render.document(root, namespace or self.namespace)
        return web.Response(body=body, content_type="text/xml", charset="UTF-8")

    def _authenticate(
        self, request: web.Request, params: dict[str, str], namespace: str | None = None
    ) -> ApiUser | web.Response:
        """The API user of ``request`` (bearer token or username/password), or the answer
        refusing it (an ``<error>`` in ``namespace``, default: the Command API's)."""
        authorization = request.headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            user = self._bearer_user(authorization[7:].strip())
            if user is None:
                return web.json_response({"error": "invalid_token"}, status=401)
            return user
        user = self.world.users.get(params.get("username", ""))
        if user is None or not secrets.compare_digest(
            user.password.encode(), params.get("password", "").encode()
        ):
            return self._xml(render.error("Invalid credentials"), namespace)
        return user

    async def _command(self, request: web.Request) -> web.Response:
        params = {**_strings(request.query), **await _form(request)}
        user = self._authenticate(request, params)
        if isinstance(user, web.Response):
            return user
        action = ACTIONS.get(params.get("action", ""))
        if action is None:
            return self._xml(render.error("Invalid action."))
        for permission in action.permissions:
            if not user.has(permission):
                return self._xml(render.error(PERMISSION_MESSAGES[permission]))
        try:
            root = action.run(self.world, params, user, int(time.time()))
        except CommandError as err:
            # Actions answering <success> fail with a root <error>; the others wrap it.
            failed = action.root == "success"
            root = render.error(str(err)) if failed else render.error_in(action.root, str(err))
        return self._xml(root)

    async def _reporting(self, request: web.Request) -> web.StreamResponse:
        params = {**_strings(request.query), **await _form(request)}
        user = self._authenticate(request, params, self.reporting_namespace)
        if isinstance(user, web.Response):
            return user
        context = ReportContext(
            request=request,
            world=self.world,
            params=params,
            user=user,
            namespace=self.reporting_namespace,
            now=int(time.time()),
            stats=self.report_stats,
        )
        return await handle_report(context)

    async def _backup(self, request: web.Request) -> web.StreamResponse:
        params = {**_strings(request.query), **await _form(request)}
        user = self._authenticate(request, params)
        if isinstance(user, web.Response):
            return user
        if not user.has("perm_admin"):
            return self._xml(render.error(PERMISSION_MESSAGES["perm_admin"]))
        return await files.backup_response(
            request, seed=self.seed, size=self.backup_size, hostname=self.world.appliance.hostname
        )

    async def _client_script(self, request: web.Request) -> web.Response:
        params = {**_strings(request.query), **await _form(request)}
        return files.client_script_response(params, site=self.world.appliance.hostname)

    async def _start_session(self, request: web.Request) -> web.Response:
        params = {**_strings(request.query), **await _form(request)}
        return files.start_session_response(params)

    def _bearer_user(self, token: str) -> ApiUser | None:
        user, expires = self._tokens.get(token, (None, 0.0))
        if user is None or time.monotonic() >= expires:
            self._tokens.pop(token, None)
            return None
        return user

    async def _token(self, request: web.Request) -> web.Response:
        form = await _form(request)
        client_id, secret = _basic_credentials(request.headers.get("Authorization", ""))
        if client_id is None:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        client = self.world.oauth_clients.get(client_id or "")
        if client is None or not secrets.compare_digest(
            client.password.encode(), (secret or "").encode()
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        token = secrets.token_urlsafe(32)
        self._tokens[token] = (client, time.monotonic() + self.token_ttl)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}
        return web.json_response(body)


def _strings(values: Mapping[str, object]) -> dict[str, str]:
    return {key: value for key, value in values.items() if isinstance(value, str)}


async def _form(request: web.Request) -> dict[str, str]:
    if request.method != "POST":
        return {}
    return _strings(await request.post())


def _basic_credentials(header: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret
