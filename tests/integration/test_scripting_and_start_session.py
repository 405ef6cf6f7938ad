"""bg.scripting (client_script.ns BRCS downloads) and bg.start_session (start_session.ns URLs)
against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import pytest

from bomgar_async import (
    BomgarClient,
    BomgarProtocolError,
    BomgarValidationError,
    brcs,
)
from bomgar_async.simulator import (
    Fault,
    Simulator,
)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=3) as simulator:
        yield simulator


def client(sim: Simulator) -> BomgarClient:
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, retry_backoff=0.0
    )


async def test_scripting_url_matches_the_guide(sim: Simulator) -> None:
    async with client(sim) as bg:
        url = bg.scripting.url("start_pinned_client_session", search_string="Example Co")
    parts = urlsplit(url)
    assert parts.path == "/api/client_script.ns"
    assert parse_qsl(parts.query) == [
        ("type", "rep"),
        ("operation", "generate"),
        ("action", "start_pinned_client_session"),
        ("search_string", "Example Co"),
    ]
    assert "%20" in parts.query


async def test_download_a_brcs_file(sim: Simulator, tmp_path: Path) -> None:
    dest = tmp_path / "jump.brcs-support"
    async with client(sim) as bg:
        result = await bg.scripting.download(
            "push_and_start_local", dest, hostname="ABCDEFGH02", external_key="BMC0000001275"
        )
    script = brcs.parse(dest.read_text())
    actions = [command.action for command in script.commands]
    assert actions == ["login", "push_and_start_local", "delete_script_file"]
    assert dict(script.commands[1].params) == {
        "hostname": "ABCDEFGH02",
        "session.custom.external_key": "BMC0000001275",
    }
    assert result.size == dest.stat().st_size
    record = sim.requests[0]
    assert record.method == "GET"
    assert "username" not in record.query and "password" not in record.query
    assert record.query["action"] == "push_and_start_local"


@pytest.mark.parametrize("action", ["login", "delete_script_file"])
async def test_login_and_delete_script_file_are_served(
    sim: Simulator, tmp_path: Path, action: str
) -> None:
    dest = tmp_path / f"{action}.brcs-support"
    async with client(sim) as bg:
        await bg.scripting.download(action, dest)
    script = brcs.parse(dest.read_text())
    assert [command.action for command in script.commands] == ["login", "delete_script_file"]
    # No credentials in the request: the guide's bare login (the console's saved credentials),
    # never a username_password mechanism without its username and password.
    assert script.commands[0].params == ()


async def test_the_login_line_carries_username_and_password(sim: Simulator) -> None:
    form = {
        "type": "rep",
        "operation": "generate",
        "action": "start_pinned_client_session",
        "search_string": "ABCDEFGH02",
        "username": "jdoe",
        "password": "p&ss word",
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.url}/api/client_script.ns", data=form) as response,
    ):
        assert response.status == 200
        text = (await response.read()).decode()
    script = brcs.parse(text)
    assert [c.action for c in script.commands] == [
        "login",
        "start_pinned_client_session",
        "delete_script_file",
    ]
    assert dict(script.commands[0].params) == {
        "mechanism": "username_password",
        "username": "jdoe",
        "password": "p&ss word",
    }
    assert dict(script.commands[1].params) == {"search_string": "ABCDEFGH02"}


@pytest.mark.parametrize(
    "extra",
    [
        {"username": "jdoe"},
        {"password": "pw"},
        {"mechanism": "username_password"},
        {"mechanism": "kerberos", "username": "jdoe", "password": "pw"},
    ],
)
async def test_an_incomplete_login_is_refused(sim: Simulator, extra: dict[str, str]) -> None:
    form = {"type": "rep", "operation": "generate", "action": "login", **extra}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.url}/api/client_script.ns", data=form) as response,
    ):
        assert response.status == 400
        page = await response.text()
    assert "unknown action" not in page
    assert "username and password" in page or "mechanism must be" in page


async def test_a_file_that_is_not_brcs_is_never_written(sim: Simulator, tmp_path: Path) -> None:
    sim.add_fault(Fault("non_xml", times=None))
    async with client(sim) as bg:
        with pytest.raises(BomgarProtocolError, match="BRCS"):
            await bg.scripting.download("generate_session_key", tmp_path / "k.brcs")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("start_pinned_client_session", {}),
        ("start_pinned_client_session", {"search_string": "x" * 1025}),
        ("push_and_start_local", {"hostname": "h" * 256}),
        ("start_vpro_session", {"target": "pc1"}),
        ("reboot_everything", {}),
        ("generate_session_key", {"public_portal_hostname": "p" * 256}),
    ],
)
async def test_scripting_validation_sends_nothing(
    sim: Simulator, tmp_path: Path, action: str, params: dict[str, object]
) -> None:
    async with client(sim) as bg:
        with pytest.raises(BomgarValidationError):
            await bg.scripting.download(action, tmp_path / "x.brcs", **params)
        with pytest.raises(BomgarValidationError):
            bg.scripting.url(action, **params)
    assert sim.requests == []


async def test_start_session_urls_reach_the_appliance(sim: Simulator) -> None:
    async with client(sim) as bg:
        by_rep = bg.start_session.url(rep_id=1, rep_name="Admin", locale="en-us")
        by_key = bg.start_session.url(short_key="1234567", external_key="T-1")
        by_issue = bg.start_session.url(
            issue_menu=True, issue_id=3, customer_name="John Doe", priority=1, c2cjs=True
        )
    async with aiohttp.ClientSession() as session:
        for url in (by_rep, by_key, by_issue):
            async with session.get(url) as response:
                assert response.status == 200
                body = await response.read()
                kind = response.headers["Content-Type"]
            if "c2cjs=1" in url:
                assert kind.startswith("text/html") and b"Connecting" in body
            else:
                assert kind == "application/octet-stream" and body.startswith(b"MZ")
    recorded = [r.query for r in sim.requests]
    assert recorded[0] == {"id": "1", "name": "Admin", "locale": "en-us"}
    assert recorded[1] == {"short_key": "1234567", "external_key": "T-1"}
    assert recorded[2]["customer_name"] == "John Doe"
    assert recorded[2]["session.priority"] == "1"


async def test_start_session_needs_exactly_one_start_method(sim: Simulator) -> None:
    async with client(sim) as bg:
        with pytest.raises(BomgarValidationError):
            bg.start_session.url(rep_id=1, rep_name="Admin", short_key="1234567")
        with pytest.raises(BomgarValidationError):
            bg.start_session.url(customer_name="nobody")
    assert sim.requests == []
