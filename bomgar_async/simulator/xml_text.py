"""Element trees as text, the way ``xml.etree.ElementTree.tostring`` writes them, faster.

The simulator builds every Command API answer as a small :class:`~xml.etree.ElementTree.Element`
tree of plain names, string attributes and string text. ``tostring`` first walks the whole
tree to collect namespaces, then writes it; on a poll of thousands of connected clients that
walk and the generic writer are most of the simulator's own time. :func:`to_text` writes the
same characters in one pass: ``<tag a="v">text</tag>``, ``<tag />`` when empty, text escaped
for ``& < >`` and attribute values also for ``"``, carriage return, newline and tab. A tree
it was not written for (a namespaced ``{uri}name``, a comment, a non-string value) goes to
``tostring`` itself, so the answer is always what ``tostring`` would give. A
:class:`Fragment` child is text written elsewhere (:mod:`.render_clients`), copied as is.
Answers written as text without a tree (:mod:`.render_clients`, :mod:`.reports_render`)
share its escaping and :func:`iso`, the one way the simulator writes a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from xml.etree.ElementTree import Element, tostring

__all__ = ["Fragment", "escape_attribute", "escape_text", "iso", "to_text"]


class _Unusual(Exception):
    """A tree ``to_text`` leaves to ``tostring``."""


class Fragment(Element):
    """A child standing for elements already written as text (``markup``, written as is).

    Answers of thousands of similar elements (connected clients) are written straight to
    text; a ``Fragment`` carries that text inside an ordinary tree, so the answer still goes
    through the usual ``document`` (root attributes, ``xmlns``). Only :func:`to_text` knows
    fragments: a tree holding one is never handed to ``tostring``.
    """

    def __init__(self, markup: str) -> None:
        super().__init__("fragment")
        self.markup = markup


def escape_text(text: str) -> str:
    """Character data escaped as ``tostring`` escapes it (``& < >``)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(value: str) -> str:
    """An attribute value escaped as ``tostring`` escapes it (also ``"``, CR, LF, tab)."""
    value = escape_text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def iso(ts: int) -> str:
    """A UNIX time as ISO 8601 with a ``+00:00`` offset, as the appliance writes times."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


def _write(element: Element, write: Callable[[str], object]) -> None:
    if isinstance(element, Fragment):
        write(element.markup)
        return
    tag = element.tag
    if type(tag) is not str or tag[:1] == "{":
        raise _Unusual
    write("<" + tag)
    for key, value in element.attrib.items():
        if type(key) is not str or type(value) is not str or key[:1] == "{":
            raise _Unusual
        write(f' {key}="{escape_attribute(value)}"')
    text = element.text
    if text is not None and type(text) is not str:
        raise _Unusual
    if text or len(element):
        write(">")
        if text:
            write(escape_text(text))
        for child in element:
            _write(child, write)
        write("</" + tag + ">")
    else:
        write(" />")
    tail = element.tail
    if tail:
        if type(tail) is not str:
            raise _Unusual
        write(escape_text(tail))


def to_text(root: Element) -> str:
    """``tostring(root, encoding="unicode")``: the same text, in one pass for plain trees."""
    parts: list[str] = []
    try:
        _write(root, parts.append)
    except _Unusual:
        if any(isinstance(element, Fragment) for element in root.iter()):
            raise TypeError("a tree holding a Fragment must be plain to be written") from None
        return tostring(root, encoding="unicode")
    return "".join(parts)
