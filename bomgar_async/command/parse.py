"""Parsers of Command API answers: raw body bytes in, models out (pure, no I/O).

Each parser names the root elements its action may answer with (the guide's, and the
ones real appliances send instead, such as ``<session_key>``, ``<health_check>`` and
``<api_information>``). ``<error>`` answers, HTML pages and broken bodies raise the errors
described in ``bomgar_async._xml``. The body is parsed into an element tree once
(:func:`~bomgar_async._xml.core.parse_element`: the depth limit and refusals included) and
the models are built straight from its elements (:mod:`.build_models`,
:mod:`.build_clients`), equal to what the models' ``from_node`` build from the nodes.
``get_api_info``'s usual flat answer is read without a tree (:mod:`.flat_api_info`), to the
same model.
"""

from __future__ import annotations

from .._xml.core import parse_element
from .appliance import (
    ApiInfo,
    Appliance,
    ApplianceHealth,
)
from .build_clients import client_list_of, clients_of
from .build_models import (
    api_info_of,
    appliances_of,
    health_of,
    representatives_of,
    session_attributes_of,
    session_key_of,
    success_of,
    support_teams_of,
)
from .clients import (
    ConnectedClient,
    ConnectedClientList,
)
from .flat_api_info import flat_api_info
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


def parse_logged_in_reps(body: bytes) -> list[Representative]:
    """Parse a ``get_logged_in_reps`` answer (root ``<logged_in_reps>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(body, expected_roots=("logged_in_reps",), action="get_logged_in_reps")
    return representatives_of(root)


def parse_support_teams(body: bytes) -> list[SupportTeam]:
    """Parse a ``get_support_teams`` answer (root ``<support_teams>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(body, expected_roots=("support_teams",), action="get_support_teams")
    return support_teams_of(root)


def parse_session_key(body: bytes) -> SessionKey:
    """Parse a ``generate_session_key`` answer (root ``<session_key>`` as real appliances
    send, or the guide's ``<generate_session_key>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(
        body, expected_roots=("session_key", "generate_session_key"), action="generate_session_key"
    )
    return session_key_of(root)


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
    root_name, root = parse_element(body, action=action)
    return success_of(root_name, root, action)


def parse_session_attributes(body: bytes) -> SessionAttributes:
    """Parse a ``get_session_attributes`` answer (root ``<custom_attributes>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(
        body,
        expected_roots=("custom_attributes", "get_session_attributes"),
        action="get_session_attributes",
    )
    return session_attributes_of(root)


def parse_appliances(body: bytes) -> list[Appliance]:
    """Parse a ``get_appliances`` answer (root ``<appliances>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(body, expected_roots=("appliances",), action="get_appliances")
    return appliances_of(root)


def parse_connected_client_list(body: bytes) -> ConnectedClientList:
    """Parse a ``get_connected_client_list`` answer (root ``<connected_client_list>``), in one
    pass over its element tree (:mod:`.build_clients`).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(
        body, expected_roots=("connected_client_list",), action="get_connected_client_list"
    )
    return client_list_of(root)


def parse_connected_clients(body: bytes) -> list[ConnectedClient]:
    """Parse a ``get_connected_clients`` answer (root ``<connected_clients>``) in one pass over
    its element tree, keeping the document order across kinds; unknown kinds of client are
    skipped.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a client has no ``id``.
    """
    _, root = parse_element(
        body, expected_roots=("connected_clients",), action="get_connected_clients"
    )
    return clients_of(root)


def parse_check_health(body: bytes) -> ApplianceHealth:
    """Parse a ``check_health`` answer (root ``<health_check>``, or ``<check_health>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_element(
        body, expected_roots=("health_check", "check_health"), action="check_health"
    )
    return health_of(root)


def parse_api_info(body: bytes) -> ApiInfo:
    """Parse a ``get_api_info`` answer (root ``<api_information>``, or ``<get_api_info>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    info = flat_api_info(body)  # the usual flat answer, read without building a tree
    if info is not None:
        return info
    _, root = parse_element(
        body, expected_roots=("api_information", "get_api_info"), action="get_api_info"
    )
    return api_info_of(root)
