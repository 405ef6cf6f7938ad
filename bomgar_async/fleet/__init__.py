"""A fleet of processes sharing one appliance: limits and OAuth tokens in Redis.

``RedisLimiter`` (concurrency, rate and the appliance's 429 / rate-limit pauses, fleet-wide)
and ``RedisTokenStore`` (one OAuth token per API account and appliance) need the ``redis``
extra; pass them to ``BomgarClient(..., limiter=..., token_store=...)``. The in-process
defaults are ``LocalLimiter`` and ``MemoryTokenStore``.
"""

from .._http.limit import (
    DEFAULT_429_BACKOFF,
    RATE_LIMIT_WINDOW,
    Limit,
    LimitCounts,
    Limiter,
    LocalLimiter,
)
from .._http.stats import ClientStats
from .._http.tokens import (
    MemoryTokenStore,
    TokenAccount,
    TokenStore,
)
from .redis_limiter import RedisLimiter
from .redis_tokens import RedisTokenStore

__all__ = [
    "DEFAULT_429_BACKOFF",
    "RATE_LIMIT_WINDOW",
    "ClientStats",
    "Limit",
    "LimitCounts",
    "Limiter",
    "LocalLimiter",
    "MemoryTokenStore",
    "RedisLimiter",
    "RedisTokenStore",
    "TokenAccount",
    "TokenStore",
]
