"""The demo's session store step: a month of sessions synced into a temporary SQLite file
with ``SQLiteSessionStore``, an SQL query of it through the standard library's ``sqlite3``
(read-only), and a second run that finds nothing new."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..client import BomgarClient
from ..store import SQLiteSessionStore

__all__ = ["store_tour"]

PER_REP = """
    SELECT primary_rep_name, count(*) AS sessions, round(avg(duration_seconds) / 60, 1)
    FROM sessions WHERE product = 'rs'
    GROUP BY primary_rep_name ORDER BY sessions DESC, primary_rep_name LIMIT 3
"""


def _say(title: str) -> None:
    print(f"\n== {title}")


def _line(text: str) -> None:
    print(f"   {text}")


def _query(path: Path) -> list[tuple[str | None, int, float | None]]:
    """Sessions per primary representative, read with a read-only connection."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(db.execute(PER_REP))
    finally:
        db.close()


async def store_tour(bg: BomgarClient) -> None:
    """Sync into SQLite, query it with plain SQL, sync again (nothing new)."""
    since = datetime.now(timezone.utc) - timedelta(days=31)
    _say("sync into SQLite: SQLiteSessionStore, each batch and its checkpoint one transaction")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sessions.db"
        async with SQLiteSessionStore(path) as store:
            first = await store.sync(bg.reporting.sync(since=since, window=timedelta(days=10)))
        _line(
            f"first run: {first.sessions} sessions stored in {first.batches} transactions "
            f"({first.rows} rows in all tables)"
        )
        _say("SQL on the file (stdlib sqlite3, read-only): sessions per primary rep")
        for text in PER_REP.strip().splitlines():
            _line(f"  {text.strip()}")
        for rep, count, minutes in await asyncio.to_thread(_query, path):
            _line(f"{rep or '-':<24} {count:>4} sessions, avg {minutes} min")
        async with SQLiteSessionStore(path) as store:
            again = await store.sync(bg.reporting.sync(since=since, window=timedelta(days=10)))
        _line(f"second run from the stored checkpoint: {again.sessions} new sessions stored")
