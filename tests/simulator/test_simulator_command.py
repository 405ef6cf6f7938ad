"""Every Command API action round-trips over HTTP with the guide's XML (read with xmltodict)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import xmltodict

from bomgar_async.simulator import (
    COMMAND_NS_BEYONDTRUST,
    COMMAND_NS_BOMGAR,
    COMMAND_NS_HTTPS,
    Simulator,
)

ADMIN = {"username": "admin", "password": "s3cret-admin"}
LISTS = {
    "logged_in_reps": "rep",
    "support_teams": "support_team",
    "issues": "issue",
    "members": "representative",
    "appliances": "appliance",
    "connected_client_summary": "appliance_summary",
    "appliance_summary": "count",
    "connected_client_list": "connected_client",
    "support_session_ids": "lsid",
    "client_connections": "client_connection",
    "event_log": "event",
    "custom_attributes": "custom_attribute",
    "permissions": "permission",
}


def force_list(path: Any, key: str, _value: Any) -> bool:
    """Elements that repeat parse as lists, even when only one is present."""
    parent = path[-1][0] if path else ""
    return LISTS.get(parent) == key or (
        parent == "connected_clients" and key.startswith("connected_")
    )


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1) as simulator:
        yield simulator


async def call(
    sim: Simulator,
    action: str,
    *,
    method: str = "POST",
    path: str = "/api/command.ns",
    **params: str,
) -> tuple[str, Any]:
    """Call ``action`` as admin; return (root name, root content) of the parsed answer."""
    fields = {**ADMIN, "action": action, **params}
    async with aiohttp.ClientSession() as http:
        if method == "POST":
            request = http.post(sim.url + path, data=fields)
        else:
            request = http.get(sim.url + path, params=fields)
        async with request as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
            body = await response.read()
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    ((root, content),) = xmltodict.parse(body, force_list=force_list).items()
    assert (b"xmlns=" in body) == (sim.namespace is not None)
    if isinstance(content, dict):
        assert content.pop("@xmlns", None) == sim.namespace
        if list(content) == ["#text"]:
            content = content["#text"]
    return root, content


@pytest.mark.parametrize(
    "namespace", [COMMAND_NS_BOMGAR, COMMAND_NS_BEYONDTRUST, COMMAND_NS_HTTPS, None]
)
async def test_namespace_is_put_on_the_root(namespace: str | None) -> None:
    async with Simulator(seed=1, namespace=namespace) as sim:
        root, content = await call(sim, "get_appliances")
    assert root == "appliances"
    assert len(content["appliance"]) == 2
    assert sim.requests[-1].action == "get_appliances"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", ["/api/command.ns", "/api/command"])
async def test_get_logged_in_reps(sim: Simulator, method: str, path: str) -> None:
    root, content = await call(sim, "get_logged_in_reps", method=method, path=path)
    assert root == "logged_in_reps"
    reps = content["rep"]
    assert [int(rep["@id"]) for rep in reps] == [rep.id for rep in sim.world.logged_in_reps()]
    admin = reps[0]
    assert admin["display_name"] == admin["public_display_name"] == "Admin"
    assert admin["private_display_name"] == "Site Administrator"
    assert admin["type"] == "Normal"
    assert admin["direct_link"].startswith('<a href="https://support.example.com/?id=1&amp;')
    assert admin["logged_in_since"].endswith("+00:00")
    assert {rep["showing_on_rep_list"] for rep in reps} == {"0", "1"}
    counts = {int(rep["@id"]): int(rep["support_session_count"]) for rep in reps}
    assert sum(counts.values()) == sum(len(s.rep_ids) for s in sim.world.active_sessions())
    assert sum(int(rep["presentation_count"]) for rep in reps) == 1


async def test_get_support_teams_without_and_with_members(sim: Simulator) -> None:
    _, plain = await call(sim, "get_support_teams")
    assert all("members" not in team for team in plain["support_team"])
    root, content = await call(sim, "get_support_teams", showmembers="")
    assert root == "support_teams"
    teams = {team["name"]: team for team in content["support_team"]}
    assert teams["Acme Corp Embassy"]["embassy"] == "1"
    assert "embassy" not in teams["Service Desk"]
    assert teams["Field Engineering"]["issues"] is None
    assert teams["Escalations"]["members"] is None
    desk = teams["Service Desk"]
    assert [issue["title"] for issue in desk["issues"]["issue"]] == [
        "Password reset",
        "VPN connection",
        "Printer problem",
    ]
    member = desk["members"]["representative"][0]
    assert set(member) == {
        "@id",
        "username",
        "display_name",
        "public_display_name",
        "private_display_name",
    }
    assert int(desk["support_session_count"]) == 1


async def test_generate_session_key_stores_the_key(sim: Simulator) -> None:
    before = int(time.time())
    root, key = await call(
        sim,
        "generate_session_key",
        type="support",
        queue_id="rep_username:admin",
        external_key="INC-42",
        ttl="600",
        url_hostname="remote.example.com",
        **{"session.priority": "2", "session.skills": "windows,vpn"},
    )
    assert root == "session_key"
    assert key["type"] == "support"
    assert key["ttl"] == "600"
    assert before + 600 <= int(key["expires"]) <= int(time.time()) + 600
    assert key["queue"] == {"@available": "1", "#text": "rep"}
    assert key["queue_id"] == "1"
    assert key["external_key"] == "INC-42"
    assert key["short_key"].isdigit() and len(key["short_key"]) == 7
    assert key["key_url"] == f"https://remote.example.com/?ak={key['short_key']}"
    assert key["short_key"] in key["mail_body"]
    assert key["mail_subject"]
    stored = sim.world.session_keys[-1]
    assert (stored.short_key, stored.priority, stored.skills) == (
        key["short_key"],
        2,
        ["windows", "vpn"],
    )


@pytest.mark.parametrize(
    ("queue", "expected"),
    [("general", "general"), ("team:{team}", "team"), ("embassy:{embassy}", "embassy")],
)
async def test_generate_session_key_queues(sim: Simulator, queue: str, expected: str) -> None:
    embassy = next(team for team in sim.world.teams if team.embassy)
    queue_id = queue.format(team=sim.world.teams[0].id, embassy=embassy.id)
    _, key = await call(sim, "generate_session_key", type="support", queue_id=queue_id)
    assert key["queue"]["#text"] == expected
    assert int(key["queue_id"]) == (0 if expected == "general" else int(queue_id.split(":")[1]))
    assert key["key_url"].startswith("https://support.example.com/")


async def test_session_key_for_a_logged_out_rep_is_not_available(sim: Simulator) -> None:
    offline = next(rep for rep in sim.world.reps if not rep.logged_in)
    _, key = await call(sim, "generate_session_key", type="support", queue_id=f"rep:{offline.id}")
    assert key["queue"] == {"@available": "0", "#text": "rep"}
    assert int(key["queue_id"]) == offline.id


@pytest.mark.parametrize(
    "params",
    [
        {"queue_id": "general"},
        {"type": "presentation", "queue_id": "general"},
        {"type": "support"},
        {"type": "support", "queue_id": "rep:99999"},
        {"type": "support", "queue_id": "general", "external_key": "x" * 1025},
        {"type": "support", "queue_id": "general", "session.priority": "4"},
        {"type": "support", "queue_id": "general", "ttl": "-5"},
    ],
)
async def test_generate_session_key_rejects_bad_arguments(
    sim: Simulator, params: dict[str, str]
) -> None:
    root, content = await call(sim, "generate_session_key", **params)
    assert root == "session_key"
    assert content["error"]
    assert sim.world.session_keys == []


async def test_join_session(sim: Simulator) -> None:
    session = sim.world.active_sessions()[-1]
    root, message = await call(sim, "join_session", lsid=session.lsid, rep_id="1")
    assert (root, message) == ("success", "Representative successfully added")
    assert 1 in session.rep_ids
    offline = next(rep for rep in sim.world.reps if not rep.logged_in)
    root, message = await call(sim, "join_session", lsid=session.lsid, rep_id=str(offline.id))
    assert root == "error"
    assert "not logged in" in message


async def test_transfer_session(sim: Simulator) -> None:
    session = sim.world.active_sessions()[0]
    team = sim.world.teams[1]
    root, message = await call(
        sim, "transfer_session", lsid=session.lsid, queue_id=f"team:{team.id}"
    )
    assert (root, message) == ("success", "Successfully transferred")
    assert session.queue == f"team:{team.id}"
    root, message = await call(sim, "transfer_session", lsid=session.lsid, queue_id="nowhere:1")
    assert root == "error"
    assert "queue" in message


async def test_set_and_get_session_attributes(sim: Simulator) -> None:
    session = sim.world.active_sessions()[1]
    root, message = await call(
        sim,
        "set_session_attributes",
        lsid=session.lsid,
        **{"custom.external_key": "CHG-7", "session.custom.asset_tag": "LT-0042"},
    )
    assert (root, message) == ("success", "Session attributes were set")
    assert session.external_key == "CHG-7"
    root, content = await call(sim, "get_session_attributes", lsid=session.lsid)
    assert root == "custom_attributes"
    values = {item["@code_name"]: item for item in content["custom_attribute"]}
    assert values["asset_tag"] == {
        "@code_name": "asset_tag",
        "@display_name": "Asset Tag",
        "#text": "LT-0042",
    }
    assert "external_key" not in values
    root, message = await call(
        sim, "set_session_attributes", lsid=session.lsid, **{"session.custom.asset_tag": "y" * 1025}
    )
    assert root == "error"
    assert session.custom["asset_tag"] == "LT-0042"


async def test_get_session_attributes_of_an_unknown_session(sim: Simulator) -> None:
    root, content = await call(sim, "get_session_attributes", lsid="0" * 32)
    assert (root, content) == ("custom_attributes", {"error": "Invalid lsid."})


async def test_terminate_session(sim: Simulator) -> None:
    session = sim.world.active_sessions()[0]
    root, message = await call(sim, "terminate_session", lsid=session.lsid)
    assert (root, message) == ("success", "Successfully terminated")
    _, clients = await call(sim, "get_connected_clients", type="support_customer")
    assert session.lsid not in [c["lsid"] for c in clients["connected_support_customer"]]
    root, message = await call(sim, "terminate_session", lsid=session.lsid)
    assert (root, message) == ("error", "Invalid lsid.")


async def test_get_appliances(sim: Simulator) -> None:
    _, content = await call(sim, "get_appliances")
    primary, backup = content["appliance"]
    assert primary["@id"] == sim.world.appliances[0].id
    assert (primary["failover_role"], backup["failover_role"]) == ("primary", "backup")
    assert primary["cluster_role"] == "single"
    assert primary["accepting_connections"] == "1"
    assert int(primary["timezone_offset"]) == -18000
    assert primary["public_hostname"] == "support.example.com"


async def test_get_connected_client_list(sim: Simulator) -> None:
    root, content = await call(sim, "get_connected_client_list")
    assert root == "connected_client_list"
    summaries = content["connected_client_summary"]["appliance_summary"]
    assert [s["@id"] for s in summaries] == [a.id for a in sim.world.appliances]
    counts = {
        c["@type"]: int(c["#text"]) for s in summaries for c in s["count"] if s is summaries[0]
    }
    assert set(counts) == {
        "representative",
        "support_customer",
        "presentation_attendee",
        "push_agent",
        "pinned_client",
    }
    assert counts["pinned_client"] == sim.world.pinned_clients[sim.world.appliances[0].id]
    listed = content["connected_client"]
    assert len(listed) == len(sim.world.clients)
    assert {item["@id"] for item in listed} == {client.id for client in sim.world.clients}


async def test_get_connected_client_list_by_type_and_summary_only(sim: Simulator) -> None:
    _, content = await call(
        sim, "get_connected_client_list", type="representative,push_agent", summary_only="1"
    )
    assert "connected_client" not in content
    first = content["connected_client_summary"]["appliance_summary"][0]
    assert [c["@type"] for c in first["count"]] == ["representative", "push_agent"]
    _, listed = await call(sim, "get_connected_client_list", type="support_customer")
    assert {c["@type"] for c in listed["connected_client"]} == {"support_customer"}
    root, failed = await call(sim, "get_connected_client_list", type="pinned_client")
    assert root == "connected_client_list"
    assert "Invalid client type" in failed["error"]


async def test_get_connected_clients(sim: Simulator) -> None:
    root, content = await call(sim, "get_connected_clients")
    assert root == "connected_clients"
    rep = content["connected_representative"][0]
    assert rep["platform"]["@id"]
    assert rep["user_id"] == "1"
    assert rep["username"] == "admin"
    assert rep["start_session_url"].startswith("https://support.example.com/")
    assert rep["support_license"]
    for key in ("hostname", "timezone_offset", "type", "showing_on_rep_list", "presentation_count"):
        assert key in rep
    assert "connected_since" not in rep and "client_connections" not in rep
    busy = next(r for r in content["connected_representative"] if r["support_session_ids"])
    lsids = busy["support_session_ids"]["lsid"]
    assert len(lsids) == int(busy["support_session_count"])
    customers = content["connected_support_customer"]
    assert sorted(c["non_interactive"] for c in customers if "non_interactive" in c) == [
        "rdp",
        "shelljump",
    ]
    assert set(lsids) <= {customer["lsid"] for customer in customers}
    assert all("name" in c for c in content["connected_presentation_attendee"])
    assert all("name" in c for c in content["connected_push_agent"])


async def test_get_connected_clients_by_id_with_connections(sim: Simulator) -> None:
    agent = next(c for c in sim.world.clients if c.type == "push_agent" and len(c.events) > 20)
    other = next(c for c in sim.world.clients if c.type == "representative")
    ids = f"{agent.id},{other.id}"
    _, content = await call(
        sim, "get_connected_clients", id=ids, type="push_agent", include_connections="1"
    )
    assert list(content) == ["connected_push_agent"]
    (node,) = content["connected_push_agent"]
    assert node["@id"] == agent.id
    assert int(node["connected_since"]["@ts"]) == agent.connected_since
    assert node["connected_since"]["#text"].endswith("+00:00")
    connection = node["client_connections"]["client_connection"][0]
    assert connection["appliance_id"] in {a.id for a in sim.world.appliances}
    assert connection["purpose"] in {"master", "traffic"}
    assert connection["private_ip"].startswith("10.")
    events = node["event_log"]["event"]
    assert len(events) == 20
    assert [int(e["@ts"]) for e in events] == [e.ts for e in agent.events[-20:]]


async def test_get_connected_clients_rejects_more_than_100_ids(sim: Simulator) -> None:
    root, content = await call(sim, "get_connected_clients", id=",".join(map(str, range(101))))
    assert root == "connected_clients"
    assert "100" in content["error"]


async def test_check_health(sim: Simulator) -> None:
    root, health = await call(sim, "check_health")
    appliance = sim.world.appliances[0]
    assert root == "health_check"
    assert health["appliance"] == {"@id": appliance.id, "#text": appliance.hostname}
    assert health["version"].startswith("19.1.8 (build")
    assert health["success"] == "1"
    assert "error_message" not in health
    assert health["failover_role"] == "primary"
    assert health["enabled_shared_ips"] == {"ip": appliance.shared_ips[0]}
    assert int(health["last_data_sync_time"]["@ts"]) == sim.world.last_data_sync
    assert health["last_data_sync_status"] == "Success"
    sim.world.health_error = "Disk almost full"
    _, unhealthy = await call(sim, "check_health")
    assert (unhealthy["success"], unhealthy["error_message"]) == ("0", "Disk almost full")


async def test_set_failover_role(sim: Simulator) -> None:
    root, message = await call(sim, "set_failover_role", role="backup")
    assert (root, message) == ("success", "Successfully changed role")
    assert [a.failover_role for a in sim.world.appliances] == ["backup", "primary"]
    _, health = await call(sim, "check_health")
    assert health["failover_role"] == "backup"
    _, message = await call(sim, "set_failover_role", role="primary", data_sync_first="1")
    assert message.startswith("Successfully started data sync.")
    assert sim.world.appliances[0].failover_role == "primary"
    root, message = await call(sim, "set_failover_role", role="leader")
    assert root == "error"
    assert "role" in message


async def test_get_api_info(sim: Simulator) -> None:
    before = int(time.time())
    root, info = await call(sim, "get_api_info")
    assert root == "api_information"
    assert info["api_version"] == "1.11.0"
    assert before <= int(info["timestamp"]) <= int(time.time())
    permissions = {p["@name"]: p["#text"] for p in info["permissions"]["permission"]}
    assert permissions["perm_command"] == "full_access"
    assert permissions["perm_admin"] == "1"
    assert info["user_id"] == "1"
    assert info["company_name"]
    sim.world.api_version = "1.19.2"
    _, newer = await call(sim, "get_api_info")
    assert newer["api_version"] == "1.19.2"


async def test_unknown_action(sim: Simulator) -> None:
    assert await call(sim, "make_coffee") == ("error", "Invalid action.")
