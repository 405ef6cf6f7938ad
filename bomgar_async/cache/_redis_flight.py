"""One process's part in a fleet-wide lookup of one key in Redis (used by ``RedisCache``).

:meth:`RedisLookup.resolve` reads the key; on a miss it takes the lease (``SET NX PX``) and
fetches, or polls with backoff until the holder stores a value, records a failure or its
lease ends, and then takes over. Redis failures before the fetch raise
:class:`~._redis_commands.RedisUnavailable` (the caller falls back); after it, they are
reported to ``on_unavailable`` and never change the answer.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Literal

import attrs
from cachetools import LRUCache

from ..errors import BomgarError
from ._policy import (
    CachePolicy,
    check_immutable,
    logger,
)
from ._redis_commands import RedisUnavailable
from ._redis_store import (
    KeyNames,
    RedisStore,
    Snapshot,
)
from .base import CacheKey
from .codec import (
    CodecError,
    Entry,
    Failure,
    JsonCodec,
    dump_failure,
    load_failure,
)

__all__ = ["Outcome", "RedisLookup"]

_POLL_FIRST, _POLL_MAX = 0.002, 0.05
Source = Literal["hit", "fetched", "remote", "stale", "error", "cooldown", "fallback"]


@attrs.frozen
class Outcome:
    """How a lookup ended: ``hit`` (fresh in Redis), ``fetched`` (by this process),
    ``remote`` (fetched by another caller while this one waited), ``stale`` (standing in
    for a failure), ``error`` (this fetch failed), ``cooldown`` (a recent failure, raised
    again) or ``fallback`` (Redis is unavailable: use the in-process cache)."""

    source: Source
    value: Any = None
    error: BaseException | None = None
    traceback: TracebackType | None = None


class RedisLookup:
    """The lookup protocol for one ``RedisCache``.

    Args:
        store: the Redis commands.
        codec: encodes and decodes values.
        policy: TTL, grace, cooldown, jitter and stale-if settings.
        counts: the cache's counters (``upstream_calls`` and ``errors`` are counted here).
        lease_ms: the single-flight lease.
        maxsize: decoded values remembered, so that repeated hits skip decoding.
        on_unavailable: called when Redis fails after a fetch.
    """

    def __init__(
        self,
        store: RedisStore,
        codec: JsonCodec,
        policy: CachePolicy,
        counts: dict[str, int],
        *,
        lease_ms: int,
        maxsize: int,
        on_unavailable: Callable[[RedisUnavailable], None],
    ) -> None:
        self.store = store
        self.policy = policy
        self.counts = counts
        self._codec = codec
        self._lease_ms = lease_ms
        self._on_unavailable = on_unavailable
        self._memo: LRUCache[str, tuple[bytes, Entry]] = LRUCache(maxsize=maxsize)
        self._unstorable: set[str] = set()

    async def resolve(
        self, key: CacheKey, fetch: Callable[[], Awaitable[Any]], ttl: float | None
    ) -> Outcome:
        """Look ``key`` up, fetching it if this caller wins the lease.

        Raises:
            RedisUnavailable: Redis failed before ``fetch`` was called.
        """
        return await self._lookup(key, self.store.names(key), fetch, ttl)

    async def _lookup(
        self, key: CacheKey, names: KeyNames, fetch: Callable[[], Awaitable[Any]], ttl: float | None
    ) -> Outcome:
        fresh = self._decoded(names, await self.store.read_fresh(names))
        if fresh is not None:
            return Outcome("hit", fresh.value)
        snapshot = await self.store.read(names)
        entry = self._entry(names, snapshot)
        delay = _POLL_FIRST
        while True:
            if entry is not None and snapshot.fresh:
                return Outcome("remote", entry.value)
            failure = self._failure(snapshot)
            if failure is not None:
                if self.policy.may_serve_stale(failure.error) and entry is not None:
                    return Outcome("stale", entry.value)
                return Outcome("cooldown", error=failure.error)
            if not snapshot.locked:
                token = secrets.token_hex(16)
                acquired, snapshot = await self.store.claim(names, token, self._lease_ms)
                entry = self._entry(names, snapshot)
                if not acquired:
                    continue
                filled = entry is not None and snapshot.fresh
                if not filled and self._failure(snapshot) is None:
                    return await self._lead(key, names, token, fetch, ttl, entry, snapshot)
                await self.store.release(names, token)  # filled or failed meanwhile
                snapshot = attrs.evolve(snapshot, locked=True)
                continue
            await asyncio.sleep(delay)
            delay = min(_POLL_MAX, delay * 2)
            snapshot = await self.store.read(names)
            entry = self._entry(names, snapshot)

    async def _lead(
        self,
        key: CacheKey,
        names: KeyNames,
        token: str,
        fetch: Callable[[], Awaitable[Any]],
        ttl: float | None,
        stale: Entry | None,
        snapshot: Snapshot,
    ) -> Outcome:
        self.counts["upstream_calls"] += 1
        try:
            value = await fetch()
            check_immutable(value)
        except Exception as err:
            self.counts["errors"] += 1
            return await self._lead_failed(key, names, token, err, stale, snapshot)
        try:
            payload = self._codec.dumps(value)
        except CodecError as err:
            if key.action not in self._unstorable:
                self._unstorable.add(key.action)
                logger.warning("%s: answer not cached in Redis: %s", key.action, err)
            await self._settle(self.store.release(names, token))
            return Outcome("fetched", value)
        lifetime_ms = max(1, int(self.policy.lifetime(ttl) * 1000))
        grace_ms = int(self.policy.grace * 1000)
        self._memo[names.value] = (payload, Entry(value))
        saving = self.store.save(names, token, payload, lifetime_ms, grace_ms, snapshot.epoch)
        await self._settle(saving)
        return Outcome("fetched", value)

    async def _lead_failed(
        self,
        key: CacheKey,
        names: KeyNames,
        token: str,
        err: Exception,
        stale: Entry | None,
        snapshot: Snapshot,
    ) -> Outcome:
        now = time.monotonic()
        cooldown = self.policy.cooldown_for(err)
        if cooldown > 0 and isinstance(err, BomgarError):
            payload = dump_failure(err)
            await self._settle(self.store.fail(names, token, payload, int(cooldown * 1000)))
        else:
            await self._settle(self.store.release(names, token))
        if stale is not None and self.policy.may_serve_stale(err) and now < snapshot.stale_until:
            logger.warning(
                "%s: refresh failed (%s: %s); serving the stale answer for up to %.0f s more",
                key.action,
                type(err).__name__,
                err,
                snapshot.stale_until - now,
            )
            return Outcome("stale", stale.value)
        return Outcome("error", error=err, traceback=err.__traceback__)

    def _entry(self, names: KeyNames, snapshot: Snapshot) -> Entry | None:
        return self._decoded(names, snapshot.value)

    def _decoded(self, names: KeyNames, raw: bytes | str | None) -> Entry | None:
        if raw is None:
            return None
        raw = raw if isinstance(raw, bytes) else raw.encode()
        memo = self._memo.get(names.value)
        if memo is not None and memo[0] == raw:
            return memo[1]
        try:
            entry = self._codec.loads(raw)
        except CodecError as err:
            logger.debug("unreadable cache entry %s treated as a miss: %s", names.value, err)
            return None
        self._memo[names.value] = (raw, entry)
        return entry

    def _failure(self, snapshot: Snapshot) -> Failure | None:
        if snapshot.failure is None:
            return None
        try:
            return load_failure(snapshot.failure)
        except CodecError:
            return None

    async def _settle(self, operation: Awaitable[object]) -> None:
        """Run a Redis command whose failure must not change the caller's answer."""
        try:
            await operation
        except RedisUnavailable as err:
            self._on_unavailable(err)
