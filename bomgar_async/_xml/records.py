"""Incremental parsing of ``<root><item/>...</root>`` bodies into one element per item,
each handed over as soon as its end tag is read (pure, no I/O).

The parser (lxml, or the standard library's expat-based ElementTree) builds each item's
subtree in C; Python sees one event per item (lxml, which filters by tag) or per element
(ElementTree), never a callback per attribute or text piece. Finished items are detached
from the root, so memory holds one item at a time, however large the report.

Limits, as for whole answers: nesting deeper than ``MAX_DEPTH`` levels is refused (checked
on every item before it is handed over, on what is in progress every 256 KiB, and by lxml
itself beyond 2,048 levels); a text node of more than ``MAX_TEXT_BYTES`` characters is
refused (a run of that many bytes without markup as it arrives, the exact count when an
item that large completes); a DOCTYPE is refused before the body reaches the parser.
An ``<error>`` root, or ``<error>`` child of the expected root, raises ``BomgarAPIError``
with the error's whole text and its ``code`` attribute.
"""

from __future__ import annotations

from typing import Any

from ..errors import BomgarError, BomgarProtocolError, api_error
from . import tree
from .etree_items import deeper_than, quiet_events
from .limits import MAX_DEPTH, MAX_TEXT_BYTES, too_deep, too_much_text
from .parsing import (
    DeeperThan,
    Prolog,
    doctype_error,
    lxml_deeper_than,
    lxml_options,
    syntax_error,
    too_deep_below,
)
from .tree import LOCAL_NAMES, Element, attr_of, local, lxml_etree

__all__ = ["ElementStream"]

_GUARD_EVERY = 256 << 10
_ERROR_TEXT_CAP = 1 << 20  # characters of an <error> answer's text kept for its message


