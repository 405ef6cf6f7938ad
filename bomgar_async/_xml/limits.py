"""Limits on what one XML answer may cost to parse (pure).

Real answers nest a dozen levels at most; a hostile one nested 100,000 levels deep once kept
a parser busy for a minute. Every parser refuses documents deeper than ``MAX_DEPTH`` levels
(:mod:`.parsing`, :mod:`.records`). Streaming parsers also cap the text of one element
(``MAX_TEXT_BYTES``), so a single huge text node cannot fill memory while the rest of the
report streams.
"""

from __future__ import annotations

from ..errors import BomgarProtocolError

__all__ = ["MAX_DEPTH", "MAX_TEXT_BYTES", "too_deep", "too_much_text"]

MAX_DEPTH = 64
"""Elements nested deeper than this (the root is level 1) are refused."""

MAX_TEXT_BYTES = 16 << 20
"""The most text (in characters) one element may hold; a stream also refuses a run of more
than this many bytes without markup as it arrives."""


def too_deep() -> BomgarProtocolError:
    """The error for a document nested deeper than :data:`MAX_DEPTH`."""
    return BomgarProtocolError(f"the appliance's XML is nested deeper than {MAX_DEPTH} levels")


def too_much_text() -> BomgarProtocolError:
    """The error for an element whose text exceeds :data:`MAX_TEXT_BYTES`."""
    return BomgarProtocolError(
        f"the appliance's XML has a text node of more than {MAX_TEXT_BYTES} characters"
    )
