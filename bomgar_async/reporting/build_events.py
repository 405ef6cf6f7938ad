"""Events of a session report built straight from their elements (pure): see
:mod:`.build`. Also the small readers of element text and attributes both use."""

from __future__ import annotations

from .._xml.tree import (
    Element,
    attr_of,
    children_named,
    first_children,
    is_blank_element,
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

__all__ = ["attr_int", "element_text", "events_of", "stripped"]

Kids = dict[str, Element]


def element_text(element: Element | None) -> str | None:
    """The stripped own text of an element (``None`` when absent or blank)."""
    if element is None:
        return None
    text = element.text
    if len(element):
        return own_text(element)
    if text:
        return text.strip() or None
    return None


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
    if gsnumber is None or kind is None:
        if is_blank_element(element):
            return None
        gsnumber, kind = attr_of(element, "gsnumber"), attr_of(element, "type")
    if len(element):
        name = own_text(element)
    else:
        name = element.text
        name = (name.strip() or None) if name else None
    return EventParty(
        gsnumber=attr_int(gsnumber), type=(kind.strip() or None) if kind else None, name=name
    )


def _category(element: Element) -> SystemInfoCategory:
    """As ``SystemInfoCategory.from_node``."""
    kids = first_children(element)
    header = children_named(kids.get("description"), "field")
    rows = children_named(kids.get("data"), "row")
    return SystemInfoCategory(
        name=stripped(attr_of(element, "name")) or element_text(kids.get("name")),
        description=tuple(element_text(f) for f in header),
        rows=tuple(tuple(element_text(f) for f in children_named(r, "field")) for r in rows),
    )


_EVENT_PARTS = frozenset(
    {
        "performed_by",
        "destination",
        "body",
        "encoded_body",
        "filename",
        "filesize",
        "files",
        "data",
        "system_information",
    }
)


def _event(element: Element) -> SessionEvent:
    """As ``SessionEvent.from_node``, in one pass over the event's children."""
    parts: Kids = {}
    for child in element:
        tag = child.tag
        if tag[0] == "{":
            tag = tag[tag.index("}") + 1 :]
        if tag in _EVENT_PARTS and tag not in parts:
            parts[tag] = child
    get = parts.get
    stamp = element.get("timestamp")
    event_type = element.get("event_type")
    if stamp is None or event_type is None:
        stamp, event_type = attr_of(element, "timestamp"), attr_of(element, "event_type")
    body = encoded = filesize = None
    files: tuple[EventFile, ...] = ()
    data: tuple[tuple[str, str | None], ...] = ()
    categories: tuple[SystemInfoCategory, ...] = ()
    if "body" in parts or "encoded_body" in parts:
        body, encoded = chat_body(element_text(get("body")), element_text(get("encoded_body")))
    if "filesize" in parts:
        filesize = to_int(element_text(get("filesize")))
    if "files" in parts:
        files = tuple(
            EventFile(name=attr_of(f, "name"), size=attr_int(attr_of(f, "size")))
            for f in children_named(get("files"), "file")
        )
    if "data" in parts:
        data = tuple(
            (attr_of(v, "name") or "", attr_of(v, "value"))
            for v in children_named(get("data"), "value")
            if not is_blank_element(v)
        )
    if "system_information" in parts:
        found = children_named(get("system_information"), "category")
        categories = tuple(_category(c) for c in found)
    return SessionEvent(
        timestamp=to_datetime(stamp),
        event_type=event_type,
        performed_by=_party(get("performed_by")),
        destination=_party(get("destination")),
        body=body,
        encoded_body=encoded,
        filename=element_text(get("filename")),
        filesize=filesize,
        files=files,
        data=data,
        system_information=categories,
    )


def events_of(details: Element | None) -> tuple[SessionEvent, ...]:
    """The events of a ``<session_details>`` element, as ``SessionEvent.from_node``."""
    if details is None:
        return ()
    found = []
    for child in details:
        tag = child.tag
        if tag == "event" or (tag[0] == "{" and tag.endswith("}event")):
            found.append(_event(child))
    return tuple(found)
