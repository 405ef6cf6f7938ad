"""Building a Command API model from the child elements its fields are named after (pure).

Most fields of the command models are a child element's text read one way, chosen by the
field's annotation: ``str | None`` (:func:`str_of`), ``int | None`` (:func:`int_of`),
``bool | None`` (:func:`bool_of`) or ``datetime | None`` (:func:`datetime_of`).
:func:`from_children` reads those and takes every other field from its caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from .._xml.core import Node
from .._xml.values import bool_of, datetime_of, int_of, str_of

__all__ = ["from_children"]

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
