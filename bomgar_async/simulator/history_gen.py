"""Deterministic generation of :class:`~.history.SessionRecord` objects from the world.

Every record is built from its own ``random.Random`` seeded by the world's seed and the
session's identity (history position, bulk index, lsid), so a record can be rebuilt alone
and always comes out the same. Representatives, teams and their names come from the world;
the data tables (customers, companies, chat lines, survey questions) live in
:mod:`.history_data`.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from . import history_data as data
from .history import (
    DAY,
    HISTORY_DAYS,
    RecordCustomer,
    RecordRep,
    RecordTeam,
    SessionRecord,
    SiteRef,
    bulk_lsid,
    bulk_times,
    find_record,
    insert_record,
)
from .history_events import EventBuilder
from .world import (
    Representative,
    SupportSession,
    World,
)

__all__ = ["add_closed_session", "build_bulk", "generate_history", "record_of_active"]

EXPIRY_DAYS = 24
"""Recordings of sessions that started more than 24 days before ``created_at`` have expired."""
ACTIVE_LSEQ = 50_000
BULK_LSEQ = 1_000_000
IN_PROGRESS_SPAN = 120
"""A session in progress shows the events of its first two minutes."""


@dataclass
class _Plan:
    """The choices a record is built from (random for history, given for active sessions)."""

    lsid: str
    lseq: int
    start: int
    end: int | None
    customer_name: str | None = None
    rep_ids: list[int] | None = None
    team_ids: list[int] | None = None
    external_key: str | None = None
    full: bool = True  # recordings, surveys, files, a second site and Jumpoints
    unattended: bool = True  # may close before a representative takes it


def generate_history(world: World, count: int) -> tuple[list[SessionRecord], dict[str, bool]]:
    """``count`` closed sessions over the 30 days before ``world.created_at`` (start order),
    and the presentation recordings (lsid -> expired).

    Everything but the absolute times depends on the seed alone: a world generated later
    has the same lsids, in the same order, with the same details, shifted in time."""
    rng = random.Random(f"history-{world.seed}")
    first = world.created_at - HISTORY_DAYS * DAY
    timings = []
    for _ in range(count):
        lsid = f"{rng.getrandbits(128):032x}"
        roll = rng.random()
        length = rng.randint(120, 1800) if roll < 0.7 else rng.randint(1800, 7200)
        if roll >= 0.95:
            length = rng.randint(3600, 30 * 3600)  # long sessions: they arrive late
        start = first + rng.randint(0, HISTORY_DAYS * DAY - length - 300)
        timings.append((start, start + length, lsid))
    timings.sort()
    records = []
    for lseq, (start, end, lsid) in enumerate(timings, start=1):
        session_rng = random.Random(f"session-{world.seed}-{lsid}")
        records.append(_Builder(world, session_rng).build(_Plan(lsid, lseq, start, end)))
    presentations = {f"{rng.getrandbits(128):032x}": number == 0 for number in range(3)}
    return records, presentations


def build_bulk(world: World, index: int) -> SessionRecord:
    """Bulk session ``index`` (see :func:`~.history.bulk_times`)."""
    start, end = bulk_times(world, index)
    plan = _Plan(bulk_lsid(world, index), BULK_LSEQ + index, start, end, unattended=False)
    record = _Builder(world, random.Random(f"bulk-{world.seed}-{index}")).build(plan)
    if world.bulk_heavy:
        from .bulk_heavy import with_heavy_events

        return with_heavy_events(record)
    return record


def add_closed_session(
    world: World, start: int, end: int, lsid: str | None = None
) -> SessionRecord:
    """Add a complete closed session that ran from ``start`` to ``end`` (UNIX times) to
    ``world.history``; a fresh lsid is made up unless given. Returns the record.

    Raises:
        ValueError: ``end`` before ``start``, or ``lsid`` already taken.
    """
    if end < start:
        raise ValueError("end must not be before start")
    if lsid is None:
        number = len(world.history)
        while lsid is None or find_record(world, lsid) is not None:
            number += 1
            lsid = hashlib.sha256(f"added-{world.seed}-{number}".encode()).hexdigest()[:32]
    lseq = max((r.lseq for r in world.history), default=0) + 1
    rng = random.Random(f"added-{world.seed}-{lsid}")
    return insert_record(world, _Builder(world, rng).build(_Plan(lsid, lseq, start, end)))


def record_of_active(world: World, session: SupportSession, end: int | None) -> SessionRecord:
    """The record of one of the world's sessions: in progress (``end`` None) or ended."""
    kind, _, number = session.queue.partition(":")
    teams = [int(number)] if kind in ("team", "embassy") and number.isdigit() else []
    plan = _Plan(
        session.lsid,
        ACTIVE_LSEQ + world.sessions.index(session),
        session.started_at,
        end,
        customer_name=session.customer_name,
        rep_ids=list(session.rep_ids),
        team_ids=teams,
        external_key=session.external_key,
        full=False,
    )
    return _Builder(world, random.Random(f"active-{world.seed}-{session.lsid}")).build(plan)


