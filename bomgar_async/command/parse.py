"""Parsers of Command API answers: raw body bytes in, models out (pure, no I/O).

Each parser names the root elements its action may answer with (the guide's, and the
ones real appliances send instead, such as ``<session_key>``, ``<health_check>`` and
``<api_information>``) and the elements that must stay lists whether the appliance sent
zero, one or many of them. ``<error>`` answers, HTML pages and broken bodies raise the
errors described in ``bomgar_async._xml``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from xml.parsers import expat

from .._xml.core import (
    Node,
    child,
    children,
    parse_document,
    text,
)
from .._xml.limits import MAX_DEPTH, too_deep
from ..errors import BomgarProtocolError
from .appliance import (
    ApiInfo,
    Appliance,
    ApplianceHealth,
)
from .clients import (
    CONNECTED_CLIENT_ELEMENTS,
    ConnectedClient,
    ConnectedClientList,
    connected_client_from,
)
from .models import (
    Representative,
    SessionAttributes,
    SessionKey,
    SupportTeam,
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

_CONNECTED_CLIENTS_LISTS = (
    *CONNECTED_CLIENT_ELEMENTS,
    "client_connection",
    "event_log/event",
    "support_session_ids/lsid",
)


def parse_logged_in_reps(body: bytes) -> list[Representative]:
    """Parse a ``get_logged_in_reps`` answer (root ``<logged_in_reps>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body, list_paths=("rep",), expected_roots=("logged_in_reps",), action="get_logged_in_reps"
    )
    return [Representative.from_node(rep) for rep in children(root, "rep")]


def parse_support_teams(body: bytes) -> list[SupportTeam]:
    """Parse a ``get_support_teams`` answer (root ``<support_teams>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("support_team", "issue", "members/representative"),
        expected_roots=("support_teams",),
        action="get_support_teams",
    )
    return [SupportTeam.from_node(team) for team in children(root, "support_team")]


def parse_session_key(body: bytes) -> SessionKey:
    """Parse a ``generate_session_key`` answer (root ``<session_key>`` as real appliances
    send, or the guide's ``<generate_session_key>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body, expected_roots=("session_key", "generate_session_key"), action="generate_session_key"
    )
    nested = child(root, "session_key")  # <generate_session_key><session_key>...</...>
    return SessionKey.from_node(nested if isinstance(nested, Mapping) else root)


def parse_success(body: bytes, action: str) -> str:
    """Parse the answer of an action that reports only success (``join_session``,
    ``transfer_session``, ``set_session_attributes``, ``terminate_session``,
    ``set_failover_role``): a ``<success>`` root, or a root holding a ``<success>`` child.

    Returns:
        The success message as the appliance sent it (``""`` when it sent none).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not XML or reports neither success nor error.
    """
    root_name, root = parse_document(body, action=action)
    if root_name == "success":
        return (text(root) or "").strip()
    if isinstance(root, Mapping) and "success" in root:
        return (text(child(root, "success")) or "").strip()
    raise BomgarProtocolError(f"{action}: expected <success>, got <{root_name}>")


def parse_session_attributes(body: bytes) -> SessionAttributes:
    """Parse a ``get_session_attributes`` answer (root ``<custom_attributes>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("custom_attribute",),
        expected_roots=("custom_attributes", "get_session_attributes"),
        action="get_session_attributes",
    )
    nested = child(root, "custom_attributes")
    return SessionAttributes.from_node(nested if isinstance(nested, Mapping) else root)


def parse_appliances(body: bytes) -> list[Appliance]:
    """Parse a ``get_appliances`` answer (root ``<appliances>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("appliances/appliance",),
        expected_roots=("appliances",),
        action="get_appliances",
    )
    return [Appliance.from_node(node) for node in children(root, "appliance")]


def parse_connected_client_list(body: bytes) -> ConnectedClientList:
    """Parse a ``get_connected_client_list`` answer (root ``<connected_client_list>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("appliance_summary", "count", "connected_client"),
        expected_roots=("connected_client_list",),
        action="get_connected_client_list",
    )
    return ConnectedClientList.from_node(root)


def _root_child_order(body: bytes) -> list[str]:
    """Local names of the root's child elements in document order.

    xmltodict groups same-named children, which loses how kinds interleave; this second,
    cheap pass (on a body ``parse_document`` already accepted) recovers the order.
    """
    names: list[str] = []
    depth = 0

    def start(name: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep()
        if depth == 2:
            names.append(name.rsplit(":", 1)[-1])

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def refuse_entities(*_args: object) -> None:  # parse_document refused them already
        raise BomgarProtocolError("the appliance's XML was refused: entities are disabled")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse_entities
    parser.Parse(body, True)
    return names


def parse_connected_clients(body: bytes) -> list[ConnectedClient]:
    """Parse a ``get_connected_clients`` answer (root ``<connected_clients>``), keeping the
    document order across kinds; unknown kinds of client are skipped.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a client has no ``id``.
    """
    _, root = parse_document(
        body,
        list_paths=_CONNECTED_CLIENTS_LISTS,
        expected_roots=("connected_clients",),
        action="get_connected_clients",
    )
    pending = {kind: deque(children(root, kind)) for kind in CONNECTED_CLIENT_ELEMENTS}
    order = _root_child_order(body)  # cannot fail: parse_document accepted this body
    clients: list[ConnectedClient] = []

    def add(kind: str, node: Node) -> None:
        client = connected_client_from(kind, node)
        if client is not None:
            clients.append(client)

    for kind in order:
        queue = pending.get(kind)
        if queue:
            add(kind, queue.popleft())
    for kind, queue in pending.items():  # anything the ordering pass did not account for
        for node in queue:
            add(kind, node)
    return clients


def parse_check_health(body: bytes) -> ApplianceHealth:
    """Parse a ``check_health`` answer (root ``<health_check>``, or ``<check_health>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("enabled_shared_ips/ip",),
        expected_roots=("health_check", "check_health"),
        action="check_health",
    )
    return ApplianceHealth.from_node(root)


def parse_api_info(body: bytes) -> ApiInfo:
    """Parse a ``get_api_info`` answer (root ``<api_information>``, or ``<get_api_info>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("permission",),
        expected_roots=("api_information", "get_api_info"),
        action="get_api_info",
    )
    return ApiInfo.from_node(root)
