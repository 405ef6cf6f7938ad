"""Events of a session report built straight from their elements (pure): see
:mod:`.build`. Also the small readers of element text and attributes both use.

Events are two thirds of a busy report's elements, so this is the hot loop: each event's
children are read in one pass over a slice of them (lxml builds the list in C; their local
names come from a cache of interned names, compared directly), the parties an event names
are shared instances (a report names the same few people again and again; models are
frozen, so an equal instance is as good as a new one), timestamps go through a bounded
cache keyed on their text, and the event is built without going through its keyword
``__init__`` (see :mod:`.models.fast`).
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone

from .._xml.tree import (
    LOCAL_NAMES,
    Element,
    attr_of,
    element_text,
    first_children,
    is_blank_element,
    local,
    own_text,
)
from .._xml.values import to_datetime, to_int, to_timedelta
from .models import (
    EventFile,
    EventParty,
    SessionEvent,
    SystemInfoCategory,
)
from .models.events import chat_body
from .models.fast import new_event_party, new_session_event

__all__ = [
    "attr_int",
    "duration_of",
    "element_text",
    "events_of",
    "named_children",
    "stripped",
    "texts_of",
]

Kids = dict[str, Element]

_UTC = timezone.utc
_fromtimestamp = datetime.fromtimestamp
_PARTIES: dict[tuple[str, str, str | None], EventParty] = {}
_MAX_PARTIES = 1024
_STAMPS: dict[str, datetime] = {}
_MAX_STAMPS = 4096
#: ``to_timedelta`` through a bounded cache (a report repeats durations); shared by both
#: builders (:mod:`.build` and the compiled one).
duration_of = functools.lru_cache(maxsize=4096)(to_timedelta)


def attr_int(value: str | None) -> int | None:
    """``to_int`` of an attribute value."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def stripped(value: str | None) -> str | None:
    """The value stripped; ``None`` when absent or blank."""
    return (value or "").strip() or None


def _party(element: Element | None) -> EventParty | None:
    if element is None:
        return None
    gsnumber = element.get("gsnumber")
    kind = element.get("type")
    if gsnumber is not None and kind is not None and not len(element):
        # The common shape, <performed_by gsnumber= type=>name</...>: shared instances.
        text = element.text
        key = (gsnumber, kind, text)
        party = _PARTIES.get(key)
        if party is None:
            party = new_event_party(
                attr_int(gsnumber),
                kind.strip() or None,
                (text.strip() or None) if text else None,
            )
            if len(_PARTIES) >= _MAX_PARTIES:
                _PARTIES.clear()
            _PARTIES[key] = party
        return party
    if gsnumber is None or kind is None:
        if is_blank_element(element):
            return None
        gsnumber, kind = attr_of(element, "gsnumber"), attr_of(element, "type")
    if len(element):
        name = own_text(element)
    else:
        name = element.text
        name = (name.strip() or None) if name else None
    return new_event_party(attr_int(gsnumber), (kind.strip() or None) if kind else None, name)


def named_children(parent: Element | None, name: str) -> list[Element]:
    """The children of ``parent`` called ``name`` (as ``children_named``, as a list)."""
    if parent is None:
        return []
    names = LOCAL_NAMES
    return [child for child in parent[:] if (names.get(child.tag) or local(child.tag)) == name]


def texts_of(parent: Element | None, name: str) -> tuple[str | None, ...]:
    """``element_text`` of each child of ``parent`` called ``name``, in one loop."""
    if parent is None:
        return ()
    found = []
    names = LOCAL_NAMES
    for child in parent[:]:
        tag = child.tag
        if (names.get(tag) or local(tag)) == name:
            if len(child):
                found.append(own_text(child))
            else:
                text = child.text
                found.append((text.strip() or None) if text else None)
    return tuple(found)


def _category(element: Element) -> SystemInfoCategory:
    """As ``SystemInfoCategory.from_node``."""
    kids = first_children(element)
    rows = named_children(kids.get("data"), "row")
    return SystemInfoCategory(
        name=stripped(attr_of(element, "name")) or element_text(kids.get("name")),
        description=texts_of(kids.get("description"), "field"),
        rows=tuple([texts_of(r, "field") for r in rows]),
    )


