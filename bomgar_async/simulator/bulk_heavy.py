"""Event-heavy bulk sessions (``World.bulk_heavy``, ``bomgar-async serve --heavy-events``).

Busy real sessions carry many more events than the generated ones: each bulk session then
gets 16 more, 8 chat messages (half of them with characters XML cannot carry, so rendered
as ``<encoded_body>``) and 8 member-added events with ``data`` values, merged into its
events in time order. Deterministic, like every bulk session.
"""

from __future__ import annotations

import dataclasses

from .history import Party, RecordEvent, SessionRecord

__all__ = ["heavy_events", "with_heavy_events"]


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


def with_heavy_events(record: SessionRecord) -> SessionRecord:
    """``record`` with :func:`heavy_events` merged into its events (in time order)."""
    events = tuple(sorted(record.events + heavy_events(record), key=lambda e: e.ts))
    return dataclasses.replace(record, events=events)
