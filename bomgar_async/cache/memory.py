"""``MemoryCache``: an in-process TTL cache (cachetools) with per-key single flight."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import attrs
from cachetools import TLRUCache

from .base import CacheKey, CacheStats

__all__ = ["MemoryCache"]

T = TypeVar("T")


def _retrieve(task: asyncio.Task[Any]) -> None:
    # Every waiter may have been cancelled: read the outcome so asyncio never reports
    # "exception was never retrieved".
    if not task.cancelled():
        task.exception()


class MemoryCache:
    """A TTL cache for one process.

    N concurrent callers on a missing or expired key cause exactly one fetch; the TTL runs
    from when the fetch completes, plus up to ``jitter`` (a fraction) so that entries do not
    expire in lockstep. A cancelled caller never cancels the fetch others wait for. Errors
    are never cached.

    Args:
        ttl: seconds a value stays fresh.
        maxsize: the most entries kept (least recently used go first).
        jitter: extra TTL, as a fraction of ``ttl``, drawn at random per entry.
    """

    def __init__(self, ttl: float = 60.0, *, maxsize: int = 1024, jitter: float = 0.1) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.ttl = ttl
        self._jitter = jitter
        self._entries: TLRUCache[CacheKey, tuple[float, Any]] = TLRUCache(
            maxsize=maxsize, ttu=self._expiry, timer=time.monotonic
        )
        self._inflight: dict[CacheKey, asyncio.Task[Any]] = {}
        self._counts: dict[str, int] = dict.fromkeys(attrs.fields_dict(CacheStats), 0)
        # Bumped by invalidate()/clear(): a fetch that started before is not stored, so a
        # state change made meanwhile is never hidden behind an older answer.
        self._generation = 0

    @staticmethod
    def _expiry(_key: CacheKey, value: tuple[float, Any], now: float) -> float:
        return now + value[0]

    async def get_or_fetch(
        self, key: CacheKey, fetch: Callable[[], Awaitable[T]], *, ttl: float | None = None
    ) -> T:
        """The fresh value for ``key``; see the class docstring for the guarantees."""
        entry = self._entries.get(key)
        if entry is not None:
            self._counts["hits"] += 1
            value: T = entry[1]
            return value
        self._counts["misses"] += 1
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(key, fetch, ttl or self.ttl))
            task.add_done_callback(_retrieve)
            self._inflight[key] = task
        else:
            self._counts["coalesced"] += 1
        result: T = await asyncio.shield(task)
        return result

    async def _fetch(self, key: CacheKey, fetch: Callable[[], Awaitable[T]], ttl: float) -> T:
        self._counts["upstream_calls"] += 1
        generation = self._generation
        try:
            value = await fetch()
        except BaseException:
            self._counts["errors"] += 1
            raise
        finally:
            self._inflight.pop(key, None)
        if generation == self._generation:
            lifetime = ttl * (1 + random.uniform(0, self._jitter))
            self._entries[key] = (lifetime, value)
        return value

    async def invalidate(self, action: str | None = None, *, appliance: str | None = None) -> int:
        """Drop entries (all, or those of ``action`` and/or ``appliance``); returns how many."""
        doomed = [
            key
            for key in list(self._entries.keys())
            if (action is None or key.action == action)
            and (appliance is None or key.appliance == appliance)
        ]
        for key in doomed:
            self._entries.pop(key, None)
        self._generation += 1
        return len(doomed)

    async def clear(self) -> None:
        """Drop every entry (fetches under way still complete for their callers)."""
        self._entries.clear()
        self._generation += 1

    def stats(self) -> CacheStats:
        """The counters since creation."""
        return CacheStats(**self._counts)

    def __repr__(self) -> str:
        return f"MemoryCache(ttl={self.ttl}, entries={len(self._entries)})"
