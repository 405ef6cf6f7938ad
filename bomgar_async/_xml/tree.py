"""Parsed XML elements, whichever parser built them (pure).

Two parsers build the same kind of element tree: lxml when it is installed (the ``fast``
extra: it tokenizes and builds the tree in C about twice as fast as the standard library)
and the standard library's ``xml.etree.ElementTree`` (expat, also building in C) otherwise.
Both give elements with ``tag`` (``{namespace}name``), ``text``, ``tail``, ``get()``,
``items()`` and their children by iteration; the helpers below read them by *local* name,
as the rest of the SDK does, and :func:`node_of` turns an element into the nested
dict/str/None shape the models' ``from_node`` read (the shape ``xmltodict`` produced).

Set ``BOMGAR_ASYNC_XML=expat`` in the environment to use the standard library even when
lxml is installed.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Collection, Iterator
from typing import Any

try:  # the optional fast parser (the ``fast`` extra)
    lxml_etree: Any = importlib.import_module("lxml.etree")
except ImportError:  # pragma: no cover - exercised where lxml is not installed
    lxml_etree = None

__all__ = [
    "BACKEND",
    "BACKENDS",
    "LOCAL_NAMES",
    "XSI",
    "Element",
    "attr_of",
    "children_named",
    "element_text",
    "first_children",
    "is_blank_element",
    "is_mapping_element",
    "local",
    "lxml_etree",
    "node_of",
    "own_text",
]

Element = Any  # an lxml or ElementTree element
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"

BACKENDS: tuple[str, ...] = ("lxml", "expat") if lxml_etree is not None else ("expat",)
"""The parsers available here, fastest first."""

BACKEND: str = "expat" if os.environ.get("BOMGAR_ASYNC_XML", "").lower() == "expat" else BACKENDS[0]
"""The parser used unless a caller names one: ``"lxml"`` or ``"expat"``."""


LOCAL_NAMES: dict[str, str] = {}
"""``{namespace}name`` -> ``name`` for the tags seen so far (at most ``_MAX_NAMES``): hot
loops read ``LOCAL_NAMES.get(tag) or local(tag)``, one dictionary look-up per element."""

_MAX_NAMES = 4096


def local(tag: str) -> str:
    """``{namespace}name`` -> ``name``."""
    name = tag[tag.index("}") + 1 :] if tag[0] == "{" else tag
    if len(LOCAL_NAMES) < _MAX_NAMES:
        name = LOCAL_NAMES[tag] = sys.intern(name)  # interned: ``==`` on a literal is ``is``
    return name


def attr_of(element: Element, name: str) -> str | None:
    """The attribute ``name`` of ``element`` matched by local name (``None`` when absent);
    schema-instance (``xsi:``) attributes are not data."""
    value: str | None = element.get(name)
    if value is None:
        for key, item in element.items():
            if key[0] == "{" and key.endswith("}" + name) and not key.startswith(XSI):
                return item  # type: ignore[no-any-return]
    return value


def own_text(element: Element) -> str | None:
    """The element's own text (between its children too), stripped; ``None`` when blank."""
    text = element.text
    if len(element):
        text = "".join([text or "", *(child.tail or "" for child in element)])
    if text:
        return text.strip() or None
    return None


def element_text(element: Element | None) -> str | None:
    """The stripped own text of an element (``None`` when absent or blank)."""
    if element is None:
        return None
    text = element.text
    if len(element):
        return own_text(element)
    if text:
        return text.strip() or None
    return None


def first_children(element: Element) -> dict[str, Element]:
    """The first child of each local name."""
    found: dict[str, Element] = {}
    keep = found.setdefault
    names = LOCAL_NAMES
    for child in element[:]:  # a slice: lxml builds the list in C, faster than iterating
        tag = child.tag
        keep(names.get(tag) or local(tag), child)
    return found


def children_named(element: Element | None, name: str) -> Iterator[Element]:
    """The children of ``element`` called ``name`` (none when ``element`` is ``None``)."""
    if element is None:
        return
    for child in element:
        tag = child.tag
        if tag == name or (tag[0] == "{" and tag.endswith("}" + name)):
            yield child


def _has_attributes(element: Element) -> bool:
    # an element is not a dict: keys() are its attribute names; a loop, no generator
    for name in element.keys():  # noqa: SIM110, SIM118
        if not name.startswith(XSI):
            return True
    return False


def is_blank_element(element: Element | None) -> bool:
    """Absent, or without attributes, children and text (``<issue/>``)."""
    if element is None:
        return True
    if len(element) or _has_attributes(element):
        return False
    text = element.text
    return not text or text.isspace()


def is_mapping_element(element: Element | None) -> bool:
    """Whether the element's node is a mapping (it has attributes or children)."""
    return element is not None and (len(element) > 0 or _has_attributes(element))


def node_of(element: Element, list_paths: Collection[str] = ()) -> Any:
    """``element`` as a node: ``None`` (empty), ``str`` (text only) or a ``dict`` of
    ``@attribute`` keys, child names (repeated children as lists) and ``#text``.

    Args:
        element: the element.
        list_paths: child names (or ``parent/child`` pairs) that are always lists.
    """
    return _node(element, local(element.tag), list_paths)


def _node(element: Element, name: str, list_paths: Collection[str]) -> Any:
    item: dict[str, Any] | None = None
    if element.keys():
        item = {}
        for key, value in element.items():
            if key[0] == "{":
                if key.startswith(XSI):
                    continue
                key = key[key.index("}") + 1 :]
            item["@" + key] = value
        item = item or None
    text = element.text
    texts = [text] if text else []
    for child in element:
        child_name = child.tag
        if child_name[0] == "{":
            child_name = child_name[child_name.index("}") + 1 :]
        value = _node(child, child_name, list_paths) if len(child) or child.keys() else None
        if value is None and not len(child):
            value = child.text
            value = (value.strip() or None) if value else None
        if item is None:
            item = {}
        existing = item.get(child_name, _MISSING)
        if existing is _MISSING:
            forced = list_paths and (
                child_name in list_paths or f"{name}/{child_name}" in list_paths
            )
            item[child_name] = [value] if forced else value
        elif isinstance(existing, list):
            existing.append(value)
        else:
            item[child_name] = [existing, value]
        if child.tail:
            texts.append(child.tail)
    joined = "".join(texts).strip() or None
    if item is None:
        return joined
    if joined:
        item["#text"] = joined
    return item


_MISSING = object()
