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

__all__ = [
    "parse_api_info",
    "parse_appliances",
    "parse_check_health",
    "parse_connected_client_list",
    "parse_connected_clients",
    "parse_logged_in_reps",
    "parse_session_attributes",
    "parse_session_key",
    "parse_success",
    "parse_support_teams",
]
