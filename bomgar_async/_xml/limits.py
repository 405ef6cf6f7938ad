"""Limits on what one XML answer may cost to parse (pure).

Real answers nest a dozen levels at most; a hostile one nested 100,000 levels deep kept
xmltodict busy for a minute (its ``force_list`` callback copies the element path, so the
cost grows with the square of the depth). Every parser counts depth as elements open and
refuses the document at ``MAX_DEPTH`` levels, before the cost grows. Streaming parsers also
cap the text of one element (``MAX_TEXT_BYTES``), so a single huge text node cannot fill
memory while the rest of the report streams.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from ..errors import BomgarProtocolError

__all__ = ["MAX_DEPTH", "MAX_TEXT_BYTES", "DepthLimitedExpat", "too_deep", "too_much_text"]

MAX_DEPTH = 64
"""Elements nested deeper than this (the root is level 1) are refused."""

MAX_TEXT_BYTES = 16 << 20
"""The most text (in characters) one element may hold in a streamed report."""


def too_deep() -> BomgarProtocolError:
    """The error for a document nested deeper than :data:`MAX_DEPTH`."""
    return BomgarProtocolError(f"the appliance's XML is nested deeper than {MAX_DEPTH} levels")


def too_much_text() -> BomgarProtocolError:
    """The error for an element whose text exceeds :data:`MAX_TEXT_BYTES`."""
    return BomgarProtocolError(
        f"the appliance's XML has a text node of more than {MAX_TEXT_BYTES} characters"
    )


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
