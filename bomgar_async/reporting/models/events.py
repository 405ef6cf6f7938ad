"""Models of the events in Reporting API answers: the events of a support session
(``session_details/event``) and of a team's activity (``team_activity/events/event``),
with who performed them, where they were directed, files, ``data`` values, chat bodies
and system-information tables.

Chat text arrives in ``<body>``, or base64-encoded in ``<encoded_body>`` when it holds
characters XML cannot carry; ``body`` is always the readable text (decoded as UTF-8,
undecodable bytes replaced) and ``encoded_body`` keeps what was sent. An ``<encoded_body>``
that is not valid base64 is kept as sent, with ``body`` left ``None``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from ..._xml.common import is_blank
from ..._xml.core import (
    Node,
    attr,
    child,
    children,
)
from ..._xml.values import (
    int_of,
    str_of,
    to_datetime,
    to_int,
)
from .parts import own_text

__all__ = [
    "EventFile",
    "EventParty",
    "SessionEvent",
    "SystemInfoCategory",
    "TeamEvent",
    "chat_body",
]


@attrs.frozen(kw_only=True)
class EventParty:
    """Who performed an event, or where it was directed: ``<performed_by>``,
    ``<destination>`` (``type`` is ``system``, ``customer`` or ``representative``; team
    activity destinations carry no type)."""

    gsnumber: int | None = None
    type: str | None = None
    name: str | None = None

    @classmethod
    def of(cls, node: Node) -> EventParty | None:
        """The party, or ``None`` when the element is absent or entirely empty."""
        if is_blank(node):
            return None
        return cls(
            gsnumber=to_int(attr(node, "gsnumber")),
            type=(attr(node, "type") or "").strip() or None,
            name=own_text(node),
        )


@attrs.frozen(kw_only=True)
class EventFile:
    """A file transferred in an event (``files/file``)."""

    name: str | None = None
    size: int | None = None

    @classmethod
    def from_node(cls, node: Node) -> EventFile:
        return cls(name=attr(node, "name"), size=to_int(attr(node, "size")))


@attrs.frozen(kw_only=True)
class SystemInfoCategory:
    """One category of the system information pulled at session start, as a table.

    ``description`` holds the header cells (``<description><field>``), ``rows`` one tuple
    of cells per ``<data><row>``; empty cells are ``None``.
    """

    name: str | None = None
    description: tuple[str | None, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> SystemInfoCategory:
        header = children(child(node, "description"), "field")
        rows = children(child(node, "data"), "row")
        return cls(
            name=(attr(node, "name") or "").strip() or str_of(node, "name"),
            description=tuple(own_text(f) for f in header),
            rows=tuple(tuple(own_text(f) for f in children(r, "field")) for r in rows),
        )

    def records(self) -> tuple[Mapping[str, str | None], ...]:
        """Each row as a read-only mapping of header to cell (a header missing from
        ``description`` is named by its position, ``"0"``, ``"1"``, ...)."""
        names = [
            (self.description[i] if i < len(self.description) else None) or str(i)
            for i in range(max((len(r) for r in self.rows), default=0))
        ]
        return tuple(MappingProxyType(dict(zip(names, row, strict=False))) for row in self.rows)


def _data_values(node: Node) -> tuple[tuple[str, str | None], ...]:
    values = children(child(node, "data"), "value")
    return tuple((attr(v, "name") or "", attr(v, "value")) for v in values if not is_blank(v))


def _files(node: Node) -> tuple[EventFile, ...]:
    return tuple(EventFile.from_node(f) for f in children(child(node, "files"), "file"))


def _body(node: Node) -> tuple[str | None, str | None]:
    return chat_body(own_text(child(node, "body")), str_of(node, "encoded_body"))


def chat_body(body: str | None, encoded: str | None) -> tuple[str | None, str | None]:
    """``(body, encoded_body)`` of an event: ``body`` decoded from ``encoded_body`` when
    only that was sent."""
    if body is not None or encoded is None:
        return body, encoded
    raw = _decode_base64(encoded)
    return (raw.decode("utf-8", errors="replace") if raw is not None else None), encoded


def _decode_base64(encoded: str) -> bytes | None:
    try:  # RFC 2045 allows line breaks inside the encoding
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


class _EventData:
    """What both kinds of event offer over their ``data`` values and encoded body."""

    __slots__ = ()
    data: tuple[tuple[str, str | None], ...]
    encoded_body: str | None

    @property
    def values(self) -> Mapping[str, str | None]:
        """The ``data`` values as a read-only mapping of name to value (for a name sent
        twice, the last value)."""
        return MappingProxyType(dict(self.data))

    @property
    def body_bytes(self) -> bytes | None:
        """The exact bytes of ``encoded_body`` (``None`` when none was sent or it is not
        valid base64)."""
        return None if self.encoded_body is None else _decode_base64(self.encoded_body)


@attrs.frozen(kw_only=True)
class SessionEvent(_EventData):
    """An event of a support session (``session_details/event``).

    ``data`` keeps the ``<value name= value=>`` pairs in document order (``values`` is the
    mapping view; an empty ``value`` stays ``""``, a missing one is ``None``);
    ``system_information`` is filled for *System Information Retrieved*
    events.
    """

    timestamp: datetime | None = None
    event_type: str | None = None
    performed_by: EventParty | None = None
    destination: EventParty | None = None
    body: str | None = None
    encoded_body: str | None = None
    filename: str | None = None
    filesize: int | None = None
    files: tuple[EventFile, ...] = ()
    data: tuple[tuple[str, str | None], ...] = ()
    system_information: tuple[SystemInfoCategory, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> SessionEvent:
        body, encoded = _body(node)
        categories = children(child(node, "system_information"), "category")
        return cls(
            timestamp=to_datetime(attr(node, "timestamp")),
            event_type=attr(node, "event_type"),
            performed_by=EventParty.of(child(node, "performed_by")),
            destination=EventParty.of(child(node, "destination")),
            body=body,
            encoded_body=encoded,
            filename=str_of(node, "filename"),
            filesize=int_of(node, "filesize"),
            files=_files(node),
            data=_data_values(node),
            system_information=tuple(SystemInfoCategory.from_node(c) for c in categories),
        )


@attrs.frozen(kw_only=True)
class TeamEvent(_EventData):
    """An event of a team's activity (``team_activity/events/event``), directed to zero,
    one or more ``destinations``."""

    timestamp: datetime | None = None
    event_type: str | None = None
    performed_by: EventParty | None = None
    destinations: tuple[EventParty, ...] = ()
    body: str | None = None
    encoded_body: str | None = None
    files: tuple[EventFile, ...] = ()
    data: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> TeamEvent:
        body, encoded = _body(node)
        destinations = (
            EventParty.of(d) for d in children(child(node, "destinations"), "destination")
        )
        return cls(
            timestamp=to_datetime(attr(node, "timestamp")),
            event_type=attr(node, "event_type"),
            performed_by=EventParty.of(child(node, "performed_by")),
            destinations=tuple(d for d in destinations if d is not None),
            body=body,
            encoded_body=encoded,
            files=_files(node),
            data=_data_values(node),
        )
