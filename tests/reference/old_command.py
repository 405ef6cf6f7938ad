"""The Command API's small-answer parsers as they were before they built their models straight
from the elements (issue 11, goal 3): the body parsed into nodes (``parse_document``, or the
xmltodict-based ``old_parse_document``), the models built by ``from_node``. Kept only as the
reference the tests compare the shipped parsers with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bomgar_async._xml.core import child, children, parse_document, text
from bomgar_async.command.appliance import ApiInfo, Appliance, ApplianceHealth
from bomgar_async.command.models import (
    Representative,
    SessionAttributes,
    SessionKey,
    SupportTeam,
)
from bomgar_async.errors import BomgarProtocolError

Parse = Callable[..., tuple[str, Any]]


def old_parse_logged_in_reps(body: bytes, parse: Parse = parse_document) -> list[Representative]:
    """The old ``parse_logged_in_reps``."""
    _, root = parse(
        body, list_paths=("rep",), expected_roots=("logged_in_reps",), action="get_logged_in_reps"
    )
    return [Representative.from_node(rep) for rep in children(root, "rep")]


def old_parse_support_teams(body: bytes, parse: Parse = parse_document) -> list[SupportTeam]:
    """The old ``parse_support_teams``."""
    _, root = parse(
        body,
        list_paths=("support_team", "issue", "members/representative"),
        expected_roots=("support_teams",),
        action="get_support_teams",
    )
    return [SupportTeam.from_node(team) for team in children(root, "support_team")]


def old_parse_session_key(body: bytes, parse: Parse = parse_document) -> SessionKey:
    """The old ``parse_session_key``."""
    _, root = parse(
        body, expected_roots=("session_key", "generate_session_key"), action="generate_session_key"
    )
    nested = child(root, "session_key")
    return SessionKey.from_node(nested if isinstance(nested, Mapping) else root)


def old_parse_success(body: bytes, action: str, parse: Parse = parse_document) -> str:
    """The old ``parse_success``."""
    root_name, root = parse(body, action=action)
    if root_name == "success":
        return (text(root) or "").strip()
    if isinstance(root, Mapping) and "success" in root:
        return (text(child(root, "success")) or "").strip()
    raise BomgarProtocolError(f"{action}: expected <success>, got <{root_name}>")


def old_parse_session_attributes(body: bytes, parse: Parse = parse_document) -> SessionAttributes:
    """The old ``parse_session_attributes``."""
    _, root = parse(
        body,
        list_paths=("custom_attribute",),
        expected_roots=("custom_attributes", "get_session_attributes"),
        action="get_session_attributes",
    )
    nested = child(root, "custom_attributes")
    return SessionAttributes.from_node(nested if isinstance(nested, Mapping) else root)


def old_parse_appliances(body: bytes, parse: Parse = parse_document) -> list[Appliance]:
    """The old ``parse_appliances``."""
    _, root = parse(
        body,
        list_paths=("appliances/appliance",),
        expected_roots=("appliances",),
        action="get_appliances",
    )
    return [Appliance.from_node(node) for node in children(root, "appliance")]


def old_parse_check_health(body: bytes, parse: Parse = parse_document) -> ApplianceHealth:
    """The old ``parse_check_health``."""
    _, root = parse(
        body,
        list_paths=("enabled_shared_ips/ip",),
        expected_roots=("health_check", "check_health"),
        action="check_health",
    )
    return ApplianceHealth.from_node(root)


def old_parse_api_info(body: bytes, parse: Parse = parse_document) -> ApiInfo:
    """The old ``parse_api_info``."""
    _, root = parse(
        body,
        list_paths=("permission",),
        expected_roots=("api_information", "get_api_info"),
        action="get_api_info",
    )
    return ApiInfo.from_node(root)
