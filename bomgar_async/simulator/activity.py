"""Team activity (``SupportTeam``) and peak license usage (``LicenseUsage``) of the world.

Neither is stored: the activity of a team on a day (built by :mod:`.team_events`) and the
license peak of an hour are drawn from a ``random.Random`` seeded by the world's seed and that
team/day or hour, so any time range shows the same events wherever it starts or ends. Both
exist only within the history period (the 30 days before ``created_at``) and up to the present.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from .history import (
    DAY,
    HISTORY_DAYS,
)
from .reports_render import (
    body_xml,
    close,
    esc,
    open_root,
    timed,
)
from .team_events import TeamEvent, team_day
from .world import (
    SupportTeam,
    World,
)

__all__ = ["LicensePeak", "TeamEvent", "license_peaks", "license_usage_xml", "team_activity_xml"]

PEAK_LICENSES = 10


@dataclass(frozen=True)
class LicensePeak:
    """A moment of peak license use: the total, and how many were logins / extended contact."""

    ts: int
    total: int
    login: int
    extended_contact: int


def _first(world: World) -> int:
    return world.created_at - HISTORY_DAYS * DAY


def _team_events(world: World, team: SupportTeam, lo: int, hi: int) -> list[TeamEvent]:
    first_day = max(lo, _first(world)) // DAY
    events = []
    for day in range(first_day, (hi - 1) // DAY + 1):
        events += [e for e in team_day(world, team, day) if lo <= e.ts < hi]
    return events


def _event_xml(event: TeamEvent) -> str:
    p = event.performed_by
    out = [
        f'<event timestamp="{event.ts}" event_type="{esc(event.event_type)}">\n'
        f'<performed_by gsnumber="{p.gsnumber}" type="{p.type}">{esc(p.name)}</performed_by>\n'
    ]
    if event.destinations:
        out.append("<destinations>\n")
        out += [
            f'<destination gsnumber="{d.gsnumber}">{esc(d.name)}</destination>\n'
            for d in event.destinations
        ]
        out.append("</destinations>\n")
    if event.files:
        out.append("<files>\n")
        out += [f'<file name="{esc(n)}" size="{s}" />\n' for n, s in event.files]
        out.append("</files>\n")
    if event.data:
        out.append("<data>\n")
        out += [f'<value name="{esc(n)}" value="{esc(v)}" />\n' for n, v in event.data]
        out.append("</data>\n")
    if event.body is not None:
        out.append(body_xml(event.body))
    out.append("</event>\n")
    return "".join(out)


def _logged_in(world: World, team: SupportTeam, lo: int) -> str:
    rng = random.Random(f"team-logins-{world.seed}-{team.id}-{lo // DAY}")
    out = []
    for rep_id in team.member_ids:
        if rng.random() < 0.4:
            continue
        rep = world.rep(rep_id)
        public = f"198.51.100.{rng.randint(2, 254)}:{rng.randint(1024, 65535)}"
        if rng.random() < 0.25:
            public = f"[2001:db8:100::{rng.randint(1, 0xFFFF):x}]:{rng.randint(1024, 65535)}"
        private = "Unknown" if rng.random() < 0.2 else f"10.0.3.{rng.randint(2, 254)}"
        out.append(
            f'<representative gsnumber="{rng.randint(2, 999)}" id="{rep.id}">\n'
            f"<display_name>{esc(rep.private_display_name)}</display_name>\n"
            f"<public_display_name>{esc(rep.public_display_name)}</public_display_name>\n"
            f"<private_display_name>{esc(rep.private_display_name)}</private_display_name>\n"
            f"<public_ip>{public}</public_ip>\n<private_ip>{private}</private_ip>\n"
            "</representative>\n"
        )
    return "".join(out)


def team_activity_xml(
    world: World, lo: int, hi: int, team_id: int | None, namespace: str | None, now: int
) -> bytes | None:
    """The ``SupportTeam`` report for ``[lo, hi)`` (nothing after ``now`` has happened);
    ``None`` when no team had activity (the appliance answers its no-data error)."""
    out = [open_root("team_activity_list", namespace), timed("start_time", lo)]
    out.append(timed("end_time", hi))
    found = 0
    for team in world.teams:
        if team_id is not None and team.id != team_id:
            continue
        events = _team_events(world, team, lo, min(hi, now + 1))
        if not events:
            continue
        found += 1
        out.append(f'<team_activity id="{team.id}" name="{esc(team.name)}">\n')
        out.append(f"<logged_in_representatives>\n{_logged_in(world, team, lo)}")
        out.append("</logged_in_representatives>\n<events>\n")
        out += [_event_xml(event) for event in events]
        out.append("</events>\n</team_activity>\n")
    if not found:
        return None
    out.append(close("team_activity_list"))
    return "".join(out).encode()


def license_peaks(world: World, lo: int, hi: int) -> list[LicensePeak]:
    """The hourly license peaks (at least 90% of the licenses in use) within ``[lo, hi)``."""
    peaks = []
    for hour in range(max(lo, _first(world)) // 3600, (hi - 1) // 3600 + 1):
        rng = random.Random(f"license-{world.seed}-{hour}")
        weekday = (hour // 24 + 3) % 7 < 5
        busy = weekday and 8 <= hour % 24 < 18
        if rng.random() >= (0.35 if busy else 0.03):
            continue
        total = rng.randint(PEAK_LICENSES - 1, PEAK_LICENSES)
        extended = rng.choice((0, 0, 1, 2))
        peak = LicensePeak(hour * 3600 + rng.randint(0, 3599), total, total - extended, extended)
        if lo <= peak.ts < hi:
            peaks.append(peak)
    return peaks


def _group_key(ts: int, group_by: str) -> str:
    pattern = {"hour": "%Y%m%d%H", "day": "%Y%m%d", "month": "%Y%m"}[group_by]
    return time.strftime(pattern, time.gmtime(ts))


def license_usage_xml(
    world: World, lo: int, hi: int, group_by: str, namespace: str | None, now: int
) -> bytes | None:
    """The ``LicenseUsage`` report: the highest peak of each hour, day or month of
    ``[lo, hi)`` (up to ``now``); ``None`` when there was no peak (no-data answer)."""
    best: dict[str, LicensePeak] = {}
    for peak in license_peaks(world, lo, min(hi, now + 1)):
        key = _group_key(peak.ts, group_by)
        if key not in best or peak.total > best[key].total:
            best[key] = peak
    if not best:
        return None
    out = [open_root("license_usage", namespace), timed("start_time", lo), timed("end_time", hi)]
    out.append(f"<group_by>{group_by}</group_by>\n<license_time_intervals>\n")
    for peak in best.values():
        moment = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(peak.ts))
        out.append(f'<license_time_interval timestamp="{peak.ts}" datetime="{moment}">\n')
        out.append(f'<license_count license_type="representative">{peak.total}</license_count>\n')
        if peak.extended_contact:
            for reason, count in (
                ("login", peak.login),
                ("extended_contact", peak.extended_contact),
            ):
                out.append(
                    f'<license_count license_type="representative" reason="{reason}">'
                    f"{count}</license_count>\n"
                )
        out.append("</license_time_interval>\n")
    out.append(f"</license_time_intervals>\n{close('license_usage')}")
    return "".join(out).encode()