class _Builder:
    """Builds one record; every random choice goes through ``rng``."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.staff = [r for r in world.reps if r.username not in ("readonly", "nocommand")]
        self.taken: set[int] = set()

    def gsnumber(self) -> int:
        number = self.rng.randint(2, 999)
        while number in self.taken:
            number = self.rng.randint(2, 999)
        self.taken.add(number)
        return number

    def public_ip(self) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return "Unknown"
        port = self.rng.randint(1024, 65535)
        if roll < 0.2:
            net, host = self.rng.randint(1, 0xFFFF), self.rng.randint(1, 0xFFFF)
            return f"[2001:db8:{net:x}::{host:x}]:{port}"
        return f"203.0.113.{self.rng.randint(1, 254)}:{port}"

    def private_ip(self) -> str:
        if self.rng.random() < 0.08:
            return "Unknown"
        return f"192.168.{self.rng.randint(0, 40)}.{self.rng.randint(2, 254)}"

    def build(self, plan: _Plan) -> SessionRecord:
        rng, world = self.rng, self.world
        full = plan.full
        reps = self.pick_reps(plan)
        teams = self.pick_teams(plan, reps[0] if reps else None)
        key = plan.external_key
        if key is None:
            key = f"INC{rng.randint(10**6, 10**7 - 1)}" if rng.random() < 0.5 else ""
        site = data.SITES[1] if full and rng.random() < 0.15 else data.SITES[0]
        jumpoint = rng.choice(data.JUMPOINTS) if full and rng.random() < 0.2 else None
        customer = self.customer(plan.customer_name, jumpoint)
        closed = plan.end is not None
        horizon = plan.end if plan.end is not None else plan.start + IN_PROGRESS_SPAN
        recorded = full and closed and bool(reps)
        shells = rng.choice((1, 2)) if recorded and rng.random() < (0.6 if jumpoint else 0.2) else 0
        screens = rng.choice((1, 2)) if recorded and rng.random() < 0.2 else 0
        joined = [
            min(horizon, plan.start + 5 + rng.randint(0, 40) + 30 * n) for n in range(len(reps))
        ]
        rep_records = tuple(
            self.rep_record(rep, n, horizon - joined[n] if n == 0 else rng.randint(30, 900))
            for n, rep in enumerate(reps)
        )
        events = EventBuilder(rng, world, customer, rep_records, joined)
        events.build(plan.start, plan.end, key if full else "", full, screens, shells, recorded)
        return SessionRecord(
            lsid=plan.lsid,
            lseq=plan.lseq,
            start=plan.start,
            end=plan.end,
            site=site,
            customer=customer,
            reps=rep_records,
            teams=teams,
            jumpoint=jumpoint,
            external_key=key,
            session_recording=recorded and rng.random() < 0.65,
            show_my_screen=screens,
            command_shell=shells,
            recording_expired=plan.start < world.created_at - EXPIRY_DAYS * DAY,
            file_transfer_count=events.transfers,
            file_move_count=events.moves,
            file_delete_count=events.deletes,
            cust_survey=events.cust_survey,
            rep_survey=events.rep_survey,
            events=events.sorted(),
        )

    def pick_reps(self, plan: _Plan) -> list[Representative]:
        if plan.rep_ids is not None:
            return [self.world.rep(rep_id) for rep_id in plan.rep_ids]
        if plan.unattended and self.rng.random() < 0.06:
            return []  # the customer left before a representative took the session
        owners = [r for r in self.staff if r.type != "Invited"]
        reps = [self.rng.choice(owners)]
        if self.rng.random() < 0.25:
            reps.append(self.rng.choice([r for r in self.staff if r is not reps[0]]))
        return reps

    def pick_teams(self, plan: _Plan, owner: Representative | None) -> tuple[RecordTeam, ...]:
        world = self.world
        if plan.team_ids is not None:
            chosen = [world.team(team_id) for team_id in plan.team_ids]
        elif owner is None:
            chosen = [self.rng.choice([t for t in world.teams if t.member_ids])]
        else:
            own = [t for t in world.teams if owner.id in t.member_ids]
            chosen = [self.rng.choice(own)] if own and self.rng.random() < 0.75 else []
            if chosen and self.rng.random() < 0.12:
                chosen.append(world.teams[-1])  # escalated
        return tuple(
            RecordTeam(team.id, team.name, n == len(chosen) - 1) for n, team in enumerate(chosen)
        )

    def customer(self, name: str | None, jumpoint: SiteRef | None) -> RecordCustomer:
        rng = self.rng
        os_name, prefix = rng.choice(data.PLATFORMS)
        hostname = f"{prefix}-{rng.getrandbits(24):06X}"
        if name is None:
            name = hostname if jumpoint else f"{rng.choice(data.FIRST)} {rng.choice(data.LAST)}"
        company, code = rng.choice(data.COMPANIES)
        issues = [issue for team in self.world.teams for issue in team.issues]
        return RecordCustomer(
            gsnumber=self.gsnumber(),
            username=name,
            public_ip=self.public_ip(),
            private_ip=self.private_ip(),
            hostname=hostname if rng.random() < 0.9 else "",
            os=os_name,
            company=company if rng.random() < 0.8 else "",
            company_code=code if rng.random() < 0.5 else "",
            issue=str(rng.choice(issues).id) if issues and rng.random() < 0.7 else "",
            details=rng.choice(data.DETAILS) if rng.random() < 0.8 else "",
        )

    def rep_record(self, rep: Representative, position: int, seconds: int) -> RecordRep:
        rng = self.rng
        public = f"198.51.100.{rng.randint(2, 254)}"
        if rng.random() < 0.2:
            public = f"[2001:db8:100::{rng.randint(1, 0xFFFF):x}]:{rng.randint(1024, 65535)}"
        return RecordRep(
            gsnumber=self.gsnumber(),
            id=rep.id,
            username=rep.username,
            public_display_name=rep.public_display_name,
            private_display_name=rep.private_display_name,
            display_number=rng.randint(1, 4),
            public_ip=public,
            private_ip=f"10.0.{rng.randint(0, 20)}.{rng.randint(2, 254)}",
            hostname=f"{rep.username.upper()}-WS",
            os=rng.choice(data.PLATFORMS[:3])[0],
            session_owner=position == 0,
            primary_rep=position == 0,
            seconds_involved=max(1, seconds),
            embassy=rep.type == "Embassy",
            invited=rep.type == "Invited",
        )
