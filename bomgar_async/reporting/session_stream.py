"""Incremental parsing of session reports (``<session_list>``: Remote Support's
``SupportSession``, PRA's ``AccessSession``), which can be hundreds of megabytes: feed the
body as it arrives, get each record as soon as its ``</session>`` is read (pure, no I/O).
:class:`RecordStreamParser` is generic over the record built from each item;
:class:`SessionStreamParser` builds :class:`SupportSession`.

Only the subtree of the session being read is held in memory; it is built in exactly the
shape ``xmltodict`` gives :func:`~bomgar_async.reporting.parse.parse_session_list`
(``@attr`` keys, ``#text``, the same elements forced into lists), so both parsers produce
identical models. Like the XML core, it matches names by local name (namespaces and
prefixes are ignored), turns an ``<error>`` root or root child into a ``BomgarAPIError``,
and refuses any DTD, so a hostile body cannot declare or expand entities.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, Generic, TypeVar
from xml.parsers import expat

from .._xml.limits import MAX_DEPTH, MAX_TEXT_BYTES, too_deep, too_much_text
from ..errors import (
    BomgarError,
    BomgarProtocolError,
    api_error,
)
from .models import SupportSession
from .parse import SESSION_LIST_PATHS

__all__ = ["RecordStreamParser", "SessionStreamParser", "iter_sessions"]

T = TypeVar("T")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Frame:
    """An element being built: its local name, its node (attributes and children) and text."""

    __slots__ = ("data", "item", "name", "size")

    def __init__(self, name: str, item: dict[str, Any] | None) -> None:
        self.name = name
        self.item = item
        self.data: list[str] = []
        self.size = 0


class RecordStreamParser(Generic[T]):
    """Parse a ``<root>`` body of ``<item>`` records chunk by chunk.

    Args:
        build: makes a record from one item's node (as ``xmltodict`` would build it).
        root: the expected root element.
        item: the element of each record (a child of the root).
        list_paths: elements (or ``parent/child`` pairs) that always parse as lists.
        action: the report name, for error messages.

    Once an error has been raised, every later call raises it again; sessions completed
    by the chunk that raised are not returned (the report as a whole has failed).
    """

    def __init__(
        self,
        build: Callable[[Any], T],
        *,
        root: str,
        item: str,
        list_paths: Collection[str],
        action: str,
    ) -> None:
        self._build = build
        self._root_name = root
        self._item = item
        self._list_paths = frozenset(list_paths)
        self._action = action
        self._parser = expat.ParserCreate()  # no namespace_separator: names stay prefixed
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._characters
        self._parser.StartDoctypeDeclHandler = self._refuse_doctype
        self._parser.EntityDeclHandler = self._refuse_entity
        self._depth = 0
        self._root: str | None = None
        self._root_closed = False
        self._stack: list[_Frame] = []  # the session being built, outermost first
        self._error_text: list[str] | None = None  # text of an <error> being read
        self._error_code: str | None = None
        self._ready: list[T] = []
        self._seen_data = False
        self._closed = False
        self._failure: BomgarError | None = None

    def feed(self, chunk: bytes) -> list[T]:
        """Parse the next chunk of the body.

        Args:
            chunk: the next bytes of the body, of any size (even cut inside a character).

        Returns:
            The sessions completed by this chunk, in document order.

        Raises:
            BomgarAPIError: the appliance answered with an ``<error>`` (root or child).
            BomgarProtocolError: the body is not a well-formed ``<session_list>``, or the
                parser was already closed.
        """
        if self._closed:
            raise BomgarProtocolError(f"{self._action}: feed() called after close()")
        if chunk and not self._seen_data:
            self._seen_data = bool(chunk.lstrip(b"\xef\xbb\xbf \t\r\n"))
        self._parse(chunk, final=False)
        return self._take()

    def close(self) -> list[T]:
        """Signal the end of the body.

        Returns:
            Any sessions not yet returned (normally none).

        Raises:
            BomgarAPIError: the appliance answered with an ``<error>``.
            BomgarProtocolError: the body was empty, truncated or not a ``<session_list>``.
        """
        if self._failure is not None:
            raise self._failure
        if self._closed:
            return []
        self._closed = True
        if not self._seen_data:
            self._fail(
                BomgarProtocolError("the appliance sent an empty body where XML was expected")
            )
        self._parse(b"", final=True)  # expat raises unless the root element was closed
        return self._take()

    def _take(self) -> list[T]:
        ready, self._ready = self._ready, []
        return ready

    def _fail(self, error: BomgarError) -> None:
        self._failure = error
        raise error

    def _parse(self, chunk: bytes, *, final: bool) -> None:
        if self._failure is not None:
            raise self._failure
        try:
            self._parser.Parse(chunk, final)
        except expat.ExpatError as err:
            what = "truncated" if final and not self._root_closed else "malformed"
            self._ready.clear()
            failure = BomgarProtocolError(f"the appliance sent a {what} XML body ({err})")
            self._failure = failure
            raise failure from err
        except LookupError as err:  # an unknown encoding in the XML declaration
            self._ready.clear()
            failure = BomgarProtocolError(f"the appliance's XML cannot be decoded: {err}")
            self._failure = failure
            raise failure from err
        except BomgarError as err:  # raised by a handler: <error>, wrong root, DTD
            self._ready.clear()
            self._failure = err
            raise

    # expat handlers

    def _start(self, raw_name: str, attributes: dict[str, str]) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise too_deep()
        name = _local(raw_name)
        if self._depth == 1:
            self._root = name
            if name == "error":
                self._error_text = []
                self._error_code = _code(attributes)
            elif name != self._root_name:
                raise BomgarProtocolError(
                    f"{self._action}: expected <{self._root_name}>, got <{name}>"
                )
            return
        if self._stack:
            self._stack.append(_Frame(name, _attributes(attributes)))
        elif self._depth == 2 and self._root == self._root_name:
            if name == self._item:
                self._stack.append(_Frame(name, _attributes(attributes)))
            elif name == "error":
                self._error_text = []
                self._error_code = _code(attributes)

    def _characters(self, data: str) -> None:
        if self._stack:
            frame = self._stack[-1]
            frame.size += len(data)
            if frame.size > MAX_TEXT_BYTES:
                raise too_much_text()
            frame.data.append(data)
        elif self._error_text is not None:
            if sum(map(len, self._error_text)) + len(data) > MAX_TEXT_BYTES:
                raise too_much_text()
            self._error_text.append(data)

    def _end(self, raw_name: str) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._root_closed = True
        if self._stack:
            frame = self._stack.pop()
            value = _finish(frame)
            if self._stack:
                _attach(self._stack[-1], frame.name, value, self._list_paths)
            else:
                self._ready.append(self._build(value))
        elif self._error_text is not None and self._depth <= 1:
            message = "".join(self._error_text).strip() or "unspecified error"
            raise api_error(message, action=self._action, code=self._error_code)

    def _refuse_doctype(self, name: str, *_args: object) -> None:
        if name.lower() == "html":
            raise BomgarProtocolError(
                "the appliance answered with an HTML page, not XML "
                "(is the XML API enabled, and is this the right host and path?)"
            )
        raise BomgarProtocolError("the appliance's XML was refused: DTDs are disabled")

    def _refuse_entity(self, *_args: object) -> None:
        raise BomgarProtocolError("the appliance's XML was refused: entities are disabled")


def _code(attributes: dict[str, str]) -> str | None:
    """The ``code`` attribute of an ``<error>`` (any prefix)."""
    return next((v for k, v in attributes.items() if _local(k) == "code"), None)


def _attributes(attributes: dict[str, str]) -> dict[str, Any] | None:
    """``@name`` keys as the XML core keeps them (namespace declarations and ``xsi:``
    hints dropped, prefixes stripped), or ``None`` when nothing is left."""
    kept = {
        "@" + _local(key): value
        for key, value in attributes.items()
        if not key.startswith(("xmlns", "xsi:"))
    }
    return kept or None


def _finish(frame: _Frame) -> Any:
    """The node of a closed element, as xmltodict builds it (whitespace-only text dropped)."""
    text = "".join(frame.data).strip() or None
    if frame.item is None:
        return text
    if text:
        frame.item["#text"] = text
    return frame.item


def _attach(parent: _Frame, name: str, value: Any, list_paths: frozenset[str]) -> None:
    if parent.item is None:
        parent.item = {}
    existing = parent.item.get(name, _MISSING)
    if existing is _MISSING:
        forced = name in list_paths or f"{parent.name}/{name}" in list_paths
        parent.item[name] = [value] if forced else value
    elif isinstance(existing, list):
        existing.append(value)
    else:
        parent.item[name] = [existing, value]


_MISSING = object()


class SessionStreamParser(RecordStreamParser[SupportSession]):
    """Parse a ``SupportSession`` report (``<session_list>``) chunk by chunk.

    Example::

        parser = SessionStreamParser()
        async for chunk in response_chunks:
            for session in parser.feed(chunk):
                store(session)
        parser.close()  # raises if the body was cut short
    """

    def __init__(self) -> None:
        super().__init__(
            SupportSession.from_node,
            root="session_list",
            item="session",
            list_paths=SESSION_LIST_PATHS,
            action="SupportSession",
        )


def iter_sessions(chunks: Iterable[bytes]) -> Iterator[SupportSession]:
    """Parse a ``<session_list>`` body given as an iterable of chunks, one session at a time.

    Args:
        chunks: the body's bytes, in order.

    Yields:
        Each session as soon as it is complete.

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is empty, malformed or truncated.
    """
    parser = SessionStreamParser()
    for chunk in chunks:
        yield from parser.feed(chunk)
    yield from parser.close()
