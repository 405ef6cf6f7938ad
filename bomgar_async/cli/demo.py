"""``bomgar-async demo``: a narrated walk through every capability, against the bundled
simulated appliance on loopback (nothing leaves the machine)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .. import brcs
from ..cache import MemoryCache
from ..client import BomgarClient
from ..command.queue import Queue
from ..errors import (
    BomgarError,
    BomgarPermissionError,
    BomgarValidationError,
)
from ..simulator import (
    Fault,
    Simulator,
)
from ..start_session import browser_start_js
from .demo_pra import pra_tour
from .demo_store import store_tour
from .demo_tours import (
    closing_summary,
    polling_tour,
    recording_tour,
    story_warnings,
    windowed_pull,
)

__all__ = ["run_demo"]

ADMIN = ("admin", "s3cret-admin")
READONLY = ("readonly", "s3cret-ro")


def _say(title: str) -> None:
    print(f"\n== {title}")


def _line(text: str) -> None:
    print(f"   {text}")


async def _step(title: str, action: Callable[[], Awaitable[Any]]) -> Any:
    _say(title)
    started = time.perf_counter()
    result = await action()
    _line(f"({(time.perf_counter() - started) * 1000:.1f} ms)")
    return result


async def run_demo(seed: int = 1) -> int:
    """Run the walkthrough; returns 0 on success."""
    shown: list[str] = []
    async with Simulator(seed=seed) as sim:
        print(f"Simulated appliance listening on {sim.url} (seed {seed}).")
        async with BomgarClient(
            sim.url, username=ADMIN[0], password=ADMIN[1], allow_http=True, retry_backoff=0.05
        ) as bg:
            tours: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
                ("the Command API, typed", lambda: _command_tour(bg)),
                ("the cache: single flight", lambda: _cache_tour(bg, sim)),
                ("stale-if-error", lambda: _stale_tour(sim)),
                ("session keys and session control", lambda: _sessions_tour(bg, sim)),
                ("polling connected clients", lambda: polling_tour(bg, sim)),
                ("backups, client scripts, start links", lambda: _files_tour(bg, sim)),
                ("a recording download", lambda: recording_tour(bg, sim)),
                ("reports and the incremental sync", lambda: _reporting_tour(bg)),
                ("the sync into SQLite (and a query of it)", lambda: store_tour(bg)),
                ("validation, retries, no retry of changes", lambda: _failure_tour(bg, sim)),
                ("permissions", lambda: _permissions_tour(sim)),
            ]
            with story_warnings():
                for title, tour in tours:
                    await tour()
                    shown.append(title)
        closing_summary(sim, shown)
    with story_warnings():
        await pra_tour(seed, *ADMIN)
    print("\nDemo complete.")
    return 0


async def _command_tour(bg: BomgarClient) -> None:
    info = await _step("get_api_info: who am I?", bg.command.get_api_info)
    _line(f"API {info.api_version}, user id {info.user_id}, company {info.company_name!r}")
    granted = ", ".join(f"{k}={v}" for k, v in sorted(info.permissions.items()))
    _line(f"permissions: {granted}")

    reps = await _step("get_logged_in_reps", bg.command.get_logged_in_reps)
    for rep in reps:
        since = rep.logged_in_since.isoformat() if rep.logged_in_since else "?"
        _line(
            f"rep {rep.id:>3} {rep.public_display_name!s:<22} {rep.type!s:<8} "
            f"sessions={rep.support_session_count} since {since}"
        )

    teams = await _step(
        "get_support_teams(show_members=True)",
        lambda: bg.command.get_support_teams(show_members=True),
    )
    for team in teams:
        issues = ", ".join(i.title or "?" for i in team.issues) or "no issues"
        members = ", ".join(m.username or "?" for m in team.members) or "no members"
        kind = "embassy" if team.embassy else "team"
        _line(f"{kind} {team.id} {team.name!r}: {issues} | {members}")

    appliances = await _step("get_appliances", bg.command.get_appliances)
    for appliance in appliances:
        _line(
            f"{appliance.name} ({appliance.public_hostname}) cluster={appliance.cluster_role} "
            f"failover={appliance.failover_role}"
        )
    health = await _step("check_health", bg.command.check_health)
    _line(
        f"{health.hostname}: version {health.version}, success={health.success}, "
        f"role={health.failover_role}, last sync {health.last_data_sync_status}"
    )

    listing = await _step(
        "get_connected_client_list", lambda: bg.command.get_connected_client_list()
    )
    for summary in listing.summary:
        _line(f"appliance {summary.id}: {dict(summary.counts)}")
    ids = [ref.id for ref in listing.clients]
    clients = await _step(
        f"get_connected_clients for {len(ids)} ids (batched by 100, with connections)",
        lambda: bg.command.get_connected_clients(ids, include_connections=True),
    )
    for client in clients[:6]:
        _line(f"{client.client_type:<22} {client.id:<8} {client.hostname} ({client.platform})")
    if len(clients) > 6:
        _line(f"... and {len(clients) - 6} more")


async def _cache_tour(bg: BomgarClient, sim: Simulator) -> None:
    _say("the cache: 200 concurrent cold get_logged_in_reps callers, then 200 more")
    assert bg.cache is not None
    await bg.cache.clear()
    for wave in ("cold", "warm"):
        before_requests = len(sim.requests)
        before = bg.cache.stats()
        await asyncio.gather(*(bg.command.get_logged_in_reps() for _ in range(200)))
        after = bg.cache.stats()
        _line(
            f"{wave}: requests to the appliance={len(sim.requests) - before_requests}, "
            f"hits={after.hits - before.hits}, coalesced={after.coalesced - before.coalesced}, "
            f"upstream fetches={after.upstream_calls - before.upstream_calls}"
        )


async def _stale_tour(sim: Simulator) -> None:
    _say("stale-if-error: the appliance answers 503 after the TTL; callers keep working")
    cache = MemoryCache(ttl=0.2, grace=60, cooldown=1)
    async with BomgarClient(
        sim.url, username=ADMIN[0], password=ADMIN[1], allow_http=True, cache=cache, retries=0
    ) as bg:
        fresh = await bg.command.get_logged_in_reps()
        await asyncio.sleep(0.3)  # the entry is now stale
        sim.add_fault(Fault("http_status", action="get_logged_in_reps", times=None, status=503))
        stale = await bg.command.get_logged_in_reps()
        again = await bg.command.get_logged_in_reps()  # in cooldown: no request at all
        sim.clear_faults()
        stats = cache.stats()
        _line(f"served {len(stale)} reps (same as before: {stale == fresh}), twice")
        _line(
            f"stale served={stats.stale_served}, upstream fetches={stats.upstream_calls}, "
            f"cooldown={stats.cooldown_errors}, second answer identical: {again == stale}"
        )


async def _sessions_tour(bg: BomgarClient, sim: Simulator) -> None:
    key = await _step(
        "generate_session_key into a team queue, with ticket, priority and ttl",
        lambda: bg.command.generate_session_key(
            Queue.team(sim.world.teams[0].id), external_key="TICKET-4711", priority=1, ttl=3600
        ),
    )
    expires = key.expires.isoformat() if key.expires else "?"
    _line(f"short key {key.short_key}, expires {expires}")
    _line(f"url {key.key_url}")

    session = sim.world.active_sessions()[0]
    lsid = session.lsid
    rep = next(r for r in sim.world.reps if r.logged_in)
    await _step(
        f"join_session({lsid[:8]}..., rep {rep.id})", lambda: bg.command.join_session(lsid, rep.id)
    )
    await _step(
        "set_session_attributes (external key + custom field)",
        lambda: bg.command.set_session_attributes(
            lsid, external_key="TICKET-4711", custom={"asset_tag": "LAP-0042"}
        ),
    )
    attributes = await _step(
        "get_session_attributes", lambda: bg.command.get_session_attributes(lsid)
    )
    _line(f"custom attributes: {dict(attributes.values)}")
    await _step(
        "transfer_session to the general queue",
        lambda: bg.command.transfer_session(lsid, "general"),
    )
    await _step("terminate_session", lambda: bg.command.terminate_session(lsid))
    still_active = any(s.lsid == lsid for s in sim.world.active_sessions())
    _line(f"session still active in the simulator: {still_active}")

    message = await _step(
        "set_failover_role('primary', data_sync_first=True)",
        lambda: bg.command.set_failover_role("primary", data_sync_first=True),
    )
    _line(f"appliance says: {message}")


async def _files_tour(bg: BomgarClient, sim: Simulator) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "nightly.nsb"
        result = await _step(
            "backup.download (streamed, fsync, atomic rename)", lambda: bg.backup.download(target)
        )
        _line(f"{result.size} bytes, sha256 {result.sha256[:16]}..., at {result.path.name}")

        sim.add_fault(Fault("truncate", times=None))
        old = b"yesterday's complete backup"
        target.write_bytes(old)
        _say("backup.download while every answer is cut short mid-body")
        try:
            await bg.backup.download(target)
        except BomgarError as err:
            _line(f"{type(err).__name__}: {err}")
        sim.clear_faults()
        _line(f"the old backup is untouched: {target.read_bytes() == old}")
        _line(f"files in the folder: {sorted(os.listdir(folder))}")

        url = bg.scripting.url("start_pinned_client_session", search_string="ABCDEFGH02")
        _say("client scripting: the link a representative opens")
        _line(url)
        script_path = Path(folder) / "jump.brcs-support"
        await _step(
            "scripting.download (validated as BRCS before it appears)",
            lambda: bg.scripting.download(
                "push_and_start_local", script_path, hostname="PC-042", external_key="T-4711"
            ),
        )
        script = brcs.parse(script_path.read_text())
        for command in script.commands:
            _line(command.render())

    _say("session generation links and the click-to-chat call")
    _line(bg.start_session.url(rep_id=1, rep_name="Admin", locale="en-us"))
    _line(bg.start_session.url(short_key="1234567", external_key="T-4711"))
    _line(browser_start_js("chat", session_key="1234567", fallback_to_full_window=False))


async def _reporting_tour(bg: BomgarClient) -> None:
    since = datetime.now(timezone.utc) - timedelta(days=31)
    _say("reporting: a month of SupportSession reports, parsed while they arrive")
    count, events, recordings = await windowed_pull(bg, since)
    _line(
        f"{count} sessions in 7-day windows (pulled 4 at a time), {events} events, "
        f"{recordings} with a recording"
    )

    summary = await _step(
        "support_session_summary by team",
        lambda: bg.reporting.support_session_summary(since.date(), report_type="team"),
    )
    for row in summary[:4]:
        _line(f"{row.display_name}: {row.total_sessions} sessions, avg {row.avg_duration}")
    surveys = await _step(
        "customer_exit_surveys", lambda: bg.reporting.customer_exit_surveys(since.date())
    )
    _line(f"{len(surveys)} surveys")
    usage = await _step(
        "license_usage by day", lambda: bg.reporting.license_usage(since.date(), group_by="day")
    )
    _line(f"{len(usage.intervals)} intervals")

    _say("incremental sync: every session that ended since the checkpoint, then resume")
    sync = bg.reporting.sync(since=since, window=timedelta(days=10))
    checkpoint = None
    delivered = 0
    async for batch in sync.batches():
        delivered += len(batch.sessions)
        checkpoint = batch.checkpoint
    _line(f"first run: {delivered} sessions; checkpoint {checkpoint.cursor if checkpoint else '-'}")
    again = [batch async for batch in sync.batches(checkpoint)]
    _line(f"second run from the checkpoint: {sum(len(b.sessions) for b in again)} new sessions")


async def _failure_tour(bg: BomgarClient, sim: Simulator) -> None:
    _say("bad input is refused before anything is sent")
    before = len(sim.requests)
    for bad in (
        lambda: bg.command.generate_session_key("team:abc"),
        lambda: bg.command.generate_session_key(priority=7),
        lambda: bg.command.terminate_session(""),
        lambda: bg.command.get_connected_clients(types=["pinned_client"]),  # type: ignore[list-item]
    ):
        try:
            await bad()
        except BomgarValidationError as err:
            _line(f"BomgarValidationError: {err}")
    _line(f"requests sent: {len(sim.requests) - before}")

    _say("a flaky appliance: two HTTP 503s, then an answer (read-only calls retry)")
    sim.add_fault(Fault("http_status", action="get_appliances", times=2, status=503))
    before = len(sim.requests)
    appliances = await bg.command.get_appliances()
    _line(f"got {len(appliances)} appliances after {len(sim.requests) - before} requests")

    _say("a state change is never retried: generate_session_key during a 503")
    sim.add_fault(Fault("http_status", action="generate_session_key", times=1, status=503))
    before = len(sim.requests)
    try:
        await bg.command.generate_session_key()
    except BomgarError as err:
        _line(f"{type(err).__name__}: {err} (requests sent: {len(sim.requests) - before})")
    sim.clear_faults()


async def _permissions_tour(sim: Simulator) -> None:
    _say("a read-only API user meets the appliance's permission checks")
    async with BomgarClient(
        sim.url, username=READONLY[0], password=READONLY[1], allow_http=True
    ) as bg:
        reps = await bg.command.get_logged_in_reps()
        _line(f"get_logged_in_reps works: {len(reps)} reps")
        try:
            await bg.command.terminate_session(sim.world.active_sessions()[0].lsid)
        except BomgarPermissionError as err:
            _line(f"terminate_session -> BomgarPermissionError: {err.message}")
