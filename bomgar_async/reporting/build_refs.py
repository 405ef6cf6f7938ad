"""The small references of a session report built straight from their elements (pure):
``<public_site>``, ``<jumpoint>``, ``<primary_team>`` (:class:`NamedRef`),
``<primary_customer>``, ``<primary_rep>`` (:class:`ParticipantRef`), ``<jump_group>`` and
each ``<team>`` of ``<team_list>``; used by :mod:`.build`.

A report names the same few sites, teams and people again and again, and these models are
frozen, so an equal instance is as good as a new one: an element without children is
built once per distinct text and attributes (a bounded cache), as the event parties are
(:mod:`.build_events`). Each model is equal, field for field, to what its ``of`` /
``from_node`` builds from the parsed node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .._xml.tree import Element, attr_of, element_text, is_blank_element
from .._xml.values import to_bool
from .build_events import attr_int, stripped
from .models import JumpGroup, NamedRef, ParticipantRef, SessionTeam

__all__ = ["jump_group", "named", "participant", "team"]

T = TypeVar("T")

_SHARED: dict[tuple[Any, ...], Any] = {}
_MAX_SHARED = 1024


def _shared(build: Callable[[Element], T | None], element: Element | None) -> T | None:
    """``build(element)``, shared between equal childless elements."""
    if element is None:
        return None
    if len(element):
        return build(element)
    key = (build, element.text, tuple(element.items()))
    try:
        return _SHARED[key]  # type: ignore[no-any-return]
    except KeyError:
        pass
    made = build(element)
    if len(_SHARED) >= _MAX_SHARED:
        _SHARED.clear()
    _SHARED[key] = made
    return made


def _named(element: Element) -> NamedRef | None:
    if is_blank_element(element):
        return None
    return NamedRef(id=attr_int(attr_of(element, "id")), name=element_text(element))


def _participant(element: Element) -> ParticipantRef | None:
    if is_blank_element(element):
        return None
    return ParticipantRef(
        name=element_text(element),
        id=attr_int(attr_of(element, "id")),
        gsnumber=attr_int(attr_of(element, "gsnumber")),
    )


def _jump_group(element: Element) -> JumpGroup | None:
    if is_blank_element(element):
        return None
    return JumpGroup(
        type=stripped(attr_of(element, "type")),
        id=attr_int(attr_of(element, "id")),
        name=element_text(element),
    )


def _team(element: Element) -> SessionTeam | None:
    if is_blank_element(element):
        return None
    return SessionTeam(
        id=attr_int(attr_of(element, "id")),
        name=element_text(element),
        primary_team=to_bool(attr_of(element, "primary_team")),
    )


def named(element: Element | None) -> NamedRef | None:
    """As ``NamedRef.of``: ``None`` when absent or entirely empty."""
    return _shared(_named, element)


def participant(element: Element | None) -> ParticipantRef | None:
    """As ``ParticipantRef.of``: ``None`` when absent or entirely empty."""
    return _shared(_participant, element)


def jump_group(element: Element | None) -> JumpGroup | None:
    """As ``JumpGroup.of``: ``None`` when absent or entirely empty."""
    return _shared(_jump_group, element)


def team(element: Element) -> SessionTeam | None:
    """A ``<team>`` of ``<team_list>``; ``None`` when entirely empty (skipped)."""
    return _shared(_team, element)
