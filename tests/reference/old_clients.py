"""The connected-client parsers as they were before the one-pass parser (issue 11, goal 4):
the body parsed into nodes (``parse_document``), the models built by ``from_node``, and a
second expat pass over the body for the order of the root's children. Kept only as the
reference the tests compare the shipped parsers with."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from bomgar_async._xml.core import Node, children, parse_document
from bomgar_async._xml.limits import MAX_DEPTH, too_deep
from bomgar_async.command.clients import (
    CONNECTED_CLIENT_ELEMENTS,
    ConnectedClient,
    ConnectedClientList,
    connected_client_from,
)
from bomgar_async.errors import BomgarProtocolError

Parse = Callable[..., tuple[str, Any]]

_LISTS = (
    *CONNECTED_CLIENT_ELEMENTS,
    "client_connection",
    "event_log/event",
    "support_session_ids/lsid",
)


def old_parse_connected_client_list(
    body: bytes, parse: Parse = parse_document
) -> ConnectedClientList:
    """The old ``parse_connected_client_list``."""
    _, root = parse(
        body,
        list_paths=("appliance_summary", "count", "connected_client"),
        expected_roots=("connected_client_list",),
        action="get_connected_client_list",
    )
    return ConnectedClientList.from_node(root)


def _root_child_order(body: bytes) -> list[str]:
    names: list[str] = []
    depth = 0

    def start(name: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep()
        if depth == 2:
            names.append(name.rsplit(":", 1)[-1])

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def refuse_entities(*_args: object) -> None:
        raise BomgarProtocolError("the appliance's XML was refused: entities are disabled")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse_entities
    parser.Parse(body, True)
    return names


def old_parse_connected_clients(
    body: bytes, parse: Parse = parse_document
) -> list[ConnectedClient]:
    """The old ``parse_connected_clients``: two passes over the body."""
    _, root = parse(
        body,
        list_paths=_LISTS,
        expected_roots=("connected_clients",),
        action="get_connected_clients",
    )
    pending = {kind: deque(children(root, kind)) for kind in CONNECTED_CLIENT_ELEMENTS}
    clients: list[ConnectedClient] = []

    def add(kind: str, node: Node) -> None:
        client = connected_client_from(kind, node)
        if client is not None:
            clients.append(client)

    for kind in _root_child_order(body):
        queue = pending.get(kind)
        if queue:
            add(kind, queue.popleft())
    for kind, queue in pending.items():
        for node in queue:
            add(kind, node)
    return clients
