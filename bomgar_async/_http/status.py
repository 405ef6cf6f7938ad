"""Turning HTTP statuses into errors, and answers into checked ones (pure)."""

from __future__ import annotations

import email.utils
import time

import attrs

from ..errors import (
    BomgarAuthError,
    BomgarHTTPError,
)
from .redact import redact_error_text
from .request import (
    Request,
    Response,
)

__all__ = ["Unauthorized", "check_status", "checked", "retry_after_seconds", "unauthorized"]


class Unauthorized(BomgarAuthError):
    """HTTP 401: the credential may be refreshed once."""


def unauthorized(label: str) -> Unauthorized:
    """The error of an HTTP 401 answer to the call ``label``."""
    return Unauthorized("HTTP 401: the appliance refused the credentials", action=label)


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


def checked(response: Response, request: Request) -> Response:
    """``response`` if 2xx (its ``<error>`` texts redacted), else the status's error."""
    if response.status == 401:
        raise unauthorized(request.label)
    check_status(response, request.label)
    # An appliance may echo a credential (in an <error> text): it must not reach an
    # exception, a model or a cache record.
    body = redact_error_text(response.body, request.secrets)
    return response if body is response.body else attrs.evolve(response, body=body)
