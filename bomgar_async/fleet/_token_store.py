"""The Redis side of ``RedisTokenStore``: the scripts and every command it sends.

Per account there are two Redis keys, named by :class:`~._sealing.Sealer`: the sealed token,
expiring when no process may use it any more, and the lease of the one process fetching a
new token (``SET NX PX`` holding a random id; only its holder deletes it). Any Redis failure
surfaces as :class:`~bomgar_async.cache._redis_commands.RedisUnavailable`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..cache._redis_commands import (
    RELEASE_SCRIPT,
    STORE_AND_RELEASE_SCRIPT,
    RedisCommands,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["TokenCommands"]

# KEYS: token; returns {sealed token or false, its PTTL}.
_READ = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}"


class TokenCommands(RedisCommands):
    """The commands ``RedisTokenStore`` sends."""

    def __init__(self, client: Redis, errors: tuple[type[BaseException], ...]) -> None:
        super().__init__(client, errors)
        self._read = client.register_script(_READ)
        self._save = client.register_script(STORE_AND_RELEASE_SCRIPT)
        self._release = client.register_script(RELEASE_SCRIPT)

    async def read(self, name: str) -> tuple[Any, int]:
        """The sealed token stored under ``name`` (``None`` when there is none) and the
        milliseconds it has left."""
        with self._guard():
            raw, pttl = await self._read(keys=[name])
        return raw, pttl

    async def claim(self, lease: str, lease_id: str, lease_ms: int) -> bool:
        """Take the lease under ``lease_id`` for ``lease_ms`` if nobody holds it."""
        with self._guard():
            return bool(await self._redis.set(lease, lease_id, nx=True, px=lease_ms))

    async def save(self, name: str, lease: str, sealed: bytes, px: int, lease_id: str) -> None:
        """Store ``sealed`` under ``name`` for ``px`` ms, then free the lease if still ours."""
        with self._guard():
            await self._save(keys=[name, lease], args=[sealed, px, lease_id])

    async def release(self, lease: str, lease_id: str) -> None:
        """Free the lease if it is still ours (never someone else's)."""
        with self._guard():
            await self._release(keys=[lease], args=[lease_id])
