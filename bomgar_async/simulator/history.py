"""The appliance's session history: what the Reporting API reports, as plain records.

:class:`SessionRecord` is one support session with everything a ``SupportSession`` report
shows (customer, representatives, teams, recordings, exit surveys, events). The world keeps
the closed ones in ``World.history`` (start order); the sessions in progress are the
world's active sessions, turned into records on demand (:func:`active_records`); a session
ended through the Command API is moved into the history with its end time.

*Bulk* sessions (``World.bulk_sessions``) are synthetic closed sessions for benchmarks: each
is rebuilt from its index whenever it is reported (:func:`bulk_record`) and never stored.
The records are built by :mod:`.history_gen`.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .world import World

__all__ = [
    "HISTORY_DAYS",
    "Party",
    "RecordCustomer",
    "RecordEvent",
    "RecordRep",
    "RecordTeam",
    "SessionRecord",
    "SiteRef",
    "SurveyAnswer",
    "SystemCategory",
    "active_records",
    "bulk_index",
    "bulk_lsid",
    "bulk_record",
    "bulk_times",
    "find_record",
    "insert_record",
    "iter_bulk",
]

HISTORY_DAYS = 30
"""The generated history covers the 30 days before the world's ``created_at``."""
DAY = 86400


@dataclass(frozen=True)
class SiteRef:
    """A public site or Jumpoint: ``<public_site id="1">Default</public_site>``."""

    id: int
    name: str


@dataclass(frozen=True)
class Party:
    """Who performed an event or where it went (``type``: system, customer, representative)."""

    gsnumber: int
    type: str
    name: str


@dataclass(frozen=True)
class SystemCategory:
    """A category of the system information pulled at session start, as a table."""

    name: str
    description: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RecordEvent:
    """An event of ``session_details``; a ``body`` with characters XML cannot carry is
    rendered as ``<encoded_body>`` (base64 of its UTF-8)."""

    ts: int
    event_type: str
    performed_by: Party | None = None
    destination: Party | None = None
    body: str | None = None
    filename: str | None = None
    filesize: int | None = None
    files: tuple[tuple[str, int], ...] = ()
    data: tuple[tuple[str, str], ...] = ()
    system_information: tuple[SystemCategory, ...] = ()


@dataclass(frozen=True)
class RecordCustomer:
    """The session's customer (``customer_list/customer``) and its front-end survey info."""

    gsnumber: int
    username: str
    public_ip: str
    private_ip: str
    hostname: str
    os: str
    company: str = ""
    company_code: str = ""
    issue: str = ""
    details: str = ""


@dataclass(frozen=True)
class RecordRep:
    """A representative who took part (``rep_list/representative``)."""

    gsnumber: int
    id: int
    username: str
    public_display_name: str
    private_display_name: str
    display_number: int
    public_ip: str
    private_ip: str
    hostname: str
    os: str
    session_owner: bool
    primary_rep: bool
    seconds_involved: int
    embassy: bool = False
    invited: bool = False


@dataclass(frozen=True)
class RecordTeam:
    """A team the session belonged to; ``primary`` for the last one it was transferred to."""

    id: int
    name: str
    primary: bool


@dataclass(frozen=True)
class SurveyAnswer:
    """An exit-survey question as configured, with the answers given (may be empty)."""

    id: int
    name: str
    type: str
    label: str
    report_header: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class SessionRecord:
    """One support session as the Reporting API reports it; ``end`` is ``None`` while it is
    in progress. ``show_my_screen`` / ``command_shell`` count the recorded instances;
    ``recording_expired`` makes every recording download answer the expiry ``<error>``."""

    lsid: str
    lseq: int
    start: int
    end: int | None
    site: SiteRef
    customer: RecordCustomer
    reps: tuple[RecordRep, ...] = ()
    teams: tuple[RecordTeam, ...] = ()
    jumpoint: SiteRef | None = None
    external_key: str = ""
    session_recording: bool = False
    show_my_screen: int = 0
    command_shell: int = 0
    recording_expired: bool = False
    file_transfer_count: int = 0
    file_move_count: int = 0
    file_delete_count: int = 0
    cust_survey: tuple[SurveyAnswer, ...] = ()
    rep_survey: tuple[SurveyAnswer, ...] = ()
    events: tuple[RecordEvent, ...] = ()

    @property
    def closed(self) -> bool:
        """Whether the session has ended."""
        return self.end is not None

    @property
    def primary_rep(self) -> RecordRep | None:
        """The final owner (``None`` when no representative took the session)."""
        return next((rep for rep in self.reps if rep.primary_rep), None)

    @property
    def primary_team(self) -> RecordTeam | None:
        """The last team the session was transferred to, if any."""
        return next((team for team in self.teams if team.primary), None)

    @property
    def has_recording(self) -> bool:
        """Whether a support session recording exists (``has_recording`` of the listing)."""
        return self.session_recording

    def duration(self, now: int) -> int:
        """Seconds from start to end (to ``now`` while in progress)."""
        return max(0, (self.end if self.end is not None else now) - self.start)


