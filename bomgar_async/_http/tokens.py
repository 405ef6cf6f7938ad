"""Where OAuth access tokens live: one token per API account and appliance.

``OAuth2ClientCredentials`` asks its :class:`TokenStore` for a token, giving it a way to fetch
one. :class:`MemoryTokenStore` (the default, one per client unless shared) keeps tokens in this
process; ``bomgar_async.fleet.RedisTokenStore`` shares one token across a fleet, so that 32
worker processes do not use up the appliance's 30 valid tokens per API account and log each
other out.

A token is used until a safety margin before it expires (``min(refresh_margin, lifetime / 10)``);
a token the appliance refused (HTTP 401) is passed back as ``reject`` and replaced once,
however many callers saw it refused: a caller whose rejected token was already replaced gets
the replacement.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import attrs

__all__ = ["MemoryTokenStore", "TokenAccount", "TokenGrant", "TokenStore", "safety_margin"]


@attrs.frozen
class TokenGrant:
    """A token as the appliance issued it: its value and lifetime in seconds."""

    token: str = attrs.field(repr=False)
    expires_in: float


@attrs.frozen
class TokenAccount:
    """Whose tokens: an API account on one appliance (the secret keys the store's records and
    never shows in a repr)."""

    appliance: str
    client_id: str
    client_secret: str = attrs.field(repr=False)
    refresh_margin: float = 60.0


Fetch = Callable[[], Awaitable[TokenGrant]]


def safety_margin(account: TokenAccount, expires_in: float) -> float:
    """Seconds before expiry at which a token of ``expires_in`` seconds is no longer used."""
    return min(account.refresh_margin, expires_in / 10)


class TokenStore(Protocol):
    """Keeps the current token of each account."""

    async def token(self, account: TokenAccount, fetch: Fetch, *, reject: str | None) -> str:
        """The account's current token, fetched with ``fetch`` (once for everyone sharing the
        store) when there is none, it is about to expire or it is ``reject``."""


@attrs.define
class _Entry:
    token: str = attrs.field(repr=False)
    stale_at: float


class MemoryTokenStore:
    """Tokens kept in this process; clients sharing the store share their accounts' tokens.

    Args:
        clock: a monotonic clock (injectable for tests).
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def _current(self, key: tuple[str, str], reject: str | None) -> str | None:
        entry = self._entries.get(key)
        if entry is None or entry.token == reject or self._clock() >= entry.stale_at:
            return None
        return entry.token

    async def token(self, account: TokenAccount, fetch: Fetch, *, reject: str | None) -> str:
        """The current token, fetched once however many callers wait for it."""
        key = (account.appliance, account.client_id)
        token = self._current(key, reject)
        if token is not None:
            return token
        async with self._locks.setdefault(key, asyncio.Lock()):
            token = self._current(key, reject)
            if token is not None:
                return token
            grant = await fetch()
            stale_at = self._clock() + grant.expires_in - safety_margin(account, grant.expires_in)
            self._entries[key] = _Entry(grant.token, stale_at)
            return grant.token

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._entries)} accounts)"
