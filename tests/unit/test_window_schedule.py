"""How ``bg.reporting.support_sessions(..., window=, concurrency=)`` schedules its windows: a
window that ends frees its slot for the next one at once (not only when the oldest is handed
over), finished windows wait for their turn but never more than ``2 * concurrency`` are held,
the first windows start ``START_SPACING`` apart, and closing the stream sends nothing more.
Records, order and de-duplication are checked with every schedule."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest

from bomgar_async import BomgarClient
from bomgar_async._http.request import Request, Response
from bomgar_async.reporting import streams
from bomgar_async.testing import FakeTransport, xml_response

UTC = timezone.utc
T0 = datetime(2026, 11, 1, tzinfo=UTC)
DAY = timedelta(days=1)
pytestmark = pytest.mark.timeout(30)


def _day_of(request: Request) -> int:
    params = dict(request.form or request.query)
    return (int(params["start_time"]) - int(T0.timestamp())) // 86400


def _answer(day: int) -> Response:
    """Two sessions a day; the second is repeated by the next day (a shared boundary)."""
    lsids = [f"d{day}a", f"d{day}b"] + ([f"d{day - 1}b"] if day else [])
    sessions = "".join(
        f'<session lsid="{lsid}"><start_time timestamp="{int(T0.timestamp()) + day * 86400}"/>'
        "</session>"
        for lsid in lsids
    )
    return xml_response(f"<session_list>{sessions}</session_list>".encode())


def _expected(days: int) -> list[str]:
    return [f"d{day}{x}" for day in range(days) for x in "ab"]


class Gated:
    """The appliance: day 0 waits until released; every other day answers at once. Records
    the order in which days were asked for, and when."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.asked: list[int] = []
        self.at: dict[int, float] = {}

    async def __call__(self, request: Request) -> Response:
        day = _day_of(request)
        self.asked.append(day)
        self.at[day] = time.monotonic()
        if day == 0:
            await self.release.wait()
        return _answer(day)


def _client(appliance: Gated) -> BomgarClient:
    return BomgarClient(
        "support.example.com",
        username="api",
        password="pw",
        transport=FakeTransport(appliance),  # type: ignore[arg-type]
        max_concurrency=32,
    )


async def _pull(bg: BomgarClient, days: int, concurrency: int) -> list[str]:
    stream = bg.reporting.support_sessions(T0, T0 + days * DAY, window=DAY, concurrency=concurrency)
    return [session.lsid async for session in stream]


async def _settle(appliance: Gated, count: int) -> None:
    """Until ``count`` days were asked for (or 5 s), then a moment more."""
    for _ in range(500):
        if len(appliance.asked) >= count:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("days", "concurrency", "held"),
    [(6, 2, 4), (12, 3, 6), (20, 4, 8), (5, 1, 1)],  # with one slot, day 0 holds it
)
async def test_freed_slots_go_on_while_the_oldest_pulls_up_to_twice_the_concurrency_held(
    days: int, concurrency: int, held: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streams, "START_SPACING", 0.0)
    appliance = Gated()
    async with _client(appliance) as bg:
        pulling = asyncio.create_task(_pull(bg, days, concurrency))
        await _settle(appliance, held)
        # day 0 holds one slot; the others went on through the next days while it waited,
        # until 2 x concurrency windows were held (day 0 and the finished ones after it)
        assert appliance.asked == list(range(held))
        appliance.release.set()
        assert await pulling == _expected(days)
    assert sorted(appliance.asked) == list(range(days))


async def test_the_first_windows_start_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    spacing = 0.05
    monkeypatch.setattr(streams, "START_SPACING", spacing)
    appliance = Gated()
    appliance.release.set()
    async with _client(appliance) as bg:
        assert await _pull(bg, 8, concurrency=4) == _expected(8)
    first = appliance.at[0]
    for day in (1, 2, 3):  # the first 4 windows: day * spacing after the first (at least)
        assert appliance.at[day] - first >= day * spacing * 0.99
    assert sorted(appliance.asked) == list(range(8))


async def test_closing_the_stream_early_sends_no_request_for_windows_not_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streams, "START_SPACING", 1.0)
    appliance = Gated()
    appliance.release.set()
    async with _client(appliance) as bg:
        stream = bg.reporting.support_sessions(T0, T0 + 4 * DAY, window=DAY, concurrency=4)
        async for _session in stream:
            break
        await stream.aclose()  # type: ignore[attr-defined]
        await asyncio.sleep(0.1)
    # days 1-3 were waiting for their start: cancelled before sending anything
    assert appliance.asked == [0]


@pytest.mark.parametrize("spacing", [0.0, 0.01])
@pytest.mark.parametrize("concurrency", [1, 2, 5, 16])
async def test_every_schedule_gives_the_same_sessions(
    spacing: float, concurrency: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streams, "START_SPACING", spacing)
    appliance = Gated()
    appliance.release.set()
    async with _client(appliance) as bg:
        assert await _pull(bg, 9, concurrency) == _expected(9)
    assert sorted(appliance.asked) == list(range(9))
