"""The ``SessionStore`` interface and what every store does the same way: the exactly-once
sync loop and querying sessions back.

A backend implements a few primitives (open/migrate, the sync lock, one transaction that
replaces sessions and moves a checkpoint, reading rows back); :class:`SessionStore` builds
the public methods on them. Sessions become rows through the codecs of
:mod:`~bomgar_async.store.codec`, so a store never names a model field.

Encoding runs in the store's own encoder thread, in chunks of sessions, never on the event
loop. A sync that hands out its windows while they are pulled (``bg.reporting.sync``,
``bg.pra.sync``) is written by :mod:`~bomgar_async.store.streaming`: each chunk is encoded
as it is parsed and inserted into the open transaction of the windows pulled with it. Any
other source of whole batches: a batch goes to the encoder as soon as it arrives, while the
previous batch's transaction still runs, and its transaction inserts each chunk
(:class:`Prepared`) as soon as it is encoded (the database does its part of an insert
without Python's GIL: PostgreSQL in its server, SQLite in the store's writer process).
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from types import TracebackType
from typing import Any, Literal, Protocol

import attrs

from ..errors import BomgarValidationError
from ..reporting.catch_up import CatchUp, ProgressCallback
from ..reporting.sync import SyncCheckpoint
from .codec import codec_for, codec_of_product
from .prepared import Prepared
from .query import SessionQuery
from .rows import Parts, Row, Rows, Values
from .streaming import WindowSource, sync_batches, sync_windows

__all__ = ["BatchSource", "Prepared", "SessionStore", "StoreSyncResult", "Writer"]

_PAGE = 500
_CHUNK = 1000  # sessions encoded at a time: one chunk is inserted while the next is encoded
_NAMES = {"SupportSession": "rs", "AccessSession": "pra"}


class BatchSource(Protocol):
    """What :meth:`SessionStore.sync` drives: ``bg.reporting.sync(...)`` or
    ``bg.pra.sync(...)`` (and any sync whose batches carry ``sessions``, ``checkpoint`` and
    ``progress``, and that names its ``report``)."""

    report: str

    def batches(
        self,
        checkpoint: SyncCheckpoint | None = None,
        *,
        catch_up: CatchUp | None = None,
        progress: ProgressCallback | None = None,
    ) -> AsyncIterator[Any]:
        """The sync's batches from ``checkpoint`` on."""


class Writer(Protocol):
    """A backend's open write transaction (see :meth:`SessionStore._transaction`)."""

    async def add(self, rows: Rows) -> int:
        """Replace the stored rows of ``rows``' sessions (by lsid, with all their parts) with
        ``rows``; the number of rows written."""

    async def move(self, name: str, checkpoint: str) -> None:
        """Store ``checkpoint`` (its JSON text) under ``name``."""


@attrs.frozen(kw_only=True)
class StoreSyncResult:
    """What one :meth:`SessionStore.sync` run stored: the batches (windows) committed, their
    new sessions, the rows written and the checkpoint after them."""

    batches: int
    sessions: int
    rows: int
    checkpoint: SyncCheckpoint | None


