"""Models of the Reporting API's session reports: ``SupportSession`` (a full session of
``<session_list>``), ``SupportSessionListing`` entries and ``SupportSessionSummary`` rows.

Every element and attribute of the guide's ``/session_list/session`` is an attribute of
:class:`SupportSession`, named after it (lists are plural: ``customers``, ``reps``,
``teams``, ``events``). Times are aware UTC datetimes, taken from the exact UNIX
``timestamp`` attribute when sent; durations are ``timedelta``. The session id (``lsid``)
is required; everything else is tolerant of empty elements and placeholders.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs

from ..._xml.common import (
    is_blank,
    required_int_id,
)
from ..._xml.core import (
    Node,
    attr,
    child,
    children,
)
from ..._xml.values import (
    datetime_of,
    int_of,
    str_of,
    timedelta_of,
    to_bool,
    to_float,
    to_int,
)
from ...errors import BomgarProtocolError
from .events import SessionEvent
from .jump import (
    CustomAttribute,
    JumpGroup,
    custom_attributes_of,
)
from .parts import (
    NamedRef,
    ParticipantRef,
    SessionCustomer,
    SessionRepresentative,
    SessionTeam,
)
from .survey import SessionSurvey

__all__ = [
    "RecordingInstance",
    "SessionListingEntry",
    "SessionSummary",
    "SupportSession",
    "common_session_fields",
    "required_lsid",
    "session_participants",
]


def required_lsid(node: Node, element: str) -> str:
    """The ``lsid`` attribute of ``<element>``; BomgarProtocolError when it is missing."""
    value = (attr(node, "lsid") or "").strip()
    if not value:
        raise BomgarProtocolError(f"<{element}> has no lsid attribute")
    return value


@attrs.frozen(kw_only=True)
class RecordingInstance:
    """One Show My Screen or command shell recording of a session
    (``show_my_screen_recordings/show_my_screen_recording``,
    ``command_shell_recordings/command_shell_recording``); ``instance`` counts from 0."""

    instance: int | None = None
    download_url: str | None = None
    view_url: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> RecordingInstance:
        return cls(
            instance=to_int(attr(node, "instance")),
            download_url=str_of(node, "download_url"),
            view_url=str_of(node, "view_url"),
        )


def _recordings(node: Node, kind: str) -> tuple[RecordingInstance, ...]:
    items = children(child(node, f"{kind}_recordings"), f"{kind}_recording")
    return tuple(RecordingInstance.from_node(item) for item in items)


def _surveys(node: Node, kind: str) -> tuple[SessionSurvey, ...]:
    items = children(child(node, f"{kind}_survey_list"), f"{kind}_exit_survey")
    return tuple(SessionSurvey.from_node(item) for item in items)


def session_participants(
    node: Node,
) -> tuple[tuple[SessionCustomer, ...], tuple[SessionRepresentative, ...], tuple[SessionTeam, ...]]:
    """``(customers, reps, teams)`` of ``<customer_list>``, ``<rep_list>``, ``<team_list>``."""
    customers = children(child(node, "customer_list"), "customer")
    reps = children(child(node, "rep_list"), "representative")
    teams = children(child(node, "team_list"), "team")
    return (
        tuple(SessionCustomer.from_node(c) for c in customers if not is_blank(c)),
        tuple(SessionRepresentative.from_node(r) for r in reps if not is_blank(r)),
        tuple(SessionTeam.from_node(t) for t in teams if not is_blank(t)),
    )


def common_session_fields(node: Node) -> dict[str, Any]:
    """The fields every session report shares (Remote Support's ``SupportSession`` and
    PRA's ``AccessSession``), read from one ``<session>`` node."""
    customers, reps, teams = session_participants(node)
    events = children(child(node, "session_details"), "event")
    return {
        "lsid": required_lsid(node, "session"),
        "session_type": str_of(node, "session_type"),
        "lseq": int_of(node, "lseq"),
        "start_time": datetime_of(node, "start_time"),
        "end_time": datetime_of(node, "end_time"),
        "duration": timedelta_of(node, "duration"),
        "jump_group": JumpGroup.of(child(node, "jump_group")),
        "jumpoint": NamedRef.of(child(node, "jumpoint")),
        "external_key": str_of(node, "external_key"),
        "custom_attributes": custom_attributes_of(node),
        "session_chat_view_url": str_of(node, "session_chat_view_url"),
        "session_chat_download_url": str_of(node, "session_chat_download_url"),
        "session_recording_view_url": str_of(node, "session_recording_view_url"),
        "session_recording_download_url": str_of(node, "session_recording_download_url"),
        "command_shell_recordings": _recordings(node, "command_shell"),
        "file_transfer_count": int_of(node, "file_transfer_count"),
        "file_move_count": int_of(node, "file_move_count"),
        "file_delete_count": int_of(node, "file_delete_count"),
        "primary_customer": ParticipantRef.of(child(node, "primary_customer")),
        "primary_rep": ParticipantRef.of(child(node, "primary_rep")),
        "primary_team": NamedRef.of(child(node, "primary_team")),
        "customers": customers,
        "reps": reps,
        "teams": teams,
        "events": tuple(SessionEvent.from_node(e) for e in events),
    }


@attrs.frozen(kw_only=True)
class SupportSession:
    """A support session with everything the report holds (``/session_list/session``).

    ``end_time`` is ``None`` for sessions still in progress or closed abnormally.
    ``cust_surveys`` / ``rep_surveys`` are the exit surveys submitted, ``events`` the
    session's events in chronological order. ``jump_group`` and ``custom_attributes`` are
    sent by newer appliances (not in the 1.11.0 guide).
    """

    lsid: str
    session_type: str | None = None
    lseq: int | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration: timedelta | None = None
    public_site: NamedRef | None = None
    jump_group: JumpGroup | None = None
    jumpoint: NamedRef | None = None
    external_key: str | None = None
    custom_attributes: tuple[CustomAttribute, ...] = ()
    session_chat_view_url: str | None = None
    session_chat_download_url: str | None = None
    session_recording_view_url: str | None = None
    session_recording_download_url: str | None = None
    show_my_screen_recordings: tuple[RecordingInstance, ...] = ()
    command_shell_recordings: tuple[RecordingInstance, ...] = ()
    file_transfer_count: int | None = None
    file_move_count: int | None = None
    file_delete_count: int | None = None
    primary_customer: ParticipantRef | None = None
    primary_rep: ParticipantRef | None = None
    primary_team: NamedRef | None = None
    customers: tuple[SessionCustomer, ...] = ()
    reps: tuple[SessionRepresentative, ...] = ()
    teams: tuple[SessionTeam, ...] = ()
    cust_surveys: tuple[SessionSurvey, ...] = ()
    rep_surveys: tuple[SessionSurvey, ...] = ()
    events: tuple[SessionEvent, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> SupportSession:
        return cls(
            **common_session_fields(node),
            public_site=NamedRef.of(child(node, "public_site")),
            show_my_screen_recordings=_recordings(node, "show_my_screen"),
            cust_surveys=_surveys(node, "cust"),
            rep_surveys=_surveys(node, "rep"),
        )

    def __repr__(self) -> str:
        # Short: a session holds hundreds of events; the collections are shown as counts.
        return (
            f"SupportSession(lsid={self.lsid!r}, start_time={self.start_time!r}, "
            f"end_time={self.end_time!r}, external_key={self.external_key!r}, "
            f"customers={len(self.customers)}, reps={len(self.reps)}, "
            f"events={len(self.events)})"
        )


@attrs.frozen(kw_only=True)
class SessionListingEntry:
    """One session of a ``SupportSessionListing`` report
    (``/session_summary_list/session_summary``)."""

    lsid: str
    lseq: int | None = None
    has_recording: bool | None = None
    external_key: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> SessionListingEntry:
        # The guide lists lseq as an element and external_key as an attribute; accept both forms.
        lseq = to_int(attr(node, "lseq"))
        external_key = (attr(node, "external_key") or "").strip() or None
        return cls(
            lsid=required_lsid(node, "session_summary"),
            lseq=lseq if lseq is not None else int_of(node, "lseq"),
            has_recording=to_bool(attr(node, "has_recording")),
            external_key=external_key or str_of(node, "external_key"),
        )


@attrs.frozen(kw_only=True)
class SessionSummary:
    """Session statistics of one representative, team or site over the report's range
    (``/summary_list/summary``); ``type`` is ``rep``, ``team`` or ``site``."""

    id: int
    type: str | None = None
    display_name: str | None = None
    total_sessions: int | None = None
    avg_sessions_per_weekday: float | None = None
    avg_duration: timedelta | None = None

    @classmethod
    def from_node(cls, node: Node) -> SessionSummary:
        return cls(
            id=required_int_id(node, "summary"),
            type=(attr(node, "type") or "").strip() or None,
            display_name=str_of(node, "display_name"),
            total_sessions=int_of(node, "total_sessions"),
            avg_sessions_per_weekday=to_float(str_of(node, "avg_sessions_per_weekday")),
            avg_duration=timedelta_of(node, "avg_duration"),
        )
