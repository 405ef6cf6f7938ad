"""Command API models parsed from recorded-style answers (tests/fixtures/command)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from bomgar_async.command import parse as parse
from bomgar_async.errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarProtocolError,
)
from bomgar_async.models import (
    ApiInfo,
    Appliance,
    ApplianceHealth,
    CustomAttribute,
    Issue,
    Representative,
    SessionAttributes,
    SessionKey,
    SupportTeam,
    TeamMember,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "command"
UTC = timezone.utc
NAMESPACES = [
    None,
    "http://www.bomgar.com/namespaces/API/command",
    "http://www.beyondtrust.com/sra/namespaces/API/command",
    "https://www.beyondtrust.com/namespaces/API/command",
]
PARSERS: dict[str, Callable[[bytes], Any]] = {
    "get_logged_in_reps": parse.parse_logged_in_reps,
    "get_support_teams": parse.parse_support_teams,
    "generate_session_key": parse.parse_session_key,
    "get_session_attributes": parse.parse_session_attributes,
    "get_appliances": parse.parse_appliances,
    "get_connected_client_list": parse.parse_connected_client_list,
    "get_connected_clients": parse.parse_connected_clients,
    "check_health": parse.parse_check_health,
    "get_api_info": parse.parse_api_info,
    "join_session": lambda body: parse.parse_success(body, "join_session"),
}


def load(name: str, namespace: str | None = "keep") -> bytes:
    body = (FIXTURES / f"{name}.xml").read_bytes()
    if namespace == "keep":
        return body
    body = re.sub(rb' xmlns="[^"]*"', b"", body, count=1)
    if namespace is None:
        return body
    return re.sub(rb"(<\?xml[^>]*\?>\s*<[a-z_]+)", rb'\1 xmlns="' + namespace.encode() + b'"', body)


def dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_logged_in_reps_many() -> None:
    reps = parse.parse_logged_in_reps(load("logged_in_reps_many"))
    assert [type(r) for r in reps] == [Representative] * 3
    alice, bob, carol = reps
    assert alice == Representative(
        id=1,
        display_name="Alice Admin",
        public_display_name="Alice Admin",
        private_display_name="Alice (Tier 2)",
        type="Normal",
        direct_link='<a href="https://support.example.com/?id=1&name=Alice+Admin">Alice Admin</a>',
        logged_in_since=dt(2019, 11, 29, 16, 33, 31),
        presentation_count=0,
        support_session_count=2,
        showing_on_rep_list=True,
    )
    assert type(alice.id) is int
    assert alice.logged_in_since is not None
    assert alice.logged_in_since.tzinfo is UTC
    assert (bob.id, bob.type, bob.presentation_count, bob.showing_on_rep_list) == (
        12,
        "Embassy",
        1,
        False,
    )
    assert bob.logged_in_since == dt(2019, 11, 29, 14, 0, 0)  # -05:00 converted to UTC
    assert carol.logged_in_since == dt(2019, 11, 29, 17, 45, 0)  # naive text taken as UTC
    assert (carol.private_display_name, carol.direct_link, carol.presentation_count) == (
        None,
        None,
        None,
    )
    assert (carol.support_session_count, carol.showing_on_rep_list) == (None, None)


def test_logged_in_reps_one_and_zero() -> None:
    (dana,) = parse.parse_logged_in_reps(load("logged_in_reps_one"))
    assert (dana.id, dana.public_display_name, dana.private_display_name) == (7, "Dana", "Dana S.")
    assert dana.logged_in_since == dt(2024, 3, 1, 8, 15, 30)
    assert dana.support_session_count == 1
    assert dana.showing_on_rep_list is True
    assert parse.parse_logged_in_reps(load("logged_in_reps_zero")) == []


def test_logged_in_reps_prefixed_namespace() -> None:
    (eve,) = parse.parse_logged_in_reps(load("logged_in_reps_prefixed"))
    assert (eve.id, eve.public_display_name, eve.type, eve.support_session_count) == (
        3,
        "Eve",
        "Normal",
        4,
    )
    assert eve.display_name is None


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize(
    ("fixture", "action"),
    [
        ("logged_in_reps_many", "get_logged_in_reps"),
        ("support_teams_many", "get_support_teams"),
        ("session_key", "generate_session_key"),
        ("session_attributes_many", "get_session_attributes"),
        ("appliances_many", "get_appliances"),
        ("connected_client_list_many", "get_connected_client_list"),
        ("connected_clients_many", "get_connected_clients"),
        ("health_check", "check_health"),
        ("api_information", "get_api_info"),
        ("success_join_session", "join_session"),
    ],
)
def test_every_namespace_gives_the_same_models(
    fixture: str, action: str, namespace: str | None
) -> None:
    expected = PARSERS[action](load(fixture))
    body = load(fixture, namespace)
    assert (b"xmlns=" in body) is (namespace is not None)
    assert namespace is None or namespace.encode() in body
    assert PARSERS[action](body) == expected


@pytest.mark.parametrize("action", sorted(PARSERS))
@pytest.mark.parametrize(
    ("fixture", "error", "message"),
    [
        ("error_root", BomgarAPIError, "Invalid lsid."),
        ("error_child", BomgarAuthError, "Login failed"),
        ("error_permission", BomgarAPIError, "does not have permission"),
    ],
)
def test_errors_raise_for_every_action(
    action: str, fixture: str, error: type[BomgarAPIError], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        PARSERS[action](load(fixture))
    assert caught.value.action == action


@pytest.mark.parametrize("action", sorted(PARSERS))
def test_wrong_root_and_html_raise_protocol_error(action: str) -> None:
    with pytest.raises(BomgarProtocolError):
        PARSERS[action](b"<something_else><x>1</x></something_else>")
    with pytest.raises(BomgarProtocolError, match="HTML"):
        PARSERS[action](b"<!DOCTYPE html><html><body>Log in</body></html>")


def test_rep_without_id_is_a_protocol_error() -> None:
    with pytest.raises(BomgarProtocolError, match="<rep> has no id"):
        parse.parse_logged_in_reps(
            b"<logged_in_reps><rep><type>Normal</type></rep></logged_in_reps>"
        )
    with pytest.raises(BomgarProtocolError, match="non-numeric"):
        parse.parse_logged_in_reps(b'<logged_in_reps><rep id="x"/></logged_in_reps>')


def test_support_teams_many() -> None:
    desk, contractors, empty = parse.parse_support_teams(load("support_teams_many"))
    assert (desk.id, desk.name, desk.embassy, desk.support_session_count) == (
        1,
        "Help Desk",
        False,
        3,
    )
    assert desk.issues == (
        Issue(id=10, title="Password reset"),
        Issue(id=11, title="Printer"),
        Issue(id=12, title="VPN & remote access"),
    )
    assert desk.members == (
        TeamMember(
            id=1,
            username="alice",
            display_name="Alice Admin",
            public_display_name="Alice Admin",
            private_display_name="Alice (Tier 2)",
        ),
        TeamMember(
            id=12,
            username="bob",
            display_name="Bob Builder",
            public_display_name="Bob Builder",
            private_display_name="Bob B.",
        ),
    )
    assert desk.members_included is True
    assert isinstance(desk.issues, tuple)
    assert isinstance(desk.members, tuple)
    assert (contractors.embassy, contractors.support_session_count) == (True, 0)
    assert contractors.issues == (Issue(id=20, title="Onboarding"),)
    assert [(m.id, m.username, m.private_display_name) for m in contractors.members] == [
        (40, "carol", None)
    ]
    assert (empty.issues, empty.members, empty.members_included) == ((), (), True)


def test_support_teams_one_and_zero() -> None:
    (team,) = parse.parse_support_teams(load("support_teams_one"))
    assert team == SupportTeam(
        id=5,
        name="Tier 1",
        embassy=False,
        issues=(Issue(id=50, title="General"),),
        support_session_count=1,
        members=(),
        members_included=False,
    )
    assert parse.parse_support_teams(load("support_teams_zero")) == []


def test_session_key_as_real_appliances_send_it() -> None:
    key = parse.parse_session_key(load("session_key"))
    assert key.expires == dt(2019, 11, 29, 16, 33, 31)
    assert key.expires is not None
    assert key.expires.tzinfo is UTC
    assert (key.type, key.ttl, key.queue, key.queue_available, key.queue_id) == (
        "support",
        3600,
        "general",
        False,
        0,
    )
    assert (key.external_key, key.short_key) == ("TICKET-4711", "5678901")
    assert key.key_url == "https://support.example.com/?ak=5678901f0e7d4c2b9a8877665544332211"
    assert key.mail_subject == "Support Session Invitation"
    assert key.mail_body is not None
    assert key.mail_body.startswith("Please click the link below")
    assert key.mail_body.endswith("?ak=5678901f0e7d4c2b9a8877665544332211")


def test_session_key_as_the_guide_describes_it() -> None:
    key = parse.parse_session_key(load("session_key_guide"))
    assert key == SessionKey(
        type="support",
        ttl=900,
        expires=dt(2024, 6, 1, 12, 15, 0),
        queue="team",
        queue_available=None,
        queue_id=3,
        external_key=None,
        short_key="1234567",
        key_url="https://remote.example.com/?ak=1234567abc",
        mail_subject="Remote support",
        mail_body="Go to https://remote.example.com/?ak=1234567abc",
    )
    nested = b"<generate_session_key><session_key><short_key>7654321</short_key></session_key>"
    assert parse.parse_session_key(nested + b"</generate_session_key>").short_key == "7654321"


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("success_join_session", "Representative successfully added"),
        ("success_transfer_session", "Successfully transferred"),
        ("success_set_session_attributes", "Session attributes were set"),
        ("success_terminate_session", "Successfully terminated"),
        ("success_child", "Failover role changed to primary"),
        ("success_empty", ""),
    ],
)
def test_success_messages(fixture: str, message: str) -> None:
    assert parse.parse_success(load(fixture), "some_action") == message


def test_success_missing_is_a_protocol_error() -> None:
    with pytest.raises(BomgarProtocolError, match=r"terminate_session: expected <success>"):
        parse.parse_success(b"<done>ok</done>", "terminate_session")


def test_session_attributes_many() -> None:
    attributes = parse.parse_session_attributes(load("session_attributes_many"))
    assert attributes.attributes == (
        CustomAttribute(code_name="external_key", display_name="External Key", value="INC0012345"),
        CustomAttribute(
            code_name="department", display_name="Department", value="Finance & Accounting"
        ),
        CustomAttribute(code_name="asset_tag", display_name="Asset Tag", value=None),
    )
    assert dict(attributes.values) == {
        "external_key": "INC0012345",
        "department": "Finance & Accounting",
        "asset_tag": None,
    }
    assert isinstance(attributes.values, MappingProxyType)
    assert attributes["external_key"] == "INC0012345"
    assert attributes.get("asset_tag", "x") is None
    assert attributes.get("missing") is None
    assert attributes.get("missing", "fallback") == "fallback"
    assert "department" in attributes
    assert list(attributes) == ["external_key", "department", "asset_tag"]
    assert len(attributes) == 3
    with pytest.raises(KeyError):
        attributes["missing"]


def test_session_attributes_one_and_zero() -> None:
    one = parse.parse_session_attributes(load("session_attributes_one"))
    assert one.attributes == (
        CustomAttribute(code_name="ticket", display_name="Ticket", value="T-1"),
    )
    zero = parse.parse_session_attributes(load("session_attributes_zero"))
    assert zero == SessionAttributes(attributes=())
    assert dict(zero.values) == {}


@pytest.mark.parametrize(
    "body",
    [
        b'<get_session_attributes><custom_attributes><custom_attribute code_name="t">v'
        b"</custom_attribute></custom_attributes></get_session_attributes>",
        b'<get_session_attributes><custom_attribute code_name="t">v</custom_attribute>'
        b"</get_session_attributes>",
        b"<custom_attributes><custom_attribute><code_name>t</code_name><value> v </value>"
        b"</custom_attribute></custom_attributes>",
    ],
)
def test_session_attributes_other_shapes(body: bytes) -> None:
    attributes = parse.parse_session_attributes(body)
    assert attributes.attributes == (CustomAttribute(code_name="t", display_name=None, value="v"),)


def test_custom_attribute_needs_a_code_name() -> None:
    with pytest.raises(BomgarProtocolError, match="code_name"):
        parse.parse_session_attributes(b"<custom_attributes><custom_attribute>v</custom_attribute>"
                                       b"</custom_attributes>")  # fmt: skip


def test_appliances() -> None:
    primary, traffic = parse.parse_appliances(load("appliances_many"))
    assert primary == Appliance(
        id="0f4ac2d8a3b74c6e9b2d5e1f7a8c9b01",
        name="Primary",
        public_hostname="support.example.com",
        cluster_role="master",
        failover_role="primary",
        accepting_connections=True,
        timezone_offset=-18000,
    )
    assert (traffic.cluster_role, traffic.accepting_connections, traffic.timezone_offset) == (
        "traffic",
        False,
        3600,
    )
    (single,) = parse.parse_appliances(load("appliances_one"))
    assert (single.id, single.cluster_role, single.timezone_offset) == (
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "single",
        0,
    )
    assert parse.parse_appliances(load("appliances_zero")) == []


def test_check_health() -> None:
    health = parse.parse_check_health(load("health_check"))
    assert health == ApplianceHealth(
        appliance_id="0f4ac2d8a3b74c6e9b2d5e1f7a8c9b01",
        hostname="support.example.com",
        version="19.1.8 (build 4530)",
        success=True,
        error_message=None,
        failover_role="primary",
        enabled_shared_ips=("10.0.0.10", "10.0.0.11", "2001:db8::10"),
        last_data_sync_time=dt(2019, 11, 29, 16, 33, 31),
        last_data_sync_status="Success",
    )
    failing = parse.parse_check_health(load("health_check_one_ip"))
    assert (failing.success, failing.failover_role, failing.enabled_shared_ips) == (
        False,
        "backup",
        ("10.0.0.12",),
    )
    assert failing.error_message == "Data sync with the primary appliance failed"
    assert failing.last_data_sync_time == dt(2024, 5, 30, 22, 0, 0)
    minimal = parse.parse_check_health(load("health_check_minimal"))
    assert (minimal.hostname, minimal.enabled_shared_ips, minimal.last_data_sync_time) == (
        "single.example.com",
        (),
        None,
    )
    assert minimal.last_data_sync_status is None


def test_check_health_guide_root_and_plain_ip_list() -> None:
    body = (
        b"<check_health><enabled_shared_ips>10.0.0.1, 10.0.0.2</enabled_shared_ips></check_health>"
    )
    health = parse.parse_check_health(body)
    assert health.enabled_shared_ips == ("10.0.0.1", "10.0.0.2")
    assert (health.appliance_id, health.hostname, health.success) == (None, None, None)


def test_api_info_as_real_appliances_send_it() -> None:
    info = parse.parse_api_info(load("api_information"))
    assert (info.api_version, info.timestamp, info.user_id, info.company_name) == (
        "1.19.1",
        dt(2019, 11, 29, 16, 33, 31),
        42,
        "Example Corp",
    )
    assert dict(info.permissions) == {
        "perm_admin": "1",
        "perm_command": "full_access",
        "perm_reporting": "read_only",
        "perm_backup": "0",
        "perm_ecm": "deny",
        "perm_view_reports": "all_sessions",
        "perm_view_sd_recordings": "none",
    }
    assert isinstance(info.permissions, MappingProxyType)
    granted = {p for p in info.permissions if info.has(p)}
    assert granted == {"perm_admin", "perm_command", "perm_reporting", "perm_view_reports"}
    assert info.has("perm_never_sent") is False


def test_api_info_one_zero_and_guide_forms() -> None:
    one = parse.parse_api_info(load("api_information_one"))
    assert dict(one.permissions) == {"perm_command": "read_only"}
    assert one.timestamp == dt(2024, 6, 1, 12, 0, 0)
    assert (one.user_id, one.company_name, one.has("perm_command")) == (7, "Acme", True)
    zero = parse.parse_api_info(load("api_information_zero"))
    assert (dict(zero.permissions), zero.user_id, zero.company_name) == ({}, None, None)
    guide = parse.parse_api_info(load("get_api_info_guide"))
    assert dict(guide.permissions) == {
        "perm_use_command_api": "1",
        "perm_use_reporting_api": "0",
        "perm_admin": "0",
        "perm_view_reports": "team_sessions",
    }
    assert (guide.has("perm_use_command_api"), guide.has("perm_admin")) == (True, False)
    assert (guide.api_version, guide.timestamp, guide.user_id) == (
        "1.11.0",
        dt(2014, 6, 5, 10, 20, 30),
        3,
    )


def test_unknown_elements_are_ignored() -> None:
    body = (
        b'<logged_in_reps><rep id="5" future="yes"><new_thing><deep a="1">x</deep></new_thing>'
        b"<type>Normal</type><logged_in_since>soon</logged_in_since></rep><extra/></logged_in_reps>"
    )
    (rep,) = parse.parse_logged_in_reps(body)
    assert (rep.id, rep.type, rep.logged_in_since) == (5, "Normal", None)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Representative(id=1), "id"),
        (SupportTeam(id=1), "name"),
        (SessionKey(), "short_key"),
        (SessionAttributes(), "attributes"),
        (Appliance(id="g"), "name"),
        (ApplianceHealth(), "success"),
        (ApiInfo(), "permissions"),
        (Issue(id=1), "title"),
        (TeamMember(id=1), "username"),
        (CustomAttribute(code_name="c"), "value"),
    ],
)
def test_models_are_frozen_and_slotted(model: Any, field: str) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(model, field, None)
    assert not hasattr(model, "__dict__")


def test_mappings_are_read_only() -> None:
    info = parse.parse_api_info(load("api_information"))
    with pytest.raises(TypeError):
        info.permissions["perm_admin"] = "0"  # type: ignore[index]
    attributes = parse.parse_session_attributes(load("session_attributes_one"))
    with pytest.raises(TypeError):
        attributes.values["ticket"] = "x"  # type: ignore[index]