# -- the stored history ---------------------------------------------------------------------


def insert_record(world: World, record: SessionRecord) -> SessionRecord:
    """Add a closed session to ``world.history``, keeping start order; returns it."""
    if find_record(world, record.lsid) is not None:
        raise ValueError(f"a session with lsid {record.lsid!r} already exists")
    keys = [(r.start, r.lsid) for r in world.history]
    world.history.insert(bisect.bisect(keys, (record.start, record.lsid)), record)
    return record


def active_records(world: World) -> list[SessionRecord]:
    """The world's sessions in progress as records (``end`` ``None``), in start order."""
    from .history_gen import record_of_active  # history_gen builds this module's records

    records = [
        record_of_active(world, session, None) for session in world.sessions if session.active
    ]
    return sorted(records, key=lambda r: (r.start, r.lsid))


def find_record(world: World, lsid: str) -> SessionRecord | None:
    """The session ``lsid``: closed (history or bulk) or in progress; ``None`` if unknown."""
    for record in world.history:
        if record.lsid == lsid:
            return record
    index = bulk_index(world, lsid)
    if index is not None:
        return bulk_record(world, index)
    return next((r for r in active_records(world) if r.lsid == lsid), None)


# -- bulk sessions --------------------------------------------------------------------------


def _bulk_prefix(world: World) -> str:
    return hashlib.sha256(f"bulk-{world.seed}".encode()).hexdigest()[:22]


def bulk_lsid(world: World, index: int) -> str:
    """The lsid of bulk session ``index`` (32 hex digits; the last 10 are the index)."""
    return f"{_bulk_prefix(world)}{index:010x}"


def bulk_index(world: World, lsid: str) -> int | None:
    """The index of the bulk session ``lsid``, or ``None`` when it is not one."""
    prefix = _bulk_prefix(world)
    if len(lsid) != 32 or not lsid.startswith(prefix):
        return None
    try:
        index = int(lsid[len(prefix) :], 16)
    except ValueError:
        return None
    return index if index < world.bulk_sessions else None


def _mix(value: int) -> int:
    """A 64-bit integer hash (splitmix64 finalizer): cheap, deterministic timing per index."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def bulk_times(world: World, index: int) -> tuple[int, int]:
    """``(start, end)`` of bulk session ``index``: spread evenly over the history period,
    in start order by index, each ending before ``world.created_at``."""
    first = world.created_at - HISTORY_DAYS * DAY
    span = HISTORY_DAYS * DAY - 2 * 3600
    slot = span / max(1, world.bulk_sessions)
    noise = _mix(world.seed * 1_000_003 + index)
    start = first + int(index * slot + (noise % 1000) / 1000 * slot * 0.9)
    end = min(start + 120 + (noise >> 20) % 5400, world.created_at - 60)
    return start, end


def bulk_record(world: World, index: int) -> SessionRecord:
    """Bulk session ``index``, rebuilt deterministically (never stored)."""
    from .history_gen import build_bulk

    return build_bulk(world, index)


def iter_bulk(world: World, lo: int, hi: int | None, by: str) -> Iterator[SessionRecord]:
    """The bulk sessions whose start (``by="start"``) or end (``"end"``) lies in
    ``[lo, hi)`` (``hi`` ``None``: no upper bound), built one at a time in start order."""
    for index in range(world.bulk_sessions):
        start, end = bulk_times(world, index)
        moment = start if by == "start" else end
        if moment >= lo and (hi is None or moment < hi):
            yield bulk_record(world, index)
        elif by == "start" and hi is not None and start >= hi:
            return
