"""``bomgar-async sync --to TARGET``: every session that ended since the last run, into a
target opened by URL (:func:`open_target`), Remote Support's or PRA's (``--product``).

A session store (``sqlite:///sessions.db``, ``postgresql://...``) is written by
:mod:`~bomgar_async.cli.sync_store`. A JSON-lines file (``--to sessions.jsonl`` or
``file:///…/sessions.jsonl``) gets one session per line, its checkpoint beside it in
``sessions.jsonl.ckpt``. Each batch is appended and flushed to disk before its checkpoint is
committed; a run killed at any point resumes from the checkpoint, drops a half-written last
line and skips the lsids already in the file, so the file ends with every session exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote, urlsplit

import attrs
import click

from ..client import BomgarClient
from ..reporting.catch_up import CatchUp
from ..reporting.sync import FileCheckpointStore, SessionSync
from .config import ApplianceSettings, appliance_options
from .exits import CLIError
from .options import OutputSettings, output_options
from .output import jsonable
from .run import run
from .sync_store import STORE_SCHEMES, StoreTarget, open_store
from .values import DURATION, WHEN

__all__ = [
    "JsonlTarget",
    "SessionTarget",
    "StoreTarget",
    "SyncOptions",
    "SyncSummary",
    "open_target",
    "session_sync",
    "sync",
]

Product = Literal["rs", "pra"]

OnBatch = Callable[[int], None]
"""Called after each committed batch with the number of new sessions in it."""


@attrs.frozen(kw_only=True)
class SyncOptions:
    """What to pull: ``bg.reporting.sync``'s (``product="rs"``) or ``bg.pra.sync``'s
    (``"pra"``) arguments, and how many windows to pull at once (``catch_up``)."""

    since: datetime
    window: timedelta
    overlap: timedelta
    product: Product = "rs"
    catch_up: CatchUp | None = None


@attrs.frozen(kw_only=True)
class SyncSummary:
    """What one run wrote."""

    target: str
    product: Product
    batches: int
    sessions: int
    cursor: datetime | None


class SessionTarget(Protocol):
    """Where ``sync`` writes: runs one sync to the present, exactly once."""

    async def run(self, bg: BomgarClient, options: SyncOptions, on_batch: OnBatch) -> SyncSummary:
        """Pull every session that ended since the stored checkpoint and keep it."""


def session_sync(bg: BomgarClient, options: SyncOptions, **kwargs: Any) -> SessionSync[Any]:
    """``bg.reporting.sync(...)`` or ``bg.pra.sync(...)`` for ``options`` (``kwargs``: more
    arguments, e.g. ``store``)."""
    group = bg.pra if options.product == "pra" else bg.reporting
    sync: SessionSync[Any] = group.sync(
        since=options.since, window=options.window, overlap=options.overlap, **kwargs
    )
    return sync


class JsonlTarget:
    """Sessions as JSON lines in ``path``, the checkpoint in ``path.ckpt``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.checkpoints = FileCheckpointStore(f"{self.path}.ckpt")

    def _repair(self) -> set[str]:
        """Drop a half-written last line (a run killed mid-write); the lsids in the file."""
        if not self.path.exists():
            return set()
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            with self.path.open("r+b") as handle:
                handle.truncate(end)
                os.fsync(handle.fileno())
        return {json.loads(line)["lsid"] for line in data[:end].splitlines() if line.strip()}

    def _append(self, lines: list[str]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.writelines(lines)
            handle.flush()
            os.fsync(handle.fileno())

    async def run(self, bg: BomgarClient, options: SyncOptions, on_batch: OnBatch) -> SyncSummary:
        """Append each batch's new sessions, then commit its checkpoint."""
        stored = await asyncio.to_thread(self._repair)
        sync = session_sync(bg, options, store=self.checkpoints)
        batches = written = 0
        cursor = None
        async for batch in sync.batches(catch_up=options.catch_up):
            fresh = [s for s in batch.sessions if s.lsid not in stored]
            lines = [json.dumps(jsonable(s), ensure_ascii=False) + "\n" for s in fresh]
            await asyncio.to_thread(self._append, lines)
            stored.update(s.lsid for s in fresh)
            await sync.commit(batch)
            batches += 1
            written += len(fresh)
            cursor = batch.checkpoint.cursor
            on_batch(len(fresh))
        return SyncSummary(
            target=str(self.path),
            product=options.product,
            batches=batches,
            sessions=written,
            cursor=cursor,
        )


def open_target(url: str) -> SessionTarget:
    """The target ``--to`` names: a session store (``sqlite:///path``, ``postgresql://...``)
    or a file path / ``file://`` URL (JSON lines).

    Raises:
        CLIError: an unknown scheme, a URL without a file, PostgreSQL without asyncpg.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("", "file") or len(scheme) == 1:  # len 1: a Windows drive letter
        path = unquote(parts.path) if scheme == "file" else url
        if not path or path.endswith(("/", os.sep)):
            raise CLIError(f"--to {url}: name a file, e.g. --to sessions.jsonl")
        return JsonlTarget(path)
    if scheme in STORE_SCHEMES:
        return open_store(url)
    raise CLIError(
        f"--to {scheme}://...: unknown target; use sqlite:///FILE.db, postgresql://... "
        "or a file path (JSON lines)"
    )


@click.command("sync")
@click.option(
    "--to",
    "to",
    required=True,
    envvar="BOMGAR_SYNC_TO",
    metavar="TARGET",
    help=(
        "Where to: sqlite:///FILE.db (sqlite:////abs/path.db), postgresql://USER@HOST/DB "
        "(needs the postgres extra; the password from PGPASSWORD, ~/.pgpass or the URL, "
        "never shown), or FILE.jsonl / file:///path (JSON lines, checkpoint in "
        "FILE.jsonl.ckpt). Also BOMGAR_SYNC_TO."
    ),
)
@click.option(
    "--product",
    type=click.Choice(["rs", "pra"]),
    default="rs",
    show_default=True,
    help="Remote Support sessions (rs) or PRA access sessions (pra); both fit one database.",
)
@click.option(
    "--since",
    type=WHEN,
    default="30d",
    show_default=True,
    help="Where the first run starts (later runs resume from the checkpoint).",
)
@click.option("--window", type=DURATION, default="6h", show_default=True, help="One batch each.")
@click.option("--overlap", type=DURATION, default="15m", show_default=True)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="Windows pulled at once (written in order).",
)
@click.option("--follow", type=DURATION, help="Keep syncing, every INTERVAL, until Ctrl-C.")
@appliance_options
@output_options
def sync(
    settings: ApplianceSettings,
    out: OutputSettings,
    to: str,
    product: Product,
    since: Any,
    window: timedelta,
    overlap: timedelta,
    concurrency: int,
    follow: timedelta | None,
) -> None:
    """Copy every session that ended since the last run to TARGET, exactly once."""
    if not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day, tzinfo=timezone.utc)
    target = open_target(to)
    plan = CatchUp(concurrency=concurrency, min_window=window, max_window=window)
    options = SyncOptions(
        since=since, window=window, overlap=overlap, product=product, catch_up=plan
    )

    async def go() -> None:
        async with settings.client() as bg:
            while True:
                with out.progress_bar() as progress:

                    def on_batch(count: int) -> None:
                        progress.advance("windows")
                        progress.advance("sessions", count)

                    summary = await target.run(bg, options, on_batch)
                with out.printer() as printer:
                    printer.value(summary)
                if follow is None:
                    return
                await asyncio.sleep(follow.total_seconds())

    run(go())
