"""The standard library's ElementTree pull parser, told only when an element ends (pure).

:class:`~.records.ElementStream` needs to know when each child of the root is complete.
Reading a ``start`` and an ``end`` event for every element costs more than the parse
itself, so once the root has begun the parser reports only ``end`` events, and those are
never read one by one: after each chunk, the last one tells whether the root's last child
is complete (every earlier child is). Nesting is then checked on the finished items' trees
(:func:`deeper_than`), as for lxml.

This uses two internals of :class:`xml.etree.ElementTree.XMLPullParser` that have not
changed since Python 3.4 (its event deque and its parser's ``_setevents``);
:func:`quiet_events` returns ``None`` where they are missing, and the stream then reads
every event.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from .tree import Element

__all__ = ["QuietEvents", "deeper_than", "quiet_events"]


def deeper_than(element: Element, levels: int) -> bool:
    """Whether an ElementTree ``element`` holds elements ``levels`` levels below it."""
    level = [element]
    for _ in range(levels):
        level = [child for parent in level for child in parent]
        if not level:
            return False
    return True


class QuietEvents:
    """The events of an ElementTree ``XMLPullParser`` made with ``("start", "end")``."""

    def __init__(self, parser: Any, queue: deque[Any]) -> None:
        self._parser = parser
        self._queue = queue
        self.root: Element | None = None

    def read(self) -> tuple[Element | None, Exception | None]:
        """The element that ended last in what was fed since the last call (``None`` if
        none did) and the parse error that stopped the parser, if any. The first call that
        finds the root's start sets :attr:`root` and turns ``start`` events off."""
        queue = self._queue
        error = queue.pop() if queue and isinstance(queue[-1], Exception) else None
        if self.root is None and queue:
            self.root = queue[0][1]  # the first event is the root's start
            inner = self._parser._parser
            if inner is not None:  # None once the parser is closed
                inner._setevents(queue, ("end",))
        last = None
        for event, element in reversed(queue):
            if event == "end":
                last = element
                break
        queue.clear()
        return last, error


def quiet_events(parser: Any) -> QuietEvents | None:
    """:class:`QuietEvents` for ``parser``, or ``None`` where its internals differ."""
    queue = getattr(parser, "_events_queue", None)
    inner = getattr(parser, "_parser", None)
    if not isinstance(queue, deque) or not hasattr(inner, "_setevents"):
        return None  # pragma: no cover - another ElementTree
    return QuietEvents(parser, queue)
