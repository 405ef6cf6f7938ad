"""Field values the simulator and the fixtures rarely send, stored and loaded back unchanged
(``==``) in SQLite and PostgreSQL: a missing duration, events nobody performed, a primary
customer with an id, customers whose info has no name, reps who own a session without being
its primary rep, and timestamps in other time zones (issue 16: each of these survived a
mutation run)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from bomgar_async import SupportSession
from bomgar_async.reporting.models import (
    CustomerInfo,
    EventParty,
    ParticipantRef,
    SessionCustomer,
    SessionEvent,
    SessionRepresentative,
)
from bomgar_async.reporting.parse import parse_session_list
from bomgar_async.store import SessionStore, SQLiteSessionStore

UTC = timezone.utc
FIXTURES = Path(__file__).parent.parent / "fixtures" / "reporting"
START = datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=UTC)


@pytest.fixture
def base() -> SupportSession:
    """A session as the appliance sends it (with a duration, participants and events)."""
    session = parse_session_list((FIXTURES / "session_list_one.xml").read_bytes())[0]
    assert session.duration is not None and session.events
    return session


async def _round_trip(store: SessionStore, session: SupportSession) -> SupportSession:
    await store.write([session])
    loaded = await store.session(session.lsid)
    assert isinstance(loaded, SupportSession)
    return loaded


async def test_a_session_without_a_duration_keeps_none(
    store: SessionStore, base: SupportSession
) -> None:
    session = attrs.evolve(base, duration=None)
    loaded = await _round_trip(store, session)
    assert loaded.duration is None
    assert loaded == session
    timed = attrs.evolve(base, lsid="timed", duration=timedelta(seconds=61.5))
    assert (await _round_trip(store, timed)).duration == timedelta(seconds=61.5)


async def test_events_without_a_performer_or_destination_round_trip(
    store: SessionStore, base: SupportSession
) -> None:
    customer = EventParty(gsnumber=3, type="customer", name="Ann")
    events = (
        SessionEvent(timestamp=START, event_type="Session Start"),  # nobody performed it
        SessionEvent(timestamp=START, event_type="Chat Message", performed_by=customer),
        SessionEvent(timestamp=START, event_type="Conference Owner Changed", destination=customer),
    )
    session = attrs.evolve(base, events=events)
    loaded = await _round_trip(store, session)
    assert [(e.performed_by, e.destination) for e in loaded.events] == [
        (None, None),
        (customer, None),
        (None, customer),
    ]
    assert loaded == session


async def test_the_primary_participants_keep_their_ids(
    store: SessionStore, base: SupportSession
) -> None:
    customer = ParticipantRef(name="Ann", id=4711, gsnumber=22)
    rep = ParticipantRef(name="Bob", id=7, gsnumber=21)
    session = attrs.evolve(base, primary_customer=customer, primary_rep=rep)
    loaded = await _round_trip(store, session)
    assert (loaded.primary_customer, loaded.primary_rep) == (customer, rep)
    only_id = attrs.evolve(base, primary_customer=ParticipantRef(id=5))
    assert (await _round_trip(store, only_id)).primary_customer == ParticipantRef(id=5)


async def test_customer_info_without_a_name_is_kept(
    store: SessionStore, base: SupportSession
) -> None:
    customers = (
        SessionCustomer(gsnumber=1, info=CustomerInfo(company="ACME", issue=3)),  # no name
        SessionCustomer(gsnumber=2, primary_cust=True, info=None),
        SessionCustomer(gsnumber=3, info=CustomerInfo(name="Ann", issue_text="printer")),
    )
    session = attrs.evolve(base, customers=customers)
    loaded = await _round_trip(store, session)
    assert [c.info for c in loaded.customers] == [c.info for c in customers]
    assert loaded == session


async def test_session_owner_and_primary_rep_are_kept_apart(
    store: SessionStore, base: SupportSession
) -> None:
    reps = (
        SessionRepresentative(id=1, session_owner=True, primary_rep=False),
        SessionRepresentative(id=2, session_owner=False, primary_rep=True),
        SessionRepresentative(id=3, session_owner=None, primary_rep=True, embassy=True),
        SessionRepresentative(id=4, session_owner=True, primary_rep=None, invited=True),
    )
    session = attrs.evolve(base, reps=reps)
    loaded = await _round_trip(store, session)
    assert [(r.session_owner, r.primary_rep) for r in loaded.reps] == [
        (True, False),
        (False, True),
        (None, True),
        (True, None),
    ]
    assert loaded == session


@pytest.fixture
def local_time_not_utc() -> Iterator[None]:
    """The process's local time zone set to US Eastern (a POSIX rule: no tz database
    needed) for one test, so a conversion to "local time" cannot pass for UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "EST+05EDT,M3.2.0,M11.1.0"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("local_time_not_utc")
async def test_times_in_other_zones_are_stored_as_their_utc_instant(
    store: SessionStore, base: SupportSession
) -> None:
    berlin = timezone(timedelta(hours=2))
    start = START.astimezone(berlin)
    end = (START + timedelta(minutes=5)).astimezone(timezone(timedelta(hours=-7)))
    event = SessionEvent(timestamp=start + timedelta(seconds=1), event_type="Session Start")
    session = attrs.evolve(base, start_time=start, end_time=end, events=(event,))
    loaded = await _round_trip(store, session)
    assert (loaded.start_time, loaded.end_time) == (START, START + timedelta(minutes=5))
    assert loaded.start_time is not None and loaded.start_time.tzinfo is UTC
    assert loaded.events[0].timestamp == START + timedelta(seconds=1)
    assert loaded == session  # aware datetimes compare as instants
    if isinstance(store, SQLiteSessionStore):  # the UTC text SQL compares and sorts
        text = await store._run(
            lambda: store._read_db().execute("SELECT start_time, end_time FROM sessions").fetchone()
        )
        assert text == ("2026-03-01 09:30:15.250000", "2026-03-01 09:35:15.250000")
    later = await _all_since(store, START + timedelta(seconds=1))
    assert later == []  # a query in UTC finds it at its instant, not at its wall time
    assert [s.lsid for s in await _all_since(store, START)] == [session.lsid]


async def _all_since(store: SessionStore, since: datetime) -> list[SupportSession]:
    return [s async for s in store.sessions(since=since)]
