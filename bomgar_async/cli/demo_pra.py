"""The demo's Privileged Remote Access step: a PRA simulator answering in French, the client
on the modern paths, access sessions with their Jump Groups, Vault activity, and a quiet
range whose localized no-data ``<error>`` reads as an empty report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from ..client import BomgarClient
from ..errors import BomgarNoDataError
from ..simulator import Simulator

__all__ = ["pra_tour"]


def _say(title: str) -> None:
    print(f"\n== {title}")


def _line(text: str) -> None:
    print(f"   {text}")


async def pra_tour(seed: int, username: str, password: str) -> None:
    """Walk through ``bg.pra`` against ``Simulator(product="pra", locale="fr")``."""
    sim = Simulator(seed=seed, history_sessions=80, product="pra", locale="fr")
    async with (
        sim,
        BomgarClient(
            sim.url, username=username, password=password, allow_http=True, api_paths="modern"
        ) as bg,
    ):
        since = datetime.now(timezone.utc) - timedelta(days=31)
        _say("pra: a month of AccessSession reports (api_paths='modern': /api/reporting)")
        groups: Counter[str] = Counter()
        async for session in bg.pra.access_sessions(since, window=timedelta(days=7)):
            group = session.jump_group
            groups[(group.name if group else None) or "-"] += 1
        _line(f"{sum(groups.values())} access sessions by Jump Group: {dict(groups)}")
        vault = await bg.pra.vault_account_activity(since.date())
        kinds = Counter(event.event_type for event in vault)
        _line(f"{len(vault)} Vault account events, e.g. {kinds.most_common(2)}")

        _say("pra: a quiet range, answered with the appliance's French no-data <error>")
        quiet = datetime(2020, 1, 6, tzinfo=timezone.utc)
        empty = [s async for s in bg.pra.access_sessions(quiet, quiet + timedelta(days=1))]
        _line(f"access sessions in the quiet range: {len(empty)} (no exception)")
        try:
            await bg.pra.access_session("0123456789abcdef0123456789abcdef")
        except BomgarNoDataError as err:
            _line(f"a single unknown session raises BomgarNoDataError: {err.message}")
        sync = bg.pra.sync(since=since, window=timedelta(days=10))
        batches = [batch async for batch in sync.batches()]
        delivered = sum(len(batch.sessions) for batch in batches)
        report = batches[-1].checkpoint.report if batches else "-"
        _line(f"bg.pra.sync: {delivered} closed sessions; checkpoint report={report}")
