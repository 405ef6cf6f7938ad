"""Connected-client answers written straight to text (``get_connected_clients``, the ids of
``get_connected_client_list``).

A poll of thousands of clients asks for them 100 at a time, several requests at once; the
simulator answers each one after its latency, one at a time, so its own time per answer
adds to every round of the poll. Building an element per value and serializing the tree
cost most of that time; here each client is written directly, with the same element names,
order, attributes, escaping and empty-element form (``<tag />``) that building the tree and
``ElementTree.tostring`` gave, so the answers are byte for byte what they were. The text
travels in a :class:`~.xml_text.Fragment` inside the answer's root element.
"""

from __future__ import annotations

from urllib.parse import urlencode

from .state import ConnectedClient, Representative
from .world import World
from .xml_text import Fragment, escape_attribute, escape_text, iso

__all__ = ["MAX_EVENTS", "client_refs", "clients_text", "iso"]

#: what ``escape_attribute`` replaces: thousands of plain ids are checked at once for them
_ATTRIBUTE_SPECIALS = ("&", "<", ">", '"', "\r", "\n", "\t")

MAX_EVENTS = 20
"""The appliance returns at most the last 20 events of a client's connection log."""


def _leaf(tag: str, value: object, attribute: str = "", attribute_value: str = "") -> str:
    """``<tag a="v">value</tag>`` as ``_add`` + ``tostring`` wrote it (``<tag />`` when the
    text is empty; booleans as 1/0)."""
    head = f'<{tag} {attribute}="{escape_attribute(attribute_value)}"' if attribute else f"<{tag}"
    text = "" if value is None else str(int(value) if isinstance(value, bool) else value)
    return f"{head}>{escape_text(text)}</{tag}>" if text else head + " />"


def _holder(tag: str, inner: str) -> str:
    return f"<{tag}>{inner}</{tag}>" if inner else f"<{tag} />"


def _timed(tag: str, ts: int) -> str:
    return _leaf(tag, iso(ts), "ts", str(ts))


def _representative(world: World, rep: Representative) -> str:
    query = urlencode({"id": rep.id, "name": rep.public_display_name})
    url = f"https://{world.appliance.public_hostname}/api/start_session.ns?{query}"
    lsids = world.sessions_of(rep.id)
    ids = "".join(_leaf("lsid", lsid) for lsid in lsids)
    return "".join(
        (
            _leaf("user_id", rep.id),
            _leaf("type", rep.type),
            _leaf("username", rep.username),
            _leaf("public_display_name", rep.public_display_name),
            _leaf("private_display_name", rep.private_display_name),
            _leaf("start_session_url", url),
            _leaf("presentation_count", rep.presentation_count),
            _leaf("support_session_count", len(lsids)),
            _leaf("showing_on_rep_list", rep.showing_on_rep_list),
            _leaf("support_license", rep.support_license),
            _holder("support_session_ids", ids),
        )
    )


def _connections(client: ConnectedClient) -> str:
    items = "".join(
        "<client_connection>"
        + _leaf("appliance_id", c.appliance_id)
        + _leaf("purpose", c.purpose)
        + _leaf("receive_traffic_node", c.receive_traffic_node)
        + _timed("connected_since", c.connected_since)
        + _leaf("private_ip", c.private_ip)
        + "</client_connection>"
        for c in client.connections
    )
    events = "".join(_leaf("event", e.text, "ts", str(e.ts)) for e in client.events[-MAX_EVENTS:])
    return _holder("client_connections", items) + _holder("event_log", events)


def _client(world: World, client: ConnectedClient, include_connections: bool) -> str:
    tag = f"connected_{client.type}"
    parts = [
        f'<{tag} id="{escape_attribute(client.id)}">',
        _leaf("hostname", client.hostname),
        _leaf("platform", client.platform_name, "id", client.platform_id),
        _leaf("timezone_offset", client.timezone_offset),
    ]
    if include_connections:
        parts.append(_timed("connected_since", client.connected_since))
    if client.rep_id is not None:
        parts.append(_representative(world, world.rep(client.rep_id)))
    else:
        parts.append(_leaf("name", client.name))
    if client.non_interactive:
        parts.append(_leaf("non_interactive", client.non_interactive))
    if client.lsid is not None:
        parts.append(_leaf("lsid", client.lsid))
    if include_connections:
        parts.append(_connections(client))
    parts.append(f"</{tag}>")
    return "".join(parts)


def clients_text(
    world: World, clients: list[ConnectedClient], include_connections: bool
) -> Fragment:
    """A ``<connected_TYPE>`` element for each client, as one fragment."""
    return Fragment("".join(_client(world, c, include_connections) for c in clients))


def client_refs(clients: list[ConnectedClient]) -> Fragment:
    """A ``<connected_client type=".." id=".." />`` for each client, as one fragment."""
    pairs = [(c.type, c.id) for c in clients]
    every = "".join(kind + ident for kind, ident in pairs)
    if any(special in every for special in _ATTRIBUTE_SPECIALS):
        pairs = [(escape_attribute(kind), escape_attribute(ident)) for kind, ident in pairs]
    return Fragment("".join(f'<connected_client type="{k}" id="{i}" />' for k, i in pairs))
