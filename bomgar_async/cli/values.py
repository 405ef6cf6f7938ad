"""Option values of the command line: points in time (``2026-01-01``, an ISO 8601 time, or
``7d`` ago), durations (``1d``, ``6h``, ``30m``, ``90s``) and ``KEY=VALUE`` pairs.

Each is a function click calls on the text; a ``ValueError`` becomes a usage error naming
the option.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

__all__ = ["DURATION", "PAIR", "WHEN", "duration", "key_value", "when"]

_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _amount(text: str) -> timedelta | None:
    match = _AMOUNT.match(text)
    if match is None:
        return None
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def duration(value: str | timedelta) -> timedelta:
    """``1d``, ``6h``, ``30m``, ``90s`` or plain seconds, as a positive ``timedelta``."""
    if isinstance(value, timedelta):
        return value
    found = _amount(str(value))
    if found is None or found <= timedelta(0):
        raise ValueError(f"{value!r} is not a duration like 1d, 6h, 30m or 90s")
    return found


def when(value: str | date) -> date | datetime:
    """A date (``2026-01-01``: whole days), an ISO 8601 time (UTC when it has no offset),
    ``now``, or a duration ago (``7d``)."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    if text == "now":
        return now
    ago = _amount(text)
    if ago is not None and text[-1:].isalpha():
        return now - ago
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date (2026-01-01), a time (2026-01-01T08:00:00Z), "
            "'now' or a duration ago (7d)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def key_value(value: str | tuple[str, str]) -> tuple[str, str]:
    """``KEY=VALUE`` as a ``(key, value)`` tuple."""
    if isinstance(value, tuple):
        return value
    key, sep, rest = str(value).partition("=")
    if not sep or not key:
        raise ValueError(f"{value!r} is not KEY=VALUE")
    return (key, rest)


DURATION = duration
WHEN = when
PAIR = key_value
