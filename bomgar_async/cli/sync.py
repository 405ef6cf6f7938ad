"""``bomgar-async sync --to TARGET``: every session that ended since the last run, into a
target opened by URL (:func:`open_target`).

Today's target is a JSON-lines file (``--to sessions.jsonl`` or ``file:///…/sessions.jsonl``):
one session per line, its checkpoint beside it in ``sessions.jsonl.ckpt``. Each batch is
appended and flushed to disk before its checkpoint is committed; a run killed at any point
resumes from the checkpoint, drops a half-written last line and skips the lsids already in
the file, so the file ends with every session exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import attrs
import click

from ..client import BomgarClient
from ..reporting.sync import FileCheckpointStore
from .config import ApplianceSettings, appliance_options
from .exits import CLIError
from .options import OutputSettings, output_options
from .output import jsonable
from .run import run
from .values import DURATION, WHEN

__all__ = ["JsonlTarget", "SessionTarget", "SyncOptions", "SyncSummary", "open_target", "sync"]

OnBatch = Callable[[int], None]
"""Called after each committed batch with the number of new sessions in it."""


@attrs.frozen(kw_only=True)
class SyncOptions:
    """What to pull: ``bg.reporting.sync``'s arguments."""

    since: datetime
    window: timedelta
    overlap: timedelta


@attrs.frozen(kw_only=True)
class SyncSummary:
    """What one run wrote."""

    target: str
    batches: int
    sessions: int
    cursor: datetime | None


class SessionTarget(Protocol):
    """Where ``sync`` writes: runs one sync to the present, exactly once."""

    async def run(self, bg: BomgarClient, options: SyncOptions, on_batch: OnBatch) -> SyncSummary:
        """Pull every session that ended since the stored checkpoint and keep it."""


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
        sync = bg.reporting.sync(
            since=options.since,
            window=options.window,
            overlap=options.overlap,
            store=self.checkpoints,
        )
        batches = written = 0
        cursor = None
        async for batch in sync.batches():
            fresh = [s for s in batch.sessions if s.lsid not in stored]
            lines = [json.dumps(jsonable(s), ensure_ascii=False) + "\n" for s in fresh]
            await asyncio.to_thread(self._append, lines)
            stored.update(s.lsid for s in fresh)
            await sync.commit(batch)
            batches += 1
            written += len(fresh)
            cursor = batch.checkpoint.cursor
            on_batch(len(fresh))
        return SyncSummary(target=str(self.path), batches=batches, sessions=written, cursor=cursor)


def open_target(url: str) -> SessionTarget:
    """The target ``--to`` names: a file path or ``file://`` URL (JSON lines).

    Raises:
        CLIError: a scheme this version cannot write to.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("", "file") or len(scheme) == 1:  # len 1: a Windows drive letter
        path = unquote(parts.path) if scheme == "file" else url
        if not path or path.endswith(("/", os.sep)):
            raise CLIError(f"--to {url}: name a file, e.g. --to sessions.jsonl")
        return JsonlTarget(path)
    if scheme in ("sqlite", "postgresql", "postgres"):
        raise CLIError(
            f"--to {scheme}://...: this version has no session store; "
            "use --to FILE.jsonl (JSON lines with a checkpoint beside it)"
        )
    raise CLIError(f"--to {url}: unknown target; use a file path (JSON lines)")


@click.command("sync")
@click.option("--to", "to", required=True, help="Where to: FILE.jsonl or file:///path.")
@click.option(
    "--since",
    type=WHEN,
    default="30d",
    show_default=True,
    help="Where the first run starts (later runs resume from the checkpoint).",
)
@click.option("--window", type=DURATION, default="6h", show_default=True, help="One batch each.")
@click.option("--overlap", type=DURATION, default="15m", show_default=True)
@click.option("--follow", type=DURATION, help="Keep syncing, every INTERVAL, until Ctrl-C.")
@appliance_options
@output_options
def sync(
    settings: ApplianceSettings,
    out: OutputSettings,
    to: str,
    since: Any,
    window: timedelta,
    overlap: timedelta,
    follow: timedelta | None,
) -> None:
    """Copy every session that ended since the last run to TARGET, exactly once."""
    if not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day, tzinfo=timezone.utc)
    target = open_target(to)
    options = SyncOptions(since=since, window=window, overlap=overlap)

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
