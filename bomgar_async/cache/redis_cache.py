"""``RedisCache``: one cache for a fleet of processes, through Redis (redis-py's asyncio client).

The same guarantees as :class:`~bomgar_async.cache.MemoryCache`, across processes: one fetch
per key per TTL for the whole fleet (a Redis lease taken with ``SET NX PX``; waiters poll with
backoff and take over when the lease ends), stale-if-error and cooldowns shared through Redis,
values stored as versioned JSON (:mod:`.codec`, never pickle). Within a process, callers of
the same key share one lookup. If Redis fails, calls go to an in-process ``MemoryCache``
(one WARNING per outage) until Redis answers again: the cache never fails a call.

redis-py is imported only when a ``RedisCache`` is created (``pip install 'bomgar_async[redis]'``).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import attrs

from .._http.redact import redact
from .._http.request import Timeout
from .._http.retry import is_retryable
from ..errors import BomgarConfigError
from ._policy import (
    CachePolicy,
    ErrorPredicate,
    check_ttl,
    logger,
    new_counts,
    retrieve,
)
from ._redis_commands import (
    RedisUnavailable,
    connect,
)
from ._redis_flight import (
    Outcome,
    RedisLookup,
)
from ._redis_store import RedisStore
from .base import (
    CacheKey,
    CacheStats,
)
from .codec import JsonCodec
from .memory import MemoryCache

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["DEFAULT_LOCK_TIMEOUT", "RedisCache"]

T = TypeVar("T")
DEFAULT_LOCK_TIMEOUT = Timeout().total or 30.0
"""The default lease: the client's default timeout for one call."""


