"""Parts of a session report that real appliances send beyond the 1.11.0 guide: the session's
Jump Group (``<jump_group type="shared" id="1">Name</jump_group>``) and its custom attributes
(``<custom_attributes>``), in Remote Support and Privileged Remote Access reports alike.

Both are read tolerantly: an empty ``<custom_attributes/>`` is no attributes; a
``<custom_attribute code_name="...">`` is read as the Command API reads it, and any other
child element counts as an attribute named after the element.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ..._xml.common import is_blank
from ..._xml.core import (
    Node,
    attr,
    child,
    children,
)
from ..._xml.values import to_int
from ...command.models import CustomAttribute
from .parts import own_text

__all__ = ["CustomAttribute", "JumpGroup", "custom_attributes_of"]


@attrs.frozen(kw_only=True)
class JumpGroup:
    """The Jump Group of a session: ``type`` (``shared``, ``personal``, ...), ``id`` and
    ``name`` (the element's text)."""

    type: str | None = None
    id: int | None = None
    name: str | None = None

    @classmethod
    def of(cls, node: Node) -> JumpGroup | None:
        """The group, or ``None`` when ``<jump_group>`` is absent or entirely empty."""
        if is_blank(node):
            return None
        return cls(
            type=(attr(node, "type") or "").strip() or None,
            id=to_int(attr(node, "id")),
            name=own_text(node),
        )


def custom_attributes_of(node: Node) -> tuple[CustomAttribute, ...]:
    """The custom attributes in ``node``'s ``<custom_attributes>`` (empty when absent)."""
    holder = child(node, "custom_attributes")
    if not isinstance(holder, Mapping):
        return ()
    found: list[CustomAttribute] = []
    for name in holder:
        if name.startswith(("@", "#")):
            continue
        for item in children(holder, name):
            if name == "custom_attribute" and (attr(item, "code_name") or child(item, "code_name")):
                found.append(CustomAttribute.from_node(item))
            elif name != "custom_attribute":
                found.append(CustomAttribute(code_name=name, value=own_text(item)))
    return tuple(found)
