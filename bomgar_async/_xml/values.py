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
from .tree import Element, attr_of, element_text

__all__ = [
    "bool_of",
    "datetime_of",
    "element_datetime",
    "int_of",
    "iso_for_fromisoformat",
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
_DURATION = re.compile(r"(?:(\d+) days?, *)?(\d+):([0-5]?\d):([0-5]?\d)(?:\.(\d{1,6})\d*)?")
_UNIX = re.compile(r"-?\d{1,12}(?:\.\d+)?")
# ISO 8601 extended date-time as appliances send it, split into the parts that Python 3.10's
# ``datetime.fromisoformat`` is strict about: the fraction (3 or 6 digits only) and the
# offset (``Z`` and ``+hhmm`` are refused there).
_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:(?P<sep>[T ])(?P<time>\d{2}:\d{2}(?::\d{2})?)(?:[.,](?P<fraction>\d+))?"
    r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)
_UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=_UTC)


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
    if value is None:
        return None
    if len(value) <= 12 and value.isdigit() and value.isascii():  # the common case, fast
        try:  # the same value as _EPOCH + timedelta(...), in half the time
            return datetime.fromtimestamp(int(value), _UTC)
        except (OverflowError, OSError, ValueError):
            try:
                return _EPOCH + timedelta(seconds=int(value))
            except OverflowError:  # beyond year 9999
                return None
    value = _clean(value)
    if value is None:
        return None
    if _UNIX.fullmatch(value):
        try:
            # Epoch plus an offset rather than fromtimestamp(): negative stamps work everywhere.
            return _EPOCH + timedelta(seconds=float(value))
        except OverflowError:  # beyond year 9999
            return None
    try:
        parsed = datetime.fromisoformat(iso_for_fromisoformat(value))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def iso_for_fromisoformat(value: str) -> str:
    """ISO 8601 text rewritten into the subset every supported Python's
    ``datetime.fromisoformat`` reads (3.10 refuses ``Z``, ``+hhmm`` and fractions other
    than 3 or 6 digits): ``2024-01-02T03:04:05.5Z`` -> ``2024-01-02T03:04:05.500000+00:00``.

    Text that is not an extended ISO date-time is returned unchanged.
    """
    match = _ISO.fullmatch(value)
    if match is None:
        return value
    parts = [match["date"]]
    if match["time"] is not None:
        parts += [match["sep"], match["time"]]
        if match["fraction"] is not None:
            parts += [".", match["fraction"][:6].ljust(6, "0")]
    offset = match["offset"]
    if offset is not None:
        if offset in ("Z", "z"):
            offset = "+00:00"
        elif len(offset) == 3:
            offset += ":00"
        elif len(offset) == 5:
            offset = f"{offset[:3]}:{offset[3:]}"
        parts.append(offset)
    return "".join(parts)


def to_timedelta(value: str | None) -> timedelta | None:
    """``HH:MM:SS`` (hours may exceed 24), optionally with a fraction of a second and
    Python's ``N days,`` prefix -> timedelta; unreadable -> ``None``."""
    value = _clean(value)
    if value is None:
        return None
    match = _DURATION.fullmatch(value)
    if match is None:
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups()[:4])
    microseconds = int((match.group(5) or "").ljust(6, "0"))
    return timedelta(
        days=days, hours=hours, minutes=minutes, seconds=seconds, microseconds=microseconds
    )


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


def element_datetime(element: Element | None) -> datetime | None:
    """An element as :func:`datetime_of` reads a node: its UNIX ``ts`` or ``timestamp``
    attribute, else its text (``None`` when the element is absent)."""
    if element is None:
        return None
    for name in ("ts", "timestamp"):
        parsed = to_datetime(attr_of(element, name))
        if parsed is not None:
            return parsed
    return to_datetime(element_text(element))


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
