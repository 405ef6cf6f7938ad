"""Which sessions a Reporting API request selects: its time range, ``lsid``/``lsids``,
``limit`` and the caller's ``perm_view_reports`` scope, as the guide defines them.

``start_date``/``end_date`` (``YYYY-MM-DD``, UTC midnight) take a ``duration`` in days,
``start_time``/``end_time`` (UNIX seconds) one in seconds; ``duration=0`` reaches to the
present. ``start_*`` selects sessions that began in ``[from, from + duration)``, including
those in progress; ``end_*`` only closed sessions that ended in it. Sessions come in start
order. Bad or contradictory parameters raise :class:`ReportError`, answered as an
``<error>`` inside the report's root.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .history import (
    SessionRecord,
    active_records,
    find_record,
    iter_bulk,
)
from .world import (
    ApiUser,
    World,
)

__all__ = [
    "Filter",
    "ReportError",
    "TimeRange",
    "parse_limit",
    "parse_range",
    "select",
    "select_lsids",
    "visibility",
]

Params = Mapping[str, str]
Filter = Callable[[SessionRecord], bool]

_TIME_KEYS = ("start_date", "start_time", "end_date", "end_time")
_LSID = re.compile(r"[A-Za-z0-9_.:-]+")
_LIMIT = re.compile(r"all|team:all|(rep|team|members|site):([0-9]+)")


class ReportError(Exception):
    """The request's parameters are missing, invalid or contradictory (``str(err)`` is the
    message of the ``<error>`` element)."""


@dataclass(frozen=True)
class TimeRange:
    """``[lo, hi)`` in UNIX seconds (``hi`` ``None``: to the present), over the sessions'
    start (``by="start"``) or end (``"end"``) times."""

    by: str
    lo: int
    hi: int | None

    def matches(self, record: SessionRecord) -> bool:
        """Whether ``record`` falls in the range."""
        moment = record.start if self.by == "start" else record.end
        return moment is not None and moment >= self.lo and (self.hi is None or moment < self.hi)

    def until(self, now: int) -> int:
        """The end of the range: ``hi``, or ``now`` for a range reaching to the present."""
        return self.hi if self.hi is not None else now


def _number(params: Params, name: str) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        raise ReportError(f"Missing required parameter: {name}.")
    if not raw.isdigit():
        raise ReportError(f"Invalid value for {name}: {raw}.")
    return int(raw)


def parse_range(params: Params, *, allow_end: bool = True) -> TimeRange:
    """The request's time range.

    Raises:
        ReportError: no or several of start_date/start_time/end_date/end_time, an end
            range where only start is allowed, a bad date, time or duration.
    """
    given = [key for key in _TIME_KEYS if params.get(key, "").strip()]
    if not given:
        names = "start_date, start_time, end_date or end_time"
        names = names if allow_end else "start_date or start_time"
        raise ReportError(f"Missing required parameter: {names}.")
    if len(given) > 1:
        raise ReportError(f"Only one of {', '.join(given)} may be given.")
    key = given[0]
    by, _, unit = key.partition("_")
    if by == "end" and not allow_end:
        raise ReportError("This report supports start_date or start_time only.")
    raw = params[key].strip()
    if unit == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
        except ValueError:
            raise ReportError(f"Invalid value for {key}: {raw}.") from None
        lo = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
    else:
        lo = _number(params, key)
    duration = _number(params, "duration")
    step = 86400 if unit == "date" else 1
    return TimeRange(by, lo, lo + duration * step if duration else None)


def parse_limit(world: World, params: Params) -> Filter:
    """The ``limit`` parameter as a filter (absent: every session).

    Raises:
        ReportError: ``limit`` is not one of the guide's forms.
    """
    raw = params.get("limit", "").strip() or "all"
    match = _LIMIT.fullmatch(raw)
    if match is None:
        raise ReportError(f"Invalid limit: {raw}.")
    kind, number = match.group(1), int(match.group(2) or 0)
    if raw == "all":
        return lambda r: True
    if raw == "team:all":
        return lambda r: r.primary_team is not None
    if kind == "rep":
        return lambda r: r.primary_rep is not None and r.primary_rep.id == number
    if kind == "team":
        return lambda r: r.primary_team is not None and r.primary_team.id == number
    if kind == "site":
        return lambda r: r.site.id == number
    members = {rep_id for team in world.teams if team.id == number for rep_id in team.member_ids}
    return lambda r: r.primary_rep is not None and r.primary_rep.id in members


def visibility(world: World, user: ApiUser, permission: str = "perm_view_reports") -> Filter | None:
    """The sessions ``user`` may see by ``permission``, with the guide's values: ``all_sessions``;
    ``user_sessions``, those the user was the primary representative of; ``team_sessions``,
    those whose primary representative is one of the user's teammates (or the user) or whose
    primary team is one of the user's teams. ``None`` when it may see none: ``none``, or a
    value the guide does not define (an appliance never grants what it cannot name)."""
    scope = user.permissions.get(permission, "none")
    if scope == "all_sessions":
        return lambda r: True
    if scope == "user_sessions":
        return lambda r: r.primary_rep is not None and r.primary_rep.id == user.user_id
    if scope == "team_sessions":
        teams = {team.id for team in world.teams if user.user_id in team.member_ids}
        mates = {rep for team in world.teams if team.id in teams for rep in team.member_ids}
        mates.add(user.user_id)
        return lambda r: (
            (r.primary_rep is not None and r.primary_rep.id in mates)
            or (r.primary_team is not None and r.primary_team.id in teams)
        )
    return None


def _key(record: SessionRecord) -> tuple[int, str]:
    return record.start, record.lsid


def select(world: World, time_range: TimeRange, *filters: Filter) -> Iterator[SessionRecord]:
    """The sessions in ``time_range`` passing every filter, in start order: the history,
    the bulk sessions (built one at a time) and, for start ranges, those in progress."""
    stored = [r for r in world.history if time_range.matches(r)]  # a snapshot: safe to await
    sources: list[Iterable[SessionRecord]] = [
        stored,
        iter_bulk(world, time_range.lo, time_range.hi, time_range.by),
    ]
    if time_range.by == "start":
        sources.append([r for r in active_records(world) if time_range.matches(r)])
    for record in heapq.merge(*sources, key=_key):
        if all(keep(record) for keep in filters):
            yield record


def select_lsids(world: World, params: Params, *filters: Filter) -> list[SessionRecord] | None:
    """The sessions named by ``lsid`` or ``lsids`` (unknown ones skipped), in start order;
    ``None`` when the request names none.

    Raises:
        ReportError: both ``lsid`` and ``lsids``, ids with a time range, a malformed id.
    """
    single, many = params.get("lsid", "").strip(), params.get("lsids", "").strip()
    if not single and not many:
        return None
    if single and many:
        raise ReportError("lsid and lsids cannot be combined.")
    if any(params.get(key, "").strip() for key in _TIME_KEYS):
        raise ReportError("A time range cannot be combined with lsid or lsids.")
    wanted = [item.strip() for item in (single or many).split(",") if item.strip()]
    if not wanted or not all(_LSID.fullmatch(item) for item in wanted):
        raise ReportError("Invalid lsid.")
    found = (find_record(world, lsid) for lsid in dict.fromkeys(wanted))
    records = [r for r in found if r is not None and all(keep(r) for keep in filters)]
    return sorted(records, key=_key)
