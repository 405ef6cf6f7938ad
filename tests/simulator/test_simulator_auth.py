"""Credentials, permissions and OAuth 2 client credentials on the simulated appliance."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import xmltodict

from bomgar_async.simulator import Simulator

OAUTH = ("api-client", "s3cret-oauth")


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=1, namespace=None) as simulator:
        yield simulator


async def command(
    sim: Simulator, fields: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """POST ``fields`` to the Command API; return (HTTP status, parsed XML or raw text)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sim.url}/api/command", data=fields, headers=headers) as response,
    ):
        body = await response.text()
    if response.content_type == "text/xml":
        return response.status, xmltodict.parse(body)
    return response.status, body


async def token(sim: Simulator, auth: tuple[str, str] | None = OAUTH, **form: str) -> Any:
    """POST to ``/oauth2/token`` with HTTP Basic ``auth``; return (HTTP status, JSON body)."""
    fields = {"grant_type": "client_credentials", **form}
    headers = {}
    if auth is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sim.url}/oauth2/token", data=fields, headers=headers) as response,
    ):
        return response.status, await response.json()


@pytest.mark.parametrize(
    "credentials",
    [{}, {"username": "admin"}, {"username": "admin", "password": "wrong"}, {"username": "x"}],
)
async def test_bad_or_missing_credentials(sim: Simulator, credentials: dict[str, str]) -> None:
    status, answer = await command(sim, {**credentials, "action": "get_api_info"})
    assert (status, answer) == (200, {"error": "Invalid credentials"})


@pytest.mark.parametrize(
    ("username", "password", "action", "params"),
    [
        ("nocommand", "s3cret-nc", "get_logged_in_reps", {}),
        (
            "readonly",
            "s3cret-ro",
            "generate_session_key",
            {"type": "support", "queue_id": "general"},
        ),
        ("readonly", "s3cret-ro", "terminate_session", {"lsid": "0" * 32}),
        ("readonly", "s3cret-ro", "check_health", {}),
        ("readonly", "s3cret-ro", "set_failover_role", {"role": "backup"}),
        ("readonly", "s3cret-ro", "get_session_attributes", {"lsid": "0" * 32}),
    ],
)
async def test_missing_permission_is_a_root_error(
    sim: Simulator, username: str, password: str, action: str, params: dict[str, str]
) -> None:
    fields = {"username": username, "password": password, "action": action, **params}
    status, answer = await command(sim, fields)
    assert status == 200
    assert list(answer) == ["error"]
    assert "permission" in answer["error"]
    assert sim.world.session_keys == []
    assert sim.world.appliances[0].failover_role == "primary"


async def test_readonly_user_may_read(sim: Simulator) -> None:
    fields = {"username": "readonly", "password": "s3cret-ro", "action": "get_appliances"}
    status, answer = await command(sim, fields)
    assert status == 200
    assert len(answer["appliances"]["appliance"]) == 2


@pytest.mark.parametrize(
    ("username", "password", "expected"),
    [
        ("nocommand", "s3cret-nc", "0"),
        ("readonly", "s3cret-ro", "1"),
        ("admin", "s3cret-admin", "1"),
    ],
)
async def test_anyone_valid_may_call_get_api_info(
    sim: Simulator, username: str, password: str, expected: str
) -> None:
    fields = {"username": username, "password": password, "action": "get_api_info"}
    _, answer = await command(sim, fields)
    info = answer["api_information"]
    permissions = {p["@name"]: p["#text"] for p in info["permissions"]["permission"]}
    assert permissions["perm_use_command_api"] == expected
    assert int(info["user_id"]) == sim.world.users[username].user_id


async def test_oauth_token_then_bearer_calls(sim: Simulator) -> None:
    status, body = await token(sim)
    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert len(body["access_token"]) >= 32
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    status, answer = await command(sim, {"action": "get_api_info"}, headers)
    assert status == 200
    assert answer["api_information"]["user_id"] == "1"
    assert sim.requests[-1].form == {"action": "get_api_info"}


async def test_token_with_credentials_in_the_form(sim: Simulator) -> None:
    status, body = await token(sim, None, client_id="api-client", client_secret="s3cret-oauth")
    assert status == 200
    assert body["access_token"]


@pytest.mark.parametrize(
    "auth",
    [("api-client", "nope"), ("stranger", "s3cret-oauth"), None],
)
async def test_bad_client_gets_401(sim: Simulator, auth: tuple[str, str] | None) -> None:
    assert await token(sim, auth) == (401, {"error": "invalid_client"})


async def test_unsupported_grant_type(sim: Simulator) -> None:
    assert await token(sim, grant_type="password") == (400, {"error": "unsupported_grant_type"})


async def test_expired_and_unknown_tokens_get_401(sim: Simulator) -> None:
    _, body = await token(sim)
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    sim.expire_tokens()
    status, answer = await command(sim, {"action": "get_logged_in_reps"}, headers)
    assert status == 401
    assert "invalid_token" in answer
    status, _ = await command(sim, {"action": "get_api_info"}, {"Authorization": "Bearer made-up"})
    assert status == 401


async def test_tokens_expire_after_token_ttl() -> None:
    async with Simulator(seed=1, token_ttl=0) as sim:
        _, body = await token(sim)
        assert body["expires_in"] == 0
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        status, _ = await command(sim, {"action": "get_api_info"}, headers)
    assert status == 401
