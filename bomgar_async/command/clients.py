"""Models of the clients connected to an appliance (``get_connected_client_list`` and
``get_connected_clients``).

A connected client is one of four kinds, each its own element in ``<connected_clients>``
and its own class here; :func:`connected_client_from` picks the class from the element
name. Connection details (``<client_connections>`` and the ``<event_log>``, which
appliances put either inside ``<client_connections>`` or beside it) are read from both
places. Like every model, these are frozen, pure to build, and ignore unknown elements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from .._xml.core import (
    Node,
    attr,
    child,
    children,
)
from .._xml.core import text as text_of
from .._xml.values import (
    bool_of,
    datetime_of,
    int_of,
    str_of,
    to_datetime,
    to_int,
)
from ..errors import BomgarProtocolError

__all__ = [
    "CONNECTED_CLIENT_ELEMENTS",
    "ApplianceClientSummary",
    "ClientConnection",
    "ClientEvent",
    "ConnectedClient",
    "ConnectedClientList",
    "ConnectedClientRef",
    "ConnectedPresentationAttendee",
    "ConnectedPushAgent",
    "ConnectedRepresentative",
    "ConnectedSupportCustomer",
    "connected_client_from",
]


def _required(node: Node, name: str, element: str) -> str:
    value = attr(node, name)
    if value is None or not value.strip():
        raise BomgarProtocolError(f"<{element}> has no {name} attribute")
    return value.strip()


@attrs.frozen(kw_only=True)
class ApplianceClientSummary:
    """How many clients of each type are connected to one appliance
    (``/connected_client_list/connected_client_summary/appliance_summary``).

    ``counts`` maps a client type (``representative``, ``support_customer``,
    ``presentation_attendee``, ``push_agent``, ``pinned_client``) to its count.
    """

    id: str
    counts: Mapping[str, int] = attrs.field(factory=lambda: MappingProxyType({}))

    @classmethod
    def from_node(cls, node: Node) -> ApplianceClientSummary:
        counts: dict[str, int] = {}
        for count in children(node, "count"):
            kind, value = attr(count, "type"), to_int(text_of(count))
            if kind and value is not None:
                counts[kind] = value
        return cls(id=_required(node, "id", "appliance_summary"), counts=MappingProxyType(counts))


@attrs.frozen(kw_only=True)
class ConnectedClientRef:
    """A connected client as listed by ``get_connected_client_list``
    (``/connected_client_list/connected_client``); ``id`` is valid only while it is connected."""

    type: str
    id: str

    @classmethod
    def from_node(cls, node: Node) -> ConnectedClientRef:
        return cls(
            type=_required(node, "type", "connected_client"),
            id=_required(node, "id", "connected_client"),
        )


@attrs.frozen(kw_only=True)
class ConnectedClientList:
    """The answer of ``get_connected_client_list``: a per-appliance summary and the clients
    (empty when ``summary_only`` was asked for)."""

    summary: tuple[ApplianceClientSummary, ...] = ()
    clients: tuple[ConnectedClientRef, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> ConnectedClientList:
        summaries = children(child(node, "connected_client_summary"), "appliance_summary")
        return cls(
            summary=tuple(ApplianceClientSummary.from_node(s) for s in summaries),
            clients=tuple(
                ConnectedClientRef.from_node(c) for c in children(node, "connected_client")
            ),
        )


@attrs.frozen(kw_only=True)
class ClientConnection:
    """One connection of a client to an appliance (``client_connection``)."""

    appliance_id: str | None = None
    purpose: str | None = None
    receive_traffic_node: bool | None = None
    connected_since: datetime | None = None
    private_ip: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ClientConnection:
        return cls(
            appliance_id=str_of(node, "appliance_id"),
            purpose=str_of(node, "purpose"),
            receive_traffic_node=bool_of(node, "receive_traffic_node"),
            connected_since=datetime_of(node, "connected_since"),
            private_ip=str_of(node, "private_ip"),
        )


@attrs.frozen(kw_only=True)
class ClientEvent:
    """An event of a client's connection log (``event_log/event``; ``timestamp`` from ``ts``)."""

    timestamp: datetime | None = None
    text: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ClientEvent:
        stamp = attr(node, "ts") or attr(node, "timestamp")
        return cls(timestamp=to_datetime(stamp), text=(text_of(node) or "").strip() or None)


def _connections(node: Node) -> tuple[ClientConnection, ...]:
    holder = child(node, "client_connections")
    items = children(holder, "client_connection") + children(node, "client_connection")
    return tuple(ClientConnection.from_node(item) for item in items)


def _events(node: Node) -> tuple[ClientEvent, ...]:
    logs = (child(child(node, "client_connections"), "event_log"), child(node, "event_log"))
    return tuple(ClientEvent.from_node(e) for log in logs for e in children(log, "event"))


