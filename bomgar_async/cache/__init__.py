"""Caching for the calls the guide says to cache (``get_logged_in_reps``, ``get_support_teams``)."""

from .base import Cache, CacheKey, CacheStats
from .memory import MemoryCache

__all__ = ["Cache", "CacheKey", "CacheStats", "MemoryCache"]
