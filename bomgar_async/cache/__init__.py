"""Caching for the calls the guide says to cache (``get_logged_in_reps``, ``get_support_teams``).

``MemoryCache`` (the default) serves one process; ``RedisCache`` (the ``redis`` extra) a fleet.
Both: per-key single flight, TTL from fetch completion with jitter, stale-if-error within a
grace period, a cooldown after failures, invalidation and counters (``stats()``).
"""

from .base import (
    Cache,
    CacheKey,
    CacheStats,
)
from .codec import (
    CodecError,
    JsonCodec,
)
from .memory import MemoryCache
from .redis_cache import RedisCache

__all__ = [
    "Cache",
    "CacheKey",
    "CacheStats",
    "CodecError",
    "JsonCodec",
    "MemoryCache",
    "RedisCache",
]