class ElementStream:
    """Items of a ``<root>`` body, fed chunk by chunk.

    Args:
        root: the expected root's local name.
        item: the local name of each item (a child of the root).
        action: the report name, for error messages.
        backend: ``"lxml"`` or ``"expat"`` (``None``: :data:`~.tree.BACKEND`).
        deeper: lxml's depth check on each item (:func:`~.parsing.lxml_deeper_than`, or an
            equivalent such as the compiled builder's, which reads the C tree).
    """

    def __init__(
        self,
        *,
        root: str,
        item: str,
        action: str,
        backend: str | None = None,
        deeper: DeeperThan = lxml_deeper_than,
    ) -> None:
        self._root_name = root
        self._item = item
        self._action = action
        self._lxml = (backend or tree.BACKEND) == "lxml"
        self._deeper = deeper
        self._prolog = Prolog()
        self._fed = 0  # bytes given to the parser
        self._run = 0  # bytes of text since the last tag (or of the tag still open)
        self._in_tag = False  # a "<" was read and not yet its ">"
        self._checked_at = 0  # self._fed at the last depth check of the item in progress
        self._root: Element | None = None
        self._root_closed = False
        self._current: Element | None = None  # the item in progress
        self._current_from = 0  # self._fed when it began (at most)
        self._depth = 0  # expat backend: the open elements
        self._error_text: list[str] = []  # text of an <error> root's children already dropped
        self._error_size = 0
        if self._lxml:
            tags = (f"{{*}}{root}", f"{{*}}{item}", "{*}error")
            self._parser: Any = lxml_etree.XMLPullParser(
                events=("start", "end"), tag=tags, **lxml_options()
            )
            self._syntax_error: type[Exception] = lxml_etree.XMLSyntaxError
        else:
            from xml.etree.ElementTree import ParseError, XMLPullParser

            self._parser = XMLPullParser(events=("start", "end"))
            self._syntax_error = ParseError
        self._quiet = None if self._lxml else quiet_events(self._parser)

    def feed(self, chunk: bytes) -> list[Element]:
        """The items completed by ``chunk``, in document order."""
        self._count_run(chunk)
        if self._run > MAX_TEXT_BYTES:
            raise too_much_text()
        ready = self._prolog.feed(chunk)
        if not ready:
            return []
        return self._push(ready)

    def _count_run(self, chunk: bytes) -> None:
        """Bytes of text since the last tag closed (or since ``<``, while a tag is open)."""
        opened = chunk.rfind(b"<")
        if opened < 0 and not self._in_tag:
            self._run += len(chunk)
            return
        closed = chunk.find(b">", opened + 1)
        if closed >= 0:
            self._run, self._in_tag = len(chunk) - closed - 1, False
        elif opened >= 0:
            self._run, self._in_tag = len(chunk) - opened - 1, True
        else:
            self._run += len(chunk)

    def close(self) -> list[Element]:
        """The items not yet returned; raises if the body was cut short."""
        started = self._prolog.state
        done = self._push(self._prolog.flush(), truncated=started == "prolog")
        try:
            root = self._parser.close()
            done += self._events(self._fed)
        except self._syntax_error as err:
            truncated = started == "prolog" or (started == "root" and not self._root_closed)
            raise syntax_error(str(err), truncated=truncated) from err
        except (LookupError, ValueError) as err:  # expat: an unknown or multi-byte encoding
            raise BomgarProtocolError(f"the appliance's XML cannot be decoded: {err}") from err
        if root is None:
            root = self._root
        if root is not None:
            self._check_root(root)
            for child in root:
                if self._too_deep(child):
                    raise too_deep()
        return done

    def _push(self, data: bytes, *, truncated: bool = False) -> list[Element]:
        before = self._fed
        self._fed += len(data)
        try:
            self._parser.feed(data)
            done = self._events(before)  # ElementTree reports its errors as events
        except self._syntax_error as err:
            raise syntax_error(str(err), truncated=truncated) from err
        except (LookupError, ValueError) as err:  # expat: an unknown or multi-byte encoding
            raise BomgarProtocolError(f"the appliance's XML cannot be decoded: {err}") from err
        current = self._current
        if current is not None and self._fed - self._checked_at >= _GUARD_EVERY:
            self._checked_at = self._fed
            if self._too_deep(current):
                raise too_deep()
        return done

    def _events(self, before: int) -> list[Element]:
        if self._lxml:
            return self._lxml_events(before)
        if self._quiet is not None:
            return self._quiet_events(before)
        return self._expat_events(before)

    def _too_deep(self, element: Element) -> bool:
        """Whether an item (a child of the root) holds elements deeper than ``MAX_DEPTH``
        (the ElementTree parser that reads every event counts levels as they start)."""
        if self._lxml:
            return too_deep_below(element, 2, self._deeper)
        return self._quiet is not None and deeper_than(element, MAX_DEPTH - 1)

    def _check_root(self, root: Element) -> None:
        name = local(root.tag)
        if name == "error":
            raise self._error(root)
        if name != self._root_name:
            raise BomgarProtocolError(f"{self._action}: expected <{self._root_name}>, got <{name}>")

    def _error(self, element: Element) -> BomgarError:
        if element is self._root and element is not None:  # first children gone, text kept
            parts = [element.text or "", *self._error_text]
            parts += [t for child in element for t in (*child.itertext(), child.tail or "")]
        else:
            parts = list(element.itertext())
        message = "".join(parts).strip() or "unspecified error"
        return api_error(message, action=self._action, code=attr_of(element, "code"))

    def _drop(self, root: Element, count: int) -> None:
        """Forget the root's first ``count`` children; an ``<error>`` root keeps their text
        (at most ``_ERROR_TEXT_CAP`` characters) for its message, and its last child until
        another follows or the root ends (the parser sets a tail when the next tag comes)."""
        if local(root.tag) == "error":
            if not self._root_closed:  # a child's tail is final once a sibling follows it
                count = min(count, len(root) - 1)
            for child in root[:count]:
                for piece in (*child.itertext(), child.tail or ""):
                    if self._error_size < _ERROR_TEXT_CAP:
                        self._error_text.append(piece)
                        self._error_size += len(piece)
        if count > 0:
            del root[:count]

    def _finish(self, element: Element) -> None:
        """Checks on an item (or other child of the root) before it is handed over."""
        if self._too_deep(element):
            raise too_deep()
        self._check_text(element)

    def _check_text(self, element: Element) -> None:
        if self._fed - self._current_from > MAX_TEXT_BYTES:
            for part in element.iter():
                size = len(part.text or "") + sum(len(c.tail or "") for c in part)
                if size > MAX_TEXT_BYTES:
                    raise too_much_text()

    def _lxml_events(self, before: int) -> list[Element]:
        done: list[Element] = []
        last = None
        for event, element in self._parser.read_events():
            parent = element.getparent()
            if parent is None:  # the root (expected, or an <error>)
                if event == "start":
                    self._root = element
                    doctype = element.getroottree().docinfo.doctype
                    if doctype:
                        raise doctype_error(doctype)
                    if local(element.tag) != self._root_name and local(element.tag) != "error":
                        self._check_root(element)  # pragma: no cover - filtered by tag
                else:
                    self._root_closed = True
                    self._check_root(element)
                continue
            if parent.getparent() is not None:
                continue  # an element of that name deeper inside an item
            self._check_root(parent)
            if local(element.tag) == "error":
                if event == "end":
                    raise self._error(element)
            elif event == "start":
                self._current, self._current_from, self._checked_at = element, before, before
            else:
                self._finish(element)
                done.append(element)
                last = element
                self._current = None
        if last is not None:
            root = last.getparent()
            upto = root.index(last)
            for child in root[:upto]:
                if local(child.tag) != self._item:
                    self._finish(child)
            self._drop(root, upto + 1)
        return done

    def _quiet_events(self, before: int) -> list[Element]:
        """The ElementTree parser's completed items, from the last element that ended."""
        assert self._quiet is not None
        last, error = self._quiet.read()
        root = self._quiet.root
        done: list[Element] = []
        if root is not None:
            if self._root is None:
                self._root = root
                if local(root.tag) != "error":
                    self._check_root(root)
            count = len(root)
            if last is root:
                self._root_closed = True
                complete = count
            else:  # the last child is complete if it ended last
                complete = count if count and root[-1] is last else max(count - 1, 0)
            in_error = local(root.tag) == "error"
            for child in root[:complete]:
                if child is not self._current:
                    self._current_from = before
                if self._too_deep(child):
                    raise too_deep()
                name = LOCAL_NAMES.get(child.tag) or local(child.tag)
                if name == "error" and not in_error:
                    raise self._error(child)
                self._check_text(child)
                if name == self._item and not in_error:
                    done.append(child)
            if complete:
                self._drop(root, complete)
            if complete < count:
                if root[-1] is not self._current:
                    self._current, self._current_from = root[-1], before
                    self._checked_at = before
            else:
                self._current = None
            if self._root_closed:
                self._check_root(root)
        if error is not None:
            raise error
        return done

    def _expat_events(self, before: int) -> list[Element]:
        done: list[Element] = []
        finished = 0
        depth = self._depth
        try:
            for event, element in self._parser.read_events():
                if event == "start":
                    depth += 1
                    if depth > 2:
                        if depth > MAX_DEPTH:
                            raise too_deep()
                    elif depth == 1:
                        self._root = element
                        if local(element.tag) != "error":
                            self._check_root(element)
                    else:
                        self._current, self._current_from = element, before
                    continue
                depth -= 1
                if depth > 1:
                    continue
                if depth == 0:
                    self._root_closed = True
                    self._check_root(element)
                    continue
                finished += 1
                self._current = None
                name = LOCAL_NAMES.get(element.tag) or local(element.tag)
                in_error = self._root is not None and local(self._root.tag) == "error"
                if name == "error" and not in_error:
                    raise self._error(element)
                self._finish(element)
                if name == self._item and not in_error:
                    done.append(element)
        finally:
            self._depth = depth
        if finished and self._root is not None:
            self._drop(self._root, finished)
        return done
