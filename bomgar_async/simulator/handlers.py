"""The simulated appliance's request handlers, mixed into :class:`~.app.Simulator`.

:class:`SimulatorHandlers` answers the Command API (the table ``ACTIONS`` of :mod:`.actions`,
XML from :mod:`.render`), the Reporting API (see :mod:`.reports`), OAuth 2 client credentials
and the file APIs of :mod:`.files` (backup, client scripting, session generation). Requests
authenticate with a bearer token issued by the token endpoint or with username/password
fields. The server and its routes live in :mod:`.app`, the middleware and the request
recording in :mod:`.traffic`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Mapping
from xml.etree.ElementTree import Element

from aiohttp import web

from . import (
    files,
    render,
)
from .actions import (
    ACTIONS,
    PERMISSION_MESSAGES,
)
from .limits import issue_token
from .pra_reports import PRIVILEGED_REMOTE_ACCESS
from .reports import (
    REMOTE_SUPPORT,
    ReportContext,
    ReportStats,
    handle_report,
)
from .reports_render import (
    REPORTING_NS_BEYONDTRUST,
    reporting_namespace,
)
from .world import (
    ApiUser,
    CommandError,
    World,
)

__all__ = ["SimulatorHandlers", "basic_credentials", "form_fields", "string_fields"]


class SimulatorHandlers:
    """The aiohttp handlers of :class:`~.app.Simulator`, which sets the attributes below."""

    seed: int
    world: World
    namespace: str | None
    token_ttl: int
    token_cap: int | None
    tokens_issued: int
    backup_size: int
    locale: str
    product: str
    report_stats: list[ReportStats]
    _tokens: dict[str, tuple[ApiUser, float]]

    @property
    def reporting_namespace(self) -> str | None:
        """The ``xmlns`` of Reporting API answers, matching :attr:`namespace` (PRA answers in
        its own ``.../sra/...`` namespace)."""
        if self.product == "pra" and self.namespace is not None:
            return REPORTING_NS_BEYONDTRUST
        return reporting_namespace(self.namespace)

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
        params = {**string_fields(request.query), **await form_fields(request)}
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
        params = {**string_fields(request.query), **await form_fields(request)}
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
            locale=self.locale,
        )
        catalog = PRIVILEGED_REMOTE_ACCESS if self.product == "pra" else REMOTE_SUPPORT
        return await handle_report(context, catalog)

    async def _backup(self, request: web.Request) -> web.StreamResponse:
        params = {**string_fields(request.query), **await form_fields(request)}
        user = self._authenticate(request, params)
        if isinstance(user, web.Response):
            return user
        if not user.has("perm_admin"):
            return self._xml(render.error(PERMISSION_MESSAGES["perm_admin"]))
        return await files.backup_response(
            request, seed=self.seed, size=self.backup_size, hostname=self.world.appliance.hostname
        )

    async def _client_script(self, request: web.Request) -> web.Response:
        params = {**string_fields(request.query), **await form_fields(request)}
        return files.client_script_response(params, site=self.world.appliance.hostname)

    async def _start_session(self, request: web.Request) -> web.Response:
        params = {**string_fields(request.query), **await form_fields(request)}
        return files.start_session_response(params)

    def _account(self, request: web.Request, form: Mapping[str, str]) -> str | None:
        """The API account ``request`` claims to be (for its rate limit), if any."""
        authorization = request.headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            user = self._bearer_user(authorization[7:].strip())
            return None if user is None else user.username
        client_id, _ = basic_credentials(authorization)
        return client_id or form.get("username") or request.query.get("username")

    def _bearer_user(self, token: str) -> ApiUser | None:
        user, expires = self._tokens.get(token, (None, 0.0))
        if user is None or time.monotonic() >= expires:
            self._tokens.pop(token, None)
            return None
        return user

    async def _token(self, request: web.Request) -> web.Response:
        form = await form_fields(request)
        client_id, secret = basic_credentials(request.headers.get("Authorization", ""))
        if client_id is None:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        client = self.world.oauth_clients.get(client_id or "")
        if client is None or not secrets.compare_digest(
            client.password.encode(), (secret or "").encode()
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        token = issue_token(self._tokens, client, self.token_ttl, self.token_cap)
        self.tokens_issued += 1
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}
        return web.json_response(body)


def string_fields(values: Mapping[str, object]) -> dict[str, str]:
    """The string values of ``values`` (a query string or a parsed form; files dropped)."""
    return {key: value for key, value in values.items() if isinstance(value, str)}


async def form_fields(request: web.Request) -> dict[str, str]:
    """The string fields of a POST body (``{}`` for other methods)."""
    if request.method != "POST":
        return {}
    return string_fields(await request.post())


def basic_credentials(header: str) -> tuple[str | None, str | None]:
    """``(client id, secret)`` from an HTTP Basic ``Authorization`` header; ``(None, None)``
    when the header is not Basic or does not decode."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret
