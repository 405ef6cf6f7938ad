"""The simulator holds thousands of connected clients for the poll benchmark
(``Simulator(connected_clients=N)``, ``bomgar-async serve --connected-clients N``)."""

from __future__ import annotations

import signal
import urllib.parse
import urllib.request

import pytest

from benchmarks.serve import start_simulator
from bomgar_async import BomgarClient
from bomgar_async.simulator import Simulator
from bomgar_async.simulator.seed import add_connected_clients
from bomgar_async.simulator.world import CLIENT_TYPES, World

pytestmark = pytest.mark.timeout(120)


def test_extra_clients_are_deterministic_and_leave_the_world_as_generated() -> None:
    plain = World.generate(5, now=1_700_000_000, history=0)
    world = World.generate(5, now=1_700_000_000, history=0)
    add_connected_clients(world, 5_000)
    assert len(world.clients) == 5_000
    assert world.clients[: len(plain.clients)] == plain.clients
    assert len({c.id for c in world.clients}) == 5_000
    assert {c.type for c in world.clients} == set(CLIENT_TYPES)
    again = World.generate(5, now=1_700_000_000, history=0)
    add_connected_clients(again, 5_000)
    assert again.clients == world.clients
    add_connected_clients(again, 10)  # already more: nothing added
    assert len(again.clients) == 5_000


def test_the_simulator_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="connected_clients"):
        Simulator(connected_clients=-1)


async def test_every_extra_client_is_listed_and_detailed() -> None:
    async with (
        Simulator(seed=3, connected_clients=450) as sim,
        BomgarClient(sim.url, username="admin", password="s3cret-admin", allow_http=True) as bg,
    ):
        listing = await bg.command.get_connected_client_list()
        ids = [ref.id for ref in listing.clients]
        clients = await bg.command.get_connected_clients(ids)
    assert len(ids) == 450
    assert [c.id for c in clients] == ids
    batches = [r for r in sim.requests if r.action == "get_connected_clients"]
    assert len(batches) == 5


def test_serve_connects_the_extra_clients() -> None:
    server, url = start_simulator("--connected-clients", "321")
    try:
        form = urllib.parse.urlencode(
            {"username": "admin", "password": "s3cret-admin", "action": "get_connected_client_list"}
        ).encode()
        with urllib.request.urlopen(f"{url}/api/command.ns", form, timeout=10) as answer:  # noqa: S310
            assert answer.read().count(b"<connected_client ") == 321
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
