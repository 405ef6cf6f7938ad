"""Models built the fast way (``reporting.models.fast``, the event builder's shared parties,
the inline timestamp path) are the models their constructors build: equal, same hash and
repr, frozen, picklable and evolvable."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from bomgar_async._xml import tree
from bomgar_async._xml.values import to_datetime
from bomgar_async.reporting import build_events
from bomgar_async.reporting.models import (
    EventFile,
    EventParty,
    SessionEvent,
    SystemInfoCategory,
)
from bomgar_async.reporting.models.fast import (
    new_event_party,
    new_session_event,
    slot_setters,
)

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

PARTY_ARGS: list[dict[str, Any]] = [
    {"gsnumber": None, "type": None, "name": None},
    {"gsnumber": 21, "type": "representative", "name": "Admin Üser"},
    {"gsnumber": 0, "type": "system", "name": ""},
]
EVENT_ARGS: list[dict[str, Any]] = [
    {
        "timestamp": None,
        "event_type": None,
        "performed_by": None,
        "destination": None,
        "body": None,
        "encoded_body": None,
        "filename": None,
        "filesize": None,
        "files": (),
        "data": (),
        "system_information": (),
    },
    {
        "timestamp": EPOCH + timedelta(seconds=1_700_000_000),
        "event_type": "Chat Message",
        "performed_by": EventParty(gsnumber=21, type="representative", name="Admin"),
        "destination": EventParty(gsnumber=22, type="customer", name="Cust"),
        "body": "héllo \x07",
        "encoded_body": "aMOpbGxvIAc=",
        "filename": "a.txt",
        "filesize": 12,
        "files": (EventFile(name="a.txt", size=12), EventFile(name=None, size=None)),
        "data": (("member", "rep1"), ("empty", ""), ("missing", None)),
        "system_information": (
            SystemInfoCategory(name="OS", description=("k", None), rows=(("a", "b"), (None,))),
        ),
    },
]


def _same(fast: Any, slow: Any) -> None:
    assert type(fast) is type(slow)
    assert fast == slow
    assert not fast != slow  # noqa: SIM202 - __ne__ too
    assert hash(fast) == hash(slow)
    assert repr(fast) == repr(slow)
    assert attrs.asdict(fast) == attrs.asdict(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow  # noqa: S301 - our own bytes
    assert pickle.loads(pickle.dumps(slow)) == fast  # noqa: S301 - our own bytes
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(fast, protocol)) == fast  # noqa: S301
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.event_type = "x" if isinstance(fast, SessionEvent) else fast.name


@pytest.mark.parametrize("args", PARTY_ARGS)
def test_fast_event_party_is_the_constructed_one(args: dict[str, Any]) -> None:
    fast = new_event_party(args["gsnumber"], args["type"], args["name"])
    slow = EventParty(**args)
    _same(fast, slow)
    evolved = attrs.evolve(fast, name="other")
    assert evolved == attrs.evolve(slow, name="other") and evolved.name == "other"
    assert fast.name == args["name"]  # evolve made a copy


@pytest.mark.parametrize("args", EVENT_ARGS)
def test_fast_session_event_is_the_constructed_one(args: dict[str, Any]) -> None:
    fast = new_session_event(*args.values())
    slow = SessionEvent(**args)
    _same(fast, slow)
    assert attrs.evolve(fast, filesize=1) == attrs.evolve(slow, filesize=1)
    assert fast.values == slow.values and fast.body_bytes == slow.body_bytes
    other = dict(args, event_type="different")
    assert new_session_event(*other.values()) != slow


def test_fast_session_event_defaults_are_the_model_defaults() -> None:
    assert new_session_event(None, None) == SessionEvent()
    stamp = EPOCH + timedelta(seconds=5)
    assert new_session_event(stamp, "Session Start") == SessionEvent(
        timestamp=stamp, event_type="Session Start"
    )


def test_slot_setters_refuse_classes_that_need_their_init() -> None:
    @attrs.frozen(kw_only=True)
    class Converted:
        value: int = attrs.field(converter=int)

    @attrs.frozen(kw_only=True)
    class Validated:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen(kw_only=True)
    class Hooked:
        value: int = 0

        def __attrs_post_init__(self) -> None:
            return None

    @attrs.frozen(kw_only=True, slots=False)
    class Unslotted:
        value: int = 0

    for cls in (Converted, Validated, Hooked, Unslotted):
        with pytest.raises(TypeError, match="without its __init__"):
            slot_setters(cls, ("value",))
    with pytest.raises(TypeError, match="fields are not"):
        slot_setters(EventParty, ("type", "gsnumber", "name"))
    assert len(slot_setters(EventParty, ("gsnumber", "type", "name"))) == 3


@pytest.mark.parametrize("backend", tree.BACKENDS)
def test_shared_parties_are_equal_to_fresh_ones(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bomgar_async.reporting.session_stream import SessionStreamParser

    monkeypatch.setattr(build_events, "_MAX_PARTIES", 2)
    monkeypatch.setattr(build_events, "_PARTIES", {})
    parties = "".join(
        f'<event timestamp="{n}" event_type="E"><performed_by gsnumber="{n % 3}" type=" rep ">'
        f" P{n % 3} </performed_by><destination gsnumber='x' type=''/></event>"
        for n in range(7)
    )
    body = f"<session_list><session lsid='a'><session_details>{parties}</session_details>"
    body += "</session></session_list>"
    parser = SessionStreamParser(backend=backend)
    (session,) = parser.feed(body.encode()) + parser.close()
    assert len(build_events._PARTIES) <= 2
    for n, event in enumerate(session.events):
        assert event.performed_by == EventParty(gsnumber=n % 3, type="rep", name=f"P{n % 3}")
        assert event.destination == EventParty(gsnumber=None, type=None, name=None)
        assert event.timestamp == EPOCH + timedelta(seconds=n)


@pytest.mark.parametrize(
    "value",
    ["0", "1", "1700000000", "9999999999", "99999999999", "253402300799", "253402300800"],
)
def test_timestamps_are_the_epoch_plus_seconds(value: str) -> None:
    try:
        expected: datetime | None = EPOCH + timedelta(seconds=int(value))
    except OverflowError:
        expected = None
    for got in (to_datetime(value), build_events._timestamp(value)):
        assert got == expected and repr(got) == repr(expected)
        assert got is None or got.tzinfo is UTC


def test_texts_of_reads_like_element_text() -> None:
    from xml.etree.ElementTree import fromstring

    parent = fromstring(  # noqa: S314 - a literal
        "<list xmlns:n='urn:x'><f> a </f><n:f/><g>no</g><f>  </f><f>x<b/>y</f></list>"
    )
    expected = tuple(build_events.element_text(c) for c in tree.children_named(parent, "f"))
    assert build_events.texts_of(parent, "f") == expected == ("a", None, None, "xy")
    assert build_events.texts_of(None, "f") == ()
