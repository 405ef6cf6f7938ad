"""Every command of the command line against the simulator, checked against what the
simulator holds (JSON output, the default when stdout is not a terminal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bomgar_async import brcs
from bomgar_async.simulator import Simulator

pytestmark = pytest.mark.usefixtures("env")


@pytest.fixture
def env(sim: Simulator, cli_env) -> None:  # type: ignore[no-untyped-def]
    cli_env(sim)


@pytest.mark.parametrize(
    ("argv", "check"),
    [
        (["api-info"], lambda d, s: d["permissions"]["perm_admin"] == "1"),
        (["health"], lambda d, s: d["success"] is True and d["hostname"]),
        (["appliances"], lambda d, s: len(d) == len(s.world.appliances)),
        (
            ["reps"],
            lambda d, s: {r["id"] for r in d} == {r.id for r in s.world.reps if r.logged_in},
        ),
        (["teams"], lambda d, s: [t["id"] for t in d] == [7, 36, 42, 54, 59]),
        (["teams", "--members"], lambda d, s: any(t["members"] for t in d)),
        (
            ["clients", "--type", "representative"],
            lambda d, s: d and {c["client_type"] for c in d} == {"representative"},
        ),
        (["clients", "--connections"], lambda d, s: len(d) == len(s.world.clients)),
    ],
)
async def test_read_commands(sim: Simulator, invoke, argv, check) -> None:  # type: ignore[no-untyped-def]
    result = await invoke(*argv)
    assert result.code == 0, result.err
    assert check(json.loads(result.out), sim)
    assert result.err == ""


async def test_session_key(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    result = await invoke(
        "session-key", "--queue", "team:7", "--external-key", "T-1", "--priority", "2",
        "--ttl", "1h",
    )  # fmt: skip
    assert result.code == 0, result.err
    key = json.loads(result.out)
    assert key["queue"] == "team" and key["queue_id"] == 7 and key["ttl"] == 3600
    assert key["short_key"] in {k.short_key for k in sim.world.session_keys}


async def test_join_transfer_attributes_terminate(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    lsid = sim.world.active_sessions()[0].lsid
    rep = next(r for r in sim.world.reps if r.logged_in)
    assert (await invoke("join", lsid, str(rep.id))).code == 0
    assert lsid in sim.world.sessions_of(rep.id)
    done = await invoke("attributes", "set", lsid, "asset_tag=LAP-0042", "--external-key", "T-9")
    assert done.code == 0, done.err
    assert json.loads(done.out)["ok"] is True
    got = await invoke("attributes", "get", lsid)
    shown = {a["code_name"]: a["value"] for a in json.loads(got.out)["attributes"]}
    assert shown["asset_tag"] == "LAP-0042"
    assert (await invoke("transfer", lsid, "general")).code == 0
    assert (await invoke("terminate", lsid)).code == 0
    assert lsid not in {s.lsid for s in sim.world.active_sessions()}


async def test_failover(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    result = await invoke("failover", "backup", "--data-sync-first")
    assert result.code == 0, result.err
    assert json.loads(result.out)["ok"] is True
    assert sim.world.appliance.failover_role == "backup"


async def test_clients_watch_prints_who_comes_and_goes(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    customers = [c for c in sim.world.clients if c.type == "support_customer"]
    gone = customers[0]
    sim.world.clients.remove(gone)
    result = await invoke(
        "clients", "--watch", "--type", "support_customer", "--interval", "0.05",
        "--count", "1", "-f", "jsonl",
    )  # fmt: skip
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert result.code == 0, result.err
    assert {line["event"] for line in lines} == {"added"}
    assert len(lines) == len(customers) - 1

    # a table-format watch over two rounds: a client leaves between them
    import asyncio

    async def leave() -> None:
        await asyncio.sleep(0.3)
        sim.world.clients.remove(customers[1])

    task = asyncio.create_task(leave())
    result = await invoke(
        "clients", "--watch", "--type", "support_customer", "--interval", "0.5",
        "--count", "2", "-f", "table",
    )  # fmt: skip
    await task
    assert result.code == 0, result.err
    removed = [line for line in result.out.splitlines() if " removed " in line]
    assert len(removed) == 1 and customers[1].id in removed[0]


async def test_reports_every_type(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    from bomgar_async.cli.reports import REPORTS

    lsid = sim.world.history[-1].lsid
    extra = {"support-session": ["--lsid", lsid]}
    for name in (name for name, spec in REPORTS.items() if spec.product == "rs"):
        argv = ["report", name, *extra.get(name, ["--since", "30d"])]
        result = await invoke(*argv)
        assert result.code == 0, (name, result.err)
        data = json.loads(result.out)
        assert data, name
    sessions = json.loads((await invoke("report", "support-sessions", "--since", "30d")).out)
    windowed = await invoke(
        "report", "support-sessions", "--since", "30d", "--window", "7d", "--concurrency", "2"
    )
    assert [s["lsid"] for s in json.loads(windowed.out)] == [s["lsid"] for s in sessions]
    assert len(sessions) == len(sim.world.history) + len(sim.world.active_sessions())


async def test_report_refuses_options_of_other_types(invoke) -> None:  # type: ignore[no-untyped-def]
    result = await invoke("report", "license-usage", "--since", "7d", "--team-id", "7")
    assert result.code == 2
    assert result.err == "error: report license-usage does not take --team-id\n"
    missing = await invoke("report", "team-activity")
    assert missing.code == 2 and "needs --since" in missing.err


async def test_recording_backup_and_scripts(sim: Simulator, invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lsid = next(r.lsid for r in reversed(sim.world.history) if _recording_ok(sim, r.lsid))
    target = tmp_path / "session.flv"
    result = await invoke("recording", lsid, str(target))
    assert result.code == 0, result.err
    assert target.read_bytes() == sim.recording_bytes(lsid)
    assert json.loads(result.out)["size"] == target.stat().st_size

    backup = tmp_path / "nightly.nsb"
    result = await invoke("backup", str(backup))
    assert result.code == 0, result.err
    assert backup.stat().st_size == sim.backup_size

    script = tmp_path / "key.brcs-support"
    result = await invoke(
        "script", "download", "generate_session_key", str(script), "external_key=T-1"
    )
    assert result.code == 0, result.err
    actions = [c.action for c in brcs.parse(script.read_text()).commands]
    assert "generate_session_key" in actions


def _recording_ok(sim: Simulator, lsid: str) -> bool:
    try:
        sim.recording_bytes(lsid)
    except LookupError:
        return False
    return True


async def test_script_render_and_parse_offline(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "jump.brcs-support"
    result = await invoke(
        "script", "render", "push_and_start_local", "hostname=PC 042", "--login",
        "--delete-script-file", "-o", str(target),
    )  # fmt: skip
    assert result.code == 0, result.err
    text = target.read_text()
    assert text.splitlines() == [
        "BRCS1.0",
        "action=login",
        "action=push_and_start_local&hostname=PC%20042",
        "action=delete_script_file",
    ]
    parsed = await invoke("script", "parse", str(target), "-f", "jsonl")
    rows = [json.loads(line) for line in parsed.out.splitlines()]
    assert rows[1] == {"action": "push_and_start_local", "params": {"hostname": "PC 042"}}
    bad = await invoke("script", "render", "login", "x=1", "--login")
    assert bad.code == 2 and bad.err.startswith("error: BRCS")


async def test_start_url(sim: Simulator, invoke) -> None:  # type: ignore[no-untyped-def]
    result = await invoke("start-url", "--rep-id", "1", "--rep-name", "Admin")
    assert result.out.strip() == f"{sim.url}/api/start_session.ns?id=1&name=Admin"
    both = await invoke("start-url", "--rep-id", "1", "--short-key", "1234567")
    assert both.code == 2


async def test_reports_every_pra_type(cli_env, invoke) -> None:  # type: ignore[no-untyped-def]
    from bomgar_async.cli.reports import REPORTS

    async with Simulator(seed=1, product="pra", history_sessions=40) as pra:
        cli_env(pra)
        lsid = pra.world.history[-1].lsid
        names = [name for name, spec in REPORTS.items() if spec.product == "pra"]
        assert len(names) == 6
        for name in names:
            args = ["--lsid", lsid] if name == "access-session" else ["--since", "30d"]
            result = await invoke("report", name, *args)
            assert result.code == 0, (name, result.err)
            assert json.loads(result.out), name
        sessions = json.loads((await invoke("report", "access-sessions", "--since", "30d")).out)
        assert all(s["jump_group"] is not None for s in sessions) and len(sessions) >= 40
        quiet = await invoke(
            "report", "access-sessions", "--since", "2000-01-01", "--until", "2000-01-02"
        )
        assert quiet.code == 0 and json.loads(quiet.out) == []
