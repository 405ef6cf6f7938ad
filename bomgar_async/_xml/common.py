"""Helpers shared by the model modules: reading required ids and blank elements (pure)."""

from __future__ import annotations

from ..errors import BomgarProtocolError
from .core import (
    Node,
    attr,
)
from .values import to_int

__all__ = ["is_blank", "required_id", "required_int_id"]


def is_blank(node: Node) -> bool:
    """An element with neither attributes, children nor text (``<issue/>``)."""
    return node is None or (isinstance(node, str) and not node.strip())


def required_id(node: Node, element: str) -> str:
    """The ``id`` attribute of ``<element>``; BomgarProtocolError when it is missing."""
    value = attr(node, "id")
    if value is None or not value.strip():
        raise BomgarProtocolError(f"<{element}> has no id attribute")
    return value.strip()


def required_int_id(node: Node, element: str) -> int:
    """The numeric ``id`` attribute of ``<element>``."""
    value = to_int(required_id(node, element))
    if value is None:
        raise BomgarProtocolError(f"<{element}> has a non-numeric id")
    return value
