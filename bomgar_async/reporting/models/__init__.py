"""Every model of the Reporting API, in one import.

The classes live in small modules by report: ``reporting_session`` (``SupportSession``,
listing entries, summaries), ``reporting_other`` (exit surveys, team activity, license
usage), ``reporting_events`` (session and team events), ``reporting_survey`` (survey
questions, session surveys, submitters) and ``reporting_parts`` (endpoints, references,
participants).
"""

from __future__ import annotations

from .events import (
    EventFile,
    EventParty,
    SessionEvent,
    SystemInfoCategory,
    TeamEvent,
)
from .jump import (
    JumpGroup,
)
from .other import (
    ActiveRepresentative,
    ExitSurvey,
    LicenseCount,
    LicenseInterval,
    LicenseUsageReport,
    TeamActivity,
    TeamActivityReport,
)
from .parts import (
    CustomerInfo,
    Endpoint,
    NamedRef,
    ParticipantRef,
    SessionCustomer,
    SessionRepresentative,
    SessionTeam,
)
from .session import (
    RecordingInstance,
    SessionListingEntry,
    SessionSummary,
    SupportSession,
)
from .survey import (
    SessionSurvey,
    SurveyQuestion,
    SurveySubmitter,
)

__all__ = [
    "ActiveRepresentative",
    "CustomerInfo",
    "Endpoint",
    "EventFile",
    "EventParty",
    "ExitSurvey",
    "JumpGroup",
    "LicenseCount",
    "LicenseInterval",
    "LicenseUsageReport",
    "NamedRef",
    "ParticipantRef",
    "RecordingInstance",
    "SessionCustomer",
    "SessionEvent",
    "SessionListingEntry",
    "SessionRepresentative",
    "SessionSummary",
    "SessionSurvey",
    "SessionTeam",
    "SupportSession",
    "SurveyQuestion",
    "SurveySubmitter",
    "SystemInfoCategory",
    "TeamActivity",
    "TeamActivityReport",
    "TeamEvent",
]
