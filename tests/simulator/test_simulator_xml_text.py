"""The simulator's answers are written by ``xml_text.to_text`` exactly as
``ElementTree.tostring`` writes them, the connected-client answers written straight to text
(``render_clients``) are byte for byte what building their tree gave (the tree builders of
before are kept here as the reference), and ``find_clients`` keeps the world's order."""

from __future__ import annotations

from urllib.parse import urlencode
from xml.etree.ElementTree import Comment, Element, SubElement, tostring

import pytest

from bomgar_async.simulator import render
from bomgar_async.simulator.render_clients import iso
from bomgar_async.simulator.seed import add_connected_clients
from bomgar_async.simulator.state import ConnectedClient, ConnectionEvent, Representative
from bomgar_async.simulator.world import CLIENT_TYPES, World
from bomgar_async.simulator.xml_text import Fragment, to_text

pytestmark = pytest.mark.timeout(60)

NOW = 1_700_000_000


def _world() -> World:
    world = World.generate(7, now=NOW, history=0)
    add_connected_clients(world, 300)
    odd = world.clients[-1]  # characters that need escaping, empty texts
    odd.hostname, odd.name, odd.platform_name = 'host & "co" <x>', "", "Linux\t>\n"
    odd.id = 'id-"&<>\r\n\t'
    odd.events.append(ConnectionEvent(ts=NOW, text="lost <link> & back"))
    world.clients[-2].events.clear()
    return world


# -- the tree builders of before (the reference the text writers must match) ---------------


def _add(parent: Element, tag: str, text: object = None, **attrs: str) -> Element:
    element = SubElement(parent, tag, attrs)
    if text is not None:
        element.text = str(int(text) if isinstance(text, bool) else text)
    return element


def _timed(parent: Element, tag: str, ts: int) -> Element:
    return _add(parent, tag, iso(ts), ts=str(ts))


def _rep_details(world: World, node: Element, rep: Representative) -> None:
    _add(node, "user_id", rep.id)
    _add(node, "type", rep.type)
    _add(node, "username", rep.username)
    _add(node, "public_display_name", rep.public_display_name)
    _add(node, "private_display_name", rep.private_display_name)
    query = urlencode({"id": rep.id, "name": rep.public_display_name})
    url = f"https://{world.appliance.public_hostname}/api/start_session.ns?{query}"
    _add(node, "start_session_url", url)
    lsids = world.sessions_of(rep.id)
    _add(node, "presentation_count", rep.presentation_count)
    _add(node, "support_session_count", len(lsids))
    _add(node, "showing_on_rep_list", rep.showing_on_rep_list)
    _add(node, "support_license", rep.support_license)
    ids = _add(node, "support_session_ids")
    for lsid in lsids:
        _add(ids, "lsid", lsid)


def _old_clients(world: World, clients: list[ConnectedClient], connections: bool) -> Element:
    root = Element("connected_clients")
    for client in clients:
        node = _add(root, f"connected_{client.type}", id=client.id)
        _add(node, "hostname", client.hostname)
        _add(node, "platform", client.platform_name, id=client.platform_id)
        _add(node, "timezone_offset", client.timezone_offset)
        if connections:
            _timed(node, "connected_since", client.connected_since)
        if client.rep_id is not None:
            _rep_details(world, node, world.rep(client.rep_id))
        else:
            _add(node, "name", client.name)
        if client.non_interactive:
            _add(node, "non_interactive", client.non_interactive)
        if client.lsid is not None:
            _add(node, "lsid", client.lsid)
        if connections:
            holder = _add(node, "client_connections")
            for connection in client.connections:
                item = _add(holder, "client_connection")
                _add(item, "appliance_id", connection.appliance_id)
                _add(item, "purpose", connection.purpose)
                _add(item, "receive_traffic_node", connection.receive_traffic_node)
                _timed(item, "connected_since", connection.connected_since)
                _add(item, "private_ip", connection.private_ip)
            log = _add(node, "event_log")
            for event in client.events[-20:]:
                _add(log, "event", event.text, ts=str(event.ts))
    return root


def _old_list(world: World, types: list[str], with_pinned: bool, summary_only: bool) -> Element:
    root = Element("connected_client_list")
    clients = world.find_clients(types)
    summary = _add(root, "connected_client_summary")
    for appliance in world.appliances:
        node = _add(summary, "appliance_summary", id=appliance.id)
        home = [c for c in clients if c.connections[0].appliance_id == appliance.id]
        for kind in types:
            _add(node, "count", sum(1 for c in home if c.type == kind), type=kind)
        if with_pinned:
            _add(node, "count", world.pinned_clients.get(appliance.id, 0), type="pinned_client")
    if not summary_only:
        for client in clients:
            _add(root, "connected_client", type=client.type, id=client.id)
    return root


@pytest.mark.parametrize("connections", [False, True])
@pytest.mark.parametrize("namespace", [None, render.COMMAND_NS_BOMGAR])
def test_connected_clients_are_byte_for_byte_what_the_tree_gave(
    connections: bool, namespace: str | None
) -> None:
    world = _world()
    everyone = world.find_clients(list(CLIENT_TYPES))
    assert any(c.rep_id is not None for c in everyone)  # representatives' details too
    for clients in (everyone, everyone[-100:], everyone[:1], []):
        new = render.document(render.connected_clients(world, clients, connections), namespace)
        old = render.document(_old_clients(world, clients, connections), namespace)
        assert new == old


