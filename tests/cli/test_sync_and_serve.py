"""``sync`` into JSON lines killed and resumed (every session exactly once), ``--follow``
until Ctrl-C, and ``serve`` (the export line, a taken or invalid port, Ctrl-C)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import BomgarClient
from bomgar_async.simulator import Simulator

from .conftest import run_child, subprocess_env


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def _wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def _spawn(argv: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bomgar_async",
        *argv,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.timeout(120)
async def test_sync_killed_and_resumed_writes_every_session_once(tmp_path: Path) -> None:
    target = tmp_path / "sessions.jsonl"
    since = (datetime.now(timezone.utc) - timedelta(days=31)).replace(microsecond=0)
    argv = ["sync", "--to", str(target), "--since", since.isoformat(), "--window", "1d"]
    argv += ["--concurrency", "1"]  # one window at a time: the kill lands mid-way
    async with Simulator(seed=3, latency=0.05) as sim:
        env = subprocess_env(sim)
        child = await _spawn(argv, env)
        await _wait_for(lambda: target.exists() and len(target.read_bytes().splitlines()) >= 20)
        child.kill()  # SIGKILL: no cleanup at all
        await child.wait()
        killed_at = len(_lines(target))
        assert killed_at >= 20
        with target.open("a") as handle:
            handle.write('{"lsid": "half-writ')  # as if killed in the middle of a line

        resumed = await run_child([*argv, "-f", "json"], env, timeout=100)
        assert resumed.returncode == 0, resumed.stderr
        summary = json.loads(resumed.stdout)

        async with BomgarClient(
            sim.url, username="admin", password="s3cret-admin", allow_http=True
        ) as bg:
            expected = [s.lsid async for s in bg.reporting.support_sessions(since, by="end")]
    lsids = [str(row["lsid"]) for row in _lines(target)]
    assert len(lsids) == len(set(lsids)), "a session was written twice"
    assert set(lsids) == set(expected), "a session was lost"
    assert summary["sessions"] == len(lsids) - killed_at
    assert summary["sessions"] > 0, "the first run was not killed mid-way"
    assert Path(f"{target}.ckpt").exists()


async def test_sync_follow_until_interrupted(tmp_path: Path) -> None:
    target = tmp_path / "s.jsonl"
    async with Simulator(seed=1) as sim:
        child = await _spawn(
            ["sync", "--to", f"file://{target}", "--follow", "0.2", "-f", "jsonl"],
            subprocess_env(sim),
        )
        assert child.stdout is not None
        first = json.loads(await asyncio.wait_for(child.stdout.readline(), 30))
        second = json.loads(await asyncio.wait_for(child.stdout.readline(), 30))
        child.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "interrupted"
    assert first["sessions"] == len(_lines(target)) and second["sessions"] == 0


async def test_serve_prints_the_export_line_and_stops_on_ctrl_c() -> None:
    child = await _spawn(["serve", "--seed", "2"], subprocess_env())
    assert child.stdout is not None
    lines = [(await asyncio.wait_for(child.stdout.readline(), 30)).decode() for _ in range(4)]
    export = next(line for line in lines if line.startswith("export "))
    assert "BOMGAR_ALLOW_HTTP=1" in export and "BOMGAR_HOST=http://127.0.0.1:" in export
    env = subprocess_env()
    for pair in export.split()[1:]:
        name, _, value = pair.partition("=")
        env[name] = value
    health = await run_child(["health"], env)
    assert health.returncode == 0, health.stderr
    child.send_signal(signal.SIGINT)
    await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 130


async def test_serve_on_a_taken_or_invalid_port_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await run_child(["serve", "--port", str(port)], subprocess_env())
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1
    invalid = await run_child(["serve", "--port", "70000"], subprocess_env())
    assert invalid.returncode == 2 and invalid.stderr.count("\n") == 1


async def test_serve_tls_exports_its_ca_bundle() -> None:
    child = await _spawn(["serve", "--tls"], subprocess_env())
    assert child.stdout is not None
    lines = [(await asyncio.wait_for(child.stdout.readline(), 30)).decode() for _ in range(3)]
    export = next(line for line in lines if line.startswith("export "))
    assert "BOMGAR_HOST=https://127.0.0.1:" in export and "BOMGAR_ALLOW_HTTP" not in export
    env = subprocess_env()
    for pair in export.split()[1:]:
        name, _, value = pair.partition("=")
        env[name] = value
    assert Path(env["BOMGAR_CA_BUNDLE"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    health = await run_child(["health"], env)  # verified against the exported CA
    assert health.returncode == 0, health.stderr
    child.send_signal(signal.SIGINT)
    await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 130


async def test_serve_product_pra_serves_the_pra_reports_in_the_chosen_locale() -> None:
    child = await _spawn(["serve", "--product", "pra", "--locale", "fr"], subprocess_env())
    assert child.stdout is not None
    lines = [(await asyncio.wait_for(child.stdout.readline(), 30)).decode() for _ in range(4)]
    export = next(line for line in lines if line.startswith("export "))
    env = subprocess_env()
    for pair in export.split()[1:]:
        name, _, value = pair.partition("=")
        env[name] = value
    sessions = await run_child(["report", "access-sessions", "--since", "30d"], env)
    assert sessions.returncode == 0, sessions.stderr
    assert json.loads(sessions.stdout)
    one = await run_child(["report", "access-session", "--lsid", "no-such-session"], env)
    assert one.returncode == 1 and "BomgarNoDataError" in one.stderr
    assert "Aucune" in one.stderr  # the French no-data answer, as sent
    child.send_signal(signal.SIGINT)
    await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 130
