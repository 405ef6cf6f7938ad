"""The server itself: lifecycle, request log and connection ids, TLS, and the pytest plugin."""

from __future__ import annotations

import importlib.metadata
import ssl
import subprocess
import sys
import textwrap
from pathlib import Path

import aiohttp
import pytest

from bomgar_async.simulator import (
    Fault,
    Simulator,
    World,
)

ADMIN = {"username": "admin", "password": "s3cret-admin"}


async def test_url_and_host_are_a_random_local_port() -> None:
    async with Simulator(seed=1) as first, Simulator(seed=1) as second:
        assert first.url == f"http://{first.host}"
        assert first.host.startswith("127.0.0.1:")
        assert first.host != second.host
        assert first.client_ssl_context is None
        assert first.world == second.world


async def test_lifecycle_errors_and_idempotent_close() -> None:
    sim = Simulator(seed=1)
    with pytest.raises(RuntimeError, match="not started"):
        _ = sim.url
    await sim.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            await sim.start()
    finally:
        await sim.close()
    await sim.close()
    with pytest.raises(RuntimeError, match="not started"):
        _ = sim.host


async def test_a_given_world_is_served() -> None:
    world = World.generate(5)
    world.company_name = "Initech"
    async with Simulator(world=world) as sim:
        assert sim.world is world
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{sim.url}/api/command.ns", data={**ADMIN, "action": "get_api_info"}
            ) as response,
        ):
            assert "<company_name>Initech</company_name>" in await response.text()


async def test_request_log_records_what_was_received() -> None:
    async with Simulator(seed=1) as sim, aiohttp.ClientSession() as http:
        query = {"action": "get_logged_in_reps"}
        async with http.post(f"{sim.url}/api/command.ns", params=query, data=ADMIN) as response:
            assert response.status == 200
        async with http.get(f"{sim.url}/api/command", params={**ADMIN, **query}) as response:
            assert response.status == 200
        posted, got = sim.requests
        assert (posted.method, posted.path, posted.action) == (
            "POST",
            "/api/command.ns",
            query["action"],
        )
        assert posted.raw_url == "/api/command.ns?action=get_logged_in_reps"
        assert "s3cret" not in posted.raw_url
        assert posted.query == query
        assert posted.form == ADMIN
        assert posted.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert posted.peer.startswith("127.0.0.1:")
        assert got.raw_url.startswith("/api/command?") and "password=s3cret-admin" in got.raw_url
        assert got.form == {}
        sim.clear_requests()
        assert sim.requests == []


async def test_connection_ids_tell_reused_from_fresh_connections() -> None:
    fields = {**ADMIN, "action": "get_api_info"}
    async with Simulator(seed=1) as sim:
        async with aiohttp.ClientSession() as http:
            for _ in range(2):
                async with http.post(f"{sim.url}/api/command.ns", data=fields) as response:
                    await response.read()
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=connector) as http:
            for _ in range(2):
                async with http.post(f"{sim.url}/api/command.ns", data=fields) as response:
                    await response.read()
        seen = [(r.connection_id, r.request_number_on_connection) for r in sim.requests]
    assert seen == [(1, 1), (1, 2), (2, 1), (3, 1)]


async def test_unknown_paths_are_recorded_and_404() -> None:
    async with (
        Simulator(seed=1) as sim,
        aiohttp.ClientSession() as http,
        http.get(f"{sim.url}/api/no_such_api.ns") as response,
    ):
        assert response.status == 404
        assert sim.requests[-1].path == "/api/no_such_api.ns"


async def test_tls_with_the_generated_ca() -> None:
    async with Simulator(seed=1, tls=True) as sim:
        assert sim.url.startswith("https://127.0.0.1:")
        assert isinstance(sim.client_ssl_context, ssl.SSLContext)
        fields = {**ADMIN, "action": "check_health"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{sim.url}/api/command.ns", data=fields, ssl=sim.client_ssl_context
            ) as response,
        ):
            assert response.status == 200
            assert "<health_check" in await response.text()
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await http.post(f"{sim.url}/api/command.ns", data=fields)
        assert sim.requests[0].connection_id == 1
        sim.add_fault(Fault("drop"))
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ServerDisconnectedError):
                await http.post(
                    f"{sim.url}/api/command.ns", data=fields, ssl=sim.client_ssl_context
                )


def test_tls_without_trustme_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from bomgar_async.simulator import tls

    monkeypatch.setitem(sys.modules, "trustme", None)
    with pytest.raises(RuntimeError, match=r"pip install 'bomgar_async\[simulator\]'"):
        tls.make_tls_contexts()


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, bomgar_async.simulator.pytest_plugin as p; "
        "assert 'aiohttp.web' not in sys.modules, 'aiohttp.web imported'; "
        "print(p.__all__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "bomgar_simulator" in result.stdout


PLUGIN_TEST = """
    from bomgar_async.simulator import Simulator

    async def test_fixture(bomgar_simulator):
        assert isinstance(bomgar_simulator, Simulator)
        assert bomgar_simulator.url.startswith("http://127.0.0.1:")
        assert bomgar_simulator.world.users["admin"].user_id == 1
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_pytest_plugin_fixture(tmp_path: Path, mode: str) -> None:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
    )
    marker = "" if mode == "auto" else "import pytest\npytestmark = pytest.mark.asyncio\n"
    (tmp_path / "test_plugin.py").write_text(marker + textwrap.dedent(PLUGIN_TEST))
    registered = any(
        entry.value == "bomgar_async.simulator.pytest_plugin"
        for entry in importlib.metadata.entry_points(group="pytest11")
    )
    plugin = [] if registered else ["-p", "bomgar_async.simulator.pytest_plugin"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            f"--asyncio-mode={mode}",
            "-p",
            "no:cacheprovider",
            *plugin,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
