"""Newer paths: ``reporting_path`` / ``backup_path`` beside ``command_path``, ``api_paths="modern"``
picking every suffix-less path at once, validation at construction, and the simulator serving
both forms."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import (
    BomgarClient,
    BomgarConfigError,
)
from bomgar_async._http.paths import ApiPaths
from bomgar_async.simulator import Simulator

UTC = timezone.utc


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=2, history_sessions=30) as simulator:
        yield simulator


def admin(sim: Simulator, **options: Any) -> BomgarClient:
    return BomgarClient(
        sim.url, username="admin", password="s3cret-admin", allow_http=True, **options
    )


def test_defaults_styles_and_overrides() -> None:
    classic = ("/api/command.ns", "/api/reporting.ns", "/api/backup.ns", "/api/client_script.ns")
    modern = ("/api/command", "/api/reporting", "/api/backup", "/api/client_script")
    assert ApiPaths.choose() == ApiPaths(*classic)
    assert ApiPaths.choose("modern") == ApiPaths(*modern)
    mixed = ApiPaths.choose("modern", reporting_path="/api/reporting.ns")
    assert mixed == ApiPaths(
        "/api/command", "/api/reporting.ns", "/api/backup", "/api/client_script"
    )


@pytest.mark.parametrize(
    "options",
    [
        {"reporting_path": "/api/reporting/"},
        {"reporting_path": "/api/report"},
        {"backup_path": "api/backup"},
        {"client_script_path": "/api/client_script.nss"},
        {"command_path": "/api/x"},
        {"api_paths": "newest"},
        {"reporting_path": 3},
    ],
)
def test_bad_paths_are_refused_before_any_request(options: dict[str, Any]) -> None:
    with pytest.raises(BomgarConfigError):
        BomgarClient("support.example.com", username="u", password="p", **options)


async def test_modern_paths_against_the_simulator(sim: Simulator, tmp_path: Path) -> None:
    since = datetime.now(UTC) - timedelta(days=31)
    async with admin(sim, api_paths="modern") as bg:
        await bg.command.get_api_info()
        listing = await bg.reporting.support_session_listing(since.date())
        sessions = [s.lsid async for s in bg.reporting.support_sessions(since)]
        await bg.backup.download(tmp_path / "backup.nsb")
        script = bg.scripting.url("generate_session_key")
        await bg.scripting.download("generate_session_key", tmp_path / "s.brcs")
    assert script.startswith(f"{sim.url}/api/client_script?")
    assert listing and {e.lsid for e in listing} <= set(sessions)
    assert {r.path for r in sim.requests} == {
        "/api/command",
        "/api/reporting",
        "/api/backup",
        "/api/client_script",
    }
    assert {r.action for r in sim.requests if r.path == "/api/reporting"} == {
        "SupportSessionListing",
        "SupportSession",
    }


async def test_classic_and_explicit_paths(sim: Simulator) -> None:
    since = datetime.now(UTC) - timedelta(days=31)
    async with admin(sim) as bg:
        classic = await bg.reporting.support_session_listing(since.date())
    async with admin(sim, reporting_path="/api/reporting") as bg:
        modern = await bg.reporting.support_session_listing(since.date())
    assert classic == modern
    assert [r.path for r in sim.requests] == ["/api/reporting.ns", "/api/reporting"]
