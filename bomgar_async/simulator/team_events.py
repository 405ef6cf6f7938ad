"""The generated events of a support team's day (the ``SupportTeam`` report's ``<event>``).

Every one of the 19 team event types the 1.11.0 guide lists (``TEAM_EVENT_TYPES``) comes out
of a few scenes: team chat; files shared, uploaded or downloaded (a failed transfer is
retried); a representative logging in, changing state and leaving; the console's owner
changing; sessions transferred to and from the team's queue; a session pinned to the queue,
its password changed, moved away and back, and unpinned; a representative monitored by
another. A day is drawn from a ``random.Random`` seeded by the world, the team and the day,
so any time range shows the same events. On the first day of the history the first team with
two members or more plays every scene in every variant, so every seed's history holds all 19
types. Value names in ``<data>`` are the simulator's own where the guide does not name them
(it names only those of a representative logging in).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from . import history_data as data
from .history import DAY, HISTORY_DAYS, Party
from .world import SupportTeam, World

__all__ = ["TEAM_EVENT_TYPES", "TeamEvent", "team_day"]

TEAM_EVENT_TYPES = (
    "Chat Message",
    "Conference Member Added",
    "Conference Member Departed",
    "Conference Member State Changed",
    "Conference Owner Changed",
    "File Download",
    "File Download Failed",
    "File Upload",
    "File Upload Failed",
    "Files Shared",
    "Pinned Session Moved Away from Queue",
    "Pinned Session Moved to Queue",
    "Pinned Session Password Modified",
    "Representative Monitoring Started",
    "Representative Monitoring Stopped",
    "Session Pinned to Queue",
    "Session Transferred Away from Queue",
    "Session Transferred to Queue",
    "Session Unpinned from Queue",
)
"""The team event types of the guide's ``/team_activity_list/team_activity/events/event``."""

SYSTEM = Party(0, "system", "System")


@dataclass(frozen=True)
class TeamEvent:
    """An event of a team's activity, sent to zero or more representatives."""

    ts: int
    event_type: str
    performed_by: Party
    destinations: tuple[Party, ...] = ()
    body: str | None = None
    files: tuple[tuple[str, int], ...] = ()
    data: tuple[tuple[str, str], ...] = ()


