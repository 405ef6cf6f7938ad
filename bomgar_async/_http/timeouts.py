"""Reading the client's timeout options into a :class:`~._http.request.Timeout` (pure).

Seconds, a ``Timeout`` or an ``aiohttp.ClientTimeout``-like object are accepted; a timeout
without a ``total`` nor a ``sock_read`` limit is refused, so no call can hang.
"""

from __future__ import annotations

import math
from typing import Protocol

from ..errors import BomgarConfigError
from .request import Timeout

__all__ = ["TimeoutLike", "TimeoutOption", "to_timeout"]


class TimeoutLike(Protocol):
    """An ``aiohttp.ClientTimeout``-like object (``total``, ``sock_read``; ``connect`` or
    ``sock_connect`` are read when present)."""

    @property
    def total(self) -> float | None:
        """The limit for the whole call."""

    @property
    def sock_read(self) -> float | None:
        """The longest silence while reading."""


TimeoutOption = float | Timeout | TimeoutLike


def _limit(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BomgarConfigError(f"{name} must be a number of seconds or None, not {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise BomgarConfigError(f"{name} must be a positive, finite number of seconds")
    return float(value)


def to_timeout(value: TimeoutOption, *, default_connect: float = 10.0) -> Timeout:
    """Normalize seconds, a :class:`Timeout` or an ``aiohttp.ClientTimeout``-like object.

    Raises:
        BomgarConfigError: not a positive finite number, or no ``total`` nor ``sock_read``
            limit (a call could then never time out).
    """
    if isinstance(value, bool):
        raise BomgarConfigError("timeout must be a number of seconds or a timeout object")
    if isinstance(value, int | float):
        seconds = _limit(value, "timeout")
        assert seconds is not None
        return Timeout(total=seconds, connect=min(seconds, default_connect))
    if isinstance(value, str) or not hasattr(value, "total"):
        raise BomgarConfigError(f"timeout must be seconds or a timeout object, not {value!r}")
    total = _limit(getattr(value, "total", None), "timeout total")
    connect = getattr(value, "connect", None)
    if connect is None and not isinstance(value, Timeout):
        connect = getattr(value, "sock_connect", None)
    connect = _limit(connect, "timeout connect")
    sock_read = _limit(getattr(value, "sock_read", None), "timeout sock_read")
    if total is None and sock_read is None:
        raise BomgarConfigError("a timeout needs a total or a sock_read limit: calls never hang")
    return Timeout(total=total, connect=connect, sock_read=sock_read)
