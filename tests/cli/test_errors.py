"""Exit statuses and error lines: 0 ok, 1 the appliance said no, 2 usage or validation,
3 network/TLS/timeout, 4 authentication or permission, 130 interrupted; one line on stderr,
never the password; the password from a file, the environment, or (not) a prompt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bomgar_async.simulator import Fault, Simulator

from .conftest import run_child, subprocess_env


@pytest.fixture(autouse=True)
def env(sim: Simulator, cli_env) -> None:  # type: ignore[no-untyped-def]
    cli_env(sim)


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("error: "), err
    return err


async def test_1_when_the_appliance_says_no(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    sim.add_fault(Fault("api_error", action="get_appliances", message="Nope, not today"))
    result = await invoke("appliances")
    assert result.code == 1
    assert one_line(result.err) == "error: BomgarAPIError: get_appliances: Nope, not today\n"
    assert result.out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["session-key", "--queue", "team:abc"],  # BomgarValidationError
        ["session-key", "--priority", "7"],  # click range check
        ["reps", "--password", "s3cret-admin"],  # no such option: never an argument
        ["no-such-command"],
        ["report", "no-such-report", "--since", "7d"],
        ["report", "license-usage", "--since", "yesterday-ish"],
    ],
)
async def test_2_for_usage_and_validation(invoke, argv) -> None:  # type: ignore[no-untyped-def]
    result = await invoke(*argv)
    assert result.code == 2, result.err
    one_line(result.err)
    assert "s3cret-admin" not in result.err


async def test_2_for_plain_http_without_the_switch(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BOMGAR_ALLOW_HTTP")
    result = await invoke("reps")
    assert result.code == 2
    assert "allow_http" in one_line(result.err)


async def test_3_for_network_timeout_and_not_xml(sim: Simulator, invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sim.add_fault(Fault("latency", action="check_health", delay=2.0))
    slow = await invoke("health", "--timeout", "0.2", "--retries", "0")
    assert slow.code == 3 and "BomgarTimeoutError" in one_line(slow.err)
    sim.clear_faults()
    sim.add_fault(Fault("non_xml", action="check_health"))
    html = await invoke("health", "--retries", "0")
    assert html.code == 3 and "BomgarProtocolError" in one_line(html.err)
    monkeypatch.setenv("BOMGAR_HOST", "http://127.0.0.1:9")
    refused = await invoke("health", "--retries", "0")
    assert refused.code == 3 and "BomgarTransportError" in one_line(refused.err)


async def test_4_for_authentication_and_permission(sim: Simulator, invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOMGAR_PASSWORD", "wrong-password")
    result = await invoke("reps")
    assert result.code == 4
    assert "BomgarAuthError" in one_line(result.err)
    assert "wrong-password" not in result.err
    monkeypatch.setenv("BOMGAR_USERNAME", "readonly")
    monkeypatch.setenv("BOMGAR_PASSWORD", "s3cret-ro")
    denied = await invoke("terminate", sim.world.active_sessions()[0].lsid)
    assert denied.code == 4
    assert "BomgarPermissionError" in one_line(denied.err)


async def test_debug_prints_the_traceback(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOMGAR_PASSWORD", "wrong-password")
    result = await invoke("-v", "reps")
    assert result.code == 4
    assert "Traceback (most recent call last)" in result.err
    assert result.err.rstrip().splitlines()[-1].startswith("error: BomgarAuthError")
    assert "wrong-password" not in result.err


async def test_password_file_and_missing_password(
    sim: Simulator, invoke, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BOMGAR_PASSWORD")
    secret = tmp_path / "secret"
    secret.write_text("s3cret-admin\n")
    result = await invoke("health", "--password-file", str(secret))
    assert result.code == 0, result.err
    empty = tmp_path / "empty"
    empty.write_text("")
    assert (await invoke("health", "--password-file", str(empty))).code == 2


async def test_no_tty_means_no_prompt(sim: Simulator) -> None:
    env = subprocess_env(sim)
    del env["BOMGAR_PASSWORD"]
    result = await run_child(["reps"], env)
    assert result.returncode == 2
    assert result.stderr == (
        "error: no password: set BOMGAR_PASSWORD (or BOMGAR_CLIENT_SECRET), use "
        "--password-file, or run on a terminal to be asked\n"
    )
    assert result.stdout == ""


async def test_insecure_warns_and_ca_bundle_verifies(invoke, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with Simulator(seed=1, tls=True) as tls_sim:
        monkeypatch.setenv("BOMGAR_HOST", tls_sim.url)
        unknown_ca = await invoke("health", "--retries", "0")
        assert unknown_ca.code == 3, unknown_ca.err
        assert tls_sim.ca_pem is not None
        bundle = tmp_path / "ca.pem"
        bundle.write_bytes(tls_sim.ca_pem)
        verified = await invoke("health", "--ca-bundle", str(bundle))
        assert verified.code == 0, verified.err
        insecure = await invoke("health", "--insecure")
        assert insecure.code == 0
        assert insecure.err.startswith("warning: --insecure: TLS certificates are not verified")
        both = await invoke("health", "--insecure", "--ca-bundle", str(bundle))
        assert both.code == 2


async def test_a_closed_pipe_ends_quietly(sim: Simulator) -> None:
    env = subprocess_env(sim)
    import asyncio
    import sys

    process = await asyncio.create_subprocess_shell(
        f"{sys.executable} -m bomgar_async report support-sessions --since 30d -f jsonl | head -1",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 50)
    assert len(out.splitlines()) == 1 and json.loads(out)["lsid"]
    assert err == b""


async def test_version_and_python_m(sim: Simulator) -> None:
    from bomgar_async import __version__

    result = await run_child(["--version"], subprocess_env())
    assert result.returncode == 0 and __version__ in result.stdout
    result = await run_child(["--help"], subprocess_env())
    assert "BOMGAR_ALLOW_HTTP=1" in result.stdout and "130 interrupted" in result.stdout


async def test_2_without_a_host_or_a_user(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BOMGAR_HOST")
    result = await invoke("reps")
    assert (result.code, result.err) == (2, "error: no appliance: give --host or set BOMGAR_HOST\n")
    monkeypatch.setenv("BOMGAR_HOST", "support.example.com")
    monkeypatch.delenv("BOMGAR_USERNAME")
    result = await invoke("reps")
    assert result.code == 2 and "no API user" in one_line(result.err)


async def test_on_a_terminal_the_password_is_asked_for(sim: Simulator) -> None:
    import asyncio
    import os
    import pty
    import subprocess
    import sys

    env = subprocess_env(sim)
    del env["BOMGAR_PASSWORD"]
    master, slave = pty.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bomgar_async",
            "health",
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # no controlling terminal: the prompt reads stdin, the pty
        )
        communicate = asyncio.ensure_future(process.communicate())
        # getpass discards what was typed before it turned echo off: keep typing until done
        while not communicate.done():
            os.write(master, b"s3cret-admin\n")
            await asyncio.wait({communicate}, timeout=0.3)
        out, err = await asyncio.wait_for(communicate, 50)
    finally:
        os.close(slave)
        os.close(master)
    assert process.returncode == 0, err
    assert json.loads(out)["success"] is True
    assert b"Password for admin at http://127.0.0.1:" in err
    assert b"s3cret-admin" not in err + out  # not echoed


async def test_oauth_client_credentials(sim: Simulator, invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BOMGAR_USERNAME")
    monkeypatch.delenv("BOMGAR_PASSWORD")
    monkeypatch.setenv("BOMGAR_CLIENT_SECRET", "s3cret-oauth")
    result = await invoke("health", "--client-id", "api-client")
    assert result.code == 0, result.err
    assert {r.path for r in sim.requests} == {"/oauth2/token", "/api/command"}
