"""``RedisTokenStore``: one OAuth token per API account and appliance for a whole fleet.

``BomgarClient(host, client_id=..., client_secret=..., token_store=RedisTokenStore(url))``:
every process asks Redis for the account's token; when there is none, it is about to expire
(its last ``min(refresh_margin, lifetime / 10)`` seconds, during which the others keep using
it) or the appliance refused it (401), one process at a time fetches a new one under a lease
(``SET NX PX``; a holder that dies blocks the others at most ``lease`` seconds) and the others
wait for it. Tokens are sealed (:mod:`._sealing`); the commands sent to Redis are in
:mod:`._token_store`. If Redis fails, each process keeps its own token (one WARNING) until
Redis answers again.

redis-py and cryptography are imported only when the store is used (the ``redis`` extra).
"""

from __future__ import annotations

import asyncio
import random
import secrets
from typing import TYPE_CHECKING

from .._http.tokens import (
    Fetch,
    MemoryTokenStore,
    TokenAccount,
    safety_margin,
)
from ..cache._redis_commands import RedisUnavailable
from ._outage import RedisOwner
from ._sealing import Sealer
from ._token_store import TokenCommands

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisTokenStore"]

_POLL_FIRST, _POLL_MAX = 0.005, 0.1
_FALLBACK = "each process fetches its own OAuth token"


class RedisTokenStore(RedisOwner):
    """OAuth tokens shared through Redis by every process using the same Redis and prefix.

    Args:
        url: ``redis://[:password@]host:port/db`` (or give ``client``).
        lease: seconds one process may take to fetch a token before another may try.
        prefix: the namespace of every Redis key.
        client: a ``redis.asyncio.Redis`` to use instead of ``url`` (not closed by
            :meth:`aclose`).
        redis_timeout: seconds for connecting to Redis and for each command.
        retry_interval: seconds between attempts to reach Redis again after a failure.

    Raises:
        ImportError: redis-py is not installed.
        BomgarConfigError: for an unusable setting.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        lease: float = 30.0,
        prefix: str = "bomgar_async",
        client: Redis | None = None,
        redis_timeout: float = 1.0,
        retry_interval: float = 5.0,
    ) -> None:
        redis, errors = self._open(
            "RedisTokenStore",
            "Redis token store",
            url,
            client,
            lease=lease,
            prefix=prefix,
            redis_timeout=redis_timeout,
            retry_interval=retry_interval,
        )
        self._prefix = prefix
        self._lease_ms = max(1, int(lease * 1000))
        self._store = TokenCommands(redis, errors)
        self._sealers: dict[TokenAccount, Sealer] = {}
        self._fallback = MemoryTokenStore()

    async def token(self, account: TokenAccount, fetch: Fetch, *, reject: str | None) -> str:
        """The account's token for the fleet, fetched by one process at a time when needed."""
        if await self.outage.usable(self._store.ping):
            try:
                return await self._shared(account, fetch, reject)
            except RedisUnavailable as err:  # raised only before a fetch
                self.outage.went_down(err, _FALLBACK)
        return await self._fallback.token(account, fetch, reject=reject)

    def _sealer(self, account: TokenAccount) -> Sealer:
        sealer = self._sealers.get(account)
        if sealer is None:
            sealer = self._sealers[account] = Sealer(account, self._prefix)
        return sealer

    async def _shared(self, account: TokenAccount, fetch: Fetch, reject: str | None) -> str:
        sealer = self._sealer(account)
        delay = _POLL_FIRST
        while True:
            raw, pttl = await self._store.read(sealer.name)
            current = sealer.open(raw)
            usable = current is not None and current.token != reject
            if current is not None and usable and pttl > current.early_ms:
                return current.token
            lease_id = secrets.token_hex(16)
            if await self._store.claim(sealer.lease, lease_id, self._lease_ms):
                return await self._refresh(account, sealer, lease_id, fetch, reject)
            if current is not None and usable:
                return current.token  # another process refreshes it early
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(_POLL_MAX, delay * 2)

    async def _refresh(
        self, account: TokenAccount, sealer: Sealer, lease_id: str, fetch: Fetch, reject: str | None
    ) -> str:
        try:
            # stored by another process just before the lease was taken?
            raw, pttl = await self._store.read(sealer.name)
            current = sealer.open(raw)
            if current is not None and current.token != reject and pttl > current.early_ms:
                await self._settle_release(sealer, lease_id)
                return current.token
            grant = await fetch()
        except BaseException:
            await self._settle_release(sealer, lease_id)
            raise
        margin = safety_margin(account, grant.expires_in)
        px = max(1, int((grant.expires_in - margin) * 1000))
        sealed = sealer.seal(grant.token, int(margin * 1000))
        try:
            await self._store.save(sealer.name, sealer.lease, sealed, px, lease_id)
        except RedisUnavailable as err:
            self.outage.went_down(err, _FALLBACK)
        return grant.token

    async def _settle_release(self, sealer: Sealer, lease_id: str) -> None:
        try:
            await self._store.release(sealer.lease, lease_id)
        except RedisUnavailable as err:  # the lease expires by itself
            self.outage.went_down(err, _FALLBACK)

    def __repr__(self) -> str:
        return f"RedisTokenStore({self._where!r}, prefix={self._prefix!r})"
