"""The schema a data analyst queries without reading our code (issue 12): the tables, the
typed columns, the indexes of the obvious queries, and the values in the ``sessions`` row
that no model field reads back (counts, revision, when it was stored)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest

from bomgar_async import SupportSession
from bomgar_async.reporting.parse import parse_session_list
from bomgar_async.store import (
    BomgarStoreError,
    PostgresSessionStore,
    SessionStore,
    SQLiteSessionStore,
)

UTC = timezone.utc
FIXTURES = Path(__file__).parent.parent / "fixtures" / "reporting"
TABLES = {
    "sessions",
    "session_customers",
    "session_reps",
    "session_teams",
    "session_events",
    "event_files",
    "event_data",
    "event_system_info",
    "session_surveys",
    "survey_questions",
    "survey_answers",
    "session_recordings",
    "session_attributes",
    "sync_checkpoints",
    "schema_version",
}
# the indexes of the obvious queries: time range, rep, external key, event type, team, attribute
INDEXES = {
    ("sessions", ("start_time",)),
    ("sessions", ("end_time",)),
    ("sessions", ("external_key",)),
    ("sessions", ("primary_rep_id", "start_time")),
    ("sessions", ("product", "end_time")),
    ("session_reps", ("rep_id",)),
    ("session_teams", ("team_id",)),
    ("session_events", ("event_type", "event_time")),
    ("session_attributes", ("name", "value")),
}
# logical type -> PostgreSQL's name of it, for columns an analyst filters or sums on
PG_TYPES = {
    ("sessions", "start_time"): "timestamp with time zone",
    ("sessions", "end_time"): "timestamp with time zone",
    ("sessions", "stored_at"): "timestamp with time zone",
    ("sessions", "duration_seconds"): "double precision",
    ("sessions", "lseq"): "bigint",
    ("sessions", "external_key"): "text",
    ("session_events", "event_time"): "timestamp with time zone",
    ("session_reps", "primary_rep"): "boolean",
    ("session_customers", "primary_cust"): "boolean",
    ("session_teams", "primary_team"): "boolean",
    ("event_system_info", "rows"): "jsonb",
    ("sync_checkpoints", "checkpoint"): "jsonb",
    ("sync_checkpoints", "cursor"): "timestamp with time zone",
}
# logical type -> SQLite's declared type (what a schema browser shows), nullable columns
SQLITE_TYPES = {
    ("sessions", "start_time"): "TEXT",
    ("sessions", "duration_seconds"): "REAL",
    ("sessions", "lseq"): "INTEGER",
    ("sessions", "external_key"): "TEXT",
    ("session_customers", "primary_cust"): "INTEGER",
    ("event_system_info", "rows"): "TEXT",
}
REQUIRED = {("sessions", "product"), ("sessions", "revision"), ("sessions", "stored_at")}


async def _fetch(store: SessionStore, sql: str) -> list[tuple[Any, ...]]:
    if isinstance(store, SQLiteSessionStore):
        return await store._run(store._writer().query, sql)
    assert isinstance(store, PostgresSessionStore)
    async with store._connection() as conn:
        return [tuple(r) for r in await conn.fetch(sql)]


async def _tables(store: SessionStore) -> set[str]:
    if isinstance(store, SQLiteSessionStore):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {r[0] for r in await _fetch(store, sql)}


async def _indexes(store: SessionStore) -> set[tuple[str, tuple[str, ...]]]:
    found = set()
    for table in TABLES:
        if isinstance(store, SQLiteSessionStore):
            for index in await _fetch(store, f"PRAGMA index_list({table})"):
                info = await _fetch(store, f"PRAGMA index_info({index[1]})")
                found.add((table, tuple(c[2] for c in sorted(info))))
        else:
            sql = (
                "SELECT array_agg(a.attname ORDER BY k.n) FROM pg_index i"  # noqa: S608
                " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
                " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                f" WHERE i.indrelid = '{table}'::regclass GROUP BY i.indexrelid"
            )
            found.update((table, tuple(r[0])) for r in await _fetch(store, sql))
    return found


async def test_the_tables_and_indexes_of_the_obvious_queries(store: SessionStore) -> None:
    assert await _tables(store) == TABLES
    indexes = await _indexes(store)
    assert indexes >= INDEXES
    assert ("sessions", ("lsid",)) in indexes  # the primary key (upsert by lsid)


async def test_columns_are_typed_and_required(store: SessionStore) -> None:
    if isinstance(store, PostgresSessionStore):
        columns = {
            (r[0], r[1]): (r[2], r[3])
            for r in await _fetch(
                store,
                "SELECT table_name, column_name, data_type, is_nullable"
                " FROM information_schema.columns WHERE table_schema = current_schema()",
            )
        }
        for key, typ in PG_TYPES.items():
            assert columns[key][0] == typ, key
        for key in REQUIRED:
            assert columns[key][1] == "NO", key
        assert columns[("sessions", "external_key")][1] == "YES"
    else:
        for table, column in REQUIRED:
            info = {r[1]: r for r in await _fetch(store, f"PRAGMA table_info({table})")}
            assert info[column][3] == 1, (table, column)  # NOT NULL
        for (table, column), typ in SQLITE_TYPES.items():
            info = {r[1]: r for r in await _fetch(store, f"PRAGMA table_info({table})")}
            assert (info[column][2], info[column][3]) == (typ, 0), (table, column)


async def test_the_product_column_takes_only_known_products(store: SessionStore) -> None:
    def insert(lsid: str, product: str) -> str:
        return (
            "INSERT INTO sessions (lsid, product, revision, stored_at)"  # noqa: S608
            f" VALUES ('{lsid}', '{product}', 1, '2026-01-01 00:00:00+00')"
        )

    await _fetch(store, insert("a", "rs"))
    await _fetch(store, insert("b", "pra"))
    for product in ("xx", "RS", ""):
        with pytest.raises(BomgarStoreError, match=r"(?i)failed: .*check constraint"):
            await _fetch(store, insert("c", product))
    assert await _fetch(store, "SELECT lsid, product FROM sessions ORDER BY lsid") == [
        ("a", "rs"),
        ("b", "pra"),
    ]


def _sessions() -> list[SupportSession]:
    return [
        s
        for name in ("session_list_one.xml", "session_list_many.xml")
        for s in parse_session_list((FIXTURES / name).read_bytes())
    ]


async def test_the_sessions_row_holds_counts_revision_and_sql_readable_times(
    store: SessionStore,
) -> None:
    sessions = _sessions()
    before = datetime.now(UTC) - timedelta(seconds=1)
    await store.write(sessions)
    await store.write(sessions[:1])  # written again: its revision is 2
    rows = await _fetch(
        store,
        "SELECT lsid, product, customer_count, rep_count, team_count, event_count, revision,"
        " duration_seconds, stored_at, start_time FROM sessions",
    )
    by_lsid = {r[0]: r for r in rows}
    assert len(rows) == len(sessions)
    for s in sessions:
        row = by_lsid[s.lsid]
        counts = (len(s.customers), len(s.reps), len(s.teams), len(s.events))
        assert (row[1], *row[2:6]) == ("rs", *counts)
        assert row[6] == (2 if s is sessions[0] else 1)
        duration = None if s.duration is None else s.duration.total_seconds()
        assert row[7] == duration
        assert store.values.ts_back(row[8]) >= before  # type: ignore[operator]
        assert store.values.ts_back(row[9]) == s.start_time
        if isinstance(store, SQLiteSessionStore) and s.start_time is not None:
            utc = s.start_time.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
            assert row[9][:19] == utc  # UTC text, as SQL compares it
    loaded = [t async for s in store.sessions() for t in (s.start_time, s.end_time) if t]
    assert loaded
    assert all(t.tzinfo is UTC for t in loaded)  # aware datetimes in UTC, as the API gives
    assert any(sum(r[2:6]) for r in rows)  # the fixtures have participants and events
    if isinstance(store, SQLiteSessionStore):  # SQLite's date functions read the text
        same = await _fetch(
            store,
            "SELECT count(*) FROM sessions WHERE datetime(start_time) = substr(start_time, 1, 19)",
        )
        assert same[0][0] == sum(1 for s in sessions if s.start_time is not None)


async def test_a_write_of_several_chunks_counts_and_replaces_every_row(
    store: SessionStore,
) -> None:
    """More sessions than one encoded chunk (1,000) and one ``IN (...)`` list (500): every
    row is stored, the count ``write`` returns is the rows in the tables, and writing them
    again replaces each once."""
    sessions = _sessions()
    many = [attrs.evolve(sessions[i % len(sessions)], lsid=f"chunk{i:05d}") for i in range(2300)]
    tables = sorted(TABLES - {"sync_checkpoints", "schema_version"})
    count = " + ".join(f"(SELECT count(*) FROM {t})" for t in tables)  # noqa: S608
    written = await store.write(many)
    assert written == (await _fetch(store, f"SELECT {count}"))[0][0]
    assert written > len(many) * 3
    assert await store.write(reversed(many)) == written
    revisions = await _fetch(store, "SELECT revision, count(*) FROM sessions GROUP BY revision")
    assert revisions == [(2, len(many))]
    loaded = {s.lsid: s async for s in store.sessions()}
    assert loaded == {s.lsid: s for s in many}


async def test_an_unknown_model_or_product_is_refused(store: SessionStore) -> None:
    from types import SimpleNamespace

    from bomgar_async import BomgarValidationError
    from bomgar_async.store.codec import codec_of_product

    with pytest.raises(
        BomgarValidationError, match=r"^no session store mapping for SimpleNamespace$"
    ):
        await store.write([SimpleNamespace(lsid="x")])
    assert await _fetch(store, "SELECT count(*) FROM sessions") == [(0,)]
    with pytest.raises(BomgarValidationError, match=r"^no session store mapping for product 'x'$"):
        codec_of_product("x")
