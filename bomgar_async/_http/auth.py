"""Credentials: the guide's username/password, or OAuth 2 client credentials (newer appliances).

An auth object turns a request without credentials into one with them:

- ``PasswordAuth`` adds ``username``/``password`` as form fields of a POST (default) or,
  only when asked for with ``method="GET"``, as query parameters.
- ``OAuth2ClientCredentials`` obtains a bearer token with ``POST /oauth2/token``
  (``grant_type=client_credentials``, HTTP Basic client authentication), keeps it in a
  token store (:mod:`.tokens`) until shortly before ``expires_in``, fetches it once however
  many calls wait for it, and lets the client replace it once when a call answers 401.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import attrs

from ..errors import (
    BomgarAuthError,
    BomgarConfigError,
    BomgarHTTPError,
    BomgarProtocolError,
)
from .request import (
    Params,
    Request,
    Response,
)
from .tokens import (
    MemoryTokenStore,
    TokenAccount,
    TokenGrant,
    TokenStore,
)

__all__ = ["Auth", "OAuth2ClientCredentials", "PasswordAuth", "auth_from_options"]

Send = Callable[[Request], Awaitable[Response]]
TOKEN_PATH = "/oauth2/token"  # noqa: S105 (a URL path, not a secret)
MAX_TOKEN_LIFETIME = 366 * 86400.0  # a longer expires_in is taken as a year


class Auth(Protocol):
    """Adds credentials to requests."""

    identity: str
    """Who calls (username or client id; never a secret): part of cache keys."""

    async def authorize(self, request: Request, send: Send) -> Request:
        """``request`` with credentials added (may call ``send`` to obtain a token)."""

    def invalidate(self, request: Request) -> bool:
        """Forget the credential ``request`` carried; True if a new one should be tried."""

    def secrets(self) -> tuple[str, ...]:
        """Every secret value this auth may put on the wire."""


def _with_params(request: Request, extra: Params, secrets: tuple[str, ...]) -> Request:
    """``request`` with ``extra`` first in its form body (POST) or query string (GET)."""
    secrets = (*request.secrets, *secrets) if request.secrets else secrets
    form, query = request.form, request.query
    if request.method == "POST":
        form = (*extra, *form) if form else extra
    else:
        query = (*extra, *query)
    # Built directly (not attrs.evolve): this runs once per call.
    return Request(
        request.method,
        request.path,
        query,
        form,
        request.headers,
        secrets,
        request.read_only,
        request.label,
    )


class PasswordAuth:
    """The guide's API user: ``username`` and ``password`` sent with every call."""

    def __init__(self, username: str, password: str) -> None:
        self.identity = username
        self._password = password
        self._params: Params = (("username", username), ("password", password))
        self._secrets = (password,)

    async def authorize(self, request: Request, send: Send) -> Request:
        """Add the credentials as form fields (POST) or query parameters (GET)."""
        return _with_params(request, self._params, self._secrets)

    def with_credentials(self, request: Request) -> Request:
        """:meth:`authorize` without awaiting: nothing is fetched (the pipeline's flat path)."""
        return _with_params(request, self._params, self._secrets)

    def invalidate(self, request: Request) -> bool:
        """A password cannot be refreshed."""
        return False

    def secrets(self) -> tuple[str, ...]:
        """The password."""
        return (self._password,)

    def __repr__(self) -> str:
        return f"PasswordAuth(username={self.identity!r})"


