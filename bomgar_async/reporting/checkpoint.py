"""Sync checkpoints: where an incremental pull stands, and where it is kept between runs.

A :class:`SyncCheckpoint` is the cursor (every session that ended before ``cursor - overlap``
has been delivered), the lsids delivered since, and the report it belongs to; it travels as
versioned JSON (:meth:`SyncCheckpoint.to_json`), stored next to your data or in a
:class:`CheckpointStore` such as :class:`FileCheckpointStore`. The engine that moves it is
:class:`~.sync.SessionSync`.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from .._http.tempfiles import create_locked, sweep_stale
from ..errors import BomgarProtocolError

__all__ = ["DEFAULT_REPORT", "CheckpointStore", "FileCheckpointStore", "SyncCheckpoint"]

_VERSION = 1
DEFAULT_REPORT = "SupportSession"
"""The report of a checkpoint that does not say (written before checkpoints named theirs)."""


def _frozen(seen: Mapping[str, datetime]) -> Mapping[str, datetime]:
    return MappingProxyType(dict(seen))


@attrs.frozen
class SyncCheckpoint:
    """Where an incremental pull stands.

    Attributes:
        cursor: every session that ended before ``cursor - overlap`` has been delivered.
        seen: lsid -> end time of the sessions delivered that ended at or after
            ``cursor - overlap`` (they may be reported again and must be skipped).
        report: the report the checkpoint belongs to (``SupportSession`` or
            ``AccessSession``).
    """

    cursor: datetime
    seen: Mapping[str, datetime] = attrs.field(factory=dict, converter=_frozen)
    report: str = DEFAULT_REPORT

    def to_json(self) -> str:
        """A versioned JSON text (store it next to your data)."""
        return json.dumps(
            {
                "version": _VERSION,
                "report": self.report,
                "cursor": self.cursor.isoformat(),
                "seen": {lsid: end.isoformat() for lsid, end in sorted(self.seen.items())},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> SyncCheckpoint:
        """Read :meth:`to_json` output.

        Raises:
            BomgarProtocolError: not a checkpoint of a version this SDK reads.
        """
        try:
            data: Any = json.loads(text)
            if data["version"] != _VERSION:
                raise ValueError(f"unsupported checkpoint version {data['version']!r}")
            seen = {str(k): datetime.fromisoformat(v) for k, v in data["seen"].items()}
            report = data.get("report", DEFAULT_REPORT)
            if not isinstance(report, str) or not report:
                raise ValueError(f"invalid report {report!r}")
            cursor = datetime.fromisoformat(data["cursor"])
            return cls(cursor=cursor, seen=seen, report=report)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise BomgarProtocolError(f"not a session sync checkpoint: {err}") from err


class CheckpointStore(Protocol):
    """Keeps a checkpoint between runs."""

    async def load(self) -> SyncCheckpoint | None:
        """The stored checkpoint, or ``None`` before the first commit."""

    async def save(self, checkpoint: SyncCheckpoint) -> None:
        """Store ``checkpoint`` durably (replacing the previous one)."""


class FileCheckpointStore:
    """A checkpoint in a JSON file, replaced atomically (temp file, fsync, rename)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    async def load(self) -> SyncCheckpoint | None:
        """The checkpoint in the file, or ``None`` if there is no file yet."""
        try:
            text = await asyncio.to_thread(self.path.read_text, encoding="utf-8")
        except FileNotFoundError:
            return None
        return SyncCheckpoint.from_json(text)

    async def save(self, checkpoint: SyncCheckpoint) -> None:
        """Write ``checkpoint`` durably."""
        await asyncio.to_thread(self._write, checkpoint.to_json())

    def _write(self, text: str) -> None:
        sweep_stale(self.path.parent, ".tmp")  # left by a process killed mid-write
        fd, temp = create_locked(self.path, ".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
                os.replace(temp, self.path)  # renamed while still locked
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
