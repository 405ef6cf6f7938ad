"""Turning HTTP statuses into errors (pure)."""

from __future__ import annotations

import email.utils
import time

from ..errors import BomgarHTTPError
from .request import Response

__all__ = ["check_status", "retry_after_seconds"]


def _retry_after(response: Response) -> float | None:
    return retry_after_seconds(response.header("Retry-After"))


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` value (delta-seconds or an HTTP date), or ``None``
    for anything else: a value that cannot be read falls back to the backoff, never raises."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # isdigit() alone accepts "\u00b2"
        return float(value)  # a huge value becomes inf: longer than any max_retry_after
    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - time.time()
    except (TypeError, ValueError, OverflowError, IndexError, OSError):
        return None
    return max(0.0, seconds)


def check_status(response: Response, label: str) -> Response:
    """``response`` if its status is 2xx, else a BomgarHTTPError (with Retry-After for 429/503)."""
    if 200 <= response.status < 300:
        return response
    raise BomgarHTTPError(
        f"{label}: HTTP {response.status}",
        status=response.status,
        retry_after=_retry_after(response),
    )
