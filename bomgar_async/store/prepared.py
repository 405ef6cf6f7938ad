"""A batch of sessions on its way to rows (:class:`Prepared`): what a store's transaction
for a whole batch takes, chunk by chunk as the store's encoder thread finishes them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future

from .rows import Rows

__all__ = ["Prepared"]


class Prepared:
    """A batch of sessions on its way to rows: the lsids it replaces (a repeated lsid
    counts once, its last session wins) and the chunks of rows being encoded, in order."""

    __slots__ = ("chunks", "lsids")

    def __init__(self, lsids: list[str], chunks: list[Future[Rows]]) -> None:
        self.lsids = lsids
        self.chunks = chunks

    def rows(self) -> Iterator[Rows]:
        """Each chunk's rows, waiting for its encoding (blocks: for a worker thread).

        Raises:
            BomgarValidationError: a session no codec maps.
        """
        for chunk in self.chunks:
            yield chunk.result()

    async def rows_async(self) -> AsyncIterator[Rows]:
        """Each chunk's rows, awaiting its encoding (for the event loop)."""
        for chunk in self.chunks:
            yield await asyncio.wrap_future(chunk)

    def cancel(self) -> None:
        """Drop the chunks not encoded yet (their batch will not be written)."""
        for chunk in self.chunks:
            chunk.cancel()
