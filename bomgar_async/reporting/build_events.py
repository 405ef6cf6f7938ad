"""Events of a session report built straight from their elements (pure): see
:mod:`.build`. Also the small readers of element text and attributes both use.

Events are two thirds of a busy report's elements, so this is the hot loop: each event's
children are read in one pass (their local names from a cache), the parties an event names
are shared instances (a report names the same few people again and again; models are
frozen, so an equal instance is as good as a new one) and the event is built without
going through its keyword ``__init__`` (see :mod:`.models.fast`).
"""

from __future__ import annotations

from datetime import datetime, timezone

from .._xml.tree import (
    LOCAL_NAMES,
    Element,
    attr_of,
    children_named,
    element_text,
    first_children,
    is_blank_element,
    local,
    own_text,
)
from .._xml.values import to_datetime, to_int
from .models import (
    EventFile,
    EventParty,
    SessionEvent,
    SystemInfoCategory,
)
from .models.events import chat_body
from .models.fast import new_event_party, new_session_event

__all__ = ["attr_int", "element_text", "events_of", "stripped", "texts_of"]

Kids = dict[str, Element]

_UTC = timezone.utc
_fromtimestamp = datetime.fromtimestamp
_PARTIES: dict[tuple[str, str, str | None], EventParty] = {}
_MAX_PARTIES = 1024


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


def texts_of(parent: Element | None, name: str) -> tuple[str | None, ...]:
    """``element_text`` of each child of ``parent`` called ``name``, in one loop."""
    if parent is None:
        return ()
    found = []
    names = LOCAL_NAMES
    for child in parent:
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
    rows = children_named(kids.get("data"), "row")
    return SystemInfoCategory(
        name=stripped(attr_of(element, "name")) or element_text(kids.get("name")),
        description=texts_of(kids.get("description"), "field"),
        rows=tuple(texts_of(r, "field") for r in rows),
    )


def _data(holder: Element) -> tuple[tuple[str, str | None], ...]:
    """The ``<value name= value=>`` pairs of ``<data>`` (blank ``<value/>`` skipped)."""
    found = []
    names = LOCAL_NAMES
    for value in holder:
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


def _event(element: Element) -> SessionEvent:
    """As ``SessionEvent.from_node``, in one pass over the event's children."""
    stamp = element.get("timestamp")
    event_type = element.get("event_type")
    if stamp is None or event_type is None:
        stamp, event_type = attr_of(element, "timestamp"), attr_of(element, "event_type")
    if not len(element):
        return new_session_event(_timestamp(stamp), event_type)
    parts: Kids = {}
    keep = parts.setdefault
    names = LOCAL_NAMES
    for child in element:
        tag = child.tag
        keep(names.get(tag) or local(tag), child)
    get = parts.get
    body = encoded = filesize = None
    files: tuple[EventFile, ...] = ()
    data: tuple[tuple[str, str | None], ...] = ()
    categories: tuple[SystemInfoCategory, ...] = ()
    if "body" in parts or "encoded_body" in parts:
        body, encoded = chat_body(element_text(get("body")), element_text(get("encoded_body")))
    if "data" in parts:
        data = _data(parts["data"])
    if "filesize" in parts:
        filesize = to_int(element_text(get("filesize")))
    if "files" in parts:
        files = tuple(
            EventFile(name=attr_of(f, "name"), size=attr_int(attr_of(f, "size")))
            for f in children_named(get("files"), "file")
        )
    if "system_information" in parts:
        found = children_named(get("system_information"), "category")
        categories = tuple(_category(c) for c in found)
    return new_session_event(
        _timestamp(stamp),
        event_type,
        _party(get("performed_by")),
        _party(get("destination")),
        body,
        encoded,
        element_text(get("filename")),
        filesize,
        files,
        data,
        categories,
    )


def events_of(details: Element | None) -> tuple[SessionEvent, ...]:
    """The events of a ``<session_details>`` element, as ``SessionEvent.from_node``."""
    if details is None:
        return ()
    names = LOCAL_NAMES
    event = _event
    found = []
    for child in details:
        tag = child.tag
        if (names.get(tag) or local(tag)) == "event":
            found.append(event(child))
    return tuple(found)