class OAuth2ClientCredentials:
    """OAuth 2 client credentials for appliances that use ``/oauth2/token``.

    Args:
        client_id: the API account's client id.
        client_secret: its secret.
        refresh_margin: seconds before expiry at which a token is considered stale.
        clock: a monotonic clock (injectable for tests) for the default token store.
        token_store: where tokens live (default: a ``MemoryTokenStore`` of this object's own;
            ``bomgar_async.fleet.RedisTokenStore`` shares them across processes).
        appliance: the appliance's base URL (part of the token store's key).
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        token_store: TokenStore | None = None,
        appliance: str = "",
    ) -> None:
        self.identity = client_id
        self._secret = client_secret
        self._account = TokenAccount(appliance, client_id, client_secret, refresh_margin)
        self._store = token_store if token_store is not None else MemoryTokenStore(clock=clock)
        self._token: str | None = None
        self._rejected: str | None = None
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        self._basic = basic
        self.fetch_count = 0

    async def token(self, send: Send) -> str:
        """A valid access token from the token store, fetched once however many callers (of
        every client sharing the store) wait for it."""
        rejected = self._rejected
        token = await self._store.token(self._account, lambda: self._fetch(send), reject=rejected)
        if self._rejected == rejected:
            self._rejected = None
        self._token = token
        return token

    async def _fetch(self, send: Send) -> TokenGrant:
        request = Request(
            method="POST",
            path=TOKEN_PATH,
            form=(("grant_type", "client_credentials"),),
            headers=(("Authorization", f"Basic {self._basic}"), ("Accept", "application/json")),
            secrets=self.secrets(),
            read_only=True,
            label="oauth2_token",
        )
        self.fetch_count += 1
        response = await send(request)
        if response.status in (400, 401, 403):
            raise BomgarAuthError(
                "the appliance refused the OAuth client credentials", action="oauth2_token"
            )
        if response.status != 200:
            raise BomgarHTTPError(f"oauth2_token: HTTP {response.status}", status=response.status)
        try:
            if len(response.body) > 1 << 16:  # a token answer is a few hundred bytes
                raise ValueError("token answer too large")
            payload = json.loads(response.body)
            token = str(payload["access_token"])
            expires_in = float(payload.get("expires_in", 3600))
            if not 0 <= expires_in < math.inf:  # NaN fails too
                raise ValueError("expires_in is not a number of seconds")
        except (ValueError, KeyError, TypeError, RecursionError) as err:
            raise BomgarProtocolError(
                "oauth2_token: the token answer is not the expected JSON"
            ) from err
        return TokenGrant(token, min(expires_in, MAX_TOKEN_LIFETIME))

    async def authorize(self, request: Request, send: Send) -> Request:
        """Add ``Authorization: Bearer <token>``."""
        token = await self.token(send)
        return attrs.evolve(
            request,
            headers=(*request.headers, ("Authorization", f"Bearer {token}")),
            secrets=(*request.secrets, *self.secrets()),
        )

    def invalidate(self, request: Request) -> bool:
        """Mark the token ``request`` carried as refused: the next call gets another one (the
        store replaces it once for all its users)."""
        sent = dict(request.headers).get("Authorization", "")
        if sent.startswith("Bearer "):
            self._rejected = sent[len("Bearer ") :]
        return True

    def secrets(self) -> tuple[str, ...]:
        """The client secret, its Basic form and the current token."""
        found = [self._secret, self._basic]
        if self._token:
            found.append(self._token)
        return tuple(found)

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(client_id={self.identity!r})"


def auth_from_options(
    username: str | None,
    password: str | None,
    client_id: str | None,
    client_secret: str | None,
    *,
    token_store: TokenStore | None = None,
    appliance: str = "",
) -> Auth:
    """The Auth for the client's keyword arguments (exactly one kind of credentials).

    Raises:
        BomgarConfigError: missing, partial or mixed credentials.
    """
    has_password = username is not None or password is not None
    has_oauth = client_id is not None or client_secret is not None
    if has_password and has_oauth:
        raise BomgarConfigError("give username/password or client_id/client_secret, not both")
    if has_oauth:
        if not client_id or not client_secret:
            raise BomgarConfigError("OAuth needs both client_id and client_secret")
        return OAuth2ClientCredentials(
            client_id, client_secret, token_store=token_store, appliance=appliance
        )
    if not username or not password:
        raise BomgarConfigError("username and password are required (or client_id/client_secret)")
    return PasswordAuth(username, password)
