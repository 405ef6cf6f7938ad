"""One window of a session sync while it is still being pulled (``SessionSync.windows``).

A :class:`SyncWindow` hands out its new sessions in chunks as they are parsed (each chunk
with what the ``on_chunk`` hook made of it on arrival, e.g. rows being encoded), and once
its last chunk is taken, its :class:`~.sync_batch.SyncBatch`: the same batch ``batches()``
yields for that window, with the checkpoint after it. Windows come in window order, and a
window is handed out only after the one before it is complete, so "new" (not delivered by
an earlier window or the checkpoint) is decided exactly as ``batches()`` decides it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ..errors import BomgarValidationError
from .catch_up import WindowFeed

if TYPE_CHECKING:
    from .sync_batch import SyncBatch, SyncRecord

__all__ = ["SessionChunk", "SyncWindow"]

S = TypeVar("S", bound="SyncRecord")


@attrs.frozen
class SessionChunk(Generic[S]):
    """Some of a window's new sessions, in the order they arrived.

    Attributes:
        sessions: the chunk's sessions not delivered before.
        prepared: what ``on_chunk`` returned for the chunk as it arrived (``None`` without
            an ``on_chunk``).
        whole: every session of the chunk as it arrived is in ``sessions`` (so
            ``prepared`` was made from exactly these sessions).
    """

    sessions: tuple[S, ...]
    prepared: Any
    whole: bool


class SyncWindow(Generic[S]):
    """One pulled window, handed out while it is pulled; see the module docstring."""

    def __init__(
        self,
        feed: WindowFeed[S],
        delivered: Mapping[str, Any],
        finish: Callable[[WindowFeed[S], list[S]], SyncBatch[S]],
    ) -> None:
        self._feed = feed
        self._delivered = delivered
        self._finish = finish
        self._batch: SyncBatch[S] | None = None

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The window's ``[start, end)`` (sessions that ended in it)."""
        return self._feed.window

    async def chunks(self) -> AsyncIterator[SessionChunk[S]]:
        """The window's new sessions in chunks, as they are parsed (take them once).

        Raises:
            BomgarError: pulling the window failed (after the chunks before the failure).
        """
        fresh: list[S] = []
        async for chunk, prepared in self._feed.chunks():
            new = tuple(s for s in chunk if s.lsid not in self._delivered)
            fresh.extend(new)
            yield SessionChunk(new, prepared, len(new) == len(chunk))
        self._batch = self._finish(self._feed, fresh)

    @property
    def complete(self) -> bool:
        """Whether every chunk has been taken (the batch is known)."""
        return self._batch is not None

    @property
    def batch(self) -> SyncBatch[S]:
        """The window's batch (its new sessions and the checkpoint after them).

        Raises:
            BomgarValidationError: the window's chunks have not all been taken yet.
        """
        if self._batch is None:
            raise BomgarValidationError("the window is not complete: take all its chunks first")
        return self._batch
