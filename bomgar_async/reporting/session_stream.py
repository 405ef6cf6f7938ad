"""Incremental parsing of session reports (``<session_list>``: Remote Support's
``SupportSession``, PRA's ``AccessSession``), which can be hundreds of megabytes: feed the
body as it arrives, get each record as soon as its ``</session>`` is read (pure, no I/O).
:class:`RecordStreamParser` is generic over the record built from each item;
:class:`SessionStreamParser` builds :class:`SupportSession`.

The parser (lxml when installed, else the standard library's expat-based ElementTree, see
:mod:`bomgar_async._xml.records`) builds one item's elements at a time, in C; each record is
built straight from its element (:mod:`.build`), equal to what the models' ``from_node``
build from :func:`~bomgar_async.reporting.parse.parse_session_list`'s nodes. Like the XML
core, it matches names by local name (namespaces and prefixes are ignored), turns an
``<error>`` root or root child into a ``BomgarAPIError``, refuses any DTD, nesting deeper
than 64 levels and text nodes over 16 MiB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from .._xml.parsing import lxml_deeper_than
from .._xml.records import ElementStream
from ..errors import (
    BomgarError,
    BomgarProtocolError,
)
from .accel import cbuild
from .build import support_session
from .models import SupportSession

__all__ = ["RecordStreamParser", "SessionStreamParser", "iter_sessions"]

#: the depth check on each finished item: the compiled one when built (it walks the C nodes;
#: lxml's XPath builds a node set per level, 6 % of a heavy month's client CPU)
_DEEPER = cbuild.deeper_than if cbuild is not None else lxml_deeper_than

T = TypeVar("T")


class RecordStreamParser(Generic[T]):
    """Parse a ``<root>`` body of ``<item>`` records chunk by chunk.

    Args:
        build: makes a record from one item's element (lxml or ElementTree).
        root: the expected root element.
        item: the element of each record (a child of the root).
        action: the report name, for error messages.
        backend: ``"lxml"`` or ``"expat"`` (``None``: the fastest installed, see
            :data:`bomgar_async._xml.tree.BACKEND`).

    Once an error has been raised, every later call raises it again; sessions completed
    by the chunk that raised are not returned (the report as a whole has failed).
    """

    def __init__(
        self,
        build: Callable[[Any], T],
        *,
        root: str,
        item: str,
        action: str,
        backend: str | None = None,
    ) -> None:
        self._build = build
        self._action = action
        self._elements = ElementStream(
            root=root, item=item, action=action, backend=backend, deeper=_DEEPER
        )
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
        return self._run(self._elements.feed, chunk)

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
            self._failure = BomgarProtocolError(
                "the appliance sent an empty body where XML was expected"
            )
            raise self._failure
        return self._run(lambda _: self._elements.close(), b"")

    def _run(self, step: Callable[[bytes], list[Any]], chunk: bytes) -> list[T]:
        if self._failure is not None:
            raise self._failure
        try:
            build = self._build
            return [build(element) for element in step(chunk)]
        except BomgarError as err:
            self._failure = err
            raise


class SessionStreamParser(RecordStreamParser[SupportSession]):
    """Parse a ``SupportSession`` report (``<session_list>``) chunk by chunk.

    Example::

        parser = SessionStreamParser()
        async for chunk in response_chunks:
            for session in parser.feed(chunk):
                store(session)
        parser.close()  # raises if the body was cut short
    """

    def __init__(self, backend: str | None = None) -> None:
        super().__init__(
            support_session,
            root="session_list",
            item="session",
            action="SupportSession",
            backend=backend,
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
