"""Time ranges of Reporting API requests (pure): ``since``/``until`` as the guide's
``start_date``/``start_time`` + ``duration`` parameters, and the split of a long range into
windows for concurrent pulls. Re-exported by :mod:`bomgar_async.reporting.params`, whose
docstring describes the conventions. Each check raises ``BomgarValidationError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

from .._http.request import Params
from ..errors import BomgarValidationError

__all__ = ["MAX_WINDOWS", "iter_windows", "split_windows", "time_range"]

_D = TypeVar("_D", bound=date)


def _kind(since: object, until: object) -> str:
    """``"date"`` or ``"datetime"`` for a valid pair of range bounds (``until`` may be None)."""
    if isinstance(since, datetime):
        if since.utcoffset() is None:
            raise BomgarValidationError("since must be a timezone-aware datetime (or a date)")
        if until is not None:
            if not isinstance(until, datetime):
                raise BomgarValidationError("since and until must both be dates or datetimes")
            if until.utcoffset() is None:
                raise BomgarValidationError("until must be a timezone-aware datetime")
        return "datetime"
    if isinstance(since, date):
        if until is not None and (isinstance(until, datetime) or not isinstance(until, date)):
            raise BomgarValidationError("since and until must both be dates or datetimes")
        return "date"
    raise BomgarValidationError(f"since must be a date or an aware datetime, not {since!r}")


def _check_order(since: date, until: date) -> None:
    if until <= since:
        raise BomgarValidationError(f"until ({until}) must be after since ({since})")


def time_range(
    since: date | datetime, until: date | datetime | None = None, *, by: str = "start"
) -> Params:
    """The time parameters of a report.

    Args:
        since: the first day (``date``) or instant (aware ``datetime``) of the range.
        until: the end of the range, excluded, of the same type; ``None`` for the present.
        by: ``"start"`` (sessions that began in the range) or ``"end"`` (closed sessions
            that ended in it).

    Returns:
        ``(("start_date", "2014-05-01"), ("duration", "31"))`` and the like.

    Raises:
        BomgarValidationError: naive datetimes, a date mixed with a datetime, ``until``
            not after ``since``, a time before 1970, or ``by`` not start/end.
    """
    if by not in ("start", "end"):
        raise BomgarValidationError(f'by must be "start" or "end", not {by!r}')
    _kind(since, until)
    if not isinstance(since, datetime):
        if until is not None:
            _check_order(since, until)
        days = 0 if until is None else (until - since).days
        return ((f"{by}_date", since.isoformat()), ("duration", str(days)))
    start = math.floor(since.timestamp())
    if start < 0:
        raise BomgarValidationError("since must not be before 1970-01-01 UTC")
    seconds = 0
    if isinstance(until, datetime):
        _check_order(since, until)
        seconds = math.ceil(until.timestamp()) - start
    return ((f"{by}_time", str(start)), ("duration", str(seconds)))


MAX_WINDOWS = 100_000
"""The most windows one range may be split into (a finer split is refused)."""


def split_windows(since: _D, until: _D, window: timedelta) -> list[tuple[_D, _D]]:
    """``list(iter_windows(since, until, window))``; see :func:`iter_windows`."""
    return list(iter_windows(since, until, window))


def iter_windows(since: _D, until: _D, window: timedelta) -> Iterator[tuple[_D, _D]]:
    """Split ``[since, until)`` into consecutive windows of at most ``window``, lazily.

    The arguments are checked at once (not when iteration starts).

    Args:
        since: start of the range: a ``date``, or an aware ``datetime``.
        until: end of the range, excluded, of the same type.
        window: the length of each window (whole days for dates, whole seconds for
            datetimes); the last window may be shorter.

    Returns:
        An iterator of ``(start, end)`` pairs covering the range without gaps or overlaps,
        in order; datetimes are returned in UTC.

    Raises:
        BomgarValidationError: mixed or naive bounds, ``until`` not after ``since``, a
            window that is not positive or not whole days (dates) / seconds (datetimes),
            or more than :data:`MAX_WINDOWS` windows.
    """
    if until is None:
        raise BomgarValidationError("split_windows needs until (the end of the range)")
    kind = _kind(since, until)
    _check_order(since, until)
    if not isinstance(window, timedelta) or window <= timedelta(0):
        raise BomgarValidationError("window must be a positive timedelta")
    unit = timedelta(days=1) if kind == "date" else timedelta(seconds=1)
    if window % unit:
        raise BomgarValidationError(
            f"window must be whole {'days' if kind == 'date' else 'seconds'} for {kind} bounds"
        )
    if isinstance(since, datetime) and isinstance(until, datetime):
        since = since.astimezone(timezone.utc)
        until = until.astimezone(timezone.utc)
    count = -((since - until) // window)  # ceil((until - since) / window)
    if count > MAX_WINDOWS:
        raise BomgarValidationError(
            f"{count} windows of {window} over this range; at most {MAX_WINDOWS}: "
            "use a longer window"
        )
    return _windows(since, until, window)


def _windows(since: _D, until: _D, window: timedelta) -> Iterator[tuple[_D, _D]]:
    start = since
    while start < until:
        end = min(start + window, until)
        yield start, end
        start = end