class SessionStore(abc.ABC):
    """Sessions in a database (see :mod:`bomgar_async.store`); use as ``async with``."""

    values: Values
    _encoder: ThreadPoolExecutor | None = None
    #: write each window while it is pulled (see :mod:`~bomgar_async.store.streaming`);
    #: otherwise whole batches, each written while the next is pulled
    _write_while_pulled = True
    #: insert a chunk of any window pulled together as soon as it arrives (see
    #: :mod:`~bomgar_async.store.window_group`); otherwise in window order, one transaction a
    #: window (kept to compare the two: ``benchmarks.bench_store --in-order``)
    _insert_on_arrival = True

    async def __aenter__(self) -> SessionStore:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect, and create or migrate the schema (idempotent)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release the connection(s); the store is not used afterwards."""

    @abc.abstractmethod
    async def schema_version(self) -> int:
        """The schema version of the database."""

    @abc.abstractmethod
    async def load_checkpoint(self, name: str = "rs") -> SyncCheckpoint | None:
        """The checkpoint stored under ``name`` (``None`` before the first batch)."""

    @abc.abstractmethod
    def sync_lock(self, name: str, timeout: float) -> AbstractAsyncContextManager[None]:
        """Hold the database's sync lock ``name``; waits at most ``timeout`` seconds.

        Raises:
            SyncLockedError: another sync holds it.
        """

    @abc.abstractmethod
    def _transaction(
        self, expected: tuple[str, str | None] | None
    ) -> AbstractAsyncContextManager[Writer]:
        """One write transaction (at most one at a time): begin it, and (``(name,
        expected)``) check that checkpoint ``name`` is still ``expected`` (raise
        SyncConflictError when not); commit when the block ends normally, roll back when it
        raises or is cancelled."""

    async def _write_prepared(
        self, prepared: Prepared, checkpoint: tuple[str, str, str | None] | None
    ) -> int:
        """In one transaction: replace the rows of ``prepared``'s sessions (each chunk
        inserted as soon as it is encoded), and (``(name, new, expected)``) move checkpoint
        ``name`` from ``expected`` to ``new``. Returns the rows written."""
        written = 0
        check = None if checkpoint is None else (checkpoint[0], checkpoint[2])
        async with self._transaction(check) as writer:
            async for rows in prepared.rows_async():
                written += await writer.add(rows)
            if checkpoint is not None:
                await writer.move(checkpoint[0], checkpoint[1])
        return written

    @abc.abstractmethod
    async def _select(self, query: SessionQuery) -> list[str]:
        """The lsids matching ``query``, in time order."""

    @abc.abstractmethod
    async def _load(self, lsids: list[str]) -> tuple[list[Row], Parts]:
        """The ``sessions`` rows (in ``lsids`` order) and parts of ``lsids``."""

    def _prepare(self, sessions: Iterable[Any]) -> Prepared:
        """Start encoding ``sessions`` in the encoder thread (see the module docstring)."""
        unique = list({session.lsid: session for session in sessions}.values())
        encoder = self._encoder_pool()
        chunks = [
            encoder.submit(self._encode, unique[start : start + _CHUNK])
            for start in range(0, len(unique), _CHUNK)
        ]
        return Prepared([session.lsid for session in unique], chunks)

    def _encode_later(self, sessions: list[Any]) -> Future[Rows]:
        """Encode ``sessions`` (one chunk; a repeated lsid counts once, its last session
        wins) in the encoder thread."""
        unique = list({session.lsid: session for session in sessions}.values())
        return self._encoder_pool().submit(self._encode, unique)

    def _encoder_pool(self) -> ThreadPoolExecutor:
        """The store's encoder thread (started on first use)."""
        if self._encoder is None:
            self._encoder = ThreadPoolExecutor(1, thread_name_prefix="bomgar-store-encode")
        return self._encoder

    def _encode(self, sessions: list[Any]) -> Rows:
        rows = Rows()
        for session in sessions:
            codec_for(session).encode(session, rows, self.values)
        return rows

    def _stop_encoder(self) -> None:
        """Stop the encoder thread (a backend's ``close``): chunks not started are dropped,
        the one being encoded finishes in the background."""
        encoder, self._encoder = self._encoder, None
        if encoder is not None:
            encoder.shutdown(wait=False, cancel_futures=True)

    async def _write(
        self, sessions: Iterable[Any], checkpoint: tuple[str, str, str | None] | None
    ) -> int:
        return await self._write_batch(self._prepare(sessions), checkpoint)

    async def write(self, sessions: Iterable[Any]) -> int:
        """Insert or replace ``sessions`` (by lsid) in one transaction.

        Returns:
            The number of rows written, all tables together.
        """
        return await self._write(list(sessions), None)

    async def sync(
        self,
        sync: BatchSource,
        *,
        name: str | None = None,
        catch_up: CatchUp | None = None,
        progress: ProgressCallback | None = None,
        lock_timeout: float = 30.0,
    ) -> StoreSyncResult:
        """Run ``sync`` to the present into this database, exactly once.

        Each batch's sessions and its checkpoint (kept under ``name``) are written in one
        transaction, and the run starts from the stored checkpoint, so a crash at any point
        loses nothing and repeats nothing. The ``bg.reporting.sync``/``bg.pra.sync`` windows
        pulled together share one transaction that takes each chunk as it arrives and
        commits once they are all complete (one transaction at a time, in window order; a
        window that fails part-way rolls its transaction back);
        for other sources, while one batch's transaction runs, the next batch is pulled and
        encoded (a failing pull lets it finish). The sync lock keeps a second sync out: it waits
        up to ``lock_timeout`` seconds, then raises ``SyncLockedError``.

        Args:
            name: the checkpoint's key in ``sync_checkpoints`` (default: ``rs`` for
                ``SupportSession`` syncs, ``pra`` for ``AccessSession`` ones).
            catch_up: window scheduling (default ``CatchUp()``: 4 windows at once, resized
                to their contents).
            progress: called after each batch is committed.
        """
        if name is None:
            name = _NAMES.get(sync.report, sync.report)
        if not name or not isinstance(name, str):
            raise BomgarValidationError("name must be a non-empty string")
        plan = catch_up if catch_up is not None else CatchUp()
        async with self.sync_lock(name, lock_timeout):
            checkpoint = await self.load_checkpoint(name)
            if self._write_while_pulled and isinstance(sync, WindowSource):
                counts = await sync_windows(self, sync, name, checkpoint, plan, progress)
            else:
                counts = await sync_batches(self, sync, name, checkpoint, plan, progress)
        batches, sessions, rows, checkpoint = counts
        return StoreSyncResult(batches=batches, sessions=sessions, rows=rows, checkpoint=checkpoint)

    async def _write_batch(
        self, prepared: Prepared, checkpoint: tuple[str, str, str | None] | None
    ) -> int:
        """:meth:`_write_prepared`; the chunks it did not use are dropped when it fails."""
        try:
            return await self._write_prepared(prepared, checkpoint)
        finally:
            prepared.cancel()

    async def sessions(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        by: Literal["start", "end"] = "start",
        product: str | None = None,
        rep_id: int | None = None,
        external_key: str | None = None,
    ) -> AsyncIterator[Any]:
        """The stored sessions as the models the API gave, in time order.

        Args:
            since: from this instant (included); ``until``: to this one (excluded).
            by: which time the range applies to, ``start_time`` or ``end_time``.
            product: ``"rs"`` or ``"pra"`` only.
            rep_id: sessions this representative took part in.
            external_key: sessions with this external key.
        """
        query = SessionQuery(
            since=since,
            until=until,
            by=by,
            product=product,
            rep_id=rep_id,
            external_key=external_key,
        )
        lsids = await self._select(query)
        for start in range(0, len(lsids), _PAGE):
            rows, parts = await self._load(lsids[start : start + _PAGE])
            for row in rows:
                yield codec_of_product(row[1]).decode(row, parts, self.values)

    async def session(self, lsid: str) -> Any | None:
        """The stored session ``lsid``, or ``None``."""
        rows, parts = await self._load([lsid])
        return codec_of_product(rows[0][1]).decode(rows[0], parts, self.values) if rows else None
