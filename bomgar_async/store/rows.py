"""The rows a batch of sessions becomes, and the value conversions of each database.

:class:`Rows` collects, per table, the row tuples of many sessions (column order as in
:mod:`~bomgar_async.store.schema`) so a store inserts each table in one bulk statement.
:class:`Values` converts the two value kinds the databases keep differently: timestamps
(``timestamptz`` in PostgreSQL, UTC text in SQLite) and booleans (SQLite has integers).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from .schema import CHILD_TABLES, SESSIONS

__all__ = ["POSTGRES_VALUES", "SQLITE_VALUES", "Parts", "Row", "Rows", "Values"]

Row = tuple[Any, ...]
UTC = timezone.utc


class Rows:
    """Row tuples per table name, for a batch of sessions."""

    __slots__ = ("tables",)

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {t.name: [] for t in (SESSIONS, *CHILD_TABLES)}

    def count(self) -> int:
        """The number of rows, all tables together."""
        return sum(len(rows) for rows in self.tables.values())

    def lsids(self) -> list[str]:
        """The sessions' lsids, in order."""
        return [row[0] for row in self.tables[SESSIONS.name]]

    @classmethod
    def joined(cls, parts: list[Rows]) -> Rows:
        """One :class:`Rows` holding every row of ``parts``, in order."""
        rows = cls()
        for name, table in rows.tables.items():
            for part in parts:
                table.extend(part.tables[name])
        return rows


class Parts:
    """The child rows of loaded sessions, grouped by table and then by lsid."""

    __slots__ = ("tables",)

    def __init__(self) -> None:
        self.tables: dict[str, defaultdict[str, list[Row]]] = {
            t.name: defaultdict(list) for t in CHILD_TABLES
        }

    def add(self, table: str, rows: list[Row]) -> None:
        """Add rows of ``table`` (the lsid first in each row)."""
        grouped = self.tables[table]
        for row in rows:
            grouped[row[0]].append(row)

    def of(self, table: str, lsid: str) -> list[Row]:
        """The rows of ``table`` for session ``lsid``, in their stored order."""
        return self.tables[table].get(lsid, [])


class Values:
    """How one database keeps timestamps and booleans."""

    def ts(self, value: datetime | None) -> Any:
        """A timestamp as the database takes it."""
        return value

    def ts_back(self, value: Any) -> datetime | None:
        """A stored timestamp as an aware UTC datetime."""
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo is not UTC else value  # type: ignore[no-any-return]

    def bool_back(self, value: Any) -> bool | None:
        """A stored boolean."""
        return None if value is None else bool(value)


class _SQLiteValues(Values):
    """Timestamps as ``YYYY-MM-DD HH:MM:SS[.ffffff]`` UTC text (SQLite's own format)."""

    def ts(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(" ")[:-6]  # without its "+00:00"

    def ts_back(self, value: Any) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


POSTGRES_VALUES = Values()
SQLITE_VALUES: Values = _SQLiteValues()
