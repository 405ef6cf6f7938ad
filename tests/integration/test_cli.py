"""The ``bomgar-async`` command line: the demo (the README's first command) and the
subcommands for real appliances, driven against the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bomgar_async.cli.main import main
from bomgar_async.simulator import Simulator


def test_demo_walks_through_everything_and_exits_0() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bomgar_async", "demo", "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for action in (
        "get_api_info",
        "get_logged_in_reps",
        "get_support_teams",
        "get_appliances",
        "check_health",
        "get_connected_client_list",
        "get_connected_clients",
        "generate_session_key",
        "join_session",
        "set_session_attributes",
        "get_session_attributes",
        "transfer_session",
        "terminate_session",
        "set_failover_role",
    ):
        assert f"== {action}" in out or f"{action}(" in out or f"== {action} " in out, action
    assert "cold: requests to the appliance=1" in out
    assert "warm: requests to the appliance=0" in out
    assert "requests with a password in the URL: 0" in out
    assert "reused: 0" in out
    assert "stale served=2, upstream fetches=2" in out
    assert "the old backup is untouched: True" in out
    assert "files in the folder: ['nightly.nsb']" in out
    assert "action=push_and_start_local&hostname=PC-042" in out
    assert "/api/start_session.ns?id=1&name=Admin" in out
    assert "sessions in 7-day windows (pulled 4 at a time)" in out
    assert "second run from the checkpoint: 0 new sessions" in out
    assert "access sessions by Jump Group: {" in out
    assert "access sessions in the quiet range: 0 (no exception)" in out
    assert "raises BomgarNoDataError: Aucune information" in out
    assert "checkpoint report=AccessSession" in out
    assert "Demo complete." in out


@pytest.fixture
def env_for(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def configure(sim: Simulator) -> None:
        monkeypatch.setenv("BOMGAR_HOST", sim.url)
        monkeypatch.setenv("BOMGAR_USERNAME", "admin")
        monkeypatch.setenv("BOMGAR_PASSWORD", "s3cret-admin")
        monkeypatch.setenv("BOMGAR_ALLOW_HTTP", "1")

    return configure


@pytest.mark.parametrize(
    ("argv", "check"),
    [
        (["reps"], lambda data: data and all("public_display_name" in r for r in data)),
        (["teams", "--members"], lambda data: any(t["members"] for t in data)),
        (
            ["session-key", "--queue", "rep:1", "--ttl", "60"],
            lambda data: len(data["short_key"]) == 7,
        ),
        (["clients"], lambda data: {c["client_type"] for c in data} >= {"representative"}),
        (["health"], lambda data: data["success"] is True),
        (["api-info"], lambda data: data["permissions"]["perm_admin"] == "1"),
    ],
)
async def test_subcommands_print_json(argv, check, env_for, capsys) -> None:  # type: ignore[no-untyped-def]
    async with Simulator(seed=1) as sim:
        env_for(sim)
        # main() runs its own event loop: run it in a worker thread.
        import asyncio

        code = await asyncio.to_thread(main, argv)
    assert code == 0
    assert check(json.loads(capsys.readouterr().out))


def test_missing_host_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOMGAR_HOST", raising=False)
    with pytest.raises(SystemExit, match="BOMGAR_HOST"):
        main(["reps"])


async def test_errors_exit_1_without_the_password(env_for, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    async with Simulator(seed=1) as sim:
        env_for(sim)
        monkeypatch.setenv("BOMGAR_PASSWORD", "wrong-password")
        code = await asyncio.to_thread(main, ["reps"])
    assert code == 1
    err = capsys.readouterr().err
    assert "BomgarAuthError" in err
    assert "wrong-password" not in err


def test_plain_http_is_refused_without_the_switch(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOMGAR_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("BOMGAR_USERNAME", "a")
    monkeypatch.setenv("BOMGAR_PASSWORD", "b")
    monkeypatch.delenv("BOMGAR_ALLOW_HTTP", raising=False)
    assert main(["reps"]) == 1
    assert "allow_http" in capsys.readouterr().err
    assert os.environ["BOMGAR_HOST"].startswith("http://")
