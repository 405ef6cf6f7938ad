"""Parsers of Reporting API answers: raw body bytes in, models out (pure, no I/O).

Each parser names the root its report answers with and the elements that must stay lists
whether the appliance sent zero, one or many of them. ``<error>`` answers (as the root, or
inside the expected root), HTML pages and broken bodies raise the errors described in
``bomgar_async._xml``. For ``SupportSession`` reports too large to hold in memory, see
:mod:`bomgar_async.reporting.session_stream`, which builds the same models incrementally.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .._xml.core import (
    Node,
    children,
    parse_document,
)
from .models import (
    ExitSurvey,
    LicenseUsageReport,
    SessionListingEntry,
    SessionSummary,
    SupportSession,
    TeamActivityReport,
)

__all__ = [
    "EXIT_SURVEY_LIST_PATHS",
    "SESSION_LIST_PATHS",
    "TEAM_ACTIVITY_PATHS",
    "parse_exit_surveys",
    "parse_license_usage",
    "parse_rep_exit_surveys",
    "parse_session_list",
    "parse_session_listing",
    "parse_session_summary",
    "parse_team_activity",
    "read_sessions",
]

T = TypeVar("T")

_PARTICIPANT_PATHS = (
    "customer_list/customer",
    "rep_list/representative",
    "team_list/team",
)
_SURVEY_PATHS = (
    "question_list/question",
    "cust_exit_survey/question",
    "rep_exit_survey/question",
    "answer_list/answer",
)
_EVENT_PATHS = ("files/file", "data/value")

#: Elements of a ``<session_list>`` that always parse as lists (shared with the streaming
#: parser, so both build identical nodes).
SESSION_LIST_PATHS: tuple[str, ...] = (
    "session_list/session",
    "show_my_screen_recordings/show_my_screen_recording",
    "command_shell_recordings/command_shell_recording",
    *_PARTICIPANT_PATHS,
    "cust_survey_list/cust_exit_survey",
    "rep_survey_list/rep_exit_survey",
    *_SURVEY_PATHS,
    "session_details/event",
    *_EVENT_PATHS,
    "system_information/category",
    "description/field",
    "data/row",
    "row/field",
)
#: Elements of an ``<exit_survey_list>`` that always parse as lists.
EXIT_SURVEY_LIST_PATHS: tuple[str, ...] = (
    "exit_survey_list/exit_survey",
    *_PARTICIPANT_PATHS,
    *_SURVEY_PATHS,
)
#: Elements of a ``<team_activity_list>`` that always parse as lists.
TEAM_ACTIVITY_PATHS: tuple[str, ...] = (
    "team_activity_list/team_activity",
    "logged_in_representatives/representative",
    "events/event",
    "destinations/destination",
    *_EVENT_PATHS,
)
_LICENSE_USAGE_PATHS = (
    "license_time_intervals/license_time_interval",
    "license_time_interval/license_count",
)


def parse_session_list(body: bytes) -> list[SupportSession]:
    """Parse a ``SupportSession`` report (root ``<session_list>``) held in memory.

    Args:
        body: the raw response body.

    Returns:
        The sessions in document order (empty when none matched).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a session has no lsid.
    """
    return read_sessions(body, SupportSession.from_node, action="SupportSession")


def read_sessions(body: bytes, build: Callable[[Node], T], *, action: str) -> list[T]:
    """Parse a session report held in memory (root ``<session_list>``: Remote Support's
    ``SupportSession``, PRA's ``AccessSession``), each ``<session>`` made by ``build``.

    Args:
        body: the raw response body.
        build: makes one session from its node (the model's ``from_node``).
        action: the report name, for error messages.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or ``build`` refused a
            session (one without an lsid).
    """
    _, root = parse_document(
        body,
        list_paths=SESSION_LIST_PATHS,
        expected_roots=("session_list",),
        action=action,
    )
    return [build(node) for node in children(root, "session")]


def parse_session_listing(
    body: bytes, *, action: str = "SupportSessionListing"
) -> list[SessionListingEntry]:
    """Parse a ``SupportSessionListing`` report (root ``<session_summary_list>``; PRA's
    ``AccessSessionListing`` has the same form).

    Args:
        body: the raw response body.
        action: the report name, for error messages.

    Returns:
        One entry per session, in document order.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or an entry has no lsid.
    """
    _, root = parse_document(
        body,
        list_paths=("session_summary_list/session_summary",),
        expected_roots=("session_summary_list",),
        action=action,
    )
    return [SessionListingEntry.from_node(node) for node in children(root, "session_summary")]


def parse_session_summary(
    body: bytes, *, action: str = "SupportSessionSummary"
) -> list[SessionSummary]:
    """Parse a ``SupportSessionSummary`` report (root ``<summary_list>``; PRA's
    ``AccessSessionSummary`` has the same form).

    Args:
        body: the raw response body.
        action: the report name, for error messages.

    Returns:
        One summary per representative, team or site, in document order.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a summary has no id.
    """
    _, root = parse_document(
        body,
        list_paths=("summary_list/summary",),
        expected_roots=("summary_list",),
        action=action,
    )
    return [SessionSummary.from_node(node) for node in children(root, "summary")]


def parse_exit_surveys(body: bytes, action: str = "SupportCustExitSurvey") -> list[ExitSurvey]:
    """Parse a ``SupportCustExitSurvey`` or ``SupportRepExitSurvey`` report (root
    ``<exit_survey_list>``).

    Args:
        body: the raw response body.
        action: the report name, for error messages.

    Returns:
        The surveys in document order.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a survey has no lsid.
    """
    _, root = parse_document(
        body,
        list_paths=EXIT_SURVEY_LIST_PATHS,
        expected_roots=("exit_survey_list",),
        action=action,
    )
    return [ExitSurvey.from_node(node) for node in children(root, "exit_survey")]


def parse_rep_exit_surveys(body: bytes) -> list[ExitSurvey]:
    """Parse a ``SupportRepExitSurvey`` report (see :func:`parse_exit_surveys`)."""
    return parse_exit_surveys(body, "SupportRepExitSurvey")


def parse_team_activity(body: bytes, *, action: str = "SupportTeam") -> TeamActivityReport:
    """Parse a ``SupportTeam`` report (root ``<team_activity_list>``; PRA's ``Team`` report
    has the same form).

    Args:
        body: the raw response body.
        action: the report name, for error messages.

    Returns:
        The report's range and the activity of each team.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a team has no id.
    """
    _, root = parse_document(
        body,
        list_paths=TEAM_ACTIVITY_PATHS,
        expected_roots=("team_activity_list",),
        action=action,
    )
    return TeamActivityReport.from_node(root)


def parse_license_usage(body: bytes) -> LicenseUsageReport:
    """Parse a ``LicenseUsage`` report (root ``<license_usage>``).

    Args:
        body: the raw response body.

    Returns:
        The report's range, grouping and peak-usage intervals.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=_LICENSE_USAGE_PATHS,
        expected_roots=("license_usage",),
        action="LicenseUsage",
    )
    return LicenseUsageReport.from_node(root)
