"""Conversion of XML text into Python values (pure).

Tolerant by design: real appliances send empty elements and placeholders such as
``Unknown`` where the guide promises a number, so a value that cannot be read becomes
``None`` rather than failing a whole response. Times become aware UTC datetimes whether
they arrive as ISO 8601 text or UNIX timestamps.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .core import (
    Node,
    attr,
    child,
    text,
)

__all__ = [
    "bool_of",
    "datetime_of",
    "int_of",
    "str_of",
    "timedelta_of",
    "to_bool",
    "to_datetime",
    "to_float",
    "to_int",
    "to_timedelta",
]

_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no"})
_DURATION = re.compile(r"^\s*(?:(\d+)\s+days?,\s*)?(\d+):([0-5]?\d):([0-5]?\d)(?:\.\d+)?\s*$")
_UNIX = re.compile(r"^\s*-?\d{1,12}(?:\.\d+)?\s*$")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def to_int(value: str | None) -> int | None:
    """``"42"`` -> 42; empty, absent or unreadable -> ``None``."""
    value = _clean(value)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def to_float(value: str | None) -> float | None:
    """``"2.5"`` -> 2.5; empty, absent or unreadable -> ``None``."""
    value = _clean(value)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def to_bool(value: str | None) -> bool | None:
    """``1``/``true``/``yes`` -> True, ``0``/``false``/``no`` -> False, else ``None``."""
    value = _clean(value)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def to_datetime(value: str | None) -> datetime | None:
    """ISO 8601 text or a UNIX timestamp -> an aware UTC datetime (naive text is taken as UTC)."""
    value = _clean(value)
    if value is None:
        return None
    if _UNIX.match(value):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def to_timedelta(value: str | None) -> timedelta | None:
    """``HH:MM:SS`` (hours may exceed 24) -> timedelta; unreadable -> ``None``."""
    value = _clean(value)
    if value is None:
        return None
    match = _DURATION.match(value)
    if match is None:
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


# Shorthands reading a named child element of a node.


def str_of(node: Node, name: str) -> str | None:
    """Text of child ``name`` (``None`` when absent or empty)."""
    return _clean(text(child(node, name)))


def int_of(node: Node, name: str) -> int | None:
    """Child ``name`` as an int."""
    return to_int(text(child(node, name)))


def bool_of(node: Node, name: str) -> bool | None:
    """Child ``name`` as a bool (1/0)."""
    return to_bool(text(child(node, name)))


def datetime_of(node: Node, name: str) -> datetime | None:
    """Child ``name`` as an aware UTC datetime, preferring its UNIX ``ts``/``timestamp``
    attribute (exact) over its text."""
    element = child(node, name)
    for stamp in (attr(element, "ts"), attr(element, "timestamp")):
        parsed = to_datetime(stamp)
        if parsed is not None:
            return parsed
    return to_datetime(text(element))


def timedelta_of(node: Node, name: str) -> timedelta | None:
    """Child ``name`` as a timedelta (``HH:MM:SS``)."""
    return to_timedelta(text(child(node, name)))
