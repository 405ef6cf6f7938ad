"""Connected-client models built straight from parsed elements (pure).

``get_connected_client_list`` and ``get_connected_clients`` answers are parsed once into an
element tree (:func:`~bomgar_async._xml.core.parse_element`); the functions here read the
root's children in document order, by local names, into the same models — equal field for
field — that the models' ``from_node`` build from a parsed node (:mod:`.clients`), without
building the node first. Polling thousands of clients parses these answers every round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from .._xml.tree import (
    Element,
    attr_of,
    children_named,
    element_text,
    first_children,
    local,
)
from .._xml.values import element_datetime, to_bool, to_datetime, to_int
from ..errors import BomgarProtocolError
from .clients import (
    ApplianceClientSummary,
    ClientConnection,
    ClientEvent,
    ConnectedClient,
    ConnectedClientList,
    ConnectedClientRef,
    ConnectedPresentationAttendee,
    ConnectedPushAgent,
    ConnectedRepresentative,
    ConnectedSupportCustomer,
)

__all__ = ["client_list_of", "clients_of"]

Kids = dict[str, Element]


_text = element_text


def _attr(element: Element | None, name: str) -> str | None:
    return None if element is None else attr_of(element, name)


_datetime = element_datetime


def _required(element: Element, name: str, kind: str) -> str:
    value = attr_of(element, name)
    if value is None or not value.strip():
        raise BomgarProtocolError(f"<{kind}> has no {name} attribute")
    return value.strip()


def _connection(element: Element) -> ClientConnection:
    kids = first_children(element)
    return ClientConnection(
        appliance_id=_text(kids.get("appliance_id")),
        purpose=_text(kids.get("purpose")),
        receive_traffic_node=to_bool(_text(kids.get("receive_traffic_node"))),
        connected_since=_datetime(kids.get("connected_since")),
        private_ip=_text(kids.get("private_ip")),
    )


def _event(element: Element) -> ClientEvent:
    stamp = attr_of(element, "ts") or attr_of(element, "timestamp")
    return ClientEvent(timestamp=to_datetime(stamp), text=_text(element))


def _log(
    element: Element, kids: Kids
) -> tuple[tuple[ClientConnection, ...], tuple[ClientEvent, ...]]:
    """The connections and events of a client answered with ``include_connections``."""
    holder = kids.get("client_connections")
    items: list[Element] = []
    logs: list[Element] = []
    if holder is not None:
        items += children_named(holder, "client_connection")
        inner_log = first_children(holder).get("event_log")
        if inner_log is not None:
            logs.append(inner_log)
    if "client_connection" in kids:  # beside the holder (``kids`` names every child)
        items += children_named(element, "client_connection")
    if "event_log" in kids:
        logs.append(kids["event_log"])
    return (
        tuple(_connection(item) for item in items),
        tuple(_event(event) for log in logs for event in children_named(log, "event")),
    )


_LOG_CHILDREN = frozenset({"client_connections", "client_connection", "event_log"})


def _common(element: Element, kind: str, kids: Kids) -> dict[str, Any]:
    platform = kids.get("platform")
    # a poll's answers (no include_connections) have none of these: no lists to build
    connections, events = _log(element, kids) if not _LOG_CHILDREN.isdisjoint(kids) else ((), ())
    return {
        "id": _required(element, "id", kind),
        "hostname": _text(kids.get("hostname")),
        "platform": _text(platform),
        "platform_id": _attr(platform, "id"),
        "timezone_offset": to_int(_text(kids.get("timezone_offset"))),
        "connected_since": _datetime(kids.get("connected_since")),
        "connections": connections,
        "events": events,
    }


def _representative(element: Element) -> ConnectedRepresentative:
    kind = "connected_representative"
    kids = first_children(element)
    lsids = (_text(n) for n in children_named(kids.get("support_session_ids"), "lsid"))
    return ConnectedRepresentative(
        **_common(element, kind, kids),
        user_id=to_int(_text(kids.get("user_id"))),
        type=_text(kids.get("type")),
        username=_text(kids.get("username")),
        public_display_name=_text(kids.get("public_display_name")),
        private_display_name=_text(kids.get("private_display_name")),
        start_session_url=_text(kids.get("start_session_url")),
        presentation_count=to_int(_text(kids.get("presentation_count"))),
        support_session_count=to_int(_text(kids.get("support_session_count"))),
        showing_on_rep_list=to_bool(_text(kids.get("showing_on_rep_list"))),
        support_license=_text(kids.get("support_license")),
        support_session_ids=tuple(s for s in lsids if s),
    )


def _support_customer(element: Element) -> ConnectedSupportCustomer:
    kids = first_children(element)
    return ConnectedSupportCustomer(
        **_common(element, "connected_support_customer", kids),
        name=_text(kids.get("name")),
        non_interactive=_text(kids.get("non_interactive")),
        lsid=_text(kids.get("lsid")),
    )


def _attendee(element: Element) -> ConnectedPresentationAttendee:
    kids = first_children(element)
    return ConnectedPresentationAttendee(
        **_common(element, "connected_presentation_attendee", kids), name=_text(kids.get("name"))
    )


def _push_agent(element: Element) -> ConnectedPushAgent:
    kids = first_children(element)
    return ConnectedPushAgent(
        **_common(element, "connected_push_agent", kids), name=_text(kids.get("name"))
    )


_KINDS: Mapping[str, Callable[[Element], ConnectedClient]] = MappingProxyType(
    {
        "connected_representative": _representative,
        "connected_support_customer": _support_customer,
        "connected_presentation_attendee": _attendee,
        "connected_push_agent": _push_agent,
    }
)


def clients_of(root: Element) -> list[ConnectedClient]:
    """The connected clients of a ``<connected_clients>`` element, in document order across
    kinds; children of any other name are skipped (as ``connected_client_from`` does).

    Raises:
        BomgarProtocolError: a client has no ``id`` attribute.
    """
    clients: list[ConnectedClient] = []
    for element in root:
        build = _KINDS.get(local(element.tag))
        if build is not None:
            clients.append(build(element))
    return clients


def _summary(element: Element) -> ApplianceClientSummary:
    counts: dict[str, int] = {}
    for count in children_named(element, "count"):
        kind, value = attr_of(count, "type"), to_int(_text(count))
        if kind and value is not None:
            counts[kind] = value
    return ApplianceClientSummary(
        id=_required(element, "id", "appliance_summary"), counts=MappingProxyType(counts)
    )


def _ref(element: Element) -> ConnectedClientRef:
    kind, ident = element.get("type"), element.get("id")  # the common case: plain attributes
    if kind is None or ident is None or not kind.strip() or not ident.strip():
        kind = _required(element, "type", "connected_client")
        ident = _required(element, "id", "connected_client")
    return ConnectedClientRef(type=kind.strip(), id=ident.strip())


def client_list_of(root: Element) -> ConnectedClientList:
    """The ``<connected_client_list>`` element as ``ConnectedClientList.from_node`` reads it.

    Raises:
        BomgarProtocolError: a summary has no ``id``, or a client no ``type`` or ``id``.
    """
    holder = next(children_named(root, "connected_client_summary"), None)
    return ConnectedClientList(
        summary=tuple(_summary(s) for s in children_named(holder, "appliance_summary")),
        clients=tuple(_ref(c) for c in children_named(root, "connected_client")),
    )
