"""A sync process SIGKILLed at random points, over and over, while sessions keep arriving
late: in the database every session is there exactly once (delivered once: revision 1),
complete, and none is missing. SQLite and PostgreSQL, Remote Support and PRA syncs."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import AccessSession, BomgarClient, SupportSession
from bomgar_async.simulator import Simulator
from bomgar_async.store import PostgresSessionStore, SessionStore, SQLiteSessionStore

UTC = timezone.utc
ROOT = Path(__file__).resolve().parents[2]
RUNS = 16
Kill = tuple[int, float]


async def _child(
    url: str, kind: str, target: str, since: datetime, kill: Kill | None, product: str
) -> int:
    """Run a sync child; with ``kill=(batches, delay)``, SIGKILL it ``delay`` seconds after
    its ``batches``-th commit (or as soon as it has started, for 0 batches)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.store.sync_child",
        url,
        kind,
        target,
        str(int(since.timestamp())),
        product,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    if kill is None:
        await asyncio.wait_for(process.stdout.read(), 60)
        return await asyncio.wait_for(process.wait(), 60)
    batches, delay = kill
    for _ in range(batches):
        if not await asyncio.wait_for(process.stdout.readline(), 60):
            break  # finished first
    await asyncio.sleep(delay)
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    await asyncio.wait_for(process.stdout.read(), 60)
    return await asyncio.wait_for(process.wait(), 60)


async def _revisions(store: SessionStore) -> dict[str, int]:
    if isinstance(store, SQLiteSessionStore):
        db = store._read_db
        return await store._run(lambda: dict(db().execute("SELECT lsid, revision FROM sessions")))
    assert isinstance(store, PostgresSessionStore)
    async with store._connection() as conn:
        return {r[0]: r[1] for r in await conn.fetch("SELECT lsid, revision FROM sessions")}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("product", ["rs", "pra"])
async def test_sigkilled_syncs_store_every_session_exactly_once(
    store_kind: str, store_target: str, product: str
) -> None:
    rng = random.Random(f"crash-{store_kind}-{product}")
    since = datetime.now(UTC) - timedelta(days=40)
    async with Simulator(seed=5, latency=0.02, product=product) as sim:
        killed = finished = 0
        late: list[str] = []
        for _run in range(RUNS):
            if rng.random() < 0.5:  # a session that ran long ago and is reported only now
                started = since + timedelta(days=rng.uniform(1, 38))
                late.append(sim.add_closed_session(started, datetime.now(UTC)))
            kill = (rng.randrange(0, 4), rng.uniform(0.0, 0.05))
            code = await _child(sim.url, store_kind, store_target, since, kill, product)
            if code == -signal.SIGKILL:
                killed += 1
            else:
                assert code == 0
                finished += 1
        late.append(sim.add_closed_session(since + timedelta(days=2), datetime.now(UTC)))
        assert await _child(sim.url, store_kind, store_target, since, None, product) == 0
        async with BomgarClient(
            sim.url, username="admin", password="s3cret-admin", allow_http=True
        ) as bg:
            pulled: AsyncIterator[Any] = (
                bg.pra.access_sessions(since, by="end")
                if product == "pra"
                else bg.reporting.support_sessions(since, by="end")
            )
            expected = {s.lsid: s async for s in pulled}
    store = (
        SQLiteSessionStore(store_target)
        if store_kind == "sqlite"
        else PostgresSessionStore(store_target)
    )
    async with store:
        stored = {s.lsid: s async for s in store.sessions(by="end")}
        revisions = await _revisions(store)
    assert killed >= RUNS // 3  # the kills really landed mid-sync
    assert set(late) <= set(stored)  # late arrivals caught
    assert set(stored) == set(expected)  # none missing, none extra
    assert set(revisions.values()) == {1}  # each delivered exactly once, never re-written
    assert stored == expected  # and complete: every part of every session
    model = AccessSession if product == "pra" else SupportSession
    assert {type(s) for s in stored.values()} == {model}
