"""Which failures may be retried, and how long to wait in between (pure)."""

from __future__ import annotations

import random

import attrs

from ..errors import (
    BomgarError,
    BomgarHTTPError,
)

__all__ = ["RetryPolicy", "is_retryable"]


def is_retryable(err: BaseException) -> bool:
    """Connection errors, timeouts, bodies cut short, HTTP 5xx and 429 may be retried.

    TLS verification failures, ``<error>`` answers and client errors (4xx) never are.
    """
    if isinstance(err, BomgarHTTPError):
        return err.status >= 500 or err.status == 429
    return isinstance(err, BomgarError) and err.retryable


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with full jitter for read-only calls.

    Attributes:
        retries: retries after the first attempt (0 disables retrying).
        backoff: the base delay in seconds; attempt *n* waits up to ``backoff * 2**n``.
        max_backoff: the longest computed wait.
        max_retry_after: the longest ``Retry-After`` honoured; a longer one is not retried.
    """

    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, err: BaseException, rng: random.Random) -> float | None:
        """Seconds to wait before retry number ``attempt`` (0-based), or ``None`` to give up."""
        if attempt >= self.retries or not is_retryable(err):
            return None
        if isinstance(err, BomgarHTTPError) and err.retry_after is not None:
            if err.retry_after > self.max_retry_after:
                return None
            return max(0.0, err.retry_after)
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return rng.uniform(0.0, ceiling)
