"""Building a Command API model from the child elements its fields are named after (pure).

Most fields of the command models are a child element's text read one way, chosen by the
field's annotation: ``str | None`` (:func:`str_of`), ``int | None`` (:func:`int_of`),
``bool | None`` (:func:`bool_of`) or ``datetime | None`` (:func:`datetime_of`).
:func:`from_children` reads those and takes every other field from its caller.

:func:`from_kids` does the same from a parsed element's first child of each local name
(``_xml.tree.first_children``), reading each exactly as the node's reader reads the node
that element becomes (:func:`node_attr` is ``attr`` of that node), so both give equal models.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import attrs

from .._xml.core import Node
from .._xml.tree import XSI, Element, element_text
from .._xml.values import bool_of, datetime_of, int_of, str_of, to_bool, to_datetime, to_int

__all__ = ["datetime_element", "from_children", "from_kids", "node_attr"]

T = TypeVar("T")

# Keyed by the annotation as written (the models use ``from __future__ import annotations``).
_READERS: dict[object, Callable[[Node, str], Any]] = {
    "str | None": str_of,
    "int | None": int_of,
    "bool | None": bool_of,
    "datetime | None": datetime_of,
}


_Plan = tuple[tuple[str, Callable[[Node, str], Any] | None], ...]
_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    """Each field of the attrs class ``cls`` with the reader its annotation names."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = tuple((f.name, _READERS.get(f.type)) for f in attrs.fields(cls))
    return plan


def from_children(cls: type[T], node: Node, **given: Any) -> T:
    """An instance of the attrs class ``cls``: the fields in ``given`` as passed, every other
    field read from the child element of the same name by its annotation.

    Raises:
        TypeError: a field not in ``given`` has an annotation no reader handles (a
            programming error in the model, found by its first parse).
    """
    values = dict(given)
    for name, reader in _plan(cls):
        if name in values:
            continue
        if reader is None:
            raise TypeError(f"{cls.__name__}.{name}: no reader for its annotation; pass it")
        values[name] = reader(node, name)
    return cls(**values)


def node_attr(element: Element | None, name: str) -> str | None:
    """The attribute ``name`` of ``element`` as ``_xml.core.attr`` reads the element's node:
    matched by local name, ``xsi:`` attributes left out, the last of several with the same
    local name winning (``None`` when absent or ``element`` is ``None``)."""
    if element is None:
        return None
    found: str | None = None
    for key, value in element.items():
        if key == name or (key[0] == "{" and key.endswith("}" + name) and not key.startswith(XSI)):
            found = value
    return found


def _int_element(element: Element | None) -> int | None:
    return to_int(element_text(element))


def _bool_element(element: Element | None) -> bool | None:
    return to_bool(element_text(element))


def datetime_element(element: Element | None) -> datetime | None:
    """As :func:`~.._xml.values.datetime_of` reads the element's node: its ``ts`` or
    ``timestamp`` attribute (when readable), else its text."""
    if element is None:
        return None
    if element.keys():
        for stamp in (node_attr(element, "ts"), node_attr(element, "timestamp")):
            parsed = to_datetime(stamp)
            if parsed is not None:
                return parsed
    return to_datetime(element_text(element))


_ELEMENT_READERS: dict[object, Callable[[Element | None], Any]] = {
    "str | None": element_text,
    "int | None": _int_element,
    "bool | None": _bool_element,
    "datetime | None": datetime_element,
}
_KidsPlan = tuple[tuple[str, Callable[[Element | None], Any] | None], ...]
_KIDS_PLANS: dict[type[Any], _KidsPlan] = {}


def from_kids(cls: type[T], kids: dict[str, Element], **given: Any) -> T:
    """An instance of the attrs class ``cls`` as :func:`from_children` builds it from the
    node of the element whose first children (by local name) are ``kids``: the fields in
    ``given`` as passed, every other field read from ``kids[name]`` by its annotation.

    Raises:
        TypeError: a field not in ``given`` has an annotation no reader handles.
    """
    plan = _KIDS_PLANS.get(cls)
    if plan is None:
        fields = attrs.fields(cast(Any, cls))
        plan = _KIDS_PLANS[cls] = tuple((f.name, _ELEMENT_READERS.get(f.type)) for f in fields)
    for name, reader in plan:
        if name in given:
            continue
        if reader is None:
            raise TypeError(f"{cls.__name__}.{name}: no reader for its annotation; pass it")
        given[name] = reader(kids.get(name))
    return cls(**given)
