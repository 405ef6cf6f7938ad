"""What every Redis-backed part shares (``RedisCache``, ``RedisLimiter``, ``RedisTokenStore``):
opening a client with short timeouts, the lease scripts, and :class:`RedisCommands`, the base
of each part's command set, which turns any Redis failure into :class:`RedisUnavailable`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from ..errors import BomgarConfigError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "RELEASE_SCRIPT",
    "STORE_AND_RELEASE_SCRIPT",
    "RedisCommands",
    "RedisUnavailable",
    "connect",
    "unavailable_on",
]

# KEYS: lock; ARGV: token.
RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
"""Lua: delete ``KEYS[1]`` only if it still holds ``ARGV[1]`` (a lease's compare-and-delete)."""

# KEYS: key, lock; ARGV: value, px, token.
STORE_AND_RELEASE_SCRIPT = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""
"""Lua: set ``KEYS[1]`` to ``ARGV[1]`` for ``ARGV[2]`` ms, then release the lease ``KEYS[2]``
if it still holds ``ARGV[3]`` (what a lease holder does with its result)."""


class RedisUnavailable(Exception):
    """Redis could not be reached, timed out or refused a command."""


@contextmanager
def unavailable_on(errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Turn ``errors`` (redis-py's and socket failures) into :class:`RedisUnavailable`."""
    try:
        yield
    except errors as err:
        raise RedisUnavailable(f"{type(err).__name__}: {err}") from err


def connect(url: str, timeout: float) -> tuple[Redis, tuple[type[BaseException], ...]]:
    """A client with short timeouts and one immediate reconnect, and the exception types
    that mean Redis is unavailable.

    Raises:
        ImportError: redis-py is not installed.
        BomgarConfigError: ``url`` is not a Redis URL.
    """
    try:
        from redis.asyncio import BlockingConnectionPool, Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError
    except ImportError as err:
        raise ImportError("RedisCache needs redis-py: pip install 'bomgar_async[redis]'") from err
    try:
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=64,
            timeout=max(5.0, 5 * timeout),
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),  # one reconnect (a restarted server), no waiting
        )
    except ValueError:
        raise BomgarConfigError("invalid Redis URL (redis://, rediss:// or unix://)") from None
    return Redis.from_pool(pool), (RedisError, OSError)


class RedisCommands:
    """The commands one part sends to one Redis; subclasses add theirs, each sent inside
    ``with self._guard():``.

    Args:
        client: a ``redis.asyncio.Redis``.
        errors: the exception types that mean Redis is unavailable.
    """

    def __init__(self, client: Redis, errors: tuple[type[BaseException], ...]) -> None:
        self._redis = client
        self._errors = errors

    def _guard(self) -> AbstractContextManager[None]:
        return unavailable_on(self._errors)

    async def ping(self) -> None:
        """Check that Redis answers.

        Raises:
            RedisUnavailable: it does not.
        """
        with self._guard():
            await self._redis.ping()
