"""Pure descriptions of one HTTP exchange: what to send (Request) and what came back (Response).

Nothing here performs I/O; the transport turns a Request into a Response.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import attrs

__all__ = ["Headers", "Params", "Request", "Response", "Timeout"]

Params = tuple[tuple[str, str], ...]
Method = Literal["GET", "POST"]


class Headers(Mapping[str, str]):
    """Read-only HTTP headers whose names match case-insensitively (``headers["content-length"]``
    finds ``Content-Length``); a repeated name keeps its first value."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            self._items.setdefault(name.lower(), (name, value))

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (name for name, _value in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@attrs.frozen
class Timeout:
    """Time limits for one call, in seconds (``None`` = no limit for that phase).

    Attributes:
        total: the whole call, from connecting to the last byte.
        connect: establishing the connection (including TLS).
        sock_read: the longest silence between two reads of the body.
    """

    total: float | None = 30.0
    connect: float | None = 10.0
    sock_read: float | None = None


@attrs.frozen(repr=False)
class Request:
    """One HTTP request to the appliance.

    ``query`` travels in the URL, ``form`` (when not ``None``) as an
    ``application/x-www-form-urlencoded`` body. ``secrets`` lists the values that must
    never appear in a log record, a ``repr`` or an exception; ``read_only`` says whether
    the call may be retried automatically.
    """

    method: Method
    path: str
    query: Params = ()
    form: Params | None = None
    headers: Params = ()
    secrets: tuple[str, ...] = ()
    read_only: bool = False
    label: str = ""

    def __repr__(self) -> str:
        return f"Request({self.method} {self.path} {self.label!r})"


@attrs.frozen(repr=False)
class Response:
    """A complete HTTP response: status, headers (case-insensitive ``header()``) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def __repr__(self) -> str:
        return f"Response(status={self.status}, {len(self.body)} bytes)"
