"""Building the most numerous report models without their keyword ``__init__`` (pure).

A busy report holds thousands of events per megabyte. The parsers already hold each
field's final value, and these models have no converters, validators or post-init hooks,
so an instance is made with ``object.__new__`` and each slot filled through its slot
descriptor: the same object the attrs ``__init__`` makes (equal, same hash and repr,
picklable, ``attrs.evolve`` works), for about two thirds of the cost. :func:`slot_setters`
checks at import time that a class still qualifies and that the fields are in the order
the builders below expect, so a change to a model cannot silently break them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from .events import EventFile, EventParty, SessionEvent, SystemInfoCategory

__all__ = ["new_event_party", "new_session_event", "slot_setters"]

_new = object.__new__


def slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of ``cls``'s fields ``names`` (all of them, in definition order).

    Raises:
        TypeError: ``cls`` is not a slotted attrs class whose ``__init__`` only stores its
            arguments, or ``names`` are not its fields in order.
    """
    fields = attrs.fields(cls)
    if tuple(field.name for field in fields) != names:
        raise TypeError(f"{cls.__name__}'s fields are not {names}")
    plain = all(
        field.validator is None
        and field.converter is None
        and field.init
        and field.alias == field.name
        for field in fields
    )
    if not plain or "__attrs_post_init__" in dir(cls) or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} cannot be built without its __init__")
    return tuple(vars(cls)[name].__set__ for name in names)


(_party_gsnumber, _party_type, _party_name) = slot_setters(EventParty, ("gsnumber", "type", "name"))


def new_event_party(gsnumber: int | None, type: str | None, name: str | None) -> EventParty:
    """``EventParty(gsnumber=gsnumber, type=type, name=name)``."""
    party = _new(EventParty)
    _party_gsnumber(party, gsnumber)
    _party_type(party, type)
    _party_name(party, name)
    return party


(
    _timestamp,
    _event_type,
    _performed_by,
    _destination,
    _body,
    _encoded_body,
    _filename,
    _filesize,
    _files,
    _data,
    _system_information,
) = slot_setters(
    SessionEvent,
    (
        "timestamp",
        "event_type",
        "performed_by",
        "destination",
        "body",
        "encoded_body",
        "filename",
        "filesize",
        "files",
        "data",
        "system_information",
    ),
)


def new_session_event(
    timestamp: datetime | None,
    event_type: str | None,
    performed_by: EventParty | None = None,
    destination: EventParty | None = None,
    body: str | None = None,
    encoded_body: str | None = None,
    filename: str | None = None,
    filesize: int | None = None,
    files: tuple[EventFile, ...] = (),
    data: tuple[tuple[str, str | None], ...] = (),
    system_information: tuple[SystemInfoCategory, ...] = (),
) -> SessionEvent:
    """``SessionEvent(...)`` with the same arguments, by keyword."""
    event = _new(SessionEvent)
    _timestamp(event, timestamp)
    _event_type(event, event_type)
    _performed_by(event, performed_by)
    _destination(event, destination)
    _body(event, body)
    _encoded_body(event, encoded_body)
    _filename(event, filename)
    _filesize(event, filesize)
    _files(event, files)
    _data(event, data)
    _system_information(event, system_information)
    return event
