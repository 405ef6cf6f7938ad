"""Parsing one whole XML answer into an element tree, hardened (pure).

- No DTD is loaded and no entity is resolved; a body declaring entities is refused.
- Documents nested deeper than ``MAX_DEPTH`` levels are refused (lxml stops at 2,048 levels
  by itself, so a hostile 100,000-level body costs microseconds).
- Parser errors become ``BomgarProtocolError`` naming what went wrong: a truncated,
  malformed or undecodable body.

:class:`Prolog` reads what comes before the root element (the XML declaration, comments,
a DOCTYPE) so the streaming parser can refuse a DTD before the body reaches a parser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..errors import BomgarProtocolError
from . import tree
from .limits import MAX_DEPTH, too_deep
from .tree import Element, lxml_etree

__all__ = [
    "DeeperThan",
    "Prolog",
    "doctype_error",
    "lxml_deeper_than",
    "lxml_error",
    "lxml_options",
    "parse_tree",
    "syntax_error",
    "too_deep_below",
]

_TRUNCATION_HINTS = (
    "no element found",
    "unclosed token",
    "incomplete",
    "unclosed cdata",
    "premature end",
    "couldn't find end",
    "'</' not found",
    "document is empty",
    "unfinished",
)


def lxml_options() -> dict[str, Any]:
    """The lxml parser options every parse uses: nothing fetched, nothing expanded, no
    comments or processing instructions in the tree, libxml2's size limits lifted (the
    SDK's own apply)."""
    return {
        "huge_tree": True,
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def syntax_error(reason: str, *, truncated: bool | None = None) -> BomgarProtocolError:
    """The error for a body a parser refused; ``truncated`` ``None``: guessed from ``reason``."""
    lowered = reason.lower()
    if "excessive depth" in lowered:
        return too_deep()
    if "encoding" in lowered and ("unsupported" in lowered or "unknown" in lowered):
        return BomgarProtocolError(f"the appliance's XML cannot be decoded: {reason}")
    if truncated is None:
        truncated = any(hint in lowered for hint in _TRUNCATION_HINTS)
    what = "truncated" if truncated else "malformed"
    return BomgarProtocolError(f"the appliance sent a {what} XML body ({reason})")


def lxml_error(err: Exception, *, truncated: bool | None = None) -> BomgarProtocolError:
    """``syntax_error`` for an lxml ``XMLSyntaxError``."""
    return syntax_error(str(err), truncated=truncated)


def doctype_error(doctype: str) -> BomgarProtocolError:
    """The error for a body that carries a DTD."""
    if doctype.lower().lstrip("<!").lower().startswith("doctype html"):
        return BomgarProtocolError(
            "the appliance answered with an HTML page, not XML "
            "(is the XML API enabled, and is this the right host and path?)"
        )
    return BomgarProtocolError("the appliance's XML was refused: DTDs are disabled")


def _compile_deep(steps: int) -> Any:
    if lxml_etree is None:  # pragma: no cover
        return None
    return lxml_etree.XPath("boolean(" + "/".join(["*"] * steps) + ")")


#: the compiled ``boolean(*/*/…/*)`` of each number of steps, two made at import
_DEEP_CHECKS: dict[int, Any] = {steps: _compile_deep(steps) for steps in (MAX_DEPTH - 1, MAX_DEPTH)}

#: a depth check: ``(element, levels)`` → whether ``element`` holds an element ``levels``
#: levels below it
DeeperThan = Callable[[Element, int], bool]


def lxml_deeper_than(element: Element, levels: int) -> bool:
    """Whether the lxml ``element`` holds an element ``levels`` levels below it (a child is
    1 level below; ``levels`` below 1 answers ``True``), by the XPath ``boolean(*/*/…/*)``.
    The compiled builder has the same check read from the C tree
    (``bomgar_async.reporting._cbuild.deeper_than``)."""
    if levels < 1:
        return True
    check = _DEEP_CHECKS.get(levels)
    if check is None:
        check = _DEEP_CHECKS[levels] = _compile_deep(levels)
    return bool(check(element))


def too_deep_below(element: Element, level: int, deeper: DeeperThan = lxml_deeper_than) -> bool:
    """Whether an lxml ``element`` at ``level`` (the root is 1) holds elements deeper than
    ``MAX_DEPTH`` (``deeper``: the check to use, :func:`lxml_deeper_than` by default)."""
    return deeper(element, MAX_DEPTH + 1 - level)


class _RootReached(Exception):
    """Raised inside the probe when the root element begins (stops it at once)."""


class Prolog:
    """Holds the start of a body until the root element begins, refusing a DOCTYPE.

    The prolog is read by a throw-away expat parser, so a DOCTYPE is found in every encoding
    expat accepts (UTF-8, UTF-16 with or without a byte order mark, Latin-1 and the 8-bit
    encodings a declaration names); the probe stops as soon as the root element begins.
    ``feed()`` returns the bytes that may go to the parser (empty while still in the
    prolog, for up to ``LIMIT`` bytes; past that they go on, still read by the probe);
    ``state`` is ``"prolog"`` (undecided), ``"root"`` (the root began) or
    ``"other"`` (the probe could not read it: left to the parser, which reports the error).

    Args:
        allow_doctype: accept a DOCTYPE that declares no entity (whole answers, as before);
            a declared entity is still refused.
    """

    LIMIT = 64 << 10

    def __init__(self, *, allow_doctype: bool = False) -> None:
        from xml.parsers import expat

        self.state = "prolog"
        self._held = bytearray()
        self._allow_doctype = allow_doctype
        self._passing = False  # more than LIMIT bytes of prolog: passed on, still probed
        self._probe: Any = expat.ParserCreate()
        self._probe.StartDoctypeDeclHandler = self._doctype
        self._probe.EntityDeclHandler = self._entity
        self._probe.StartElementHandler = self._root

    def _doctype(self, name: str | None, *_rest: object) -> None:
        if not self._allow_doctype:
            raise doctype_error(f"<!DOCTYPE {name or ''}")

    @staticmethod
    def _entity(*_args: object) -> None:
        raise BomgarProtocolError("the appliance's XML was refused: entities are disabled")

    @staticmethod
    def _root(*_args: object) -> None:
        raise _RootReached

    def feed(self, chunk: bytes) -> bytes:
        """Bytes ready for the parser (raises ``BomgarProtocolError`` on a DOCTYPE)."""
        if self.state != "prolog":
            return chunk
        if self._passing:
            self.state = self._scan(chunk)  # refuses a DOCTYPE before the parser sees it
            return chunk
        self._held += chunk
        self.state = self._scan(chunk)
        if self.state == "prolog" and len(self._held) <= self.LIMIT:
            return b""
        # past LIMIT the bytes go on, but the probe keeps reading them (an expat parser
        # would otherwise take a DOCTYPE, and expand its entities, after a long comment)
        self._passing = self.state == "prolog"
        if not self._passing:
            self._probe = None
        ready, self._held = bytes(self._held), bytearray()
        return ready

    def flush(self) -> bytes:
        """Whatever is still held (at the end of the body)."""
        self._probe = None
        ready, self._held = bytes(self._held), bytearray()
        return ready

    def _scan(self, chunk: bytes) -> str:
        from xml.parsers.expat import ExpatError

        try:
            self._probe.Parse(chunk, False)
        except _RootReached:
            return "root"
        except (ExpatError, LookupError, ValueError):
            return "other"
        return "prolog"


def parse_tree(body: bytes, backend: str | None = None) -> Element:
    """The root element of a whole body (see the module docstring for what is refused);
    ``backend`` ``None``: :data:`~.tree.BACKEND`."""
    if (backend or tree.BACKEND) == "lxml":
        return _parse_lxml(body)
    return _parse_expat(body)


# An lxml parser is reusable, but only in one thread: one per thread id (a dictionary look-up
# is cheaper than a threading.local); a thread's id is only reused after it ended.
_PARSERS: dict[int, Any] = {}
_PARSERS_KEPT = 256


def _parse_lxml(body: bytes) -> Element:
    thread = threading.get_ident()
    parser = _PARSERS.get(thread)
    if parser is None:
        if len(_PARSERS) >= _PARSERS_KEPT:
            _PARSERS.clear()
        parser = _PARSERS[thread] = lxml_etree.XMLParser(**lxml_options())
    try:
        root = lxml_etree.fromstring(body, parser)
    except lxml_etree.XMLSyntaxError as err:
        raise lxml_error(err) from err
    if root is None:  # pragma: no cover - libxml2 raises for an empty document
        raise BomgarProtocolError("the appliance's XML has no single root element")
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.entities()):
        raise BomgarProtocolError("the appliance's XML was refused: entities are disabled")
    if not _shallow(body, docinfo.encoding) and too_deep_below(root, 1):
        raise too_deep()
    return root


