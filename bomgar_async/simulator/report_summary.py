"""Session summary reports of the simulated appliance: Remote Support's
``SupportSessionSummary`` (by ``rep``, ``team`` or ``site``) and PRA's ``AccessSessionSummary``
(by ``user``, PRA's name for the session's owner), added up from the session history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from . import reports_render as xml
from .history import (
    DAY,
    SessionRecord,
)
from .report_select import (
    ReportError,
    parse_range,
    select,
)
from .world import World

if TYPE_CHECKING:
    from .reports import ReportContext

__all__ = ["owner_of", "summary_report"]


@dataclass
class _Row:
    """One line of a session summary being added up."""

    name: str
    sessions: int = 0
    on_weekdays: int = 0
    seconds: int = 0


def owner_of(world: World, record: SessionRecord, kind: str) -> tuple[int, str] | None:
    """``(id, current display name)`` of the record's rep (or PRA user), team or site
    (``None``: none)."""
    if kind == "site":
        return record.site.id, record.site.name
    if kind == "team":
        team = record.primary_team
        if team is None:
            return None
        return team.id, next((t.name for t in world.teams if t.id == team.id), team.name)
    rep = record.primary_rep
    if rep is None:
        return None
    current = next((r.private_display_name for r in world.reps if r.id == rep.id), None)
    return rep.id, current or rep.private_display_name


async def summary_report(context: ReportContext, *, kinds: tuple[str, ...]) -> web.Response:
    """The summary by the ``report_type`` asked for (one of ``kinds``); the no-data
    ``<error>`` when no session in the range has such an owner."""
    world, now = context.world, context.now
    time_range = parse_range(context.params)
    kind = context.params.get("report_type", "").strip()
    if not kind:
        raise ReportError("Missing required parameter: report_type.")
    if kind not in kinds:
        raise ReportError(f"Invalid value for report_type: {kind}.")
    rows: dict[int, _Row] = {}
    for record in select(world, time_range, context.visible):
        owner = owner_of(world, record, "rep" if kind == "user" else kind)
        if owner is None:
            continue
        row = rows.setdefault(owner[0], _Row(owner[1]))
        row.sessions += 1
        row.on_weekdays += int((record.start // DAY + 3) % 7 < 5)
        row.seconds += record.duration(now)
    if not rows:
        return context.no_data()
    first, last = time_range.lo // DAY, (time_range.until(now) - 1) // DAY
    weekdays = sum(1 for day in range(first, last + 1) if (day + 3) % 7 < 5)
    out = [xml.open_root("summary_list", context.namespace)]
    for owner_id, row in sorted(rows.items()):
        average = round(row.on_weekdays / weekdays, 1) if weekdays else 0.0
        out.append(
            f'<summary id="{owner_id}" type="{kind}">\n'
            f"<display_name>{xml.esc(row.name)}</display_name>\n"
            f"<total_sessions>{row.sessions}</total_sessions>\n"
            f"<avg_sessions_per_weekday>{average:.1f}</avg_sessions_per_weekday>\n"
            f"<avg_duration>{xml.hms(row.seconds // row.sessions)}</avg_duration>\n</summary>\n"
        )
    out.append(xml.close("summary_list"))
    return context.xml("".join(out).encode())
