"""The whole stack against the simulated appliance on loopback: every Command API action
round-trips, one connection per call, no password on the wire's URL or in any text,
retries only where allowed, a typed error for every injected fault."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bomgar_async import (
    Appliance,
    ApplianceHealth,
    BomgarAPIError,
    BomgarAuthError,
    BomgarClient,
    BomgarHTTPError,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
    BomgarValidationError,
    ConnectedClientList,
    Queue,
    Representative,
    SupportTeam,
)
from bomgar_async.simulator import (
    COMMAND_NS_BEYONDTRUST,
    COMMAND_NS_HTTPS,
    Fault,
    Simulator,
)

ADMIN_PASSWORD = "s3cret-admin"


def admin(sim: Simulator, **options: Any) -> BomgarClient:
    options.setdefault("retry_backoff", 0.0)
    return BomgarClient(
        sim.url, username="admin", password=ADMIN_PASSWORD, allow_http=True, **options
    )


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=7) as simulator:
        yield simulator


async def test_every_read_action_round_trips(sim: Simulator) -> None:
    async with admin(sim) as bg:
        reps = await bg.command.get_logged_in_reps()
        teams = await bg.command.get_support_teams(show_members=True)
        appliances = await bg.command.get_appliances()
        listing = await bg.command.get_connected_client_list()
        summary = await bg.command.get_connected_client_list(summary_only=True)
        clients = await bg.command.get_connected_clients(include_connections=True)
        health = await bg.command.check_health()
        info = await bg.command.get_api_info()
    logged_in = [r for r in sim.world.reps if r.logged_in]
    assert sorted(r.id for r in reps) == sorted(r.id for r in logged_in)
    assert all(isinstance(r, Representative) for r in reps)
    assert [t.id for t in teams] == [t.id for t in sim.world.teams]
    assert all(isinstance(t, SupportTeam) and t.members_included for t in teams)
    assert any(t.embassy for t in teams)
    assert any(not t.issues for t in teams)
    assert len(appliances) == 2 and all(isinstance(a, Appliance) for a in appliances)
    assert {a.failover_role for a in appliances} == {"primary", "backup"}
    assert isinstance(listing, ConnectedClientList)
    assert listing.clients and not summary.clients and summary.summary
    assert {c.id for c in clients} == {ref.id for ref in listing.clients}
    kinds = {c.client_type for c in clients}
    assert kinds == {"representative", "support_customer", "presentation_attendee", "push_agent"}
    assert all(c.connections for c in clients)
    assert isinstance(health, ApplianceHealth) and health.success is True
    assert info.permissions["perm_admin"] == "1"


async def test_get_connected_clients_by_ids_and_types(sim: Simulator) -> None:
    async with admin(sim) as bg:
        listing = await bg.command.get_connected_client_list(types=["support_customer"])
        ids = [ref.id for ref in listing.clients]
        clients = await bg.command.get_connected_clients(ids, types=["support_customer"])
    assert ids
    assert [c.id for c in clients] == ids
    assert all(c.client_type == "support_customer" for c in clients)


async def test_session_lifecycle_changes_the_world(sim: Simulator) -> None:
    session = sim.world.active_sessions()[0]
    rep = next(r for r in sim.world.reps if r.logged_in)
    async with admin(sim) as bg:
        key = await bg.command.generate_session_key(
            Queue.rep(rep.id), external_key="T-1", priority=1, ttl=600
        )
        await bg.command.join_session(session.lsid, rep.id)
        await bg.command.set_session_attributes(
            session.lsid, external_key="T-2", custom={"asset_tag": "LAP-1"}
        )
        attributes = await bg.command.get_session_attributes(session.lsid)
        await bg.command.transfer_session(session.lsid, "general")
        await bg.command.terminate_session(session.lsid)
        with pytest.raises(BomgarAPIError):
            await bg.command.terminate_session(session.lsid)
    assert key.short_key is not None and len(key.short_key) == 7
    assert key.expires is not None and key.expires.tzinfo is not None
    assert attributes.values["asset_tag"] == "LAP-1"
    assert session.lsid not in {s.lsid for s in sim.world.active_sessions()}


async def test_failover_role_swaps_roles(sim: Simulator) -> None:
    async with admin(sim, cache=None) as bg:
        before = {a.name: a.failover_role for a in await bg.command.get_appliances()}
        message = await bg.command.set_failover_role("backup", force=True)
        after = {a.name: a.failover_role for a in await bg.command.get_appliances()}
    assert message
    assert before != after


@pytest.mark.parametrize("namespace", [None, COMMAND_NS_BEYONDTRUST, COMMAND_NS_HTTPS])
async def test_namespaces_do_not_matter(namespace: str | None) -> None:
    async with Simulator(seed=3, namespace=namespace) as sim, admin(sim) as bg:
        assert await bg.command.get_logged_in_reps()
        assert (await bg.command.check_health()).hostname


async def test_newer_command_path_and_get_method(sim: Simulator) -> None:
    async with admin(sim, command_path="/api/command", method="GET") as bg:
        assert await bg.command.get_appliances()
    assert sim.requests[-1].path == "/api/command"
    assert sim.requests[-1].method == "GET"


async def test_one_connection_per_call_and_no_password_in_urls(
    sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bomgar_async")
    async with admin(sim, cache=None) as bg:
        for _ in range(3):
            await bg.command.get_logged_in_reps()
        await asyncio.gather(*(bg.command.get_appliances() for _ in range(6)))
        text = repr(bg)
    assert len(sim.requests) == 9
    assert len({r.connection_id for r in sim.requests}) == 9
    assert all(r.request_number_on_connection == 1 for r in sim.requests)
    assert all(ADMIN_PASSWORD not in r.raw_url for r in sim.requests)
    assert all(r.form.get("password") == ADMIN_PASSWORD for r in sim.requests)
    assert ADMIN_PASSWORD not in caplog.text
    assert ADMIN_PASSWORD not in text


async def test_cache_holds_the_appliance_to_one_call(sim: Simulator) -> None:
    async with admin(sim) as bg:
        await asyncio.gather(*(bg.command.get_logged_in_reps() for _ in range(1000)))
        await asyncio.gather(*(bg.command.get_support_teams() for _ in range(100)))
    actions = [r.action for r in sim.requests]
    assert actions.count("get_logged_in_reps") == 1
    assert actions.count("get_support_teams") == 1


async def test_bad_credentials_and_permissions(sim: Simulator) -> None:
    async with BomgarClient(sim.url, username="admin", password="wrong", allow_http=True) as bg:
        with pytest.raises(BomgarAuthError) as info:
            await bg.command.get_appliances()
    assert "wrong" not in str(info.value)
    async with BomgarClient(
        sim.url, username="readonly", password="s3cret-ro", allow_http=True
    ) as bg:
        assert await bg.command.get_logged_in_reps()
        with pytest.raises(BomgarPermissionError):
            await bg.command.terminate_session(sim.world.active_sessions()[0].lsid)
        with pytest.raises(BomgarPermissionError):
            await bg.command.generate_session_key()
    async with BomgarClient(
        sim.url, username="nocommand", password="s3cret-nc", allow_http=True
    ) as bg:
        info_ = await bg.command.get_api_info()
        assert info_.permissions["perm_use_command_api"] == "0"
        with pytest.raises(BomgarPermissionError):
            await bg.command.get_appliances()


async def test_oauth_against_the_simulator(sim: Simulator) -> None:
    async with BomgarClient(
        sim.url,
        client_id="api-client",
        client_secret="s3cret-oauth",
        allow_http=True,
        command_path="/api/command",
    ) as bg:
        await asyncio.gather(*(bg.command.get_appliances() for _ in range(10)))
        sim.expire_tokens()
        assert await bg.command.check_health()
    token_calls = [r for r in sim.requests if r.path == "/oauth2/token"]
    assert len(token_calls) == 2
    assert all("s3cret-oauth" not in r.raw_url for r in sim.requests)


async def test_read_only_calls_retry_through_5xx_and_429(sim: Simulator) -> None:
    sim.add_fault(Fault("http_status", action="get_appliances", times=1, status=503))
    sim.add_fault(Fault("http_status", action="get_appliances", times=1, status=429, retry_after=0))
    async with admin(sim, retries=2) as bg:
        assert await bg.command.get_appliances()
    assert [r.action for r in sim.requests].count("get_appliances") == 3


async def test_state_changes_are_not_retried(sim: Simulator) -> None:
    sim.add_fault(Fault("http_status", action="generate_session_key", times=1, status=503))
    async with admin(sim, retries=5) as bg:
        with pytest.raises(BomgarHTTPError) as info:
            await bg.command.generate_session_key()
    assert info.value.status == 503
    assert [r.action for r in sim.requests].count("generate_session_key") == 1


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault("http_status", times=None, status=500), BomgarHTTPError),
        (Fault("drop", times=None), BomgarTransportError),
        (Fault("truncate", times=None), BomgarProtocolError),
        (Fault("non_xml", times=None), BomgarProtocolError),
        (Fault("api_error", times=None, message="Login failed"), BomgarAuthError),
        (Fault("latency", times=None, delay=2.0), BomgarTimeoutError),
    ],
)
async def test_every_fault_gives_a_typed_error(
    sim: Simulator, fault: Fault, expected: type[Exception]
) -> None:
    sim.add_fault(fault)
    async with admin(sim, retries=1, timeout=0.5) as bg:
        with pytest.raises(expected) as info:
            await bg.command.get_appliances()
    rendered = "".join(traceback.format_exception(info.value))
    assert ADMIN_PASSWORD not in rendered


async def test_validation_errors_send_zero_requests(sim: Simulator) -> None:
    async with admin(sim) as bg:
        for call in (
            lambda: bg.command.generate_session_key("rep:zero"),
            lambda: bg.command.generate_session_key(priority=0),
            lambda: bg.command.join_session("", 1),
            lambda: bg.command.set_session_attributes("abc", custom={"x": "y" * 2000}),
            lambda: bg.command.get_connected_clients(types=["nobody"]),  # type: ignore[list-item]
            lambda: bg.command.set_failover_role("leader"),  # type: ignore[arg-type]
        ):
            with pytest.raises(BomgarValidationError):
                await call()
    assert sim.requests == []


async def test_many_ids_are_batched_by_100(sim: Simulator) -> None:
    async with admin(sim) as bg:
        listing = await bg.command.get_connected_client_list()
        real = [ref.id for ref in listing.clients]
        wanted = real + [f"gone{i}" for i in range(230)]
        clients = await bg.command.get_connected_clients(wanted)
    batches = [r for r in sim.requests if r.action == "get_connected_clients"]
    assert len(batches) == 3
    assert all(len(r.form["id"].split(",")) <= 100 for r in batches)
    assert [c.id for c in clients] == real


async def test_tls_with_the_generated_certificate() -> None:
    async with Simulator(seed=1, tls=True) as sim:
        assert sim.url.startswith("https://")
        async with BomgarClient(
            sim.url, username="admin", password=ADMIN_PASSWORD, ssl=sim.client_ssl_context
        ) as bg:
            assert await bg.command.get_api_info()
        async with BomgarClient(
            sim.url, username="admin", password=ADMIN_PASSWORD, retries=3
        ) as bg:
            with pytest.raises(BomgarTransportError, match="TLS"):
                await bg.command.get_api_info()
        assert len(sim.requests) == 1  # the failed verification is not retried
