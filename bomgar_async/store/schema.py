"""The session database schema, described once and rendered for SQLite and PostgreSQL.

Every table is a :class:`Table` (columns in row order, each with a logical type); the
column order is the order of the row tuples :mod:`~bomgar_async.store.codec` builds.
Logical types: ``text``, ``int`` (64-bit), ``real`` (double), ``bool``, ``ts`` (a UTC
timestamp: ``timestamptz`` in PostgreSQL, ``YYYY-MM-DD HH:MM:SS[.ffffff]`` UTC text in
SQLite, which its date functions read and which sorts in time order) and ``json`` (``jsonb``
/ text).

:data:`MIGRATIONS` lists the schema versions in order: a store applies the ones its
database has not seen yet when it opens, each in its own transaction together with its
row in ``schema_version``.
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = ["CHILD_TABLES", "MIGRATIONS", "SESSIONS", "TABLES", "Dialect", "Table", "ddl"]

Dialect = Literal["sqlite", "postgres"]

_TYPES: dict[str, dict[Dialect, str]] = {
    "text": {"sqlite": "TEXT", "postgres": "text"},
    "int": {"sqlite": "INTEGER", "postgres": "bigint"},
    "real": {"sqlite": "REAL", "postgres": "double precision"},
    "bool": {"sqlite": "INTEGER", "postgres": "boolean"},
    "ts": {"sqlite": "TEXT", "postgres": "timestamptz"},
    "json": {"sqlite": "TEXT", "postgres": "jsonb"},
}


@attrs.frozen
class Table:
    """A table: ``columns`` as ``(name, logical type)`` in row order, the primary key, the
    ``NOT NULL`` columns (the key's are implied) and secondary indexes (column lists)."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    required: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in row order."""
        return tuple(name for name, _type in self.columns)

    def positions(self, kind: str) -> tuple[int, ...]:
        """The row positions of the columns of logical type ``kind``."""
        return tuple(i for i, (_name, typ) in enumerate(self.columns) if typ == kind)


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    """``"a:int b:text"`` -> ``(("a", "int"), ("b", "text"))``."""
    return tuple((item.split(":")[0], item.split(":")[1]) for item in spec.split())


_REF = "lsid:text position:int"

SESSIONS = Table(
    "sessions",
    _cols(
        "lsid:text product:text session_type:text lseq:int start_time:ts end_time:ts"
        " duration_seconds:real public_site_id:int public_site_name:text jumpoint_id:int"
        " jumpoint_name:text jump_group_id:int jump_group_name:text jump_group_type:text"
        " external_key:text session_chat_view_url:text session_chat_download_url:text"
        " session_recording_view_url:text session_recording_download_url:text"
        " file_transfer_count:int file_move_count:int file_delete_count:int"
        " primary_customer_name:text primary_customer_id:int primary_customer_gsnumber:int"
        " primary_rep_name:text primary_rep_id:int primary_rep_gsnumber:int"
        " primary_team_id:int primary_team_name:text customer_count:int rep_count:int"
        " team_count:int event_count:int revision:int stored_at:ts"
    ),
    key=("lsid",),
    required=("product", "revision", "stored_at"),
    indexes=(
        ("start_time",),
        ("end_time",),
        ("external_key",),
        ("primary_rep_id", "start_time"),
        ("product", "end_time"),
    ),
)

CUSTOMERS = Table(
    "session_customers",
    _cols(
        f"{_REF} gsnumber:int username:text public_ip:text private_ip:text hostname:text"
        " os:text primary_cust:bool has_info:bool info_name:text info_company:text"
        " info_company_code:text info_issue:int info_details:text info_issue_text:text"
    ),
    key=("lsid", "position"),
)
REPS = Table(
    "session_reps",
    _cols(
        f"{_REF} gsnumber:int rep_id:int username:text display_name:text"
        " public_display_name:text private_display_name:text display_number:int"
        " public_ip:text private_ip:text hostname:text os:text session_owner:bool"
        " primary_rep:bool seconds_involved:int embassy:bool invited:bool"
    ),
    key=("lsid", "position"),
    indexes=(("rep_id",),),
)
TEAMS = Table(
    "session_teams",
    _cols(f"{_REF} team_id:int name:text primary_team:bool"),
    key=("lsid", "position"),
    indexes=(("team_id",),),
)
EVENTS = Table(
    "session_events",
    _cols(
        f"{_REF} event_time:ts event_type:text performed_by_gsnumber:int"
        " performed_by_type:text performed_by_name:text destination_gsnumber:int"
        " destination_type:text destination_name:text body:text encoded_body:text"
        " filename:text filesize:int"
    ),
    key=("lsid", "position"),
    indexes=(("event_type", "event_time"),),
)
EVENT_FILES = Table(
    "event_files",
    _cols("lsid:text event_position:int position:int name:text size:int"),
    key=("lsid", "event_position", "position"),
)
EVENT_DATA = Table(
    "event_data",
    _cols("lsid:text event_position:int position:int name:text value:text"),
    key=("lsid", "event_position", "position"),
)
EVENT_SYSTEM_INFO = Table(
    "event_system_info",
    _cols("lsid:text event_position:int position:int name:text description:json rows:json"),
    key=("lsid", "event_position", "position"),
)
SURVEYS = Table(
    "session_surveys",
    _cols("lsid:text kind:text position:int"),
    key=("lsid", "kind", "position"),
)
SURVEY_QUESTIONS = Table(
    "survey_questions",
    _cols(
        "lsid:text kind:text survey_position:int position:int question_id:int name:text"
        " type:text label:text report_header:text"
    ),
    key=("lsid", "kind", "survey_position", "position"),
)
SURVEY_ANSWERS = Table(
    "survey_answers",
    _cols("lsid:text kind:text survey_position:int question_position:int position:int answer:text"),
    key=("lsid", "kind", "survey_position", "question_position", "position"),
)
RECORDINGS = Table(
    "session_recordings",
    _cols("lsid:text kind:text position:int instance:int download_url:text view_url:text"),
    key=("lsid", "kind", "position"),
)
ATTRIBUTES = Table(
    "session_attributes",
    _cols(f"{_REF} name:text display_name:text value:text"),
    key=("lsid", "position"),
    indexes=(("name", "value"),),
)
CHECKPOINTS = Table(
    "sync_checkpoints",
    _cols("name:text checkpoint:json cursor:ts updated_at:ts"),
    key=("name",),
    required=("checkpoint", "cursor", "updated_at"),
)

CHILD_TABLES: tuple[Table, ...] = (
    CUSTOMERS,
    REPS,
    TEAMS,
    EVENTS,
    EVENT_FILES,
    EVENT_DATA,
    EVENT_SYSTEM_INFO,
    SURVEYS,
    SURVEY_QUESTIONS,
    SURVEY_ANSWERS,
    RECORDINGS,
    ATTRIBUTES,
)
"""Tables holding the parts of a session (each row carries its session's ``lsid``)."""

TABLES: tuple[Table, ...] = (SESSIONS, *CHILD_TABLES, CHECKPOINTS)


def _create(table: Table, dialect: Dialect) -> list[str]:
    lines = []
    for name, typ in table.columns:
        null = " NOT NULL" if name in table.key or name in table.required else ""
        lines.append(f"    {name} {_TYPES[typ][dialect]}{null}")
    if table.name == "sessions":
        lines.append("    CHECK (product IN ('rs', 'pra'))")
    lines.append(f"    PRIMARY KEY ({', '.join(table.key)})")
    # SQLite: child rows live in their primary key's b-tree (one write per row, not two)
    rowid = " WITHOUT ROWID" if dialect == "sqlite" and len(table.key) > 1 else ""
    statements = [f"CREATE TABLE {table.name} (\n" + ",\n".join(lines) + f"\n){rowid}"]
    for columns in table.indexes:
        index = f"{table.name}_{'_'.join(columns)}_idx"
        statements.append(f"CREATE INDEX {index} ON {table.name} ({', '.join(columns)})")
    return statements


def ddl(dialect: Dialect) -> list[str]:
    """The statements creating schema version 1 (every table and index)."""
    statements: list[str] = []
    for table in TABLES:
        statements.extend(_create(table, dialect))
    return statements


MIGRATIONS: tuple[tuple[int, str], ...] = ((1, "sessions, their parts and sync checkpoints"),)
"""``(version, description)`` of each schema version; version 1 is :func:`ddl`."""
