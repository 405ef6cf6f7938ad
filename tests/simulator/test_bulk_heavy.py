"""``World.bulk_heavy`` (``bomgar-async serve --heavy-events``): every bulk session carries 16
more events, the same each time it is rebuilt, and the report shows them."""

from __future__ import annotations

from click.testing import CliRunner

from bomgar_async.cli.serve import serve
from bomgar_async.reporting.parse import parse_session_list
from bomgar_async.simulator.history import bulk_record
from bomgar_async.simulator.reports_render import close, open_root, session_xml
from bomgar_async.simulator.world import World


def test_heavy_bulk_sessions_carry_sixteen_more_events_in_time_order() -> None:
    world = World.generate(4, now=1_700_000_000, history=0)
    world.bulk_sessions = 10
    light = bulk_record(world, 3)
    world.bulk_heavy = True
    heavy = bulk_record(world, 3)
    assert heavy == bulk_record(world, 3)  # deterministic
    assert len(heavy.events) == len(light.events) + 16
    assert [e.ts for e in heavy.events] == sorted(e.ts for e in heavy.events)
    body = open_root("session_list", None) + session_xml(
        heavy, host="h", recordings=True, now=world.created_at
    )
    (session,) = parse_session_list((body + close("session_list")).encode())
    kinds = [e.event_type for e in session.events]
    assert kinds.count("Chat Message") >= 8
    assert kinds.count("Conference Member Added") >= 8


def test_serve_offers_heavy_events() -> None:
    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0
    assert "--heavy-events" in result.output
