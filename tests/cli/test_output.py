"""Output: every format, ``--output`` written atomically, the default format (a table on a
terminal, JSON otherwise) and the progress bar (on a terminal or with ``--progress``; off
otherwise and with ``--quiet``), checked on a real pseudo-terminal."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bomgar_async.simulator import Simulator

from .conftest import subprocess_env


@pytest.fixture(autouse=True)
def env(sim: Simulator, cli_env) -> None:  # type: ignore[no-untyped-def]
    cli_env(sim)


async def test_every_format_of_a_list(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    expected = sorted(r.id for r in sim.world.reps if r.logged_in)
    as_json = await invoke("reps", "-f", "json")
    assert sorted(r["id"] for r in json.loads(as_json.out)) == expected
    as_jsonl = await invoke("reps", "--format", "jsonl")
    assert sorted(json.loads(line)["id"] for line in as_jsonl.out.splitlines()) == expected
    as_csv = await invoke("reps", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert sorted(int(r["id"]) for r in rows) == expected
    assert rows[0]["logged_in_since"].endswith("+00:00")
    as_table = await invoke("reps", "-f", "table")
    assert "public_display_name" in as_table.out.splitlines()[1]
    for rep in sim.world.reps:
        if rep.logged_in:
            assert f" {rep.id} " in as_table.out


async def test_every_format_of_one_object(invoke) -> None:  # type: ignore[no-untyped-def]
    as_json = json.loads((await invoke("health", "-f", "json")).out)
    assert json.loads((await invoke("health", "-f", "jsonl")).out) == as_json
    row = next(csv.DictReader(io.StringIO((await invoke("health", "-f", "csv")).out)))
    assert row["hostname"] == as_json["hostname"] and row["success"] == "true"
    table = (await invoke("health", "-f", "table")).out
    assert "field" in table and as_json["hostname"] in table  # one row per field


async def test_streamed_report_formats_agree(invoke) -> None:  # type: ignore[no-untyped-def]
    argv = ("report", "support-sessions", "--since", "30d", "--window", "10d")
    as_json = [s["lsid"] for s in json.loads((await invoke(*argv, "-f", "json")).out)]
    lines = (await invoke(*argv, "-f", "jsonl")).out.splitlines()
    assert [json.loads(line)["lsid"] for line in lines] == as_json
    rows = list(csv.DictReader(io.StringIO((await invoke(*argv, "-f", "csv")).out)))
    assert [r["lsid"] for r in rows] == as_json
    events = json.loads(rows[0]["events"])  # nested values are JSON in a cell
    assert isinstance(events, list)
    empty = await invoke("report", "support-sessions", "--since", "400d", "--until", "399d")
    assert empty.code == 0 and json.loads(empty.out) == []


async def test_output_file_is_atomic(sim: Simulator, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "reps.csv"
    result = await invoke("reps", "-f", "csv", "-o", str(target))
    assert result.code == 0 and result.out == ""
    assert target.read_text().startswith("id,")
    before = target.read_bytes()
    # a streamed report that fails half-way leaves the previous file as it was
    from bomgar_async.simulator import Fault

    sim.add_fault(Fault("truncate", action="SupportSession", times=None))
    failed = await invoke("report", "support-sessions", "--since", "30d", "-o", str(target))
    assert failed.code == 3, failed.err
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["reps.csv"]


def _run_on_pty(argv: list[str], env: dict[str, str], stream: str) -> tuple[int, bytes, bytes]:
    """Run the CLI with ``stream`` (stdout or stderr) on a pseudo-terminal."""
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    other = subprocess.PIPE
    process = subprocess.Popen(
        [sys.executable, "-m", "bomgar_async", *argv],
        stdin=subprocess.DEVNULL,
        stdout=slave if stream == "stdout" else other,
        stderr=slave if stream == "stderr" else other,
        env={**env, "COLUMNS": "200", "TERM": "xterm"},
    )
    os.close(slave)
    piped, _ = process.communicate(timeout=50) if stream == "stderr" else (None, None)
    if stream == "stdout":
        _, piped = process.communicate(timeout=50)
    reader.join(timeout=10)
    os.close(master)
    return process.returncode, b"".join(chunks), piped or b""


async def test_table_on_a_terminal_json_otherwise(sim: Simulator) -> None:
    env = subprocess_env(sim)
    code, on_terminal, _ = await asyncio.to_thread(_run_on_pty, ["appliances"], env, "stdout")
    assert code == 0
    assert b"\xe2\x94\x83" in on_terminal or b"\xe2\x94\x82" in on_terminal  # box drawing
    assert b"HQ Primary" in on_terminal
    piped = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bomgar_async", "appliances"],
        env=env,
        capture_output=True,
        timeout=50,
        check=False,
    )
    assert json.loads(piped.stdout)[0]["name"] == "HQ Primary"


async def test_progress_bar_on_a_terminal_and_off_otherwise(sim: Simulator, tmp_path: Path) -> None:
    env = subprocess_env(sim)
    argv = ["report", "support-sessions", "--since", "30d", "--window", "5d"]
    out = ["-o", str(tmp_path / "s.json")]
    code, on_terminal, _ = await asyncio.to_thread(_run_on_pty, [*argv, *out], env, "stderr")
    assert code == 0
    assert b"sessions" in on_terminal and b"\x1b[" in on_terminal  # a live, drawn bar
    quiet = await asyncio.to_thread(_run_on_pty, [*argv, *out, "--quiet"], env, "stderr")
    assert quiet[0] == 0 and b"sessions" not in quiet[1]

    piped = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bomgar_async", *argv, *out],
        env=env,
        capture_output=True,
        timeout=50,
        check=False,
    )
    assert piped.returncode == 0
    assert b"\x1b[" not in piped.stderr  # no bar when stderr is not a terminal
    forced = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bomgar_async", *argv, *out, "--progress"],
        env=env,
        capture_output=True,
        timeout=50,
        check=False,
    )
    assert b"\x1b[" in forced.stderr and b"sessions" in forced.stderr
