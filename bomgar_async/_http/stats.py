"""``bg.stats()``: what one client's calls cost beyond the answers (tokens, waits, 429s)."""

from __future__ import annotations

import attrs

from .limit import LimitCounts

__all__ = ["ClientStats", "client_stats"]


@attrs.frozen
class ClientStats:
    """Counters of one ``BomgarClient`` (this process only).

    Attributes:
        tokens_fetched: OAuth tokens this client requested from ``/oauth2/token`` (with a
            shared token store, the other processes' fetches are not counted here).
        unauthorized_refreshes: calls answered HTTP 401 that then used a new token.
        rate_limit_waits: calls that waited because the appliance said so (HTTP 429 or
            ``X-RateLimit-Remaining: 0``).
        limiter_waits: calls that waited for a concurrency slot or the limiter's ``rate``.
        rate_limited: HTTP 429 answers received.
        rate_limit_remaining: the last ``X-RateLimit-Remaining`` seen (``None`` before any).
    """

    tokens_fetched: int = 0
    unauthorized_refreshes: int = 0
    rate_limit_waits: int = 0
    limiter_waits: int = 0
    rate_limited: int = 0
    rate_limit_remaining: int | None = None


def client_stats(tokens_fetched: int, refreshes: int, counts: LimitCounts) -> ClientStats:
    """The stats from the auth's, the pipeline's and the limit's counters."""
    return ClientStats(
        tokens_fetched=tokens_fetched,
        unauthorized_refreshes=refreshes,
        rate_limit_waits=counts.rate_limit_waits,
        limiter_waits=counts.limiter_waits,
        rate_limited=counts.rate_limited,
        rate_limit_remaining=counts.remaining,
    )