class RedisCache:
    """A TTL cache shared by every process that points at the same Redis and ``prefix``.

    Args:
        url: ``redis://[:password@]host:port/db`` (or give ``client``).
        ttl: seconds a value stays fresh, counted from when its fetch completed.
        grace: seconds a stale value may stand in for a failed refresh (0 disables).
        cooldown: seconds a key rests after a failed fetch, fleet-wide (0 disables).
        lock_timeout: the single-flight lease in seconds; a holder that dies blocks the
            others at most this long. Use your client's timeout (default 30 s, the client's).
        prefix: the namespace of every Redis key; ``invalidate``/``clear`` touch only it.
        client: a ``redis.asyncio.Redis`` to use instead of ``url`` (not closed by
            :meth:`aclose`).
        jitter: extra TTL and cooldown, as a fraction, drawn at random.
        stale_if: which failures a stale value may cover (default: the retryable ones).
        maxsize: entries of the in-process fallback and of the decoded-value memo.
        redis_timeout: seconds for connecting to Redis and for each command.
        retry_interval: seconds between attempts to reach Redis again after a failure.
        codec: what encodes values (default: the models of :mod:`bomgar_async.models`).

    Raises:
        ImportError: redis-py is not installed.
        BomgarConfigError: for an unusable setting.
    """

    def __init__(
        self,
        url: str | None = None,
        ttl: float = 60.0,
        *,
        grace: float = 300.0,
        cooldown: float = 5.0,
        lock_timeout: float | None = None,
        prefix: str = "bomgar_async",
        client: Redis | None = None,
        jitter: float = 0.1,
        stale_if: ErrorPredicate = is_retryable,
        maxsize: int = 1024,
        redis_timeout: float = 1.0,
        retry_interval: float = 5.0,
        codec: JsonCodec | None = None,
    ) -> None:
        self._policy = CachePolicy(
            ttl=ttl, grace=grace, cooldown=cooldown, jitter=jitter, stale_if=stale_if
        )
        lease = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        if not lease > 0 or not prefix or redis_timeout <= 0 or retry_interval < 0:
            raise BomgarConfigError(
                "lock_timeout and redis_timeout must be positive, retry_interval non-negative "
                "and prefix non-empty"
            )
        if client is None:
            if not url:
                raise BomgarConfigError("RedisCache needs a Redis url or a client")
            client, errors = connect(url, redis_timeout)
            self._owned: Redis | None = client
        else:
            from redis.exceptions import RedisError

            errors, self._owned = (RedisError, OSError), None
        password = urlsplit(url).password if url else None
        self._secrets = [password] if password else []
        self._where = re.sub(r"//([^/@]*?):[^/@]*@", r"//\1:***@", url) if url else repr(client)
        self.ttl = ttl
        self.lock_timeout = lease
        self._store = RedisStore(client, prefix, errors)
        self._fallback = MemoryCache(
            ttl, maxsize=maxsize, jitter=jitter, grace=grace, cooldown=cooldown, stale_if=stale_if
        )
        self._inflight: dict[CacheKey, asyncio.Task[Outcome]] = {}
        self._counts = new_counts()
        self._lookup = RedisLookup(
            self._store,
            codec or JsonCodec(),
            self._policy,
            self._counts,
            lease_ms=max(1, int(lease * 1000)),
            maxsize=maxsize,
            on_unavailable=self._went_down,
        )
        self._retry_interval = retry_interval
        self._down_until: float | None = None
        self._probing = False
        self._pending: set[tuple[str | None, str | None]] = set()

    @property
    def policy(self) -> CachePolicy:
        """The TTL, grace, cooldown, jitter and stale-if settings."""
        return self._policy

    @property
    def redis_available(self) -> bool:
        """``False`` while Redis is considered down (calls use the in-process fallback)."""
        return self._down_until is None

    # -- the lookup ----------------------------------------------------------------------

    async def get_or_fetch(
        self, key: CacheKey, fetch: Callable[[], Awaitable[T]], *, ttl: float | None = None
    ) -> T:
        """The fresh value for ``key``, calling ``fetch`` once for the whole fleet if needed.

        Raises:
            BomgarConfigError: ``ttl`` is given but not a finite positive number of seconds.
            Exception: what ``fetch`` raised (here or, during a cooldown, in another
                process), unless a stale value may stand in for it.
        """
        if ttl is not None:
            check_ttl(ttl)
        if self._down_until is not None and not await self._recovered():
            return await self._fallback.get_or_fetch(key, fetch, ttl=ttl)
        task = self._inflight.get(key)
        joined = task is not None
        if task is None:
            task = asyncio.create_task(self._resolve(key, fetch, ttl))
            task.add_done_callback(retrieve)
            self._inflight[key] = task
        outcome = await asyncio.shield(task)
        if outcome.source == "fallback":
            return await self._fallback.get_or_fetch(key, fetch, ttl=ttl)
        counts = self._counts
        if outcome.source == "hit":
            counts["hits"] += 1
            value: T = outcome.value
            return value
        counts["misses"] += 1
        counts["coalesced"] += joined or outcome.source == "remote"
        counts["stale_served"] += outcome.source == "stale"
        counts["cooldown_errors"] += outcome.source == "cooldown"
        if outcome.error is not None:
            raise outcome.error.with_traceback(outcome.traceback)
        result: T = outcome.value
        return result

    async def _resolve(
        self, key: CacheKey, fetch: Callable[[], Awaitable[Any]], ttl: float | None
    ) -> Outcome:
        this = asyncio.current_task()
        try:
            return await self._lookup.resolve(key, fetch, ttl)
        except RedisUnavailable as err:  # raised only before ``fetch`` was called
            self._went_down(err)
            return Outcome("fallback")
        finally:
            if self._inflight.get(key) is this:
                del self._inflight[key]

    # -- Redis outages -------------------------------------------------------------------

    def _went_down(self, err: RedisUnavailable) -> None:
        self._counts["backend_errors"] += 1
        if self._down_until is None:
            logger.warning(
                "Redis cache %s is unreachable (%s); caching in this process only, and "
                "retrying Redis every %.0f s",
                self._where,
                redact(str(err), self._secrets),
                self._retry_interval,
            )
        self._down_until = time.monotonic() + self._retry_interval

    async def _recovered(self) -> bool:
        down_until = self._down_until
        if down_until is None:
            return True
        if self._probing or time.monotonic() < down_until:
            return False
        self._probing = True
        try:
            for action, appliance in sorted(self._pending, key=repr):
                await self._store.invalidate(action, appliance)
            await self._store.ping()
        except RedisUnavailable:
            self._counts["backend_errors"] += 1
            self._down_until = time.monotonic() + self._retry_interval
            return False
        finally:
            self._probing = False
        self._pending.clear()
        self._down_until = None
        await self._fallback.clear()
        logger.info(
            "Redis cache %s is back: the cache is shared by every process again", self._where
        )
        return True

    # -- invalidation, statistics, lifecycle ---------------------------------------------

    async def invalidate(self, action: str | None = None, *, appliance: str | None = None) -> int:
        """Drop entries (all, or those of ``action`` and/or ``appliance``) in Redis (with SCAN,
        under this prefix only) and in the fallback; returns how many. If Redis is down, it is
        done when Redis answers again, before anything is read from it."""
        dropped = await self._fallback.invalidate(action, appliance=appliance)
        for key in list(self._inflight):
            if (action is None or key.action == action) and (
                appliance is None or key.appliance == appliance
            ):
                del self._inflight[key]  # newcomers start a lookup of their own
        if self._down_until is None:
            try:
                return dropped + await self._store.invalidate(action, appliance)
            except RedisUnavailable as err:
                self._went_down(err)
        self._pending.add((action, appliance))
        return dropped

    async def clear(self) -> None:
        """Drop every entry under this prefix (and in the fallback)."""
        await self.invalidate()

    def stats(self) -> CacheStats:
        """This process's counters, including the calls served by the fallback."""
        fallback = attrs.asdict(self._fallback.stats())
        return CacheStats(**{name: n + fallback[name] for name, n in self._counts.items()})

    async def aclose(self) -> None:
        """Close the Redis connections this cache opened (not those of a given ``client``)."""
        if self._owned is not None:
            await self._owned.aclose()

    async def __aenter__(self) -> RedisCache:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"RedisCache({self._where!r}, ttl={self.ttl}, prefix={self._store.prefix!r})"
