"""bg.poll_connected_clients against the simulator: snapshots, diffs, failures reported."""

from __future__ import annotations

import pytest

from bomgar_async import (
    BomgarClient,
    BomgarHTTPError,
    BomgarValidationError,
    ClientSnapshot,
)
from bomgar_async.simulator import (
    Fault,
    Simulator,
)


def admin(sim: Simulator) -> BomgarClient:
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, retries=0
    )


async def test_snapshots_report_added_and_removed() -> None:
    async with Simulator(seed=4) as sim, admin(sim) as bg:
        snaps: list[ClientSnapshot] = []
        async for snap in bg.poll_connected_clients(interval=0.01):
            snaps.append(snap)
            if len(snaps) == 1:
                customer = next(c for c in snap.clients if c.client_type == "support_customer")
                lsid = customer.lsid  # type: ignore[attr-defined]
                await bg.command.terminate_session(lsid)
            if len(snaps) == 3:
                break
    first, second, third = snaps
    assert first.ok and first.clients and first.added == first.clients
    assert [c.id for c in second.removed] == [customer.id]
    assert second.added == ()
    assert customer.id not in {c.id for c in second.clients}
    assert third.added == () and third.removed == ()
    assert first.taken_at <= second.taken_at <= third.taken_at


async def test_a_failed_poll_is_reported_then_raised_after_max_failures() -> None:
    async with Simulator(seed=4) as sim, admin(sim) as bg:
        snaps: list[ClientSnapshot] = []
        sim.add_fault(Fault("http_status", action="get_connected_client_list", times=1, status=500))
        async for snap in bg.poll_connected_clients(interval=0.01, max_failures=2):
            snaps.append(snap)
            if len(snaps) == 2:
                break
        assert isinstance(snaps[0].error, BomgarHTTPError)
        assert snaps[0].clients == () and not snaps[0].ok
        assert snaps[1].ok and snaps[1].clients

        sim.add_fault(Fault("http_status", action="get_connected_client_list", times=None))
        seen = 0
        with pytest.raises(BomgarHTTPError):
            async for _snap in bg.poll_connected_clients(interval=0.01, max_failures=3):
                seen += 1
        assert seen == 2  # two failures reported, the third raised


async def test_details_are_fetched_in_batches_under_the_limit() -> None:
    async with Simulator(seed=4) as sim, admin(sim) as bg:
        async for snap in bg.poll_connected_clients(
            interval=0.01, types=["representative"], include_connections=True
        ):
            assert all(c.client_type == "representative" and c.connections for c in snap.clients)
            break
    detail_calls = [r for r in sim.requests if r.action == "get_connected_clients"]
    assert len(detail_calls) == 1
    assert detail_calls[0].form["include_connections"] == "1"


@pytest.mark.parametrize(("interval", "max_failures"), [(0, 3), (-1, 3), (1, 0), (True, 3)])
async def test_bad_arguments_raise_before_any_request(interval: float, max_failures: int) -> None:
    async with Simulator(seed=4) as sim, admin(sim) as bg:
        with pytest.raises(BomgarValidationError):
            async for _ in bg.poll_connected_clients(interval=interval, max_failures=max_failures):
                pass
    assert sim.requests == []
