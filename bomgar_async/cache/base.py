"""The cache interface the client uses for ``get_logged_in_reps`` and ``get_support_teams``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import attrs

from .._http.request import Params

__all__ = ["Cache", "CacheKey", "CacheStats"]

T = TypeVar("T")


@attrs.frozen
class CacheKey:
    """What a cached value depends on: the appliance, who asked (never a secret), the action
    and its normalized parameters."""

    appliance: str
    identity: str
    action: str
    params: Params = ()


@attrs.frozen
class CacheStats:
    """Counters since the cache was created.

    Attributes:
        hits: answers served from a fresh entry.
        misses: lookups that found no fresh entry.
        coalesced: callers that waited for another caller's fetch instead of fetching.
        upstream_calls: fetches started (requests to the appliance).
        stale_served: stale entries served because a refresh failed (or failed recently).
        errors: fetches that failed.
        cooldown_errors: callers given a recent failure again, during its cooldown, without
            a new upstream call.
        backend_errors: cache backend operations that failed (Redis unreachable); those
            calls were served by the in-process fallback.
    """

    hits: int = 0
    misses: int = 0
    coalesced: int = 0
    upstream_calls: int = 0
    stale_served: int = 0
    errors: int = 0
    cooldown_errors: int = 0
    backend_errors: int = 0


class Cache(Protocol):
    """A TTL cache with per-key single flight."""

    async def get_or_fetch(
        self, key: CacheKey, fetch: Callable[[], Awaitable[T]], *, ttl: float | None = None
    ) -> T:
        """The fresh value for ``key``, calling ``fetch`` (once, however many callers) if needed."""

    async def invalidate(self, action: str | None = None, *, appliance: str | None = None) -> int:
        """Drop entries (all, or those of ``action`` / ``appliance``); returns how many."""

    async def clear(self) -> None:
        """Drop every entry."""

    def stats(self) -> CacheStats:
        """The counters."""