def _common(node: Node, element: str) -> dict[str, Any]:
    platform = child(node, "platform")
    return {
        "id": _required(node, "id", element),
        "hostname": str_of(node, "hostname"),
        "platform": str_of(node, "platform"),
        "platform_id": attr(platform, "id"),
        "timezone_offset": int_of(node, "timezone_offset"),
        "connected_since": datetime_of(node, "connected_since"),
        "connections": _connections(node),
        "events": _events(node),
    }


@attrs.frozen(kw_only=True)
class ConnectedClient:
    """What every connected client has (``/connected_clients/connected_*``).

    ``client_type`` is ``representative``, ``support_customer``, ``presentation_attendee``
    or ``push_agent`` (from the element name); ``platform`` is the operating system and
    ``platform_id`` its short ``id`` attribute. ``connections`` and ``events`` are empty
    unless ``include_connections`` was asked for.
    """

    client_type: str = attrs.field(default="", init=False)

    id: str
    hostname: str | None = None
    platform: str | None = None
    platform_id: str | None = None
    timezone_offset: int | None = None
    connected_since: datetime | None = None
    connections: tuple[ClientConnection, ...] = ()
    events: tuple[ClientEvent, ...] = ()


@attrs.frozen(kw_only=True)
class ConnectedRepresentative(ConnectedClient):
    """A connected representative (``/connected_clients/connected_representative``)."""

    client_type: str = attrs.field(default="representative", init=False)

    user_id: int | None = None
    type: str | None = None
    username: str | None = None
    public_display_name: str | None = None
    private_display_name: str | None = None
    start_session_url: str | None = None
    presentation_count: int | None = None
    support_session_count: int | None = None
    showing_on_rep_list: bool | None = None
    support_license: str | None = None
    support_session_ids: tuple[str, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> ConnectedRepresentative:
        lsids = children(child(node, "support_session_ids"), "lsid")
        return cls(
            **_common(node, "connected_representative"),
            user_id=int_of(node, "user_id"),
            type=str_of(node, "type"),
            username=str_of(node, "username"),
            public_display_name=str_of(node, "public_display_name"),
            private_display_name=str_of(node, "private_display_name"),
            start_session_url=str_of(node, "start_session_url"),
            presentation_count=int_of(node, "presentation_count"),
            support_session_count=int_of(node, "support_session_count"),
            showing_on_rep_list=bool_of(node, "showing_on_rep_list"),
            support_license=str_of(node, "support_license"),
            support_session_ids=tuple(s for s in ((text_of(n) or "").strip() for n in lsids) if s),
        )


@attrs.frozen(kw_only=True)
class ConnectedSupportCustomer(ConnectedClient):
    """A connected customer client (``/connected_clients/connected_support_customer``);
    ``non_interactive`` is ``rdp``, ``shelljump`` or ``None``, ``lsid`` its session."""

    client_type: str = attrs.field(default="support_customer", init=False)

    name: str | None = None
    non_interactive: str | None = None
    lsid: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ConnectedSupportCustomer:
        return cls(
            **_common(node, "connected_support_customer"),
            name=str_of(node, "name"),
            non_interactive=str_of(node, "non_interactive"),
            lsid=str_of(node, "lsid"),
        )


@attrs.frozen(kw_only=True)
class ConnectedPresentationAttendee(ConnectedClient):
    """A presentation attendee (``/connected_clients/connected_presentation_attendee``)."""

    client_type: str = attrs.field(default="presentation_attendee", init=False)

    name: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ConnectedPresentationAttendee:
        return cls(**_common(node, "connected_presentation_attendee"), name=str_of(node, "name"))


@attrs.frozen(kw_only=True)
class ConnectedPushAgent(ConnectedClient):
    """A Jumpoint (``/connected_clients/connected_push_agent``); ``name`` is the Jumpoint's."""

    client_type: str = attrs.field(default="push_agent", init=False)

    name: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ConnectedPushAgent:
        return cls(**_common(node, "connected_push_agent"), name=str_of(node, "name"))


_KINDS: Mapping[str, Callable[[Node], ConnectedClient]] = MappingProxyType(
    {
        "connected_representative": ConnectedRepresentative.from_node,
        "connected_support_customer": ConnectedSupportCustomer.from_node,
        "connected_presentation_attendee": ConnectedPresentationAttendee.from_node,
        "connected_push_agent": ConnectedPushAgent.from_node,
    }
)
#: The element names of the four kinds of connected client, in the guide's order.
CONNECTED_CLIENT_ELEMENTS: tuple[str, ...] = tuple(_KINDS)


def connected_client_from(element_name: str, node: Node) -> ConnectedClient | None:
    """Build the connected client of element ``element_name`` (``connected_representative``,
    ``connected_support_customer``, ``connected_presentation_attendee``,
    ``connected_push_agent``); ``None`` for any other element, which callers skip.

    Raises:
        BomgarProtocolError: the element has no ``id`` attribute.
    """
    build = _KINDS.get(element_name)
    return None if build is None else build(node)
