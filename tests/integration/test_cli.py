"""``bomgar-async demo``, the README's first command: a narrated walk through every
capability against the simulator (the other commands: ``tests/cli``)."""

from __future__ import annotations

import re
import subprocess
import sys


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
    assert "the appliance saw " in out
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
    assert "== sync into SQLite: SQLiteSessionStore" in out
    stored = re.search(r"first run: (\d+) sessions stored in (\d+) transactions", out)
    assert stored is not None and int(stored[1]) > 0 and int(stored[2]) > 0
    assert "sessions per primary rep" in out and "GROUP BY primary_rep_name" in out
    per_rep = re.findall(r"^   (\S.*?) +(\d+) sessions, avg [\d.]+ min$", out, re.MULTILINE)
    assert len(per_rep) == 3 and all(int(count) > 0 for _rep, count in per_rep)
    assert "second run from the stored checkpoint: 0 new sessions stored" in out
    assert "   - the sync into SQLite (and a query of it)" in out
    assert "round 2: + 990001 LAPTOP-NEWCOMER connected" in out
    assert "round 2: - " in out and " left" in out
    assert "download_recording" in out and " bytes, sha256 " in out
    assert "(the SDK warns: get_appliances failed (BomgarHTTPError); retry 1 of 2" in out
    assert "== what you saw" in out and "   - polling connected clients" in out
    assert result.stderr == ""  # the SDK's warnings are told in the story, not on stderr
    assert "Demo complete." in out
