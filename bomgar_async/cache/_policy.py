"""What both cache backends share: their settings, which failures a stale answer may cover,
which failures start a cooldown, jittered lifetimes and the immutability check (pure)."""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Callable
from typing import Any

import attrs

from .._http.retry import is_retryable
from ..errors import (
    BomgarAPIError,
    BomgarConfigError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTransportError,
)
from .base import CacheStats

__all__ = [
    "CachePolicy",
    "ErrorPredicate",
    "check_immutable",
    "check_ttl",
    "is_upstream_failure",
    "logger",
    "new_counts",
    "retrieve",
]

logger = logging.getLogger("bomgar_async.cache")

ErrorPredicate = Callable[[BaseException], bool]

# Failures that come from the appliance (or the way to it). Anything else raised by a fetch
# (a closed client, a bug, a caller's own exception) is passed on and never starts a cooldown.
_UPSTREAM_FAILURES = (BomgarTransportError, BomgarHTTPError, BomgarProtocolError, BomgarAPIError)
_MUTABLE = (list, dict, set, bytearray)


def is_upstream_failure(err: BaseException) -> bool:
    """Whether ``err`` is the appliance's failure: transport, HTTP status, protocol, ``<error>``."""
    return isinstance(err, _UPSTREAM_FAILURES)


def check_immutable(value: object) -> None:
    """Refuse the mutable built-in containers: one caller could change another's answer.

    Raises:
        TypeError: ``value`` is a list, dict, set or bytearray.
    """
    if isinstance(value, _MUTABLE):
        raise TypeError(
            f"cached values must be immutable (tuples, frozen models), not {type(value).__name__}"
        )


def new_counts() -> dict[str, int]:
    """A zeroed counter for every :class:`CacheStats` field."""
    return dict.fromkeys(attrs.fields_dict(CacheStats), 0)


def retrieve(task: asyncio.Task[Any]) -> None:
    """Done-callback: read a task's outcome so that, when every waiter was cancelled, asyncio
    never reports "exception was never retrieved"."""
    if not task.cancelled():
        task.exception()


def _is_number(value: object) -> bool:
    """A finite int or float; bools are refused (``True`` is not a number of seconds)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _non_negative(_instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if not _is_number(value) or value < 0:
        unit = "fraction" if attribute.name == "jitter" else "number of seconds"
        raise BomgarConfigError(
            f"{attribute.name} must be a finite non-negative {unit}, not {value!r}"
        )


def check_ttl(value: object) -> float:
    """A TTL: a finite number of seconds greater than zero.

    Raises:
        BomgarConfigError: anything else (zero, negative, NaN, infinite, a bool, a string).
    """
    if isinstance(value, int | float) and _is_number(value) and value > 0:
        return float(value)
    raise BomgarConfigError(f"ttl must be a finite positive number of seconds, not {value!r}")


def _ttl_field(_instance: Any, _attribute: attrs.Attribute[float], value: float) -> None:
    check_ttl(value)


@attrs.frozen
class CachePolicy:
    """The settings both backends share, validated once.

    Attributes:
        ttl: seconds a value stays fresh, counted from when its fetch completed.
        grace: seconds after that during which the stale value may stand in for a failed
            refresh (0 disables stale-if-error).
        cooldown: seconds after a failed fetch during which the key is not fetched again:
            callers get the stale value (when allowed) or the same error (0 disables it).
        jitter: up to this fraction is added at random to every TTL and cooldown, so that
            workers do not refresh in lockstep.
        stale_if: which failures a stale value may cover; ``<error>`` answers
            (:class:`~bomgar_async.errors.BomgarAPIError`) never are, whatever it says.
    """

    ttl: float = attrs.field(default=60.0, validator=_ttl_field)
    grace: float = attrs.field(default=300.0, validator=_non_negative)
    cooldown: float = attrs.field(default=5.0, validator=_non_negative)
    jitter: float = attrs.field(default=0.1, validator=_non_negative)
    stale_if: ErrorPredicate = is_retryable

    def lifetime(self, ttl: float | None = None) -> float:
        """A fresh entry's lifetime in seconds: ``ttl`` (or the default) plus jitter.

        Raises:
            BomgarConfigError: ``ttl`` is given but not a finite positive number.
        """
        base = self.ttl if ttl is None else check_ttl(ttl)
        return base * (1.0 + random.uniform(0.0, self.jitter))

    def cooldown_for(self, err: BaseException) -> float:
        """Seconds ``err`` keeps its key from being fetched again (0: not at all)."""
        if not is_upstream_failure(err):
            return 0.0
        return self.cooldown * (1.0 + random.uniform(0.0, self.jitter))

    def may_serve_stale(self, err: BaseException) -> bool:
        """Whether a stale value may be served instead of raising ``err``: transport errors,
        timeouts, 5xx and 429 by default; never an ``<error>`` answer."""
        return self.grace > 0 and not isinstance(err, BomgarAPIError) and self.stale_if(err)
