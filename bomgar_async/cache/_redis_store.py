"""The Redis side of ``RedisCache``: key names, the lease, the Lua scripts, and every command
it sends. Any Redis failure surfaces as :class:`~._redis_commands.RedisUnavailable`.

Per cached key there are four Redis keys under ``<prefix>:<appliance>:<action>:<digest>:``:

- ``value``: the value document (see :mod:`.codec`), expiring after its TTL plus the grace
  period (a stale value stays available for stale-if-error);
- ``fresh``: a marker expiring after the TTL alone: the value is fresh while it exists
  (Redis' clock, so the workers' clocks never matter; a hit is one ``MGET``);
- ``lock``: the single-flight lease, ``SET NX PX``, holding a random token; only a command
  that presents the token deletes it (compare-and-delete in Lua);
- ``failure``: the failure document that makes the key rest during a cooldown.

``<prefix>:epoch`` is bumped by every invalidation: a value is stored only if the epoch is
the one read before its fetch began, so an answer older than a state change is never stored.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import TYPE_CHECKING, Any

import attrs

from ._redis_commands import (
    RELEASE_SCRIPT,
    STORE_AND_RELEASE_SCRIPT,
    RedisCommands,
)
from .base import CacheKey

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "KeyNames",
    "RedisStore",
    "Snapshot",
]

# KEYS: value, fresh, failure, lock.
_READ = """
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[2]),
        redis.call('GET', KEYS[3]), redis.call('EXISTS', KEYS[4])}
"""
# KEYS: lock, value, fresh, failure, epoch; ARGV: token, lease in ms.
_CLAIM = """
local acquired = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
return {acquired and 1 or 0, redis.call('GET', KEYS[2]), redis.call('PTTL', KEYS[2]),
        redis.call('EXISTS', KEYS[3]), redis.call('GET', KEYS[4]), redis.call('GET', KEYS[5])}
"""
# KEYS: value, fresh, lock, failure, epoch;
# ARGV: payload, lifetime + grace in ms, lifetime in ms, epoch seen before the fetch, token.
_SAVE = """
local stored = 0
if (redis.call('GET', KEYS[5]) or '') == ARGV[4] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[4])
  stored = 1
