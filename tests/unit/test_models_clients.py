"""Connected-client models: ``get_connected_client_list`` and ``get_connected_clients``."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from bomgar_async.command.parse import (
    parse_connected_client_list,
    parse_connected_clients,
)
from bomgar_async.errors import BomgarProtocolError
from bomgar_async.models import (
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
    connected_client_from,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "command"
UTC = timezone.utc
PRIMARY = "0f4ac2d8a3b74c6e9b2d5e1f7a8c9b01"
TRAFFIC = "7e6d5c4b3a2910ffeeddccbbaa998877"


def load(name: str) -> bytes:
    return (FIXTURES / f"{name}.xml").read_bytes()


def dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_connected_client_list_many() -> None:
    listing = parse_connected_client_list(load("connected_client_list_many"))
    first, second = listing.summary
    assert first == ApplianceClientSummary(
        id=PRIMARY,
        counts=MappingProxyType(
            {
                "representative": 3,
                "support_customer": 2,
                "presentation_attendee": 1,
                "push_agent": 1,
                "pinned_client": 250,
            }
        ),
    )
    assert isinstance(first.counts, MappingProxyType)
    assert all(type(v) is int for v in first.counts.values())
    assert second.id == TRAFFIC
    assert dict(second.counts) == {"representative": 1}  # "Unknown" count left out
    assert listing.clients == (
        ConnectedClientRef(type="representative", id="101"),
        ConnectedClientRef(type="support_customer", id="2001"),
        ConnectedClientRef(type="representative", id="102"),
        ConnectedClientRef(type="push_agent", id="9001"),
        ConnectedClientRef(type="presentation_attendee", id="3001"),
    )


def test_connected_client_list_one_summary_only_and_zero() -> None:
    one = parse_connected_client_list(load("connected_client_list_one"))
    assert [(s.id, dict(s.counts)) for s in one.summary] == [
        ("a1b2c3d4e5f60718293a4b5c6d7e8f90", {"representative": 1})
    ]
    assert one.clients == (ConnectedClientRef(type="representative", id="55"),)
    summary_only = parse_connected_client_list(load("connected_client_list_summary_only"))
    assert summary_only.clients == ()
    assert dict(summary_only.summary[0].counts) == {"representative": 4, "support_customer": 0}
    assert parse_connected_client_list(load("connected_client_list_zero")) == ConnectedClientList()


def test_connected_client_ref_needs_type_and_id() -> None:
    with pytest.raises(BomgarProtocolError, match="<connected_client> has no id"):
        parse_connected_client_list(
            b'<connected_client_list><connected_client type="push_agent"/></connected_client_list>'
        )


def test_connected_clients_keep_document_order_across_kinds() -> None:
    clients = parse_connected_clients(load("connected_clients_many"))
    assert [(type(c), c.id) for c in clients] == [
        (ConnectedRepresentative, "101"),
        (ConnectedSupportCustomer, "2001"),
        (ConnectedRepresentative, "102"),
        (ConnectedPushAgent, "9001"),
        (ConnectedSupportCustomer, "2002"),
        (ConnectedPresentationAttendee, "3001"),
    ]  # the unknown <connected_toaster> is skipped
    assert [c.client_type for c in clients] == [
        "representative",
        "support_customer",
        "representative",
        "push_agent",
        "support_customer",
        "presentation_attendee",
    ]
    assert all(isinstance(c, ConnectedClient) for c in clients)


def test_connected_representative_with_connections() -> None:
    rep = parse_connected_clients(load("connected_clients_many"))[0]
    assert isinstance(rep, ConnectedRepresentative)
    assert (rep.hostname, rep.platform, rep.platform_id, rep.timezone_offset) == (
        "ALICE-LAPTOP",
        "Windows 10 Enterprise (x64)",
        "winNT-64",
        -18000,
    )
    assert rep.connected_since == dt(2019, 11, 29, 16, 33, 31)
    assert rep.connected_since is not None
    assert rep.connected_since.tzinfo is UTC
    assert (rep.user_id, rep.type, rep.username) == (1, "Normal", "alice")
    assert (rep.public_display_name, rep.private_display_name) == ("Alice Admin", "Alice (Tier 2)")
    assert rep.start_session_url == "https://support.example.com/?id=1&name=Alice+Admin"
    assert (rep.presentation_count, rep.support_session_count) == (0, 2)
    assert (rep.showing_on_rep_list, rep.support_license) == (True, "concurrent")
    assert rep.support_session_ids == (
        "c69a8e10bea9428f816cfababe9815fe",
        "da4b510978a541d49398e88c66e28475",
    )
    assert rep.connections == (
        ClientConnection(
            appliance_id=PRIMARY,
            purpose="master",
            receive_traffic_node=False,
            connected_since=dt(2019, 11, 29, 16, 33, 31),
            private_ip="10.0.0.21",
        ),
        ClientConnection(
            appliance_id=TRAFFIC,
            purpose="traffic",
            receive_traffic_node=True,
            connected_since=dt(2019, 11, 29, 16, 33, 35),
            private_ip="[fe80::1ff:fe23:4567:890a]:54321",
        ),
    )
    assert rep.events == (  # <event_log> nested inside <client_connections>
        ClientEvent(timestamp=dt(2019, 11, 29, 16, 33, 31), text="Connected to master node"),
        ClientEvent(
            timestamp=dt(2019, 11, 29, 16, 33, 35),
            text="Connected to traffic node eu.support.example.com",
        ),
    )


def test_connected_clients_of_every_kind() -> None:
    _, customer, bob, agent, shell, attendee = parse_connected_clients(
        load("connected_clients_many")
    )
    assert isinstance(customer, ConnectedSupportCustomer)
    assert (customer.name, customer.non_interactive, customer.lsid) == (
        "Frank Customer",
        None,
        "c69a8e10bea9428f816cfababe9815fe",
    )
    assert (customer.platform_id, customer.timezone_offset) == ("winNT", 3600)
    assert [c.private_ip for c in customer.connections] == ["192.168.1.50"]
    assert customer.events == (  # <event_log> beside <client_connections>
        ClientEvent(timestamp=dt(2019, 11, 29, 16, 35, 0), text="Connected to master node"),
    )
    assert isinstance(bob, ConnectedRepresentative)
    assert (bob.support_session_ids, bob.connections, bob.events, bob.connected_since) == (
        (),
        (),
        (),
        None,
    )
    assert (bob.user_id, bob.type, bob.showing_on_rep_list, bob.support_license) == (
        12,
        "Embassy",
        False,
        "named",
    )
    assert isinstance(agent, ConnectedPushAgent)
    assert (agent.name, agent.hostname, agent.timezone_offset) == (
        "Datacenter Jumpoint",
        "JUMPOINT-01",
        -21600,
    )
    assert isinstance(shell, ConnectedSupportCustomer)
    assert shell.non_interactive == "shelljump"
    assert isinstance(attendee, ConnectedPresentationAttendee)
    assert (attendee.name, attendee.platform, attendee.platform_id) == (
        "Grace Attendee",
        "Windows 10",
        "winNT",
    )


def test_connected_clients_one_and_zero() -> None:
    (customer,) = parse_connected_clients(load("connected_clients_one"))
    assert customer == ConnectedSupportCustomer(
        id="77",
        hostname="HOME-PC",
        platform="Windows 10",
        platform_id="winNT",
        timezone_offset=None,  # "Unknown"
        name="Hank",
        non_interactive="rdp",
        lsid="0123456789abcdef0123456789abcdef",
    )
    assert parse_connected_clients(load("connected_clients_zero")) == []


def test_single_children_stay_tuples() -> None:
    body = (
        b'<connected_clients><connected_representative id="1">'
        b"<client_connections><client_connection><purpose>master</purpose></client_connection>"
        b'</client_connections><event_log><event ts="0">up</event></event_log>'
        b"<support_session_ids><lsid>abc</lsid></support_session_ids>"
        b"</connected_representative></connected_clients>"
    )
    (rep,) = parse_connected_clients(body)
    assert isinstance(rep, ConnectedRepresentative)
    assert rep.support_session_ids == ("abc",)
    assert rep.connections == (ClientConnection(purpose="master"),)
    assert rep.events == (ClientEvent(timestamp=dt(1970, 1, 1), text="up"),)


def test_prefixed_elements_keep_their_order() -> None:
    body = (
        b'<c:connected_clients xmlns:c="https://www.beyondtrust.com/namespaces/API/command">'
        b'<c:connected_push_agent id="1"/><c:connected_representative id="2"/>'
        b'<c:connected_push_agent id="3"><c:name>J</c:name></c:connected_push_agent>'
        b"</c:connected_clients>"
    )
    clients = parse_connected_clients(body)
    assert [(c.client_type, c.id) for c in clients] == [
        ("push_agent", "1"),
        ("representative", "2"),
        ("push_agent", "3"),
    ]
    assert isinstance(clients[2], ConnectedPushAgent)
    assert clients[2].name == "J"


def test_connected_clients_refuse_entities() -> None:
    body = b'<!DOCTYPE r [<!ENTITY a "x">]><connected_clients/>'
    with pytest.raises(BomgarProtocolError, match="entities"):
        parse_connected_clients(body)


def test_connected_client_without_id_is_a_protocol_error() -> None:
    with pytest.raises(BomgarProtocolError, match="<connected_push_agent> has no id"):
        parse_connected_clients(b"<connected_clients><connected_push_agent/></connected_clients>")


def test_connected_client_from() -> None:
    node = {"@id": "5", "name": "Jump", "hostname": "h", "future": {"x": "1"}}
    agent = connected_client_from("connected_push_agent", node)
    assert agent == ConnectedPushAgent(id="5", name="Jump", hostname="h")
    assert connected_client_from("connected_toaster", node) is None
    assert connected_client_from("push_agent", node) is None


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (ConnectedRepresentative(id="1"), "username"),
        (ConnectedSupportCustomer(id="1"), "client_type"),
        (ConnectedPresentationAttendee(id="1"), "name"),
        (ConnectedPushAgent(id="1"), "id"),
        (ClientConnection(), "purpose"),
        (ClientEvent(), "text"),
        (ConnectedClientRef(type="push_agent", id="1"), "id"),
        (ConnectedClientList(), "clients"),
        (ApplianceClientSummary(id="g"), "counts"),
    ],
)
def test_models_are_frozen_and_slotted(model: Any, field: str) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(model, field, None)
    assert not hasattr(model, "__dict__")


def test_client_type_cannot_be_passed_in() -> None:
    with pytest.raises(TypeError):
        ConnectedPushAgent(id="1", client_type="representative")  # type: ignore[call-arg]
    summary = parse_connected_client_list(load("connected_client_list_one")).summary[0]
    with pytest.raises(TypeError):
        summary.counts["representative"] = 9  # type: ignore[index]
