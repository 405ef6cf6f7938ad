"""The one-pass connected-client parsers (issue 11, goal 4) build exactly what the two-pass
parsers before them built (tests/reference/old_clients.py, on nodes from today's
``parse_document`` and from the xmltodict-based one before issue 11): on every fixture (the
real recordings included), on simulator answers of thousands of clients of every kind in
shuffled order, namespaced and prefixed, and on hand-made edge cases; with each XML backend."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bomgar_async._xml.core import parse_element
from bomgar_async.command.parse import parse_connected_client_list, parse_connected_clients
from bomgar_async.errors import BomgarAPIError, BomgarError, BomgarProtocolError
from bomgar_async.simulator import render
from bomgar_async.simulator.render import COMMAND_NS_BOMGAR
from bomgar_async.simulator.seed import add_connected_clients
from bomgar_async.simulator.world import CLIENT_TYPES, World
from tests.reference.old_clients import (
    old_parse_connected_client_list,
    old_parse_connected_clients,
)
from tests.reference.old_xml import old_parse_document

pytestmark = pytest.mark.timeout(120)

FIXTURES = Path(__file__).parents[1] / "fixtures"
BODIES = {str(p.relative_to(FIXTURES)): p.read_bytes() for p in sorted(FIXTURES.rglob("*.xml"))}
NS = 'xmlns="http://www.beyondtrust.com/namespaces/API/command"'
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
EDGES = {
    "attributes namespaced, xsi ignored": (
        f'<connected_clients {XSI} xmlns:a="urn:a"><connected_push_agent a:id=" 7 " xsi:id="9">'
        '<platform a:id="lin" xsi:type="x">Linux</platform><name xsi:nil="true"/>'
        "</connected_push_agent></connected_clients>"
    ),
    "mixed content and blank values": (
        '<connected_clients><connected_support_customer id="1"> <hostname> h1 <b/> tail </hostname>'
        "<name>  </name><lsid>\n abc \n</lsid><timezone_offset> -3600 </timezone_offset>"
        "<non_interactive><x>rdp</x></non_interactive></connected_support_customer>"
        "</connected_clients>"
    ),
    "connections and logs in both places, repeated holders": (
        '<connected_clients><connected_representative id="2"><client_connections>'
        "<client_connection><appliance_id>A</appliance_id><purpose>master</purpose>"
        "<receive_traffic_node>true</receive_traffic_node>"
        '<connected_since ts="1700000000">2023-11-14T22:13:20+00:00</connected_since>'
        '</client_connection><client_connection/><event_log><event ts="5">in</event>'
        '<event timestamp="6"> in2 </event></event_log></client_connections>'
        "<client_connections><client_connection><purpose>ignored</purpose></client_connection>"
        "</client_connections><client_connection><private_ip>10.0.0.1</private_ip>"
        '</client_connection><event_log><event ts="">out</event><event/></event_log>'
        "<support_session_ids><lsid>a</lsid><lsid> </lsid><lsid>b</lsid></support_session_ids>"
        "<connected_since>2024-01-02T03:04:05.5Z</connected_since><user_id>x</user_id>"
        "<showing_on_rep_list>0</showing_on_rep_list><presentation_count>3</presentation_count>"
        "</connected_representative></connected_clients>"
    ),
    "text-only holders": (
        '<connected_clients><connected_presentation_attendee id="3">'
        "<client_connections>none</client_connections><event_log>none</event_log>"
        "<platform>Mac</platform><hostname>h</hostname><hostname>second</hostname>"
        "</connected_presentation_attendee></connected_clients>"
    ),
    "unknown kinds and stray text are skipped": (
        '<connected_clients>text<connected_toaster id="1"/><connected_push_agent id="2"/>'
        '<pinned_client id="3"/>tail<connected_push_agent id="4"><name><![CDATA[J<1>]]></name>'
        "</connected_push_agent></connected_clients>"
    ),
    "a client without id": "<connected_clients><connected_push_agent/></connected_clients>",
    "a client with a blank id": (
        '<connected_clients><connected_push_agent id=" "/></connected_clients>'
    ),
    "an error child": (
        f'<connected_clients {NS}><connected_push_agent id="1"/><error code="9"> Nope </error>'
        "</connected_clients>"
    ),
    "an error root": f'<error {NS} code="1">Invalid client type.</error>',
    "another root": f"<connected_client_list {NS}/>",
    "an empty root": f"<connected_clients {NS}/>",
    "entities": '<!DOCTYPE r [<!ENTITY a "x">]><connected_clients/>',
    "truncated": '<connected_clients><connected_push_agent id="1">',
    "html": "<!DOCTYPE html><html><body>login</body></html>",
    "too deep": "<connected_clients>" + "<x>" * 80 + "</x>" * 80 + "</connected_clients>",
    "list: summary and refs": (
        f"<connected_client_list {NS}><connected_client_summary>"
        '<appliance_summary id="A"><count type="representative"> 2 </count>'
        '<count type="push_agent">x</count><count>4</count></appliance_summary>'
        '<appliance_summary id="B"/></connected_client_summary>'
        '<connected_client type="push_agent" id=" 5 "/>'
        '<connected_client xmlns:a="urn:a" a:type="support_customer" a:id="6"/>'
        "</connected_client_list>"
    ),
    "list: a ref without type": (
        '<connected_client_list><connected_client id="5"/></connected_client_list>'
    ),
    "list: a summary without id": (
        "<connected_client_list><connected_client_summary><appliance_summary/>"
        "</connected_client_summary></connected_client_list>"
    ),
    "list: a ref with a blank type": (
        '<connected_client_list><connected_client type="" id="5"/></connected_client_list>'
    ),
}
BODIES.update({f"edge/{name}": body.encode() for name, body in EDGES.items()})


def outcome(call: Callable[[], Any]) -> Any:
    """The result, or the error's class and message (syntax errors: their kind only, as the
    parsers word them their way)."""
    try:
        return call()
    except BomgarError as err:
        message = str(err)
        kind = re.search(r"truncated|malformed|cannot be decoded|refused|nested deeper", message)
        if kind and "XML" in message:
            return type(err), kind.group(0)
        return type(err), message, getattr(err, "code", None)


PAIRS = {
    "clients": (parse_connected_clients, old_parse_connected_clients),
    "list": (parse_connected_client_list, old_parse_connected_client_list),
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
@pytest.mark.parametrize("reference", ["parse_document", "xmltodict"])
def test_every_fixture_gives_the_same_models(pair: str, reference: str, backend: str) -> None:
    new_parse, old_parse = PAIRS[pair]
    kwargs = {"parse": old_parse_document} if reference == "xmltodict" else {}
    parsed = 0
    for name, body in BODIES.items():
        new = outcome(lambda body=body: new_parse(body))  # type: ignore[misc]
        old = outcome(lambda body=body: old_parse(body, **kwargs))  # type: ignore[misc]
        assert new == old, name
        parsed += not isinstance(new, tuple) and bool(new)
    assert parsed >= 4  # some bodies held clients
    assert any(name.startswith("real/") for name in BODIES)


def test_the_edge_cases_parse_as_expected() -> None:
    (agent,) = parse_connected_clients(BODIES["edge/attributes namespaced, xsi ignored"])
    assert (agent.id, agent.platform, agent.platform_id) == ("7", "Linux", "lin")
    (rep,) = parse_connected_clients(
        BODIES["edge/connections and logs in both places, repeated holders"]
    )
    assert [c.purpose for c in rep.connections] == ["master", None, None]
    assert [e.text for e in rep.events] == ["in", "in2", "out", None]
    assert rep.support_session_ids == ("a", "b")  # type: ignore[attr-defined]
    kept = parse_connected_clients(BODIES["edge/unknown kinds and stray text are skipped"])
    assert [(c.id, getattr(c, "name", None)) for c in kept] == [("2", None), ("4", "J<1>")]
    with pytest.raises(BomgarAPIError, match="Nope"):
        parse_connected_clients(BODIES["edge/an error child"])
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parse_connected_clients(BODIES["edge/too deep"])
    listing = parse_connected_client_list(BODIES["edge/list: summary and refs"])
    refs = [(r.type, r.id) for r in listing.clients]
    assert refs == [("push_agent", "5"), ("support_customer", "6")]
    assert dict(listing.summary[0].counts) == {"representative": 2}


def _world(clients: int, seed: int) -> World:
    world = World.generate(seed, now=1_700_000_000, history=0)
    add_connected_clients(world, clients)
    return world


def _prefixed(body: bytes) -> bytes:
    """Every element in a ``c:`` prefix bound on the root."""
    text = re.sub(r"<(/?)([a-z_]+)", r"<\1c:\2", body.decode())
    text = text.replace("<c:connected_clients", '<c:connected_clients xmlns:c="urn:cmd"', 1)
    return text.encode()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("connections", [False, True])
@pytest.mark.parametrize("form", ["namespaced", "plain", "prefixed"])
def test_simulator_answers_of_every_kind_in_any_order(
    seed: int, connections: bool, form: str, backend: str
) -> None:
    world = _world(1_200, seed)
    clients = list(world.clients)
    random.Random(seed).shuffle(clients)
    kinds = [c.type for c in clients]
    assert set(kinds) == set(CLIENT_TYPES)
    assert sum(a != b for a, b in itertools.pairwise(kinds)) > len(kinds) // 2  # they interleave
    namespace = COMMAND_NS_BOMGAR if form == "namespaced" else None
    body = render.document(render.connected_clients(world, clients, connections), namespace)
    if form == "prefixed":
        body = _prefixed(body)
    new = parse_connected_clients(body)
    assert new == old_parse_connected_clients(body)
    assert new == old_parse_connected_clients(body, parse=old_parse_document)
    assert [(c.client_type, c.id) for c in new] == [(c.type, c.id) for c in clients]
    assert any(c.events for c in new) is connections


@pytest.mark.parametrize("summary_only", [False, True])
def test_simulator_listings_give_the_same_models(summary_only: bool, backend: str) -> None:
    world = _world(5_000, 3)
    body = render.document(
        render.connected_client_list(world, list(CLIENT_TYPES), True, summary_only),
        COMMAND_NS_BOMGAR,
    )
    new = parse_connected_client_list(body)
    assert new == old_parse_connected_client_list(body)
    assert new == old_parse_connected_client_list(body, parse=old_parse_document)
    assert len(new.clients) == (0 if summary_only else 5_000)
    assert sum(sum(s.counts.values()) for s in new.summary) > 5_000  # pinned clients too


def test_parse_element_checks_what_parse_document_checks() -> None:
    root, element = parse_element(b"<r><a/></r>", expected_roots=("r",))
    assert root == "r" and [child.tag for child in element] == ["a"]
    with pytest.raises(BomgarAPIError, match="boom") as raised:
        parse_element(b'<r><x/><error code="4">boom</error></r>', action="act")
    assert raised.value.code == "4"
    with pytest.raises(BomgarProtocolError, match=r"act: expected <r>, got <s>"):
        parse_element(b"<s/>", expected_roots=("r",), action="act")
    with pytest.raises(BomgarProtocolError, match="HTML"):
        parse_element(b"<html></html>")
