"""Option values of the command line: points in time (``2026-01-01``, an ISO 8601 time, or
``7d`` ago), durations (``1d``, ``6h``, ``30m``, ``90s``) and ``KEY=VALUE`` pairs."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import click

__all__ = ["DURATION", "PAIR", "WHEN", "Duration", "When"]

_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _duration(text: str) -> timedelta | None:
    match = _AMOUNT.match(text)
    if match is None:
        return None
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


class Duration(click.ParamType):
    """``1d``, ``6h``, ``30m``, ``90s`` or plain seconds, as a ``timedelta``."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        found = _duration(str(value))
        if found is None or found <= timedelta(0):
            self.fail(f"{value!r} is not a duration like 1d, 6h, 30m or 90s", param, ctx)
        return found


class When(click.ParamType):
    """A date (``2026-01-01``: whole days), an ISO 8601 time (UTC when it has no offset),
    ``now``, or a duration ago (``7d``)."""

    name = "when"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if text == "now":
            return datetime.now(timezone.utc).replace(microsecond=0)
        ago = _duration(text)
        if ago is not None and text[-1:].isalpha():
            return datetime.now(timezone.utc).replace(microsecond=0) - ago
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                self.fail(f"{text!r} is not a date", param, ctx)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{text!r} is not a date (2026-01-01), a time (2026-01-01T08:00:00Z), "
                "'now' or a duration ago (7d)",
                param,
                ctx,
            )
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Pair(click.ParamType):
    """``KEY=VALUE`` as a ``(key, value)`` tuple."""

    name = "key=value"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        key, sep, rest = str(value).partition("=")
        if not sep or not key:
            self.fail(f"{value!r} is not KEY=VALUE", param, ctx)
        return (key, rest)


DURATION = Duration()
WHEN = When()
PAIR = Pair()