class _Day:
    """One team's day; each scene appends its events."""

    def __init__(self, world: World, team: SupportTeam, day: int, *, showcase: bool) -> None:
        self.world, self.team = world, team
        self.rng = random.Random(f"team-{world.seed}-{team.id}-{day}")
        self.showcase = showcase
        self.events: list[TeamEvent] = []

    def maybe(self, chance: float) -> bool:
        """A random branch; always taken on a showcase day."""
        return self.rng.random() < chance or self.showcase

    def party(self, rep_id: int) -> Party:
        rep = self.world.rep(rep_id)
        return Party(self.rng.randint(2, 999), "representative", rep.private_display_name)

    def add(
        self,
        ts: int,
        kind: str,
        who: Party,
        *to: Party,
        body: str | None = None,
        files: tuple[tuple[str, int], ...] = (),
        data: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.events.append(TeamEvent(ts, kind, who, tuple(to), body, files, data))

    def chat(self, ts: int, who: Party, others: list[Party]) -> None:
        line = self.rng.choice(data.TEAM_LINES) if self.rng.random() > 0.1 else "\x00\x07 raw"
        self.add(ts, "Chat Message", who, *others, body=line)

    def files(self, ts: int, who: Party, others: list[Party]) -> None:
        rng = self.rng
        kinds = ["Files Shared", "Files Shared", "File Upload", "File Download"]
        for kind in kinds[1:] if self.showcase else [rng.choice(kinds)]:
            count = rng.randint(1, 2) if kind == "Files Shared" else 1
            chosen = tuple(rng.sample(data.FILES, count))
            if kind != "Files Shared" and self.maybe(0.3):
                cancelled = (("reason", "Transfer cancelled"),)
                self.add(ts, f"{kind} Failed", who, *others[:1], files=chosen, data=cancelled)
                ts += 60  # retried a minute later
            self.add(ts, kind, who, *others[:1], files=chosen)
            ts += 60

    def login(self, ts: int, who: Party, others: list[Party]) -> None:
        rng = self.rng
        rep = self.world.rep(rng.choice(self.team.member_ids))
        values = (
            ("hostname", f"{rep.username.upper()}-WS"),
            ("name", rep.private_display_name),
            ("private_ip", f"10.0.{rng.randint(0, 20)}.{rng.randint(2, 254)}"),
            ("public_ip", f"198.51.100.{rng.randint(2, 254)}"),
            ("support_teams", self.team.name),
            ("user_id", str(rep.id)),
        )
        self.add(ts, "Conference Member Added", SYSTEM, data=values)
        member = (("name", rep.private_display_name), ("user_id", str(rep.id)))
        if self.maybe(0.5):
            state = rng.choice(("away", "busy", "available"))
            self.add(
                ts + rng.randint(60, 3600),
                "Conference Member State Changed",
                SYSTEM,
                data=(*member, ("state", state)),
            )
        if rng.random() < 0.5:
            self.add(
                ts + rng.randint(3601, 4 * 3600), "Conference Member Departed", SYSTEM, data=member
            )

    def owner(self, ts: int, who: Party, others: list[Party]) -> None:
        self.add(ts, "Conference Owner Changed", SYSTEM, who, data=(("owner", who.name),))

    def transfer(self, ts: int, who: Party, others: list[Party]) -> None:
        queue = (("queue", self.team.name),)
        self.add(ts, "Session Transferred to Queue", who, data=queue)
        if self.maybe(0.6):
            later = ts + self.rng.randint(60, 1800)
            self.add(later, "Session Transferred Away from Queue", who, data=queue)

    def pin(self, ts: int, who: Party, others: list[Party]) -> None:
        rng, queue = self.rng, (("queue", self.team.name),)
        self.add(ts, "Session Pinned to Queue", who, data=queue)
        if self.maybe(0.5):
            self.add(ts + 30, "Pinned Session Password Modified", who, data=queue)
        if self.maybe(0.5):
            self.add(ts + 60, "Pinned Session Moved Away from Queue", who, data=queue)
            self.add(ts + 120, "Pinned Session Moved to Queue", who, data=queue)
        if self.maybe(0.6):
            self.add(ts + rng.randint(600, 7200), "Session Unpinned from Queue", who, data=queue)

    def monitor(self, ts: int, who: Party, others: list[Party]) -> None:
        if not others:
            return
        watched = (("monitored", others[0].name),)
        self.add(ts, "Representative Monitoring Started", who, others[0], data=watched)
        later = ts + self.rng.randint(60, 1800)
        self.add(later, "Representative Monitoring Stopped", who, others[0], data=watched)


_Scene = Callable[[_Day, int, Party, list[Party]], None]
_SCENES: tuple[tuple[_Scene, int], ...] = (
    (_Day.chat, 6),
    (_Day.files, 4),
    (_Day.login, 3),
    (_Day.owner, 1),
    (_Day.transfer, 3),
    (_Day.pin, 2),
    (_Day.monitor, 1),
)


def _showcase(world: World, team: SupportTeam, day: int) -> bool:
    first_day = -(-(world.created_at - HISTORY_DAYS * DAY) // DAY)  # the first whole day
    staffed = next((t for t in world.teams if len(t.member_ids) >= 2), None)
    return day == first_day and staffed is not None and team.id == staffed.id


def team_day(world: World, team: SupportTeam, day: int) -> list[TeamEvent]:
    """The events of ``team`` on ``day`` (days since the epoch), in time order; quieter at
    weekends, nothing for a team without members."""
    today = _Day(world, team, day, showcase=_showcase(world, team, day))
    rng = today.rng
    quiet = not today.showcase and (day + 3) % 7 >= 5 and rng.random() < 0.6
    if not team.member_ids or quiet:
        return []
    scenes = [scene for scene, _ in _SCENES]
    weights = [weight for _, weight in _SCENES]
    plan = scenes if today.showcase else [None] * rng.randint(1, 4)
    for scene in plan:
        ts = day * DAY + rng.randint(7 * 3600, 19 * 3600)
        who = today.party(rng.choice(team.member_ids))
        picked = rng.sample(team.member_ids, min(2, len(team.member_ids)))
        others = [p for p in (today.party(r) for r in picked) if p.name != who.name]
        (scene or rng.choices(scenes, weights)[0])(today, ts, who, others)
    return sorted(today.events, key=lambda e: e.ts)
