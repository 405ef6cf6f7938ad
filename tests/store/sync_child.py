"""A sync in its own process, for the crash tests (they SIGKILL it at random points).

Run: python -m tests.store.sync_child URL sqlite|postgres PATH_OR_DSN SINCE_UNIX [rs|pra]
(``pra`` syncs Privileged Remote Access's access sessions). Small windows (many batches,
each its own transaction) and two windows in flight, each written in chunks of 3 sessions
while it is pulled (so a kill often lands in an open transaction); prints ``committed``
after each batch's transaction.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta, timezone

from bomgar_async import BomgarClient
from bomgar_async.reporting import catch_up
from bomgar_async.reporting.catch_up import CatchUp
from bomgar_async.store import PostgresSessionStore, SessionStore, SQLiteSessionStore


async def main(url: str, kind: str, target: str, since: datetime, product: str) -> None:
    catch_up.CHUNK = 3  # several chunks a window: inserted while the window is pulled
    store: SessionStore
    store = SQLiteSessionStore(target) if kind == "sqlite" else PostgresSessionStore(target)
    plan = CatchUp(
        concurrency=2,
        min_window=timedelta(hours=6),
        max_window=timedelta(days=2),
        target_sessions=8,
    )
    async with (
        BomgarClient(
            url, username="admin", password="s3cret-admin", allow_http=True, retry_backoff=0.0
        ) as bg,
        store,
    ):
        window = timedelta(hours=12)
        if product == "pra":
            await store.sync(
                bg.pra.sync(since=since, window=window),
                catch_up=plan,
                lock_timeout=60,
                progress=_committed,
            )
        else:
            await store.sync(
                bg.reporting.sync(since=since, window=window),
                catch_up=plan,
                lock_timeout=60,
                progress=_committed,
            )


def _committed(_progress: object) -> None:
    print("committed", flush=True)  # the crash test counts these to pick its moment


if __name__ == "__main__":
    url, kind, target, since = sys.argv[1:5]
    product = sys.argv[5] if len(sys.argv) > 5 else "rs"
    start = datetime.fromtimestamp(int(since), timezone.utc)
    asyncio.run(main(url, kind, target, start, product))
