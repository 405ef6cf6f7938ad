"""The appliance's per-account limits, as documented for cloud appliances.

- OAuth: an API account holds at most ``token_cap`` (30) valid tokens; issuing one more
  invalidates the oldest (:func:`issue_token`).
- Rate: at most ``rate_limit`` requests per ``window`` seconds per API account (cloud: 20 per
  second), counted over a sliding window; every answer to a known account carries
  ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``, and a request over the limit is answered
  HTTP 429 (with ``Retry-After`` only if asked for: the documentation does not say) and not
  counted (:class:`RateLimits`).
- Concurrency: :class:`InFlight` records how many requests are being answered at once and
  the peak.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import deque
from typing import Any

from aiohttp import web

from .world import ApiUser

__all__ = ["InFlight", "RateLimits", "issue_token"]

# aiohttp >= 3.11 wants typed request keys (and warns about strings); older ones lack them.
LIMIT_HEADERS_KEY: Any = (
    web.RequestKey("bomgar_rate_headers", dict)
    if hasattr(web, "RequestKey")
    else "bomgar_async.rate_limit_headers"
)


def issue_token(
    tokens: dict[str, tuple[ApiUser, float]], client: ApiUser, ttl: float, cap: int | None
) -> str:
    """A new token for ``client`` valid ``ttl`` seconds; the client's oldest valid tokens are
    dropped so that it holds at most ``cap``."""
    now = time.monotonic()
    for token, (_user, expires) in list(tokens.items()):
        if expires <= now:
            del tokens[token]
    token = secrets.token_urlsafe(32)
    tokens[token] = (client, now + ttl)
    if cap is not None:
        mine = [token for token, (user, _) in tokens.items() if user is client]
        for oldest in mine[: max(0, len(mine) - cap)]:  # dicts keep insertion order
            del tokens[oldest]
    return token


class RateLimits:
    """Sliding-window request counts per account.

    Args:
        limit: requests allowed per window (``None``: no limit and no headers).
        window: the window in seconds.
        retry_after: send ``Retry-After`` (whole seconds until a request is allowed) with 429.
    """

    def __init__(
        self, limit: int | None, window: float = 1.0, *, retry_after: bool = False
    ) -> None:
        if limit is not None and limit < 1:
            raise ValueError("rate_limit must be at least 1 (or None)")
        if window <= 0:
            raise ValueError("rate_limit_window must be positive")
        self.limit = limit
        self.window = window
        self.retry_after = retry_after
        self.refused = 0
        """Requests answered 429 so far."""
        self._seen: dict[str, deque[float]] = {}

    def admit(self, account: str | None, request: web.Request) -> web.Response | None:
        """``None`` if ``request`` may proceed (its headers are noted on it), else the 429."""
        if self.limit is None or account is None:
            return None
        now = time.monotonic()
        seen = self._seen.setdefault(account, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            self.refused += 1
            headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": "0"}
            if self.retry_after:
                headers["Retry-After"] = str(max(1, math.ceil(seen[0] + self.window - now)))
            return web.Response(status=429, text="Too Many Requests", headers=headers)
        seen.append(now)
        request[LIMIT_HEADERS_KEY] = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.limit - len(seen)),
        }
        return None


async def add_limit_headers(request: web.Request, response: web.StreamResponse) -> None:
    """An ``on_response_prepare`` hook: the rate-limit headers noted by :meth:`RateLimits.admit`."""
    response.headers.update(request.get(LIMIT_HEADERS_KEY, {}))


class InFlight:
    """Requests being answered now and the most there ever were at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        """A request arrived."""
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        """A request was answered."""
        self.now -= 1
