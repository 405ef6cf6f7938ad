"""Redis outages for the fleet's limiter and token store: fall back, warn once, come back.

While Redis is down, callers use the process's own limits or tokens; Redis is tried again
every ``retry_interval`` seconds (one probe at a time) and used again as soon as it answers.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from .._http.redact import redact
from ..cache._redis_commands import (
    RedisUnavailable,
    connect,
)
from ..errors import BomgarConfigError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Outage", "RedisOwner", "open_redis"]

logger = logging.getLogger("bomgar_async")
_Owner = TypeVar("_Owner", bound="RedisOwner")


def open_redis(
    owner: str, url: str | None, client: Redis | None, timeout: float
) -> tuple[Redis, Redis | None, tuple[type[BaseException], ...], str, list[str]]:
    """``(client, the client to close or None, the errors meaning "unavailable", where (the URL
    without its password), secrets)`` for ``url`` or ``client``.

    Raises:
        BomgarConfigError: neither is given, or ``timeout`` is not positive.
        ImportError: redis-py is missing.
    """
    if not timeout > 0:
        raise BomgarConfigError(f"{owner}: redis_timeout must be positive")
    if client is None:
        if not url:
            raise BomgarConfigError(f"{owner} needs a Redis url or a client")
        client, errors = connect(url, timeout)
        owned: Redis | None = client
    else:
        from redis.exceptions import RedisError

        errors, owned = (RedisError, OSError), None
    password = urlsplit(url).password if url else None
    where = re.sub(r"//([^/@]*?):[^/@]*@", r"//\1:***@", url) if url else repr(client)
    return client, owned, errors, where, [password] if password else []


class Outage:
    """Whether Redis is usable, for one limiter or token store.

    Args:
        what: what falls back (for the log), e.g. ``"Redis limiter"``.
        where: the Redis URL without its password.
        retry_interval: seconds between attempts to reach Redis again.
        secrets: values never to log.
    """

    def __init__(self, what: str, where: str, retry_interval: float, secrets: list[str]) -> None:
        if retry_interval < 0:
            raise BomgarConfigError(f"{what}: retry_interval must not be negative")
        self._what = what
        self._where = where
        self._interval = retry_interval
        self._secrets = secrets
        self._down_until: float | None = None
        self._probe: asyncio.Future[bool] | None = None
        self.failures = 0
        """Redis commands that failed."""

    @property
    def up(self) -> bool:
        """``False`` while Redis is considered down."""
        return self._down_until is None

    def went_down(self, err: RedisUnavailable, fallback: str) -> None:
        """Record a failure; the first of an outage logs one WARNING."""
        self.failures += 1
        if self._down_until is None:
            logger.warning(
                "%s %s is unreachable (%s); %s, retrying Redis every %g s",
                self._what,
                self._where,
                redact(str(err), self._secrets),
                fallback,
                self._interval,
            )
        self._down_until = time.monotonic() + self._interval

    async def usable(self, probe: Callable[[], Awaitable[object]]) -> bool:
        """Whether to use Redis now: it is up, or a due ``probe`` succeeds (callers arriving
        during a probe wait for its answer, so none of them limits itself meanwhile)."""
        if self._down_until is None:
            return True
        if self._probe is None:
            if time.monotonic() < self._down_until:
                return False
            self._probe = asyncio.ensure_future(self._try(probe))
        probing = self._probe
        try:
            return await asyncio.shield(probing)
        finally:
            if probing.done() and self._probe is probing:
                self._probe = None

    async def _try(self, probe: Callable[[], Awaitable[object]]) -> bool:
        try:
            await probe()
        except RedisUnavailable:
            self.failures += 1
            self._down_until = time.monotonic() + self._interval
            return False
        self._down_until = None
        logger.info("%s %s is back: shared by every process again", self._what, self._where)
        return True


class RedisOwner:
    """What the fleet's Redis-backed objects share: opening (or taking) their Redis client,
    their :class:`Outage`, and ``aclose()`` and ``async with`` for the client they opened."""

    _owned: Redis | None
    _where: str
    outage: Outage

    def _open(
        self,
        owner: str,
        what: str,
        url: str | None,
        client: Redis | None,
        *,
        lease: float,
        prefix: str,
        redis_timeout: float,
        retry_interval: float,
    ) -> tuple[Redis, tuple[type[BaseException], ...]]:
        """Check the settings every fleet object takes, open ``url`` (or take ``client``) and
        watch it for outages as ``what``; ``(the client, the errors meaning "unavailable")``.

        Raises:
            BomgarConfigError: for an unusable setting (see :func:`open_redis`).
            ImportError: redis-py is missing.
        """
        if not lease > 0 or not prefix:
            raise BomgarConfigError("lease must be positive and prefix non-empty")
        redis, self._owned, errors, self._where, hidden = open_redis(
            owner, url, client, redis_timeout
        )
        self.outage = Outage(what, self._where, retry_interval, hidden)
        return redis, errors

    async def _stop(self) -> None:
        """Stop background work before the connections close (nothing by default)."""

    async def aclose(self) -> None:
        """Close the Redis connections this object opened (not those of a given ``client``)."""
        await self._stop()
        if self._owned is not None:
            await self._owned.aclose()

    async def __aenter__(self: _Owner) -> _Owner:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