# Encodings in which every "<" is a 0x3C byte (UTF-16 too: 00 3C); lxml names the declared
# one, "UTF-8" when none is declared.
_LT_IS_ONE_BYTE = frozenset({"UTF-8", "UTF8", "US-ASCII", "ASCII", "ISO-8859-1", "UTF-16"})


def _shallow(body: bytes, encoding: str | None) -> bool:
    """Whether the well-formed ``body`` cannot nest deeper than ``MAX_DEPTH`` levels: it holds
    at most ``2 * MAX_DEPTH`` ``<`` (an element holding another opens and closes with one
    each, so ``MAX_DEPTH + 1`` levels need ``2 * MAX_DEPTH + 1``). Small answers pass this
    check in one scan instead of an XPath query."""
    return (
        body.count(b"<") <= 2 * MAX_DEPTH
        and encoding is not None
        and encoding.upper() in _LT_IS_ONE_BYTE
    )


def _parse_expat(body: bytes) -> Element:
    from xml.etree.ElementTree import ParseError, XMLPullParser

    Prolog(allow_doctype=True).feed(body)  # a DOCTYPE without entities is harmless, as before
    parser: Any = XMLPullParser(events=("start", "end"))
    state = _Walk()
    step = 64 << 10  # fed in pieces, so a hostile depth is refused early
    try:
        for start in range(0, len(body), step):
            parser.feed(body[start : start + step])
            state.take(parser.read_events())
        parser.close()
        state.take(parser.read_events())
    except ParseError as err:
        raise syntax_error(str(err)) from err
    except (LookupError, ValueError) as err:  # an unknown or multi-byte encoding declared
        raise BomgarProtocolError(f"the appliance's XML cannot be decoded: {err}") from err
    return state.root


class _Walk:
    """The root and the depth of ElementTree's events so far; too deep a body is refused."""

    def __init__(self) -> None:
        self.root: Element = None
        self.depth = 0

    def take(self, events: Any) -> None:
        for event, element in events:
            if event == "start":
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise too_deep()
                if self.root is None:
                    self.root = element
            else:
                self.depth -= 1
