"""``bg.command`` on the FakeTransport: what each action sends, what it returns, caching,
batching, invalidation and validation with zero requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from bomgar_async import (
    ApiInfo,
    BomgarAPIError,
    BomgarClient,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarValidationError,
    Queue,
)
from bomgar_async._http.request import (
    Request,
    Response,
)
from bomgar_async.testing import (
    FakeTransport,
    xml_response,
)

NS = 'xmlns="http://www.bomgar.com/namespaces/API/command"'


def make(
    answer: Callable[[Request], Response], **options: object
) -> tuple[BomgarClient, FakeTransport]:
    fake = FakeTransport(answer)
    bg = BomgarClient(
        "support.example.com",
        username="api",
        password="s3cret",
        transport=fake,
        **options,  # type: ignore[arg-type]
    )
    return bg, fake


def action_of(request: Request) -> str:
    return dict(request.form or request.query)["action"]


def static(body: str) -> Callable[[Request], Response]:
    return lambda _request: xml_response(body)


async def test_get_logged_in_reps_sends_action_and_credentials_and_parses() -> None:
    body = f"""<?xml version="1.0"?><logged_in_reps {NS}><rep id="7">
        <display_name>Ann</display_name><public_display_name>Ann</public_display_name>
        <private_display_name>Ann (L2)</private_display_name><type>Normal</type>
        <logged_in_since>2026-11-23T09:00:00+01:00</logged_in_since>
        <presentation_count>0</presentation_count><support_session_count>2</support_session_count>
        <showing_on_rep_list>1</showing_on_rep_list></rep></logged_in_reps>"""
    bg, fake = make(static(body))
    async with bg:
        reps = await bg.command.get_logged_in_reps()
    assert [r.id for r in reps] == [7]
    assert reps[0].logged_in_since == datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    assert reps[0].support_session_count == 2 and reps[0].showing_on_rep_list is True
    sent = fake.requests[0]
    assert sent.request.method == "POST" and sent.request.path == "/api/command.ns"
    assert sent.params() == {
        "action": "get_logged_in_reps",
        "username": "api",
        "password": "s3cret",
    }
    assert sent.request.query == ()
    assert sent.request.read_only


async def test_cached_reads_hit_the_appliance_once_and_results_are_copies() -> None:
    bg, fake = make(static(f"<logged_in_reps {NS}><rep id='1'/></logged_in_reps>"))
    async with bg:
        results = await asyncio.gather(*(bg.command.get_logged_in_reps() for _ in range(50)))
        results[0].clear()  # a caller mutating its list does not affect others
        again = await bg.command.get_logged_in_reps()
    assert len(fake.requests) == 1
    assert [r.id for r in again] == [1]


async def test_support_teams_cache_is_keyed_by_show_members() -> None:
    bg, fake = make(static(f"<support_teams {NS}/>"))
    async with bg:
        await bg.command.get_support_teams()
        await bg.command.get_support_teams(show_members=True)
        await bg.command.get_support_teams(show_members=True)
    assert [r.params().get("showmembers") for r in fake.requests] == [None, "1"]


async def test_cache_none_disables_caching() -> None:
    bg, fake = make(static(f"<logged_in_reps {NS}/>"), cache=None)
    async with bg:
        await bg.command.get_logged_in_reps()
        await bg.command.get_logged_in_reps()
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("call", "action", "message"),
    [
        (
            lambda bg: bg.command.join_session("abc", 3),
            "join_session",
            "Representative successfully added",
        ),
        (
            lambda bg: bg.command.transfer_session("abc", Queue.team(2)),
            "transfer_session",
            "Successfully transferred",
        ),
        (
            lambda bg: bg.command.terminate_session("abc"),
            "terminate_session",
            "Successfully terminated",
        ),
    ],
)
async def test_state_changes_invalidate_cached_lists(call, action: str, message: str) -> None:  # type: ignore[no-untyped-def]
    def answer(request: Request) -> Response:
        name = action_of(request)
        if name == "get_logged_in_reps":
            return xml_response(f"<logged_in_reps {NS}/>")
        return xml_response(f"<success {NS}>{message}</success>")

    bg, fake = make(answer)
    async with bg:
        await bg.command.get_logged_in_reps()
        await bg.command.get_logged_in_reps()
        assert await call(bg) is None
        await bg.command.get_logged_in_reps()
    assert [action_of(r.request) for r in fake.requests] == [
        "get_logged_in_reps",
        action,
        "get_logged_in_reps",
    ]
    assert not fake.requests[1].request.read_only


async def test_generate_session_key_parameters_and_unix_expiry() -> None:
    body = f"""<session_key {NS}><type>support</type><ttl>3600</ttl><expires>1575045211</expires>
      <queue available="0">team</queue><queue_id>3</queue_id><external_key>T-1</external_key>
      <short_key>1234567</short_key><key_url>https://s.example.com/?ak=1234567</key_url>
      <mail_subject>Support</mail_subject><mail_body>Go to ...</mail_body></session_key>"""
    bg, fake = make(static(body))
    async with bg:
        key = await bg.command.generate_session_key(
            "team:3",
            external_key="T-1",
            priority=2,
            skills="win,mac",
            ttl=3600,
            url_hostname="s.example.com",
        )
    assert key.short_key == "1234567"
    assert key.expires == datetime.fromtimestamp(1575045211, tz=timezone.utc)
    assert key.queue_available is False and key.queue_id == 3
    params = fake.requests[0].params()
    assert params["queue_id"] == "team:3" and params["type"] == "support"
    assert params["session.priority"] == "2" and params["session.skills"] == "win,mac"
    assert not fake.requests[0].request.read_only


async def test_set_and_get_session_attributes() -> None:
    def answer(request: Request) -> Response:
        if action_of(request) == "set_session_attributes":
            return xml_response(f"<success {NS}>Session attributes were set</success>")
        return xml_response(
            f'<custom_attributes {NS}><custom_attribute code_name="asset" display_name="Asset">'
            "A-1</custom_attribute></custom_attributes>"
        )

    bg, fake = make(answer)
    async with bg:
        await bg.command.set_session_attributes("abc", external_key="T", custom={"asset": "A-1"})
        attributes = await bg.command.get_session_attributes("abc")
    assert attributes.values == {"asset": "A-1"}
    assert fake.requests[0].params()["session.custom.asset"] == "A-1"
    assert fake.requests[0].params()["custom.external_key"] == "T"


async def test_get_connected_clients_batches_and_merges_in_order() -> None:
    def answer(request: Request) -> Response:
        ids = dict(request.form or ())["id"].split(",")
        items = "".join(
            f'<connected_push_agent id="{i}"><name>n{i}</name></connected_push_agent>' for i in ids
        )
        return xml_response(f"<connected_clients {NS}>{items}</connected_clients>")

    bg, fake = make(answer, max_concurrency=2)
    ids = [str(i) for i in range(1, 251)]
    async with bg:
        clients = await bg.command.get_connected_clients(ids)
    assert [c.id for c in clients] == ids
    assert len(fake.requests) == 3
    assert all(len(r.params()["id"].split(",")) <= 100 for r in fake.requests)


async def test_get_connected_clients_with_no_ids_sends_nothing() -> None:
    bg, fake = make(static(f"<connected_clients {NS}/>"))
    async with bg:
        assert await bg.command.get_connected_clients([]) == []
    assert fake.requests == []


async def test_failover_role_returns_the_message() -> None:
    bg, fake = make(static(f"<success {NS}>Successfully changed role</success>"))
    async with bg:
        assert (
            await bg.command.set_failover_role("backup", force=True) == "Successfully changed role"
        )
    assert fake.requests[0].params()["force"] == "1"


async def test_api_info_permissions() -> None:
    body = f"""<api_information {NS}><api_version>1.19.1</api_version>
      <timestamp>1575045211</timestamp>
      <permissions><permission name="perm_admin">1</permission>
      <permission name="perm_command">full_access</permission></permissions>
      <user_id>5</user_id><company_name>Example</company_name></api_information>"""
    bg, _fake = make(static(body))
    async with bg:
        info = await bg.command.get_api_info()
    assert isinstance(info, ApiInfo)
    assert dict(info.permissions) == {"perm_admin": "1", "perm_command": "full_access"}
    assert info.user_id == 5


async def test_newer_command_path() -> None:
    bg, fake = make(
        static(f"<health_check {NS}><success>1</success></health_check>"),
        command_path="/api/command",
    )
    async with bg:
        health = await bg.command.check_health()
    assert health.success is True
    assert fake.requests[0].request.path == "/api/command"


async def test_error_answers_raise_typed_errors() -> None:
    bg, _ = make(
        static(f"<error {NS}>User does not have permission to use the command API</error>")
    )
    async with bg:
        with pytest.raises(BomgarPermissionError) as info:
            await bg.command.get_appliances()
    assert info.value.action == "get_appliances"
    bg, _ = make(static(f"<appliances {NS}><error>Something broke</error></appliances>"))
    async with bg:
        with pytest.raises(BomgarAPIError, match="Something broke"):
            await bg.command.get_appliances()
    bg, _ = make(static("<!DOCTYPE html><html><body>Login</body></html>"))
    async with bg:
        with pytest.raises(BomgarProtocolError, match="HTML"):
            await bg.command.get_appliances()


@pytest.mark.parametrize(
    "call",
    [
        lambda bg: bg.command.generate_session_key("team:x"),
        lambda bg: bg.command.generate_session_key(priority=9),
        lambda bg: bg.command.generate_session_key(external_key="x" * 1025),
        lambda bg: bg.command.generate_session_key(skills=["bad skill"]),
        lambda bg: bg.command.generate_session_key(ttl=0),
        lambda bg: bg.command.join_session("", 1),
        lambda bg: bg.command.join_session("abc", -1),
        lambda bg: bg.command.transfer_session("abc", "nowhere"),
        lambda bg: bg.command.set_session_attributes("abc"),
        lambda bg: bg.command.get_session_attributes(" "),
        lambda bg: bg.command.terminate_session(""),
        lambda bg: bg.command.get_connected_client_list(types=["pinned_client"]),
        lambda bg: bg.command.get_connected_clients(["1"], types="robots"),
        lambda bg: bg.command.set_failover_role("master"),
        lambda bg: bg.command.get_support_teams(show_members="yes"),
    ],
)
async def test_validation_errors_send_nothing(call) -> None:  # type: ignore[no-untyped-def]
    bg, fake = make(static("<unused/>"))
    async with bg:
        with pytest.raises(BomgarValidationError):
            await call(bg)
    assert fake.requests == []
