"""The XML core: one place that decides how an appliance's answer becomes data (pure, no I/O).

- Namespaces are ignored: elements and attributes are matched by local name, whatever the
  namespace (none before 14.1, bomgar.com, beyondtrust.com/sra, https beyondtrust.com).
- Elements named in ``list_paths`` always parse as lists, whether the appliance sent zero,
  one or many of them (``"rep"`` matches any ``<rep>``; ``"support_session_ids/lsid"``
  only an ``<lsid>`` inside ``<support_session_ids>``).
- An ``<error>`` root, or an ``<error>`` child of the root, becomes a ``BomgarAPIError``
  (its text stripped, its ``code`` attribute kept as ``.code``).
- HTML, empty, non-XML or truncated bodies become ``BomgarProtocolError``.
- Documents nested deeper than ``MAX_DEPTH`` (64) levels are refused (``_xml.limits``).
- Entities are never resolved and a body declaring any is refused, so a hostile body
  cannot expand entities or reach external resources.

The body is parsed into an element tree in C (lxml when installed, else the standard
library's ElementTree: :mod:`._xml.parsing`), then turned into nodes in one pass
(:func:`~._xml.tree.node_of`): ``None`` for an empty element, ``str`` for a text-only
element, ``dict`` (``@attr`` keys, child names, ``#text``) otherwise, the shape
``xmltodict`` produced. The accessors below read them tolerantly. :func:`parse_element` does
the same checks and hands over the element tree itself, for parsers that build their models
from the elements in one pass.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ..errors import (
    BomgarAPIError,
    BomgarProtocolError,
    api_error,
)
from .limits import MAX_DEPTH
from .parsing import parse_tree
from .tree import Element, local, node_of

__all__ = [
    "MAX_DEPTH",
    "Node",
    "attr",
    "child",
    "children",
    "parse_document",
    "parse_element",
    "text",
]

Node = Any  # dict[str, Node] | list[Node] | str | None, as produced by node_of


def _sniff(body: bytes) -> None:
    if body[:1] == b"<":  # the usual start: nothing to skip
        head = body[:14].lower()  # 14: len("<!doctype html")
    else:
        head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")[:14].lower()
    if not head:
        raise BomgarProtocolError("the appliance sent an empty body where XML was expected")
    if head.startswith((b"<!doctype html", b"<html")):
        raise BomgarProtocolError(
            "the appliance answered with an HTML page, not XML "
            "(is the XML API enabled, and is this the right host and path?)"
        )
    if not head.startswith(b"<"):
        raise BomgarProtocolError("the appliance's answer is not XML")


def parse_document(
    body: bytes,
    *,
    list_paths: Collection[str] = (),
    expected_roots: Collection[str] | None = None,
    action: str | None = None,
) -> tuple[str, Node]:
    """Parse an API answer into ``(root local name, root node)``.

    Args:
        body: the raw response body.
        list_paths: element names (or ``parent/child`` pairs) that always parse as lists.
        expected_roots: root names the action may answer with; ``None`` accepts any.
        action: the action or report name, for error messages.

    Raises:
        BomgarAPIError: (or a subclass) for an ``<error>`` root or an ``<error>`` child.
        BomgarProtocolError: for HTML, empty, malformed, truncated or too deeply nested
            bodies, or an unexpected root.
    """
    root, element = parse_element(body, expected_roots=expected_roots, action=action)
    return root, node_of(element, frozenset(list_paths))


def parse_element(
    body: bytes,
    *,
    expected_roots: Collection[str] | None = None,
    action: str | None = None,
) -> tuple[str, Element]:
    """Parse an API answer into ``(root local name, root element)``: what
    :func:`parse_document` checks and refuses, without building the nodes (for parsers
    that read the element tree in one pass, such as the connected clients')."""
    _sniff(body)
    element = parse_tree(body)
    root = local(element.tag)
    if root == "error":
        raise _error_of(node_of(element), action)
    kid = _error_child(element)
    if kid is not None:
        raise _error_of(node_of(kid), action)
    if expected_roots is not None and root not in expected_roots:
        wanted = ", ".join(f"<{r}>" for r in expected_roots)
        raise BomgarProtocolError(f"{action or 'call'}: expected {wanted}, got <{root}>")
    return root, element


def _error_child(element: Element) -> Element | None:
    """The first ``<error>`` child of ``element`` (any namespace), or ``None``."""
    find = getattr(element, "iterchildren", None)
    if find is not None:  # lxml matches the tag in C, making no element objects for the others
        return next(find("{*}error"), None)
    for kid in element:
        if local(kid.tag) == "error":
            return kid
    return None


def _error_of(node: Node, action: str | None) -> BomgarAPIError:
    """The exception for an ``<error>`` node: its text (stripped) and ``code`` attribute."""
    message = (text(node) or "").strip() or "unspecified error"
    return api_error(message, action=action, code=attr(node, "code"))


def child(node: Node, name: str) -> Node:
    """The child element ``name`` of ``node`` (``None`` when absent or ``node`` is not an element
    with children); a list child yields its first item."""
    if type(node) is not dict and not isinstance(node, Mapping):  # dict: the fast check
        return None
    value = node.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def children(node: Node, name: str) -> list[Node]:
    """All child elements ``name`` of ``node`` as a list (empty, one or many)."""
    if type(node) is not dict and not isinstance(node, Mapping):
        return []
    value = node.get(name)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def text(node: Node) -> str | None:
    """The text content of an element node (``None`` when empty or absent)."""
    if node is None:
        return None
    if type(node) is str:  # the common cases first: exact type checks are cheap
        return node
    if type(node) is dict or isinstance(node, Mapping):
        value = node.get("#text")
        return value if isinstance(value, str) else None
    if isinstance(node, list):
        return text(node[0]) if node else None
    return str(node)


def attr(node: Node, name: str) -> str | None:
    """The attribute ``name`` of an element node (``None`` when absent)."""
    if isinstance(node, list):
        node = node[0] if node else None
    if type(node) is not dict and not isinstance(node, Mapping):
        return None
    value = node.get("@" + name)
    return value if isinstance(value, str) else None
