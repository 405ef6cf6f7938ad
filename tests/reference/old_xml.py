"""The XML parsing of bomgar_async before issue 11 (xmltodict for whole answers, expat
handlers building xmltodict-shaped nodes for streamed reports), kept only as the reference
the tests compare the shipped parsers with: every model they build must be equal."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Generic, TypeVar
from xml.parsers import expat
from xml.parsers.expat import ExpatError

import xmltodict

from bomgar_async._xml.core import _error_of
from bomgar_async._xml.limits import MAX_DEPTH, MAX_TEXT_BYTES, too_deep, too_much_text
from bomgar_async.errors import BomgarError, BomgarProtocolError, api_error

T = TypeVar("T")


class _GuardedParser:
    """An expat parser whose element handlers, once set, count the depth."""

    def __init__(self, parser: Any) -> None:
        object.__setattr__(self, "_parser", parser)
        object.__setattr__(self, "_depth", 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "StartElementHandler":
            value = self._counting_start(value)
        elif name == "EndElementHandler":
            value = self._counting_end(value)
        setattr(self._parser, name, value)

    def _counting_start(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def start(*args: Any) -> Any:
            depth = self._depth + 1
            if depth > MAX_DEPTH:
                raise too_deep()
            object.__setattr__(self, "_depth", depth)
            return handler(*args)

        return start

    def _counting_end(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def end(*args: Any) -> Any:
            object.__setattr__(self, "_depth", self._depth - 1)
            return handler(*args)

        return end


class DepthLimitedExpat:
    """Stands in for the ``expat`` module (xmltodict's ``expat=`` argument): its parsers
    refuse documents nested deeper than :data:`MAX_DEPTH`."""

    ExpatError = expat.ExpatError

    @staticmethod
    def ParserCreate(*args: Any, **kwargs: Any) -> Any:
        """A depth-limited ``xml.parsers.expat`` parser."""
        return _GuardedParser(expat.ParserCreate(*args, **kwargs))


Node = Any  # dict[str, Node] | list[Node] | str | None, as produced by xmltodict
_TRUNCATION_HINTS = ("no element found", "unclosed token", "incomplete", "unclosed cdata")


def _local(name: str) -> str:
    """Strip a namespace prefix: ``ns:rep`` -> ``rep``, ``@ns:id`` -> ``@id``."""
    if ":" not in name:
        return name
    prefix = "@" if name.startswith("@") else ""
    return prefix + name.rsplit(":", 1)[1]


def _postprocessor(_path: Any, key: str, value: Any) -> tuple[str, Any] | None:
    if key.startswith(("@xmlns", "@xsi:")):
        return None  # namespace declarations and schema hints are not data
    return _local(key), value


def _force_list(list_paths: Collection[str]) -> Any:
    def should_force(path: Any, key: str, _value: Any) -> bool:
        name = _local(key)
        if name in list_paths:
            return True
        parent = _local(path[-1][0]) if path else ""
        return f"{parent}/{name}" in list_paths

    return should_force


def _sniff(body: bytes) -> None:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise BomgarProtocolError("the appliance sent an empty body where XML was expected")
    if head.startswith((b"<!doctype html", b"<html")):
        raise BomgarProtocolError(
            "the appliance answered with an HTML page, not XML "
            "(is the XML API enabled, and is this the right host and path?)"
        )
    if not head.startswith(b"<"):
        raise BomgarProtocolError("the appliance's answer is not XML")


def old_parse_document(
    body: bytes,
    *,
    list_paths: Collection[str] = (),
    expected_roots: Collection[str] | None = None,
    action: str | None = None,
) -> tuple[str, Node]:
    """Parse an API answer into ``(root local name, root node)``.

    Args:
        body: the raw response body.
        list_paths: element names (or ``parent/child`` pairs) that always parse as lists.
        expected_roots: root names the action may answer with; ``None`` accepts any.
        action: the action or report name, for error messages.

    Raises:
        BomgarAPIError: (or a subclass) for an ``<error>`` root or an ``<error>`` child.
        BomgarProtocolError: for HTML, empty, malformed, truncated or too deeply nested
            bodies, or an unexpected root.
    """
    _sniff(body)
    try:
        parsed = xmltodict.parse(
            body,
            disable_entities=True,
            expat=DepthLimitedExpat,
            postprocessor=_postprocessor,  # type: ignore[arg-type]
            force_list=_force_list(frozenset(list_paths)),
        )
    except ExpatError as err:
        reason = str(err)
        lowered = reason.lower()
        what = "truncated" if any(h in lowered for h in _TRUNCATION_HINTS) else "malformed"
        raise BomgarProtocolError(f"the appliance sent a {what} XML body ({reason})") from err
    except ValueError as err:  # xmltodict refuses entity declarations this way
        raise BomgarProtocolError(f"the appliance's XML was refused: {err}") from err
    except LookupError as err:  # an unknown encoding in the XML declaration
        raise BomgarProtocolError(f"the appliance's XML cannot be decoded: {err}") from err
    if not isinstance(parsed, Mapping) or len(parsed) != 1:
        raise BomgarProtocolError("the appliance's XML has no single root element")
    root, node = next(iter(parsed.items()))
    if root == "error":
        raise _error_of(node, action)
    if isinstance(node, Mapping) and "error" in node:
        error_node = node["error"]
        if isinstance(error_node, list):
            error_node = error_node[0]
        raise _error_of(error_node, action)
    if expected_roots is not None and root not in expected_roots:
        wanted = ", ".join(f"<{r}>" for r in expected_roots)
        raise BomgarProtocolError(f"{action or 'call'}: expected {wanted}, got <{root}>")
    return root, node


def _stream_local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Frame:
    """An element being built: its local name, its node (attributes and children) and text."""

    __slots__ = ("data", "item", "name", "size")

    def __init__(self, name: str, item: dict[str, Any] | None) -> None:
        self.name = name
        self.item = item
        self.data: list[str] = []
        self.size = 0


class OldRecordStreamParser(Generic[T]):
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
        name = _stream_local(raw_name)
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
    return next((v for k, v in attributes.items() if _stream_local(k) == "code"), None)


def _attributes(attributes: dict[str, str]) -> dict[str, Any] | None:
    """``@name`` keys as the XML core keeps them (namespace declarations and ``xsi:``
    hints dropped, prefixes stripped), or ``None`` when nothing is left."""
    kept = {
        "@" + _stream_local(key): value
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