end
if redis.call('GET', KEYS[3]) == ARGV[5] then redis.call('DEL', KEYS[3]) end
return stored
"""
_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")
_GLOB = re.compile(r"([*?\[\]\\])")


@attrs.frozen
class KeyNames:
    """The Redis keys of one cache key."""

    value: str
    fresh: str
    lock: str
    failure: str


@attrs.frozen
class Snapshot:
    """What Redis held for a key at one moment.

    Attributes:
        value: the raw value document, if any (fresh or stale).
        ttl_ms: the value's remaining lifetime in milliseconds (negative: none).
        fresh: whether the value is fresh (its TTL is not over).
        failure: the raw failure document, if the key is cooling down.
        locked: whether another caller holds the lease.
        epoch: the invalidation epoch (``b""`` before the first invalidation).
        read_at: ``time.monotonic()`` when it was read.
    """

    value: bytes | None
    ttl_ms: int
    fresh: bool
    failure: bytes | None
    locked: bool
    epoch: bytes = b""
    read_at: float = attrs.field(factory=time.monotonic)

    @property
    def stale_until(self) -> float:
        """The monotonic time at which the value (fresh or stale) leaves Redis."""
        return self.read_at + max(self.ttl_ms, 0) / 1000


def _digest(text: str, size: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def _action_segment(action: str) -> str:
    # Plain action names stay readable; anything else (a ":", a glob character) is hashed.
    return action if _PLAIN.fullmatch(action) else "~" + _digest(action, 16)


class RedisStore(RedisCommands):
    """The commands ``RedisCache`` sends, for keys under ``prefix``.

    Args:
        client: a ``redis.asyncio.Redis``.
        prefix: the namespace of every key (``invalidate``/``clear`` touch nothing else).
        errors: the exception types that mean Redis is unavailable.
    """

    def __init__(self, client: Redis, prefix: str, errors: tuple[type[BaseException], ...]) -> None:
        super().__init__(client, errors)
        self._prefix = prefix
        self._epoch = f"{prefix}:epoch"
        self._read = client.register_script(_READ)
        self._claim = client.register_script(_CLAIM)
        self._save = client.register_script(_SAVE)
        self._fail = client.register_script(STORE_AND_RELEASE_SCRIPT)  # KEYS: failure, lock
        self._release = client.register_script(RELEASE_SCRIPT)

    @property
    def prefix(self) -> str:
        """The namespace of every key."""
        return self._prefix

    def names(self, key: CacheKey) -> KeyNames:
        """The Redis keys for ``key``: the appliance and the action stay visible (the action in
        clear when it is a plain name), the identity and the parameters only as a digest."""
        action = _action_segment(key.action)
        what = json.dumps([key.appliance, key.identity, key.action, sorted(key.params)])
        base = f"{self._prefix}:{_digest(key.appliance, 16)}:{action}:{_digest(what, 32)}"
        return KeyNames(f"{base}:value", f"{base}:fresh", f"{base}:lock", f"{base}:failure")

    async def read_fresh(self, names: KeyNames) -> bytes | None:
        """The value document if the value is fresh (one ``MGET``: the cost of a hit)."""
        with self._guard():
            marker, value = await self._redis.mget(names.fresh, names.value)
        return None if marker is None or value is None else _bytes(value)

    async def read(self, names: KeyNames) -> Snapshot:
        """The value, its remaining lifetime and freshness, the failure, whether the lease
        is taken (one script, so one consistent moment)."""
        keys = [names.value, names.fresh, names.failure, names.lock]
        with self._guard():
            value, ttl_ms, fresh, failure, locked = await self._read(keys=keys)
        return Snapshot(value, int(ttl_ms), bool(fresh), failure, bool(locked))

    async def claim(self, names: KeyNames, token: str, lease_ms: int) -> tuple[bool, Snapshot]:
        """Try to take the lease (``SET NX PX``) and read the key at the same moment; the
        snapshot's ``locked`` says whether someone else holds it."""
        keys = [names.lock, names.value, names.fresh, names.failure, self._epoch]
        with self._guard():
            reply = await self._claim(keys=keys, args=[token, lease_ms])
        acquired, value, ttl_ms, fresh, failure, epoch = reply
        snapshot = Snapshot(value, int(ttl_ms), bool(fresh), failure, not acquired, _bytes(epoch))
        return bool(acquired), snapshot

    async def save(
        self,
        names: KeyNames,
        token: str,
        payload: bytes,
        lifetime_ms: int,
        grace_ms: int,
        epoch: bytes,
    ) -> bool:
        """Store ``payload`` (fresh for ``lifetime_ms``, kept ``grace_ms`` longer) unless an
        invalidation happened since ``epoch`` was read, clear the failure, and release the
        lease if it is still ours; whether it was stored."""
        keys = [names.value, names.fresh, names.lock, names.failure, self._epoch]
        args: list[bytes | int | str] = [payload, lifetime_ms + grace_ms, lifetime_ms, epoch, token]
        with self._guard():
            stored = await self._save(keys=keys, args=args)
        return bool(stored)

    async def fail(self, names: KeyNames, token: str, payload: bytes, px: int) -> None:
        """Record a failure for ``px`` ms (the cooldown) and release the lease if ours."""
        with self._guard():
            await self._fail(keys=[names.failure, names.lock], args=[payload, px, token])

    async def release(self, names: KeyNames, token: str) -> None:
        """Release the lease if it is still ours (never someone else's)."""
        with self._guard():
            await self._release(keys=[names.lock], args=[token])

    async def invalidate(self, action: str | None, appliance: str | None) -> int:
        """Bump the epoch, then drop the values, markers and failures of ``action`` / ``appliance``
        (all when ``None``) with SCAN; returns how many values were dropped."""
        where = _GLOB.sub(r"\\\1", self._prefix)
        place = "*" if appliance is None else _digest(appliance, 16)
        what = "*" if action is None else _action_segment(action)
        ours = self._prefix.encode() + b":"
        dropped = 0
        batch: list[Any] = []
        with self._guard():
            await self._redis.incr(self._epoch)
            async for name in self._redis.scan_iter(match=f"{where}:{place}:{what}:*", count=500):
                text = _bytes(name)
                # Exactly <prefix>:<appliance>:<action>:<digest>:<part>, never the keys of a
                # longer prefix such as "<prefix>:other".
                rest = text[len(ours) :]
                if rest.count(b":") == 3 and rest.endswith((b":value", b":fresh", b":failure")):
                    dropped += rest.endswith(b":value")
                    batch.append(name)
                if len(batch) >= 500:
                    await self._redis.unlink(*batch)
                    batch.clear()
            if batch:
                await self._redis.unlink(*batch)
        return dropped


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    return value.encode() if isinstance(value, str) else bytes(value)
