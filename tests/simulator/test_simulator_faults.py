"""Injected faults: each kind, which requests they hit, and how many."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import xmltodict

from bomgar_async.simulator import (
    Fault,
    Simulator,
)

ADMIN = {"username": "admin", "password": "s3cret-admin"}


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1) as simulator:
        yield simulator


async def post(sim: Simulator, action: str) -> tuple[int, dict[str, str], bytes]:
    """One POST on a fresh connection; return (status, headers, body)."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector) as http,
        http.post(f"{sim.url}/api/command.ns", data={**ADMIN, "action": action}) as response,
    ):
        return response.status, dict(response.headers), await response.read()


async def test_http_status_with_retry_after(sim: Simulator) -> None:
    sim.add_fault(Fault("http_status", status=429, retry_after=7))
    status, headers, body = await post(sim, "get_appliances")
    assert status == 429
    assert headers["Retry-After"] == "7"
    assert headers["Content-Type"].startswith("text/html")
    assert b"429 Too Many Requests" in body
    status, _, body = await post(sim, "get_appliances")
    assert status == 200
    assert b"<appliances" in body


async def test_http_status_without_or_with_fractional_retry_after(sim: Simulator) -> None:
    sim.add_fault(Fault("http_status", status=500))
    sim.add_fault(Fault("http_status", status=503, retry_after=1.2))
    status, headers, _ = await post(sim, "get_api_info")
    assert status == 500
    assert "Retry-After" not in headers
    status, headers, _ = await post(sim, "get_api_info")
    assert (status, headers["Retry-After"]) == (503, "2")


async def test_drop_closes_the_connection_without_an_answer(sim: Simulator) -> None:
    fault = sim.add_fault(Fault("drop", action="get_logged_in_reps"))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(sim, "get_logged_in_reps")
    assert fault.used == 1
    assert sim.requests[-1].action == "get_logged_in_reps"
    status, _, _ = await post(sim, "get_logged_in_reps")
    assert status == 200


async def test_truncate_sends_half_the_body(sim: Simulator) -> None:
    sim.add_fault(Fault("truncate"))
    with pytest.raises(aiohttp.ClientPayloadError):
        await post(sim, "get_connected_clients")
    status, _, body = await post(sim, "get_connected_clients")
    assert status == 200
    assert xmltodict.parse(body)["connected_clients"]


async def test_non_xml_is_an_html_login_page(sim: Simulator) -> None:
    sim.add_fault(Fault("non_xml"))
    status, headers, body = await post(sim, "get_support_teams")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert body.lstrip().lower().startswith(b"<!doctype html")


async def test_api_error_is_a_root_error(sim: Simulator) -> None:
    sim.add_fault(Fault("api_error", message="Login failed"))
    status, headers, body = await post(sim, "get_logged_in_reps")
    assert status == 200
    assert headers["Content-Type"] == "text/xml; charset=UTF-8"
    error = xmltodict.parse(body)["error"]
    assert error == {"@xmlns": sim.namespace, "#text": "Login failed"}


async def test_latency_fault_delays_then_answers(sim: Simulator) -> None:
    sim.add_fault(Fault("latency", delay=0.3))
    started = time.monotonic()
    status, _, _ = await post(sim, "get_appliances")
    assert status == 200
    assert time.monotonic() - started >= 0.3


async def test_simulator_latency_delays_every_response() -> None:
    async with Simulator(seed=1, latency=0.2) as sim:
        started = time.monotonic()
        for _ in range(2):
            await post(sim, "get_api_info")
        assert time.monotonic() - started >= 0.4


async def test_action_filter_times_and_order(sim: Simulator) -> None:
    only_teams = sim.add_fault(Fault("http_status", action="get_support_teams", times=2))
    assert (await post(sim, "get_appliances"))[0] == 200
    assert [(await post(sim, "get_support_teams"))[0] for _ in range(3)] == [503, 503, 200]
    assert only_teams.used == 2
    assert only_teams.exhausted


async def test_permanent_fault_until_cleared(sim: Simulator) -> None:
    sim.add_fault(Fault("http_status", times=None, status=502))
    assert [(await post(sim, "get_api_info"))[0] for _ in range(3)] == [502, 502, 502]
    sim.clear_faults()
    assert (await post(sim, "get_api_info"))[0] == 200


async def test_fault_on_the_token_endpoint(sim: Simulator) -> None:
    sim.add_fault(Fault("http_status", action="oauth2_token", status=503, retry_after=1))
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sim.url}/oauth2/token", data={"grant_type": "client_credentials"}) as reply,
    ):
        assert (reply.status, reply.headers["Retry-After"]) == (503, "1")
    assert sim.requests[-1].action == "oauth2_token"


@pytest.mark.parametrize(
    "arguments",
    [{"kind": "explode"}, {"kind": "drop", "times": 0}, {"kind": "latency", "delay": -1.0}],
)
def test_invalid_faults_are_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"fault kind|times|delay"):
        Fault(**arguments)  # type: ignore[arg-type]
