"""The report builders' shortcuts (issue 11) build what the models' ``of``/``from_node``
build from parsed nodes: shared references (``reporting/build_refs.py``), the cached event
timestamps, the list and text readers of ``build.py``/``build_events.py`` and the interned
local names; with each XML backend, and with bounded caches."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bomgar_async._xml import tree
from bomgar_async._xml.parsing import parse_tree
from bomgar_async._xml.tree import node_of
from bomgar_async._xml.values import to_datetime
from bomgar_async.reporting import build, build_events, build_refs
from bomgar_async.reporting.models import (
    JumpGroup,
    NamedRef,
    ParticipantRef,
    SessionTeam,
)

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NS = "urn:x"
# Elements as appliances send them, and the odd ones: blank, whitespace, namespaced or
# xsi attributes, children (never shared), mixed text.
REFS = [
    '<r id="1">Default</r>',
    '<r id="1">Default</r>',  # the same again: shared
    '<r id=" 2 " gsnumber="7" type=" shared ">  Two  </r>',
    '<r gsnumber="x" primary_team="1">T</r>',
    "<r/>",
    "<r>   </r>",
    '<r n:id="3" xmlns:n="urn:x">Ns</r>',
    '<r xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
    '<r id="4"><c/>kid<c/>tail</r>',
    '<r id="">x</r>',
    '<r primary_team="no"/>',
]
BUILDERS: dict[str, tuple[Any, Any]] = {
    "named": (build_refs.named, NamedRef.of),
    "participant": (build_refs.participant, ParticipantRef.of),
    "jump_group": (build_refs.jump_group, JumpGroup.of),
}


@pytest.fixture(params=tree.BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _element(xml: str, backend: str) -> Any:
    return parse_tree(xml.encode(), backend)


def _node(element: Any) -> Any:
    return node_of(element)


@pytest.mark.parametrize("which", sorted(BUILDERS))
def test_shared_references_equal_the_models_of_the_nodes(which: str, backend: str) -> None:
    fast, slow = BUILDERS[which]
    for xml in REFS:
        element = _element(xml, backend)
        assert fast(element) == slow(_node(element)), xml
    assert fast(None) is None


def test_teams_equal_their_from_node(backend: str) -> None:
    for xml in REFS:
        element = _element(xml, backend)
        got = build_refs.team(element)
        if tree.is_blank_element(element):
            assert got is None
        else:
            assert got == SessionTeam.from_node(_node(element)), xml


def test_equal_childless_elements_share_one_instance(backend: str) -> None:
    first = build_refs.named(_element('<r id="1">Default</r>', backend))
    again = build_refs.named(_element('<r id="1">Default</r>', backend))
    other = build_refs.named(_element('<r id="1">Other</r>', backend))
    assert first is again and first != other
    with_children = '<r id="1">Default<c/></r>'
    one = build_refs.named(_element(with_children, backend))
    two = build_refs.named(_element(with_children, backend))
    assert one == two == NamedRef(id=1, name="Default") and one is not two
    # the same text and attributes under another builder are another model
    assert build_refs.participant(_element('<r id="1">Default</r>', backend)) == ParticipantRef(
        name="Default", id=1
    )


def test_the_reference_cache_is_bounded(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setattr(build_refs, "_MAX_SHARED", 3)
    monkeypatch.setattr(build_refs, "_SHARED", {})
    for n in range(10):
        ref = build_refs.named(_element(f'<r id="{n}">N{n}</r>', backend))
        assert ref == NamedRef(id=n, name=f"N{n}")
        assert len(build_refs._SHARED) <= 3


@pytest.mark.parametrize(
    "stamp", ["1700000000", "0", " 5 ", "2024-01-02T03:04:05Z", "x", "", "99999999999999"]
)
def test_cached_timestamps_equal_to_datetime(stamp: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_events, "_STAMPS", {})
    for _ in range(2):  # computed, then from the cache
        assert build_events._when(stamp) == to_datetime(stamp)
    assert build_events._when(None) is None


def test_the_timestamp_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_events, "_MAX_STAMPS", 4)
    monkeypatch.setattr(build_events, "_STAMPS", {})
    for n in range(20):
        assert build_events._when(str(n)) == EPOCH + timedelta(seconds=n)
        assert len(build_events._STAMPS) <= 4


def test_named_children_and_first_texts_read_like_the_tree_helpers(backend: str) -> None:
    element = _element(
        "<list xmlns:n='urn:x'><f> a </f><n:f/><g>no</g><f>  </f><f>x<b/>y</f>"
        "<g>second</g><n:h> h </n:h></list>",
        backend,
    )
    assert build_events.named_children(element, "f") == list(tree.children_named(element, "f"))
    assert build_events.named_children(None, "f") == []
    firsts = tree.first_children(element)
    texts = build._first_texts(element)
    assert texts == {name: tree.element_text(child) for name, child in firsts.items()}
    assert texts == {"f": "a", "g": "no", "h": "h"}


def test_local_names_are_interned() -> None:
    tag = "".join(["{", NS, "}", "interned_", "name"])  # built at run time
    name = tree.local(tag)
    assert name == "interned_name" and name is sys.intern("interned_name")
    assert tree.LOCAL_NAMES[tag] is name


@pytest.mark.parametrize("children", ["", "<c/>"])
def test_references_built_the_first_time_and_again_read_every_attribute(
    children: str, backend: str
) -> None:
    # A name no earlier element had (nothing shared yet), each builder twice: the model
    # built and the one shared after it, with every attribute each model reads.
    name = f"Name {uuid.uuid4().hex}"
    xml = f'<r id="5" gsnumber="12" type=" shared " primary_team="true">{name}{children}</r>'
    expected = {
        build_refs.named: NamedRef(id=5, name=name),
        build_refs.participant: ParticipantRef(name=name, id=5, gsnumber=12),
        build_refs.jump_group: JumpGroup(type="shared", id=5, name=name),
        build_refs.team: SessionTeam(id=5, name=name, primary_team=True),
    }
    slow = {
        build_refs.named: NamedRef.of,
        build_refs.participant: ParticipantRef.of,
        build_refs.jump_group: JumpGroup.of,
        build_refs.team: SessionTeam.from_node,
    }
    for builder, model in expected.items():
        for _ in range(2):
            element = _element(xml, backend)
            assert builder(element) == model == slow[builder](_node(element))