def _data(holder: Element) -> tuple[tuple[str, str | None], ...]:
    """The ``<value name= value=>`` pairs of ``<data>`` (blank ``<value/>`` skipped)."""
    found = []
    names = LOCAL_NAMES
    for value in holder[:]:
        tag = value.tag
        if (names.get(tag) or local(tag)) != "value":
            continue
        name = value.get("name")
        text = value.get("value")
        if name is None or text is None:
            if is_blank_element(value):
                continue
            name, text = attr_of(value, "name"), attr_of(value, "value")
        found.append((name or "", text))
    return tuple(found)


def _timestamp(stamp: str | None) -> datetime | None:
    """``to_datetime`` of an event's ``timestamp`` attribute (whole UNIX seconds inline)."""
    if stamp is not None and stamp.isdigit() and len(stamp) <= 10 and stamp.isascii():
        return _fromtimestamp(int(stamp), _UTC)  # up to 9999999999: year 2286
    return to_datetime(stamp)


def _when(stamp: str | None) -> datetime | None:
    """``_timestamp`` through a cache keyed on the text (events of a session share
    seconds; a datetime is immutable, so an equal instance is as good as a new one)."""
    if stamp is None:
        return None
    when = _STAMPS.get(stamp)
    if when is None:
        when = _timestamp(stamp)
        if when is not None:
            if len(_STAMPS) >= _MAX_STAMPS:
                _STAMPS.clear()
            _STAMPS[stamp] = when
    return when


def _files(holder: Element) -> tuple[EventFile, ...]:
    return tuple(
        EventFile(name=attr_of(f, "name"), size=attr_int(attr_of(f, "size")))
        for f in named_children(holder, "file")
    )


def _event(element: Element, stamp: str | None, event_type: str | None) -> SessionEvent:
    """As ``SessionEvent.from_node``, in one pass over the event's children (the first
    child of each name counts)."""
    performed = destination = body_at = encoded_at = None
    filename_at = filesize_at = files_at = data_at = system_at = None
    names = LOCAL_NAMES
    for child in element[:]:
        tag = child.tag
        name = names.get(tag) or local(tag)
        if name == "performed_by":
            if performed is None:
                performed = child
        elif name == "destination":
            if destination is None:
                destination = child
        elif name == "data":
            if data_at is None:
                data_at = child
        elif name == "body":
            if body_at is None:
                body_at = child
        elif name == "encoded_body":
            if encoded_at is None:
                encoded_at = child
        elif name == "system_information":
            if system_at is None:
                system_at = child
        elif name == "files":
            if files_at is None:
                files_at = child
        elif name == "filename":
            if filename_at is None:
                filename_at = child
        elif name == "filesize" and filesize_at is None:
            filesize_at = child
    body = encoded = None
    if body_at is not None or encoded_at is not None:
        body, encoded = chat_body(element_text(body_at), element_text(encoded_at))
    return new_session_event(
        _when(stamp),
        event_type,
        None if performed is None else _party(performed),
        None if destination is None else _party(destination),
        body,
        encoded,
        None if filename_at is None else element_text(filename_at),
        None if filesize_at is None else to_int(element_text(filesize_at)),
        () if files_at is None else _files(files_at),
        () if data_at is None else _data(data_at),
        ()
        if system_at is None
        else tuple([_category(c) for c in named_children(system_at, "category")]),
    )


def events_of(details: Element | None) -> tuple[SessionEvent, ...]:
    """The events of a ``<session_details>`` element, as ``SessionEvent.from_node``."""
    if details is None:
        return ()
    names = LOCAL_NAMES
    found = []
    for child in details[:]:
        tag = child.tag
        if (names.get(tag) or local(tag)) != "event":
            continue
        stamp = child.get("timestamp")
        event_type = child.get("event_type")
        if stamp is None or event_type is None:
            stamp, event_type = attr_of(child, "timestamp"), attr_of(child, "event_type")
        if len(child):
            found.append(_event(child, stamp, event_type))
        else:
            found.append(new_session_event(_when(stamp), event_type))
    return tuple(found)
