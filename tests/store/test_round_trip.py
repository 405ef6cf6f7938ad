"""Sessions survive store -> load unchanged (``==``), for every event type and field, in
SQLite and PostgreSQL; re-written sessions replace their rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import attrs
import pytest

from bomgar_async import BomgarValidationError, SupportSession
from bomgar_async.reporting.models import JumpGroup
from bomgar_async.reporting.models.jump import CustomAttribute
from bomgar_async.reporting.parse import parse_session_list
from bomgar_async.store import SessionStore

UTC = timezone.utc
FIXTURES = Path(__file__).parent.parent / "fixtures" / "reporting"


async def _all(store: SessionStore, **query: object) -> list[SupportSession]:
    found: AsyncIterator[SupportSession] = store.sessions(**query)  # type: ignore[arg-type]
    return [s async for s in found]


async def test_every_simulated_session_round_trips(
    store: SessionStore, history: list[SupportSession]
) -> None:
    rows = await store.write(history)
    loaded = await _all(store, by="end")
    assert len(history) > 100
    assert rows > len(history) * 10  # the parts went into child tables
    assert {s.lsid: s for s in loaded} == {s.lsid: s for s in history}
    event_types = {e.event_type for s in history for e in s.events}
    assert len(event_types) >= 15  # the simulator's whole repertoire was exercised
    fields = {f.name for f in attrs.fields(SupportSession)}
    filled = {f for f in fields if any(getattr(s, f) not in (None, ()) for s in history)}
    # the simulator's Remote Support reports carry no Jump Group or custom attributes (its
    # PRA reports do: see test_pra_store.py); test_jump_group_and_custom_attributes_map
    assert filled == fields - {"jump_group", "custom_attributes"}


async def test_the_reporting_fixtures_round_trip(store: SessionStore) -> None:
    sessions = [
        s
        for name in ("session_list_one.xml", "session_list_many.xml")
        for s in parse_session_list((FIXTURES / name).read_bytes())
    ]
    await store.write(sessions)
    loaded = {s.lsid: s for s in await _all(store)}
    assert loaded == {s.lsid: s for s in sessions}
    kinds = {
        (c.name, len(c.rows)) for s in sessions for e in s.events for c in e.system_information
    }
    assert kinds  # system information tables are among them


async def test_a_rewritten_session_replaces_its_rows(
    store: SessionStore, history: list[SupportSession]
) -> None:
    session = max(history, key=lambda s: len(s.events))
    await store.write([session])
    shorter = attrs.evolve(session, events=session.events[:1], external_key="changed")
    await store.write([shorter])
    assert await store.session(session.lsid) == shorter
    assert await _all(store) == [shorter]
    await store.write([session, session])  # a repeated lsid within one write: stored once
    assert await _all(store) == [session]


async def test_queries_by_time_rep_key_and_product(
    store: SessionStore, history: list[SupportSession]
) -> None:
    await store.write(history)
    ordered = sorted(history, key=lambda s: (s.start_time, s.lsid))
    middle = ordered[len(ordered) // 2].start_time
    assert middle is not None
    later = await _all(store, since=middle)
    assert later == [s for s in ordered if s.start_time >= middle]  # type: ignore[operator]
    earlier = await _all(store, until=middle)
    assert earlier == [s for s in ordered if s.start_time < middle]  # type: ignore[operator]
    rep = next(r.id for s in history for r in s.reps if r.id is not None)
    with_rep = await _all(store, rep_id=rep)
    assert with_rep and all(any(r.id == rep for r in s.reps) for s in with_rep)
    assert len(with_rep) == sum(any(r.id == rep for r in s.reps) for s in history)
    keyed = next(s for s in history if s.external_key)
    assert await _all(store, external_key=keyed.external_key) == [
        s for s in ordered if s.external_key == keyed.external_key
    ]
    assert await _all(store, product="pra") == []
    assert len(await _all(store, product="rs")) == len(history)


async def test_jump_group_and_custom_attributes_map(
    store: SessionStore, history: list[SupportSession]
) -> None:
    base = history[0]
    changed = attrs.evolve(
        base,
        jump_group=JumpGroup(type="shared", id=7, name="Servers"),
        custom_attributes=(
            CustomAttribute(code_name="ticket", display_name="Ticket", value="T-1"),
            CustomAttribute(code_name="empty"),
        ),
    )
    await store.write([changed])
    assert await store.session(base.lsid) == changed
    bare = attrs.evolve(base, jump_group=JumpGroup(name="Only a name"), custom_attributes=())
    await store.write([bare])
    assert await store.session(base.lsid) == bare


async def test_an_unknown_lsid_is_none(store: SessionStore, history: list[SupportSession]) -> None:
    assert await store.session(history[0].lsid) is None  # nothing stored yet
    await store.write(history[:1])
    assert await store.session(history[0].lsid) == history[0]
    assert await store.session(history[1].lsid) is None


async def test_a_survey_without_questions_round_trips(
    store: SessionStore, history: list[SupportSession]
) -> None:
    from bomgar_async.reporting.models import SessionSurvey

    session = attrs.evolve(
        history[0],
        cust_surveys=(SessionSurvey(questions=()),),
        rep_surveys=(SessionSurvey(questions=()), SessionSurvey(questions=())),
    )
    await store.write([session])
    assert await store.session(session.lsid) == session


async def test_queries_combine_and_apply_to_the_time_asked(
    store: SessionStore, history: list[SupportSession]
) -> None:
    await store.write(history)
    by_start = sorted(history, key=lambda s: (s.start_time, s.lsid))
    by_end = sorted(history, key=lambda s: (s.end_time, s.lsid))
    middle = by_end[len(by_end) // 2].end_time
    assert middle is not None
    ended = await _all(store, since=middle, by="end")
    assert ended == [s for s in by_end if s.end_time >= middle]  # type: ignore[operator]
    assert ended != await _all(store, since=middle)  # by start_time: other sessions
    low, high = by_start[len(by_start) // 4].start_time, by_start[len(by_start) // 2].start_time
    assert low is not None and high is not None
    window = await _all(store, since=low, until=high, product="rs")  # three conditions at once
    assert window == [s for s in by_start if low <= s.start_time < high]  # type: ignore[operator]
    assert 0 < len(window) < len(history)


async def test_query_arguments_are_refused_with_what_is_wrong(store: SessionStore) -> None:
    naive = datetime(2026, 1, 1)
    with pytest.raises(BomgarValidationError, match=r"^since must be an aware datetime$"):
        await _all(store, since=naive)
    with pytest.raises(BomgarValidationError, match=r"^until must be an aware datetime$"):
        await _all(store, until=naive)
    with pytest.raises(
        BomgarValidationError, match=r"^by must be \"start\" or \"end\", not 'middle'$"
    ):
        await _all(store, by="middle")
