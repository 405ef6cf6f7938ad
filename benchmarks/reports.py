"""Simulator-generated session reports of a chosen size, built in memory (no server).

``light`` reports are the simulator's bulk sessions as they are (about 6 KB each);
``heavy`` ones add 16 events per session, as busy real sessions carry: chat messages
(half of them with characters XML cannot carry, so sent as ``<encoded_body>``) and
member-added events with ``data`` values. ``product="pra"`` renders PRA ``AccessSession``
reports (custom attributes, Jump Group) instead of Remote Support ``SupportSession``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from bomgar_async.simulator.history import Party, RecordEvent, SessionRecord, bulk_record
from bomgar_async.simulator.pra_reports import access_session_xml
from bomgar_async.simulator.reports_render import close, open_root, session_xml
from bomgar_async.simulator.world import World

__all__ = ["KINDS", "heavy_events", "report", "report_parts"]

KINDS = ("light", "heavy")
_NAMESPACE = "http://www.beyondtrust.com/sra/namespaces/API/reporting"


def heavy_events(record: SessionRecord) -> tuple[RecordEvent, ...]:
    """16 extra events for ``record``: 8 chat messages, 8 member-added events."""
    rep = Party(gsnumber=21, type="representative", name="Admin Üser")
    customer = Party(gsnumber=22, type="customer", name="Customer <one>")
    start = record.start
    events = []
    for n in range(8):
        body = f"message {n} of {record.lsid}: check the printer & the \x07bell"
        if n % 2:
            body = f"message {n} of {record.lsid}: plain text with <markup> & an ümlaut"
        events.append(
            RecordEvent(
                ts=start + 10 * n,
                event_type="Chat Message",
                performed_by=rep if n % 2 else customer,
                destination=customer if n % 2 else rep,
                body=body,
            )
        )
        events.append(
            RecordEvent(
                ts=start + 10 * n + 5,
                event_type="Conference Member Added",
                performed_by=rep,
                data=(
                    ("member", f"rep{n}"),
                    ("role", "observer"),
                    ("granted", "2024-01-02T03:04:05Z"),
                    ("empty", ""),
                ),
            )
        )
    return tuple(events)


def report_parts(
    target_bytes: int, kind: str = "light", *, product: str = "rs", seed: int = 1
) -> Iterator[bytes]:
    """The report in pieces (the root's start tag, one per session, the end tag), sessions
    added until ``target_bytes`` is reached."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    world = World.generate(seed, now=1_700_000_000, history=0)
    world.bulk_sessions = 1 << 30
    pra = product == "pra"
    head = open_root("session_list", _NAMESPACE if pra else None).encode()
    yield head
    size, index = len(head), 0
    render = access_session_xml if pra else session_xml
    host = world.appliance.public_hostname
    while size < target_bytes:
        record = bulk_record(world, index)
        if kind == "heavy":
            events = tuple(sorted(record.events + heavy_events(record), key=lambda e: e.ts))
            record = dataclasses.replace(record, events=events)
        part = render(record, host=host, recordings=True, now=world.created_at).encode()
        size += len(part)
        index += 1
        yield part
    yield close("session_list").encode()


def report(target_bytes: int, kind: str = "light", *, product: str = "rs", seed: int = 1) -> bytes:
    """The whole report (see :func:`report_parts`)."""
    return b"".join(report_parts(target_bytes, kind, product=product, seed=seed))
