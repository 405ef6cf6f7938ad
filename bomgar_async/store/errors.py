"""The errors of the session stores (all ``BomgarError``)."""

from __future__ import annotations

from ..errors import BomgarError

__all__ = ["BomgarStoreError", "SyncConflictError", "SyncLockedError"]


class BomgarStoreError(BomgarError):
    """The database failed or holds something this SDK cannot read (e.g. a newer schema)."""


class SyncLockedError(BomgarStoreError):
    """Another sync holds this database's sync lock, and it was not released in time."""


class SyncConflictError(BomgarStoreError):
    """The stored checkpoint changed under a running sync (another writer got in); the
    batch was rolled back and nothing was written."""
