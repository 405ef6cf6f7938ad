"""Sessions in your own database, exactly once: ``SQLiteSessionStore`` (embedded, the
default) and ``PostgresSessionStore`` (asyncpg, extra ``postgres``).

``await store.sync(bg.reporting.sync(since=...))`` (or ``bg.pra.sync(...)``) pulls every
closed session into the database, writing each batch's sessions and its checkpoint in one
transaction; ``store.sessions(since, until)`` gives the same models back. ``schema`` describes the
tables, ``codec`` maps models to rows (one codec per product: ``rs`` Remote Support,
``pra`` Privileged Remote Access), ``base`` holds the interface and the sync loop
(``streaming`` the loop that writes windows while they are pulled),
``sqlite`` and ``postgres`` the two databases (``sqlite_writer`` the process SQLite writes
through, ``sqlite_link`` the store's side of it).
"""

from __future__ import annotations

from ..reporting.catch_up import CatchUp, SyncProgress
from .base import BatchSource, SessionStore, StoreSyncResult
from .codec import AccessSessionCodec, SessionCodec, SupportSessionCodec, register_codec
from .errors import BomgarStoreError, SyncConflictError, SyncLockedError
from .postgres import PostgresSessionStore
from .sqlite import SQLiteSessionStore

__all__ = [
    "AccessSessionCodec",
    "BatchSource",
    "BomgarStoreError",
    "CatchUp",
    "PostgresSessionStore",
    "SQLiteSessionStore",
    "SessionCodec",
    "SessionStore",
    "StoreSyncResult",
    "SupportSessionCodec",
    "SyncConflictError",
    "SyncLockedError",
    "SyncProgress",
    "register_codec",
]
