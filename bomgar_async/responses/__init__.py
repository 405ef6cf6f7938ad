"""Pure parsers turning raw API answers (bytes) into models; no I/O happens here."""

from __future__ import annotations

from .command import (
    parse_api_info,
    parse_appliances,
    parse_check_health,
    parse_connected_client_list,
    parse_connected_clients,
    parse_logged_in_reps,
    parse_session_attributes,
    parse_session_key,
    parse_success,
    parse_support_teams,
)
from .reporting import (
    parse_exit_surveys,
    parse_license_usage,
    parse_session_list,
    parse_session_listing,
    parse_session_summary,
    parse_team_activity,
)
from .session_stream import SessionStreamParser, iter_sessions

__all__ = [
    "SessionStreamParser",
    "iter_sessions",
    "parse_api_info",
    "parse_appliances",
    "parse_check_health",
    "parse_connected_client_list",
    "parse_connected_clients",
    "parse_exit_surveys",
    "parse_license_usage",
    "parse_logged_in_reps",
    "parse_session_attributes",
    "parse_session_key",
    "parse_session_list",
    "parse_session_listing",
    "parse_session_summary",
    "parse_success",
    "parse_support_teams",
    "parse_team_activity",
]
