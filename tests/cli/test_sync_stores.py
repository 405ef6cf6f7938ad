"""``sync --to sqlite:///...`` and ``--to postgresql://...``: every session in the database
once (a second run stores nothing new), both products in one database, a run SIGKILLed and
resumed, ``--follow``, the URL's password never shown, and the targets refused up front."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import BomgarClient
from bomgar_async.simulator import Simulator

from .conftest import run_child, subprocess_env

SINCE = (datetime.now(timezone.utc) - timedelta(days=31)).replace(microsecond=0)
PASSWORD = "hunter2-Sekr3t"


def _rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(db.execute(sql, params))


async def _expected(sim: Simulator, product: str = "rs") -> set[str]:
    async with BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True
    ) as bg:
        if product == "pra":
            return {s.lsid async for s in bg.pra.access_sessions(SINCE, by="end")}
        return {s.lsid async for s in bg.reporting.support_sessions(SINCE, by="end")}


async def test_sync_into_sqlite_stores_every_session_once(sim, cli_env, invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli_env(sim)
    db = tmp_path / "sessions.db"
    argv = ["sync", "--to", f"sqlite:///{db}", "--since", SINCE.isoformat(), "-f", "json"]
    first = await invoke(*argv)
    assert first.code == 0, first.err
    summary = json.loads(first.out)
    expected = await _expected(sim)
    stored = _rows(db, "SELECT lsid, product, revision FROM sessions")
    assert {row[0] for row in stored} == expected and len(stored) == len(expected)
    assert {row[1] for row in stored} == {"rs"} and {row[2] for row in stored} == {1}
    assert summary["sessions"] == len(expected) > 0
    assert summary["target"] == f"sqlite:///{db}" and summary["product"] == "rs"
    assert _rows(db, "SELECT name FROM sync_checkpoints") == [("rs",)]

    again = await invoke(*argv)
    assert again.code == 0, again.err
    assert json.loads(again.out)["sessions"] == 0
    assert len(_rows(db, "SELECT lsid FROM sessions")) == len(expected)


async def test_sync_both_products_into_one_sqlite_database(cli_env, invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "both.db"
    counts: dict[str, int] = {}
    for seed, product in ((4, "rs"), (5, "pra")):  # two appliances: their lsids differ
        async with Simulator(seed=seed, product=product) as sim:
            cli_env(sim)
            argv = ["sync", "--to", f"sqlite:///{db}", "--product", product]
            result = await invoke(*argv, "--since", SINCE.isoformat(), "-f", "json")
            assert result.code == 0, result.err
            assert json.loads(result.out)["product"] == product
            expected = await _expected(sim, product)
        stored = {
            row[0] for row in _rows(db, "SELECT lsid FROM sessions WHERE product = ?", product)
        }
        assert stored == expected and expected
        counts[product] = len(expected)
    assert dict(_rows(db, "SELECT product, count(*) FROM sessions GROUP BY product")) == counts
    assert sorted(_rows(db, "SELECT name FROM sync_checkpoints")) == [("pra",), ("rs",)]


async def test_sync_into_postgresql_never_shows_the_password(  # type: ignore[no-untyped-def]
    sim, cli_env, invoke, postgres_db
) -> None:
    import asyncpg

    cli_env(sim)
    user, _, rest = postgres_db.removeprefix("postgresql://").partition("@")
    url = f"postgresql://{user}:{PASSWORD}@{rest}"  # the test cluster trusts; shown nowhere
    argv = ["sync", "--to", url, "--since", SINCE.isoformat(), "-f", "json", "--progress"]
    first = await invoke(*argv)
    assert first.code == 0, first.err
    summary = json.loads(first.out)
    assert summary["target"] == f"postgresql://{user}:***@{rest}"
    again = await invoke(*argv)
    assert again.code == 0, again.err
    assert json.loads(again.out)["sessions"] == 0
    for text in (first.out, first.err, again.out, again.err):
        assert PASSWORD not in text
    conn = await asyncpg.connect(postgres_db)
    try:
        rows = await conn.fetch("SELECT lsid, revision FROM sessions WHERE product = 'rs'")
    finally:
        await conn.close()
    expected = await _expected(sim)
    assert {r["lsid"] for r in rows} == expected and {r["revision"] for r in rows} == {1}
    assert summary["sessions"] == len(expected) > 0


async def test_an_unreachable_postgresql_fails_in_one_line_without_the_password(  # type: ignore[no-untyped-def]
    sim, cli_env, invoke
) -> None:
    pytest.importorskip("asyncpg")
    cli_env(sim)
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    result = await invoke("sync", "--to", f"postgresql://u:{PASSWORD}@127.0.0.1:{port}/db")
    assert result.code == 1
    assert result.err.startswith("error: BomgarStoreError: cannot connect to PostgreSQL")
    assert result.err.count("\n") == 1 and PASSWORD not in result.out + result.err


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("ftp://x/y", "unknown target"),
        ("sqlite:///", "name a file, e.g. sqlite:///sessions.db"),
        ("sqlite://host/x.db", "name a file"),
    ],
)
async def test_sync_targets_refused_before_any_request(sim, cli_env, invoke, to, message) -> None:  # type: ignore[no-untyped-def]
    cli_env(sim)
    result = await invoke("sync", "--to", to)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1
    assert sim.requests == []


async def test_postgresql_without_asyncpg_says_which_extra(  # type: ignore[no-untyped-def]
    sim, cli_env, invoke, monkeypatch
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if it were not installed
    cli_env(sim)
    result = await invoke("sync", "--to", f"postgresql://u:{PASSWORD}@db.example/sessions")
    assert result.code == 2 and result.err.count("\n") == 1
    assert "PostgreSQL needs asyncpg: pip install 'bomgar_async[postgres]'" in result.err
    assert PASSWORD not in result.err and sim.requests == []


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


def _count(db: Path) -> int:
    try:
        return int(_rows(db, "SELECT count(*) FROM sessions")[0][0])
    except sqlite3.Error:  # not created yet
        return 0


@pytest.mark.timeout(150)
async def test_sync_into_sqlite_killed_and_resumed_stores_every_session_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "sessions.db"
    argv = ["sync", "--to", f"sqlite:///{db}", "--since", SINCE.isoformat(), "--window", "4h"]
    argv += ["--concurrency", "1"]
    async with Simulator(seed=3, latency=0.05) as sim:
        env = subprocess_env(sim)
        child = await _spawn(argv, env)
        deadline = asyncio.get_running_loop().time() + 60
        while _count(db) < 20:
            assert asyncio.get_running_loop().time() < deadline, "no progress"
            await asyncio.sleep(0.02)
        child.kill()  # SIGKILL: no cleanup at all
        await child.wait()
        killed_at = _count(db)

        resumed = await run_child([*argv, "-f", "json"], env, timeout=120)
        assert resumed.returncode == 0, resumed.stderr
        summary = json.loads(resumed.stdout)
        expected = await _expected(sim)
    rows = _rows(db, "SELECT lsid, revision FROM sessions")
    assert {lsid for lsid, _ in rows} == expected, "a session was lost"
    assert {revision for _, revision in rows} == {1}, "a session was stored twice"
    assert summary["sessions"] == len(rows) - killed_at
    assert summary["sessions"] > 0, "the first run was not killed mid-way"


async def test_sync_into_sqlite_follows_until_interrupted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "follow.db"
    async with Simulator(seed=1) as sim:
        child = await _spawn(
            ["sync", "--to", f"sqlite:///{db}", "--follow", "0.2", "-f", "jsonl"],
            subprocess_env(sim),
        )
        assert child.stdout is not None
        first = json.loads(await asyncio.wait_for(child.stdout.readline(), 30))
        second = json.loads(await asyncio.wait_for(child.stdout.readline(), 30))
        child.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "interrupted"
    assert first["sessions"] == _count(db) > 0 and second["sessions"] == 0
