"""The generated world: determinism, the fixed facts client tests rely on, and state changes."""

from __future__ import annotations

import re

import pytest

from bomgar_async.simulator import (
    CommandError,
    World,
)
from bomgar_async.simulator.world import CLIENT_TYPES

NOW = 1_700_000_000


@pytest.fixture
def world() -> World:
    return World.generate(1, now=NOW)


def test_same_seed_builds_the_same_world() -> None:
    assert World.generate(7, now=NOW) == World.generate(7, now=NOW)


def test_different_seeds_build_different_worlds() -> None:
    first, second = World.generate(1, now=NOW), World.generate(2, now=NOW)
    assert [s.lsid for s in first.sessions] != [s.lsid for s in second.sessions]


def test_short_keys_are_deterministic_per_seed() -> None:
    keys = [World.generate(3, now=NOW).new_short_key() for _ in range(2)]
    assert keys[0] == keys[1]
    assert re.fullmatch(r"\d{7}", keys[0])


def test_api_users_and_their_permissions(world: World) -> None:
    admin, readonly, nocommand = (world.users[n] for n in ("admin", "readonly", "nocommand"))
    assert (admin.password, readonly.password, nocommand.password) == (
        "s3cret-admin",
        "s3cret-ro",
        "s3cret-nc",
    )
    assert admin.permissions["perm_command"] == "full_access"
    assert admin.permissions["perm_view_reports"] == "all_sessions"
    assert admin.user_id == world.admin_rep.id == 1
    assert readonly.has("perm_use_command_api")
    assert not readonly.has("perm_admin")
    assert not readonly.has("perm_sd_allowed")
    assert readonly.permissions["perm_command"] == "read_only"
    assert not nocommand.has("perm_use_command_api")
    oauth = world.oauth_clients["api-client"]
    assert oauth.password == "s3cret-oauth"
    assert oauth.permissions == admin.permissions


def test_representatives_are_varied(world: World) -> None:
    reps = world.reps
    assert len(reps) >= 12
    assert len({rep.id for rep in reps}) == len(reps)
    assert {rep.type for rep in reps} == {"Normal", "Embassy", "Invited"}
    online = world.logged_in_reps()
    assert world.admin_rep in online
    assert 0 < len(online) < len(reps)
    assert world.admin_rep.username == "admin"


def test_teams_cover_the_edge_cases(world: World) -> None:
    teams = world.teams
    assert len(teams) == 5
    assert sum(team.embassy for team in teams) == 1
    assert any(not team.issues for team in teams)
    assert any(not team.member_ids for team in teams)
    embassy = next(team for team in teams if team.embassy)
    assert all(world.rep(rep_id).type == "Embassy" for rep_id in embassy.member_ids)


def test_active_sessions(world: World) -> None:
    sessions = world.active_sessions()
    assert len(sessions) == 6
    assert all(re.fullmatch(r"[0-9a-f]{32}", s.lsid) for s in sessions)
    assert {s.queue.partition(":")[0] for s in sessions} >= {"rep", "team", "embassy"}
    assert any(s.external_key for s in sessions)
    assert any(not s.rep_ids for s in sessions)
    customers = {c.lsid for c in world.clients if c.type == "support_customer"}
    assert customers == {s.lsid for s in sessions}


def test_connected_clients_cover_every_type(world: World) -> None:
    assert {client.type for client in world.clients} == set(CLIENT_TYPES)
    modes = [c.non_interactive for c in world.clients if c.non_interactive]
    assert sorted(modes) == ["rdp", "shelljump"]
    assert len({client.id for client in world.clients}) == len(world.clients)
    homes = {client.connections[0].appliance_id for client in world.clients}
    assert homes == {appliance.id for appliance in world.appliances}
    assert max(len(client.events) for client in world.clients) > 20
    assert sum(world.pinned_clients.values()) > 0


def test_failover_pair(world: World) -> None:
    assert [a.failover_role for a in world.appliances] == ["primary", "backup"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", a.id) for a in world.appliances)


def test_resolve_queue(world: World) -> None:
    team = world.teams[0]
    embassy = next(team for team in world.teams if team.embassy)
    assert world.resolve_queue("general") == ("general", 0)
    assert world.resolve_queue(f"team:{team.id}") == ("team", team.id)
    assert world.resolve_queue(f"embassy:{embassy.id}") == ("embassy", embassy.id)
    assert world.resolve_queue("rep_username:admin", allow_username=True) == ("rep", 1)
    bad_queues = ("rep_username:admin", f"embassy:{team.id}", "rep:99999", "team:x", "rep:²")
    for bad in (*bad_queues, "nowhere"):
        with pytest.raises(CommandError):
            world.resolve_queue(bad)


def test_join_session_needs_a_logged_in_rep(world: World) -> None:
    session = world.active_sessions()[-1]
    offline = next(rep for rep in world.reps if not rep.logged_in)
    with pytest.raises(CommandError, match="not logged in"):
        world.join_session(session.lsid, offline.id)
    world.join_session(session.lsid, world.admin_rep.id)
    world.join_session(session.lsid, world.admin_rep.id)
    assert session.rep_ids == [world.admin_rep.id]
    assert session.lsid in world.sessions_of(world.admin_rep.id)


def test_transfer_and_terminate(world: World) -> None:
    session = world.active_sessions()[0]
    world.transfer_session(session.lsid, f"team:{world.teams[1].id}")
    assert session.queue == f"team:{world.teams[1].id}"
    world.transfer_session(session.lsid, "general")
    assert session.queue == "general"
    world.terminate_session(session.lsid)
    assert session not in world.active_sessions()
    assert all(client.lsid != session.lsid for client in world.clients)
    with pytest.raises(CommandError, match=r"Invalid lsid\."):
        world.session(session.lsid)


def test_set_session_attributes(world: World) -> None:
    session = world.active_sessions()[1]
    world.set_session_attributes(session.lsid, "TICKET-9", {"asset_tag": "A-1"})
    assert (session.external_key, session.custom["asset_tag"]) == ("TICKET-9", "A-1")
    with pytest.raises(CommandError, match="custom attribute"):
        world.set_session_attributes(session.lsid, None, {"no_such_field": "x"})


def test_set_failover_role_swaps_the_pair(world: World) -> None:
    world.set_failover_role("backup")
    assert [a.failover_role for a in world.appliances] == ["backup", "primary"]
    with pytest.raises(CommandError, match="Invalid role"):
        world.set_failover_role("leader")
