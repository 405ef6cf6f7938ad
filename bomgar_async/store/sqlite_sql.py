"""The SQL of the SQLite store: the migration applied on open, the statements its writer
runs (transaction steps, inserts, ``IN`` lists in chunks) and the read of stored rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone

from .errors import BomgarStoreError
from .rows import SQLITE_VALUES, Parts, Row
from .schema import CHILD_TABLES, MIGRATIONS, ddl
from .sqlite_link import Step

__all__ = [
    "BEGIN",
    "CHECKPOINT_SQL",
    "COMMIT",
    "chunks",
    "in_marks",
    "insert_sql",
    "load_rows",
    "migrate",
    "now_text",
]

_CHUNK = 500  # host parameters per IN (...) list


def now_text() -> str:
    """This instant as the store keeps timestamps (UTC text)."""
    return SQLITE_VALUES.ts(datetime.now(timezone.utc))  # type: ignore[no-any-return]


def chunks(items: list[str]) -> Iterable[list[str]]:
    """``items`` in lists short enough for one ``IN (...)`` list each."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def in_marks(values: list[str]) -> str:
    """The ``?`` marks of an ``IN (...)`` list of ``values``."""
    return ",".join("?" * len(values))


BEGIN: Step = ("BEGIN IMMEDIATE", (), False)
COMMIT: Step = ("COMMIT", (), False)
CHECKPOINT_SQL = "SELECT checkpoint FROM sync_checkpoints WHERE name = ?"


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the schema versions ``conn``'s file has not seen, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version"
            " (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)"
        )
        have = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
        newest = MIGRATIONS[-1][0]
        if have > newest:
            raise BomgarStoreError(f"the database has schema version {have}; this SDK {newest}")
        for version, description in MIGRATIONS:
            if version > have:
                for statement in ddl("sqlite") if version == 1 else ():
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    (version, description, now_text()),
                )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def insert_sql(table: str, width: int) -> str:
    """An ``INSERT`` of one row of ``width`` values into ``table``."""
    return f"INSERT INTO {table} VALUES ({','.join('?' * width)})"  # noqa: S608


def load_rows(conn: sqlite3.Connection, lsids: list[str]) -> tuple[list[Row], Parts]:
    """The ``sessions`` rows of ``lsids`` (in their order; missing ones left out) and
    their child rows, each table in key order."""
    marks = in_marks(lsids)
    found = {
        row[0]: row
        for row in conn.execute(f"SELECT * FROM sessions WHERE lsid IN ({marks})", lsids)  # noqa: S608
    }
    parts = Parts()
    for table in CHILD_TABLES:
        order = ", ".join(table.key)
        sql = f"SELECT * FROM {table.name} WHERE lsid IN ({marks}) ORDER BY {order}"  # noqa: S608
        parts.add(table.name, conn.execute(sql, lsids).fetchall())
    return [found[lsid] for lsid in lsids if lsid in found], parts
