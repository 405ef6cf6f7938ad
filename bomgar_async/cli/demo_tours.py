"""More of ``bomgar-async demo``: polling connected clients, a recording download, the
windowed report pull with a progress bar, the SDK's warnings told as part of the story, and
the closing summary."""

from __future__ import annotations

import copy
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..client import BomgarClient
from ..simulator import Simulator
from .options import Progress

__all__ = [
    "closing_summary",
    "polling_tour",
    "recording_tour",
    "story_warnings",
    "windowed_pull",
]


def _say(title: str) -> None:
    print(f"\n== {title}")


def _line(text: str) -> None:
    print(f"   {text}")


class _StoryHandler(logging.Handler):
    """Prints the SDK's warnings as lines of the story."""

    def emit(self, record: logging.LogRecord) -> None:
        _line(f"(the SDK warns: {record.getMessage()})")


@contextmanager
def story_warnings() -> Iterator[None]:
    """While inside, the ``bomgar_async`` logger's warnings are printed like the rest of the
    demo (instead of Python's bare last-resort lines on stderr)."""
    logger = logging.getLogger("bomgar_async")
    handler = _StoryHandler(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


async def polling_tour(bg: BomgarClient, sim: Simulator) -> None:
    """Two rounds of ``poll_connected_clients``: one customer arrives, another leaves."""
    _say("poll_connected_clients: two rounds; a customer arrives and another leaves between them")
    customers = [c for c in sim.world.clients if c.type == "support_customer"]
    leaving = customers[0]
    arriving = copy.deepcopy(customers[-1])
    arriving.id, arriving.hostname = "990001", "LAPTOP-NEWCOMER"
    rounds = 0
    async for snap in bg.poll_connected_clients(interval=0.05, types="support_customer"):
        rounds += 1
        if rounds == 1:
            _line(f"round 1: {len(snap.clients)} customers connected")
            sim.world.clients.remove(leaving)
            sim.world.clients.append(arriving)
            continue
        for client in snap.added:
            _line(f"round 2: + {client.id} {client.hostname} connected")
        for client in snap.removed:
            _line(f"round 2: - {client.id} {client.hostname} left")
        _line(f"round 2: {len(snap.clients)} customers connected")
        break


async def recording_tour(bg: BomgarClient, sim: Simulator) -> None:
    """Download one session recording (streamed, atomic)."""
    listing = await bg.reporting.support_session_listing(
        datetime.now(timezone.utc) - timedelta(days=30)
    )
    recorded = [entry.lsid for entry in listing if entry.has_recording]
    lsid = next((x for x in reversed(recorded) if _downloadable(sim, x)), None)
    _say("download_recording: a session recording, streamed to disk, complete or not at all")
    if lsid is None:
        _line("no recording in the last 30 days")
        return
    with tempfile.TemporaryDirectory() as folder:
        result = await bg.reporting.download_recording(lsid, Path(folder) / "session.flv")
        _line(f"{lsid[:12]}...: {result.size} bytes, sha256 {result.sha256[:16]}...")


def _downloadable(sim: Simulator, lsid: str) -> bool:
    try:
        sim.recording_bytes(lsid)
    except LookupError:  # an expired recording: the appliance answers <error>
        return False
    return True


async def windowed_pull(bg: BomgarClient, since: datetime) -> tuple[int, int, int]:
    """Pull a month of sessions in 7-day windows, 4 at a time, with a progress bar on
    stderr when it is a terminal; prints the first three. Returns sessions, events and
    recordings."""
    count = events = recordings = 0
    with Progress(sys.stderr.isatty()) as progress:
        async for session in bg.reporting.support_sessions(since, window=timedelta(days=7)):
            progress.advance("sessions pulled")
            count += 1
            events += len(session.events)
            recordings += bool(session.session_recording_download_url)
            if count <= 3:
                rep = session.primary_rep.name if session.primary_rep else "-"
                _line(f"{session.lsid[:12]}... {session.start_time} {session.duration} rep={rep}")
    return count, events, recordings


def closing_summary(sim: Simulator, shown: list[str]) -> None:
    """What was shown, and what the appliance saw: requests, connections, leaks."""
    _say("what you saw")
    for title in shown:
        _line(f"- {title}")
    records = sim.requests
    connections = {r.connection_id for r in records}
    reused = sum(1 for r in records if r.request_number_on_connection > 1)
    leaked = sum(1 for r in records if "password" in r.raw_url)
    _line(
        f"the appliance saw {len(records)} requests over {len(connections)} connections "
        f"(one connection per call, as the guide requires); reused: {reused}"
    )
    _line(f"requests with a password in the URL: {leaked}")
