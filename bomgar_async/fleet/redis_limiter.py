"""``RedisLimiter``: concurrency and rate limits shared by every process of a fleet (Redis).

``BomgarClient(host, ..., limiter=RedisLimiter(url, max_in_flight=4, rate=20))``: at most
``max_in_flight`` calls at the appliance across every process sharing the key (the appliance's
base URL unless ``key`` is given), ``rate`` calls per second with bursts of ``burst``, and a
pause for the whole fleet when the appliance answers 429 (``Retry-After`` honoured) or
``X-RateLimit-Remaining: 0``. The state lives in Redis (see :mod:`._limit_store`); if Redis
fails, each process keeps to the same limits on its own (one WARNING) until Redis answers.

redis-py is imported only when a ``RedisLimiter`` is created (the ``redis`` extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from .._http.limit import (
    LimitCounts,
    LocalLimit,
    LocalLimiter,
    appliance_pause,
    check_limits,
    remaining,
    timed_out,
)
from ..cache._redis_commands import RedisUnavailable
from ._limit_store import (
    LimitKeys,
    LimitStore,
)
from ._outage import RedisOwner

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisLimiter"]

_POLL_FIRST, _POLL_MAX = 0.002, 0.02
_FALLBACK = "each process keeps to the limits on its own"


class RedisLimiter(RedisOwner):
    """Limits shared through Redis by every process using the same Redis, prefix and key.

    Args:
        url: ``redis://[:password@]host:port/db`` (or give ``client``; one Redis can serve
            the cache, the limiter and the token store).
        max_in_flight: calls at the appliance at once, fleet-wide.
        rate: calls per second, fleet-wide (``None``: no rate limit).
        burst: calls that may start at once after a quiet spell (default ``max_in_flight``).
        key: what the limits are shared by (default: the appliance's base URL).
        lease: seconds a slot stays taken if its process dies (live holders renew it).
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
        max_in_flight: int = 8,
        *,
        rate: float | None = None,
        burst: int | None = None,
        key: str | None = None,
        lease: float = 10.0,
        prefix: str = "bomgar_async",
        client: Redis | None = None,
        redis_timeout: float = 1.0,
        retry_interval: float = 5.0,
    ) -> None:
        check_limits(max_in_flight, rate, burst)
        redis, errors = self._open(
            "RedisLimiter",
            "Redis limiter",
            url,
            client,
            lease=lease,
            prefix=prefix,
            redis_timeout=redis_timeout,
            retry_interval=retry_interval,
        )
        self.max_in_flight = max_in_flight
        self.rate = rate
        self.burst = burst or max_in_flight
        self.key = key
        self.lease_ms = max(1, int(lease * 1000))
        self.store = LimitStore(redis, prefix, errors)
        self._local = LocalLimiter(max_in_flight, rate=rate, burst=self.burst)
        self._held: dict[str, set[str]] = {}
        self._renewer: asyncio.Task[None] | None = None

    def bind(self, appliance: str) -> _RedisLimit:
        """The limit of ``appliance`` (shared by the fleet under ``key`` or its base URL)."""
        keys = self.store.keys(self.key or appliance)
        return _RedisLimit(self, keys, self._local.bind(self.key or appliance))

    @property
    def redis_available(self) -> bool:
        """``False`` while Redis is considered down (each process limits itself)."""
        return self.outage.up

    # -- leases held by this process -----------------------------------------------------

    def hold(self, slots: str, lease_id: str) -> None:
        """Keep ``lease_id`` renewed until :meth:`drop`."""
        self._held.setdefault(slots, set()).add(lease_id)
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.create_task(self._renew())

    def drop(self, slots: str, lease_id: str) -> None:
        """Stop renewing ``lease_id``."""
        held = self._held.get(slots)
        if held is not None:
            held.discard(lease_id)
            if not held:
                del self._held[slots]

    async def _renew(self) -> None:
        while self._held:
            await asyncio.sleep(self.lease_ms / 3000)
            for slots, lease_ids in list(self._held.items()):
                with contextlib.suppress(RedisUnavailable):
                    await self.store.renew(slots, sorted(lease_ids), self.lease_ms)

    async def _stop(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer

    def __repr__(self) -> str:
        return (
            f"RedisLimiter({self._where!r}, max_in_flight={self.max_in_flight}, "
            f"rate={self.rate}, burst={self.burst})"
        )


class _RedisLimit:
    """One appliance's fleet-wide limit, as one client uses it."""

    def __init__(self, owner: RedisLimiter, keys: LimitKeys, local: LocalLimit) -> None:
        self._owner = owner
        self._keys = keys
        self._local = local
        self.counts = LimitCounts()
        local.counts = self.counts

    @asynccontextmanager
    async def slot(self, timeout: float | None) -> AsyncIterator[float | None]:
        """Wait for a turn of the fleet's rate and one of its slots (see ``Limit``)."""
        owner, started = self._owner, time.monotonic()
        lease_id: str | None = None
        if await owner.outage.usable(owner.store.ping):
            try:
                lease_id = await self._acquire(timeout, started)
            except RedisUnavailable as err:
                owner.outage.went_down(err, _FALLBACK)
        if lease_id is None:
            async with self._local.slot(remaining(timeout, started)) as left:
                yield left
            return
        owner.hold(self._keys.slots, lease_id)
        try:
            waited = time.monotonic() - started > 0.001
            yield remaining(timeout, started) if waited else timeout
        finally:
            owner.drop(self._keys.slots, lease_id)
            try:
                await owner.store.release(self._keys, lease_id)
            except RedisUnavailable as err:  # the lease expires by itself
                owner.outage.went_down(err, _FALLBACK)

    async def _acquire(self, timeout: float | None, started: float) -> str:
        owner = self._owner
        if owner.rate is not None:  # without one, taking a slot checks the pause
            await self._reserve(timeout)
        lease_id = secrets.token_hex(8)
        delay, paused, polled = _POLL_FIRST, False, False
        while True:
            taken = await owner.store.take(
                self._keys, lease_id, owner.max_in_flight, owner.lease_ms
            )
            if taken is True:
                return lease_id
            left = remaining(timeout, started)
            if taken is False:
                self.counts.limiter_waits += not polled
                polled = True
                if left is not None and left <= 0.001:
                    raise timed_out("a concurrency slot (max_in_flight of the fleet)", timeout)
                pause = delay * random.uniform(0.5, 1.0)  # spreads the polls
                delay = min(_POLL_MAX, delay * 2)
            else:  # the fleet is paused (a 429 or X-RateLimit-Remaining: 0)
                self.counts.rate_limit_waits += not paused
                paused = True
                pause = float(taken)
                if left is not None and pause >= left:
                    raise timed_out("the end of the appliance's rate-limit pause", timeout)
            await asyncio.sleep(pause if left is None else min(pause, left))

    async def _reserve(self, timeout: float | None) -> None:
        owner = self._owner
        turn = await owner.store.reserve(self._keys, owner.rate, owner.burst, timeout)
        if not turn.reserved:
            raise timed_out("the rate limit", timeout)
        if turn.wait > 0:
            if turn.paused:
                self.counts.rate_limit_waits += 1
            else:
                self.counts.limiter_waits += 1
            await asyncio.sleep(turn.wait)

    async def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Pause the fleet after a 429 or ``X-RateLimit-Remaining: 0`` (see ``Limit``)."""
        pause = appliance_pause(status, headers, self.counts)
        if pause <= 0:
            return
        self._local.pause(pause)  # holds this process even if Redis fails
        if self._owner.outage.up:
            try:
                await self._owner.store.pause(self._keys, pause)
            except RedisUnavailable as err:
                self._owner.outage.went_down(err, _FALLBACK)
