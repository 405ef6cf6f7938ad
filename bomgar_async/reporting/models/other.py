"""Models of the Reporting API's other reports: exit surveys (``SupportCustExitSurvey``,
``SupportRepExitSurvey``), team activity (``SupportTeam``) and license usage
(``LicenseUsage``).

Report-wide times (``<start_time>``/``<end_time>`` in the appliance's system time) are read
from their UTC ``timestamp`` attribute when sent. Survey and team ids are required; nested
elements are read tolerantly.
"""

from __future__ import annotations

from datetime import datetime

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
    bool_of,
    datetime_of,
    str_of,
    to_datetime,
    to_int,
)
from .events import TeamEvent
from .parts import (
    HasAddresses,
    NamedRef,
    ParticipantRef,
    SessionCustomer,
    SessionRepresentative,
    SessionTeam,
    own_text,
)
from .session import (
    required_lsid,
    session_participants,
)
from .survey import (
    SurveyQuestion,
    SurveySubmitter,
    survey_questions,
)

__all__ = [
    "ActiveRepresentative",
    "ExitSurvey",
    "LicenseCount",
    "LicenseInterval",
    "LicenseUsageReport",
    "TeamActivity",
    "TeamActivityReport",
]


@attrs.frozen(kw_only=True)
class ExitSurvey:
    """A submitted exit survey with its session's context (``/exit_survey_list/exit_survey``).

    ``ts`` is the start time of the survey's session; ``rep_resolved`` is always false on
    API 1.0.0 and later (kept for backwards compatibility).
    """

    lsid: str
    ts: datetime | None = None
    session_type: str | None = None
    public_site: NamedRef | None = None
    submitted_by: SurveySubmitter | None = None
    primary_customer: ParticipantRef | None = None
    primary_rep: ParticipantRef | None = None
    primary_team: NamedRef | None = None
    customers: tuple[SessionCustomer, ...] = ()
    reps: tuple[SessionRepresentative, ...] = ()
    teams: tuple[SessionTeam, ...] = ()
    rep_resolved: bool | None = None
    questions: tuple[SurveyQuestion, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> ExitSurvey:
        customers, reps, teams = session_participants(node)
        return cls(
            lsid=required_lsid(node, "exit_survey"),
            ts=to_datetime(attr(node, "ts")),
            session_type=str_of(node, "session_type"),
            public_site=NamedRef.of(child(node, "public_site")),
            submitted_by=SurveySubmitter.of(child(node, "submitted_by")),
            primary_customer=ParticipantRef.of(child(node, "primary_customer")),
            primary_rep=ParticipantRef.of(child(node, "primary_rep")),
            primary_team=NamedRef.of(child(node, "primary_team")),
            customers=customers,
            reps=reps,
            teams=teams,
            rep_resolved=bool_of(node, "rep_resolved"),
            questions=survey_questions(node),
        )


@attrs.frozen(kw_only=True)
class ActiveRepresentative(HasAddresses):
    """A team member logged in before the report's first event
    (``team_activity/logged_in_representatives/representative``)."""

    gsnumber: int | None = None
    id: int | None = None
    display_name: str | None = None
    public_display_name: str | None = None
    private_display_name: str | None = None
    public_ip: str | None = None
    private_ip: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ActiveRepresentative:
        return cls(
            gsnumber=to_int(attr(node, "gsnumber")),
            id=to_int(attr(node, "id")),
            display_name=str_of(node, "display_name"),
            public_display_name=str_of(node, "public_display_name"),
            private_display_name=str_of(node, "private_display_name"),
            public_ip=str_of(node, "public_ip"),
            private_ip=str_of(node, "private_ip"),
        )


@attrs.frozen(kw_only=True)
class TeamActivity:
    """The activity of one team (``/team_activity_list/team_activity``); ``name`` is the
    team's current name."""

    id: int
    name: str | None = None
    logged_in_representatives: tuple[ActiveRepresentative, ...] = ()
    events: tuple[TeamEvent, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> TeamActivity:
        reps = children(child(node, "logged_in_representatives"), "representative")
        events = children(child(node, "events"), "event")
        return cls(
            id=required_int_id(node, "team_activity"),
            name=(attr(node, "name") or "").strip() or None,
            logged_in_representatives=tuple(
                ActiveRepresentative.from_node(r) for r in reps if not is_blank(r)
            ),
            events=tuple(TeamEvent.from_node(e) for e in events),
        )


@attrs.frozen(kw_only=True)
class TeamActivityReport:
    """A ``SupportTeam`` report (root ``<team_activity_list>``): the requested range and
    one :class:`TeamActivity` per team with activity in it."""

    start_time: datetime | None = None
    end_time: datetime | None = None
    teams: tuple[TeamActivity, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> TeamActivityReport:
        teams = children(node, "team_activity")
        return cls(
            start_time=datetime_of(node, "start_time"),
            end_time=datetime_of(node, "end_time"),
            teams=tuple(TeamActivity.from_node(t) for t in teams),
        )

    def __repr__(self) -> str:
        return (
            f"TeamActivityReport(start_time={self.start_time!r}, end_time={self.end_time!r}, "
            f"teams={len(self.teams)})"
        )


@attrs.frozen(kw_only=True)
class LicenseCount:
    """The licenses in use of one type at a peak (``license_time_interval/license_count``).

    ``reason`` is ``login``, ``extended_contact`` or ``None`` (then ``count`` is the total).
    """

    license_type: str | None = None
    reason: str | None = None
    count: int | None = None

    @classmethod
    def from_node(cls, node: Node) -> LicenseCount:
        return cls(
            license_type=(attr(node, "license_type") or "").strip() or None,
            reason=(attr(node, "reason") or "").strip() or None,
            count=to_int(own_text(node)),
        )


@attrs.frozen(kw_only=True)
class LicenseInterval:
    """A time at which peak license usage was logged
    (``license_time_intervals/license_time_interval``).

    ``timestamp`` is the exact aware UTC time; ``datetime`` the appliance's system-time
    text, kept as sent (it carries no time zone).
    """

    timestamp: datetime | None = None
    counts: tuple[LicenseCount, ...] = ()
    datetime: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> LicenseInterval:
        counts = children(node, "license_count")
        return cls(
            timestamp=to_datetime(attr(node, "timestamp")),
            counts=tuple(LicenseCount.from_node(c) for c in counts if not is_blank(c)),
            datetime=(attr(node, "datetime") or "").strip() or None,
        )


@attrs.frozen(kw_only=True)
class LicenseUsageReport:
    """A ``LicenseUsage`` report (root ``<license_usage>``): the range, the grouping
    (``hour``, ``day`` or ``month``) and the peak-usage intervals."""

    start_time: datetime | None = None
    end_time: datetime | None = None
    group_by: str | None = None
    intervals: tuple[LicenseInterval, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> LicenseUsageReport:
        intervals = children(child(node, "license_time_intervals"), "license_time_interval")
        return cls(
            start_time=datetime_of(node, "start_time"),
            end_time=datetime_of(node, "end_time"),
            group_by=str_of(node, "group_by"),
            intervals=tuple(LicenseInterval.from_node(i) for i in intervals),
        )

    def __repr__(self) -> str:
        return (
            f"LicenseUsageReport(start_time={self.start_time!r}, end_time={self.end_time!r}, "
            f"group_by={self.group_by!r}, intervals={len(self.intervals)})"
        )
