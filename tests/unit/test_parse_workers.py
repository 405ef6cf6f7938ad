"""``parse_workers=``: windows parsed in worker processes give exactly what the event loop
gives (records, order, de-duplication, no-data windows, errors), validate their argument
before any request, and leave no process behind (cancelled, closed, or a worker crashed)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarClient,
    BomgarError,
    BomgarProtocolError,
    BomgarValidationError,
)
from bomgar_async._http.request import Request, Response
from bomgar_async.reporting import parse_pool, streams
from bomgar_async.reporting.session_stream import RecordStreamParser
from bomgar_async.reporting.streams import support_session_parser, windowed
from bomgar_async.simulator import Simulator
from bomgar_async.simulator.no_data import no_data_message
from bomgar_async.testing import FakeTransport, xml_response

UTC = timezone.utc
DAY = timedelta(days=1)
T0 = datetime(2026, 11, 1, tzinfo=UTC)
NS = 'xmlns="http://www.bomgar.com/namespaces/API/reporting"'

pytestmark = pytest.mark.timeout(180)


# -- helpers ----------------------------------------------------------------------------------


def session_list(lsids_starts: list[tuple[str, datetime]]) -> bytes:
    body = "".join(
        f'<session lsid="{lsid}"><session_type>support</session_type>'
        f'<start_time timestamp="{int(start.timestamp())}">{start.isoformat()}</start_time>'
        f"<duration>00:10:00</duration></session>"
        for lsid, start in lsids_starts
    )
    return f'<?xml version="1.0"?><session_list {NS}>{body}</session_list>'.encode()


def make(answer: Callable[[Request], Any], **options: Any) -> tuple[BomgarClient, FakeTransport]:
    fake = FakeTransport(answer)
    options.setdefault("retry_backoff", 0.0)
    bg = BomgarClient(
        "support.example.com", username="api", password="pw", transport=fake, **options
    )
    return bg, fake


def window_start(request: Request) -> datetime:
    params = dict(request.form or request.query)
    return datetime.fromtimestamp(int(params["start_time"]), UTC)


class Pools:
    """Records every ParsePool a pull makes (to check its processes afterwards)."""

    def __init__(self) -> None:
        self.made: list[parse_pool.ParsePool[Any]] = []
        self.pids: list[int] = []

    def __call__(self, *args: Any) -> parse_pool.ParsePool[Any]:
        pool = parse_pool.ParsePool(*args)
        self.made.append(pool)
        self.note_pids()  # the workers start with the pool
        return pool

    def note_pids(self) -> None:
        for pool in self.made:
            self.pids.extend(pid for pid in pool.pids() if pid not in self.pids)

    def alive(self) -> list[int]:
        children = {p.pid for p in multiprocessing.active_children()}
        return [pid for pid in self.pids if pid in children]


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Pools:
    recorder = Pools()
    monkeypatch.setattr(streams, "ParsePool", recorder)
    return recorder


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


async def collect(stream: AsyncIterator[Any]) -> list[Any]:
    return [record async for record in stream]


# -- the same records, order and de-duplication --------------------------------------------------


@pytest.mark.parametrize("product", ["rs", "pra"])
async def test_simulator_windows_give_the_same_records_in_the_same_order(
    product: str, pools: Pools, spool_dir: Path
) -> None:
    async with (
        Simulator(seed=3, history_sessions=40, bulk_sessions=150, product=product) as sim,
        BomgarClient(sim.url, username="admin", password="s3cret-admin", allow_http=True) as bg,
    ):
        now = datetime.fromtimestamp(sim.world.created_at, UTC).replace(microsecond=0)
        since, until = now - 12 * DAY, now - 2 * DAY
        endpoint: Any = (
            bg.pra.access_sessions if product == "pra" else bg.reporting.support_sessions
        )

        def pull(workers: int | None) -> AsyncIterator[Any]:
            return endpoint(  # type: ignore[no-any-return]
                since, until, by="end", window=DAY, concurrency=4, parse_workers=workers
            )

        in_loop = await collect(pull(None))
        in_pool = await collect(pull(2))
    assert len(in_loop) > 20
    assert in_pool == in_loop
    assert [s.lsid for s in in_pool] == [s.lsid for s in in_loop]
    assert len(pools.made) == 1
    assert list(spool_dir.iterdir()) == []  # every spooled body was deleted


async def test_a_session_on_a_shared_boundary_second_comes_once(pools: Pools) -> None:
    boundary = T0 + DAY
    sessions = [("edge", boundary), *((f"s{i:03d}", T0 + timedelta(hours=i)) for i in range(60))]

    def answer(request: Request) -> Response:
        begin = window_start(request)
        chosen = [s for s in sessions if begin <= s[1] <= begin + DAY]  # both ends inclusive
        return xml_response(session_list(sorted(chosen, key=lambda s: s[1])))

    results = []
    for workers in (None, 1):
        bg, _ = make(answer)
        async with bg:
            pulled = bg.reporting.support_sessions(
                T0, T0 + 3 * DAY, window=DAY, concurrency=3, parse_workers=workers
            )
            results.append([s.lsid for s in await collect(pulled)])
    assert results[0] == results[1]
    assert results[1].count("edge") == 1
    assert len(results[1]) == len(set(results[1])) == 61


async def test_no_data_windows_contribute_nothing(pools: Pools) -> None:
    empty = f"<error>{no_data_message('SupportSession', 'en')}</error>".encode()

    def answer(request: Request) -> Response:
        begin = window_start(request)
        if (begin - T0).days % 2:
            return xml_response(empty)
        return xml_response(session_list([(f"d{(begin - T0).days}", begin)]))

    bg, _ = make(answer)
    async with bg:
        pulled = bg.reporting.support_sessions(T0, T0 + 5 * DAY, window=DAY, parse_workers=2)
        got = [s.lsid for s in await collect(pulled)]
    assert got == ["d0", "d2", "d4"]


# -- errors: the same types as on the loop --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<session_list><session lsid='a'><broken></session_list>", BomgarProtocolError),
        (f"<session_list {NS}><error>Invalid time range</error></session_list>", BomgarAPIError),
        (b"", BomgarProtocolError),
        (  # the depth limit holds in the workers
            f"<session_list {NS}><session lsid='a'>{'<x>' * 80}{'</x>' * 80}</session>"
            "</session_list>",
            BomgarProtocolError,
        ),
    ],
)
async def test_a_parse_error_in_a_worker_is_the_loops_error(
    body: bytes | str, kind: type[BomgarError], pools: Pools, spool_dir: Path
) -> None:
    raised: list[BaseException] = []
    for workers in (None, 1):
        bg, _ = make(lambda _r: xml_response(body))
        async with bg:
            pulled = bg.reporting.support_sessions(
                T0, T0 + 2 * DAY, window=DAY, parse_workers=workers
            )
            with pytest.raises(kind) as caught:
                await collect(pulled)
        raised.append(caught.value)
    on_loop, in_worker = raised
    assert type(in_worker) is type(on_loop)
    assert str(in_worker) == str(on_loop)
    assert vars(in_worker) == vars(on_loop)
    pools.note_pids()
    assert pools.alive() == []
    assert list(spool_dir.iterdir()) == []


def crashing_parser() -> RecordStreamParser[Any]:
    """Run in a worker: the process dies on the spot."""
    os._exit(7)


async def test_a_crashed_worker_raises_a_typed_error_not_a_hang(pools: Pools) -> None:
    bg, _ = make(lambda r: xml_response(session_list([("a", window_start(r))])))
    async with bg:
        queries = [{"generate_report": "SupportSession", "start_time": "1", "duration": "9"}] * 3
        pulled = windowed(
            bg,
            [tuple(q.items()) for q in queries],
            concurrency=2,
            parser=crashing_parser,
            parse_workers=1,
        )
        with pytest.raises(BomgarError, match="worker process died"):
            await asyncio.wait_for(collect(pulled), 60)
    pools.note_pids()
    assert pools.pids
    assert pools.alive() == []


# -- cancellation and clean-up ----------------------------------------------------------------


async def test_breaking_out_mid_pull_stops_the_pool(pools: Pools, spool_dir: Path) -> None:
    async def slow(request: Request) -> Response:
        await asyncio.sleep(0.05)
        begin = window_start(request)
        return xml_response(session_list([(f"s{(begin - T0).days}-{i}", begin) for i in range(50)]))

    bg, _ = make(slow)
    async with bg:
        stream = bg.reporting.support_sessions(
            T0, T0 + 20 * DAY, window=DAY, concurrency=4, parse_workers=2
        )
        async for _session in stream:
            break
        pools.note_pids()
        await stream.aclose()  # type: ignore[attr-defined]
    assert len(pools.pids) == 2
    assert pools.alive() == []
    assert list(spool_dir.iterdir()) == []


async def test_cancelling_the_consumer_mid_pull_leaves_no_process(pools: Pools) -> None:
    started = asyncio.Event()

    async def slow(request: Request) -> Response:
        started.set()
        await asyncio.sleep(0.2)
        return xml_response(session_list([("x", window_start(request))]))

    bg, _ = make(slow)
    async with bg:
        stream = bg.reporting.support_sessions(
            T0, T0 + 30 * DAY, window=DAY, concurrency=4, parse_workers=2
        )
        consumer = asyncio.create_task(collect(stream))
        await asyncio.wait_for(started.wait(), 30)
        await asyncio.sleep(0.5)
        pools.note_pids()
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        await stream.aclose()  # type: ignore[attr-defined]
    assert pools.pids
    assert pools.alive() == []


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [True, False, 0, -1, 1.5, "2"])
async def test_bad_parse_workers_raise_before_any_request(workers: object) -> None:
    bg, fake = make(lambda _r: xml_response(session_list([])))
    async with bg:
        with pytest.raises(BomgarValidationError, match="parse_workers"):
            bg.reporting.support_sessions(T0, window=DAY, parse_workers=workers)  # type: ignore[arg-type]
        with pytest.raises(BomgarValidationError, match="parse_workers"):
            bg.pra.access_sessions(T0, window=DAY, parse_workers=workers)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_parse_workers_needs_windows() -> None:
    bg, fake = make(lambda _r: xml_response(session_list([])))
    async with bg:
        with pytest.raises(BomgarValidationError, match="window"):
            bg.reporting.support_sessions(T0, parse_workers=2)
    assert fake.requests == []


def test_the_pool_refuses_work_once_closed() -> None:
    async def run() -> None:
        pool = parse_pool.ParsePool(1, support_session_parser)
        await pool.aclose()
        with pytest.raises(BomgarError, match="closed"):
            await pool.parse("/nonexistent")

    asyncio.run(run())


ORPHANING = """
import asyncio, os, sys
from bomgar_async.reporting.parse_pool import ParsePool
from bomgar_async.reporting.streams import support_session_parser

async def main():
    pool = ParsePool(2, support_session_parser)
    print(" ".join(map(str, await pool.ready())), flush=True)
    os._exit(0)  # killed without closing the pool

if __name__ == "__main__":
    asyncio.run(main())
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_exit_when_their_parent_dies_without_closing_the_pool(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    script = tmp_path / "orphaning.py"
    script.write_text(ORPHANING)
    root = Path(__file__).parents[2]
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 2, done.stderr[-2000:]
    deadline = time.monotonic() + 30
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_running(pid) for pid in pids)