@pytest.mark.parametrize(
    ("types", "pinned", "summary_only"),
    [(list(CLIENT_TYPES), True, False), (["push_agent"], False, False), (["rdp"], True, True)],
)
def test_the_client_list_is_byte_for_byte_what_the_tree_gave(
    types: list[str], pinned: bool, summary_only: bool
) -> None:
    world = _world()
    for namespace in (None, render.COMMAND_NS_HTTPS):
        new = render.connected_client_list(world, types, pinned, summary_only)
        old = _old_list(world, types, pinned, summary_only)
        assert render.document(new, namespace) == render.document(old, namespace)


def test_a_tree_holding_a_fragment_is_never_handed_to_tostring() -> None:
    root = Element("{http://example.com/ns}root")  # would go to tostring
    root.append(Fragment("<a />"))
    with pytest.raises(TypeError, match="Fragment"):
        to_text(root)


def _answers(world: World) -> list[Element]:
    user = world.users["admin"]
    return [
        render.logged_in_reps(world),
        render.health_check(world),
        render.api_information(world, user, NOW),
        render.support_teams(world, True),
        render.appliances(world),
        render.error("Invalid credentials"),
        render.error_in("connected_clients", "Too many ids"),
        render.success("Successfully terminated"),
        _old_clients(world, world.clients, True),
        _old_list(world, list(CLIENT_TYPES), True, False),
    ]


def test_every_command_answer_is_written_as_tostring_writes_it() -> None:
    for root in _answers(_world()):
        assert to_text(root) == tostring(root, encoding="unicode")


def test_escaping_empty_elements_and_tails_match_tostring() -> None:
    root = Element("root", {"a": 'x & y < z > "q"\r\n\tend', "b": ""})
    SubElement(root, "empty")
    SubElement(root, "blank").text = ""
    SubElement(root, "text").text = "Tom & Jerry <3 > 2 \"quoted\" 'single'\r\n\ttab"
    child = SubElement(root, "nested", {"id": "1"})
    SubElement(child, "leaf").text = "ünïcödé ☃"
    child.tail = "tail & more <"
    SubElement(root, "after").tail = "\n"
    assert to_text(root) == tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    "root",
    [
        Element("{http://example.com/ns}root"),  # namespaced: tostring's prefixes
        Element("root", {"{http://example.com/ns}attr": "v"}),
    ],
)
def test_namespaced_trees_are_left_to_tostring(root: Element) -> None:
    SubElement(root, "child").text = "x"
    assert to_text(root) == tostring(root, encoding="unicode")


def test_comments_are_left_to_tostring() -> None:
    root = Element("root")
    root.append(Comment(" a note "))
    assert to_text(root) == tostring(root, encoding="unicode") == "<root><!-- a note --></root>"


def test_values_tostring_refuses_are_refused_the_same_way() -> None:
    root = Element("root")
    SubElement(root, "count").text = 3  # type: ignore[assignment]
    with pytest.raises(TypeError):
        tostring(root, encoding="unicode")
    with pytest.raises(TypeError):
        to_text(root)


def test_find_clients_keeps_the_world_order_and_filters_by_type() -> None:
    world = _world()
    ids = [c.id for c in world.clients]
    wanted = ids[::-3]  # asked in another order: answered in the world's
    found = world.find_clients(list(CLIENT_TYPES), wanted)
    assert [c.id for c in found] == [i for i in ids if i in set(wanted)]
    agents = world.find_clients(["push_agent"], wanted)
    assert agents == [c for c in found if c.type == "push_agent"]
    assert agents
    assert world.find_clients(["push_agent"]) == [
        c for c in world.clients if c.type == "push_agent"
    ]
    assert world.find_clients(list(CLIENT_TYPES), ["no-such-id"]) == []


def _scan(world: World, types: list[str], ids: list[str]) -> list[ConnectedClient]:
    """What ``find_clients`` answered before its id index: a scan of the whole list."""
    return [c for c in world.clients if c.id in set(ids) and c.type in types]


def test_find_clients_follows_every_change_to_the_clients() -> None:
    world = _world()
    kinds = list(CLIENT_TYPES)
    batch = [c.id for c in world.clients[100:200]]
    assert world.find_clients(kinds, batch) == _scan(world, kinds, batch)  # the index is built
    leaving = world.clients[150]
    world.clients.remove(leaving)  # removed (and every later client moved up)
    assert leaving not in world.find_clients(kinds, batch)
    assert world.find_clients(kinds, batch) == _scan(world, kinds, batch)
    arriving = ConnectedClient(**{**vars(leaving), "id": "new-1"})
    world.clients.append(arriving)  # the same length as when indexed: an unknown id still found
    assert world.find_clients(kinds, [*batch, "new-1"])[-1] is arriving
    world.clients[120] = ConnectedClient(**{**vars(world.clients[120]), "id": "new-2"})  # replaced
    assert world.find_clients(kinds, batch) == _scan(world, kinds, batch)
    assert [c.id for c in world.find_clients(kinds, ["new-2"])] == ["new-2"]
    world.clients[130].id = "renamed"  # renamed in place
    assert [c.id for c in world.find_clients(kinds, ["renamed"])] == ["renamed"]
    assert world.find_clients(kinds, batch) == _scan(world, kinds, batch)
    twin = ConnectedClient(**{**vars(world.clients[140]), "hostname": "twin"})
    world.clients.append(twin)  # a second client with an id already indexed
    assert world.find_clients(kinds, [twin.id]) == [world.clients[140], twin]
    world.clients = list(reversed(world.clients))  # another list
    assert world.find_clients(kinds, batch) == _scan(world, kinds, batch)
    assert world.find_clients(kinds, ["nobody"]) == []
