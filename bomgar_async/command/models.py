"""Models of the Command API's session answers: representatives, teams, session keys and
session attributes.

Each model is a frozen, slotted attrs class named after the guide's element, with
attributes named after its child elements and attributes. ``from_node`` builds one from a
parsed XML node (see ``bomgar_async._xml``); it is pure and ignores elements it does not
know, so newer appliances never break parsing. Identifiers the guide always sends (``id``
attributes) are required: an element without one is a ``BomgarProtocolError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from .._xml.common import (
    is_blank,
    required_int_id,
)
from .._xml.core import (
    Node,
    attr,
    child,
    children,
    text,
)
from .._xml.values import (
    bool_of,
    str_of,
    to_bool,
)
from ..errors import BomgarProtocolError
from .fields import from_children

__all__ = [
    "CustomAttribute",
    "Issue",
    "Representative",
    "SessionAttributes",
    "SessionKey",
    "SupportTeam",
    "TeamMember",
]


@attrs.frozen(kw_only=True)
class Representative:
    """A logged-in representative (``/logged_in_reps/rep``)."""

    id: int
    display_name: str | None = None
    public_display_name: str | None = None
    private_display_name: str | None = None
    type: str | None = None
    direct_link: str | None = None
    logged_in_since: datetime | None = None
    presentation_count: int | None = None
    support_session_count: int | None = None
    showing_on_rep_list: bool | None = None

    @classmethod
    def from_node(cls, node: Node) -> Representative:
        return from_children(cls, node, id=required_int_id(node, "rep"))


@attrs.frozen(kw_only=True)
class Issue:
    """An issue of a support team (``/support_teams/support_team/issues/issue``)."""

    id: int
    title: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> Issue:
        return from_children(cls, node, id=required_int_id(node, "issue"))


@attrs.frozen(kw_only=True)
class TeamMember:
    """A member of a support team (``/support_teams/support_team/members/representative``)."""

    id: int
    username: str | None = None
    display_name: str | None = None
    public_display_name: str | None = None
    private_display_name: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> TeamMember:
        return from_children(cls, node, id=required_int_id(node, "representative"))


@attrs.frozen(kw_only=True)
class SupportTeam:
    """A support team with its issues and, when requested, its members
    (``/support_teams/support_team``).

    ``members_included`` tells "no members were asked for" (``False``) from "the team has no
    members" (``True`` with empty ``members``).
    """

    id: int
    name: str | None = None
    embassy: bool = False
    issues: tuple[Issue, ...] = ()
    support_session_count: int | None = None
    members: tuple[TeamMember, ...] = ()
    members_included: bool = False

    @classmethod
    def from_node(cls, node: Node) -> SupportTeam:
        issues = children(child(node, "issues"), "issue")
        members = children(child(node, "members"), "representative")
        return from_children(
            cls,
            node,
            id=required_int_id(node, "support_team"),
            embassy=bool_of(node, "embassy") is True,
            issues=tuple(Issue.from_node(i) for i in issues if not is_blank(i)),
            members=tuple(TeamMember.from_node(m) for m in members if not is_blank(m)),
            members_included=isinstance(node, Mapping) and "members" in node,
        )


@attrs.frozen(kw_only=True)
class SessionKey:
    """A generated session key (root ``<session_key>``, ``generate_session_key`` in the guide).

    ``queue`` is the queue kind (``general``, ``rep``, ``team``, ``embassy``);
    ``queue_available`` is the ``available`` attribute real appliances put on ``<queue>``.
    """

    type: str | None = None
    ttl: int | None = None
    expires: datetime | None = None
    queue: str | None = None
    queue_available: bool | None = None
    queue_id: int | None = None
    external_key: str | None = None
    short_key: str | None = None
    key_url: str | None = None
    mail_subject: str | None = None
    mail_body: str | None = attrs.field(default=None, repr=False)
    """The invitation mail's text (left out of ``repr``: it is long and repeats the key)."""

    @classmethod
    def from_node(cls, node: Node) -> SessionKey:
        queue_available = to_bool(attr(child(node, "queue"), "available"))
        return from_children(cls, node, queue_available=queue_available)


@attrs.frozen(kw_only=True)
class CustomAttribute:
    """One custom session attribute (``/custom_attributes/custom_attribute``)."""

    code_name: str
    display_name: str | None = None
    value: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> CustomAttribute:
        code_name = attr(node, "code_name") or str_of(node, "code_name")
        if not code_name:
            raise BomgarProtocolError("<custom_attribute> has no code_name")
        has_value_child = isinstance(node, Mapping) and "value" in node
        raw = text(child(node, "value")) if has_value_child else text(node)
        return cls(
            code_name=code_name,
            display_name=attr(node, "display_name") or str_of(node, "display_name"),
            value=(raw or "").strip() or None,
        )


@attrs.frozen(kw_only=True)
class SessionAttributes:
    """The custom attributes of a session (root ``<custom_attributes>``).

    Reads like a read-only mapping of code name to value: ``attrs["ticket"]``,
    ``attrs.get("ticket")``, ``"ticket" in attrs``; ``values`` is that mapping.
    """

    attributes: tuple[CustomAttribute, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> SessionAttributes:
        items = children(node, "custom_attribute")
        return cls(attributes=tuple(CustomAttribute.from_node(n) for n in items))

    @property
    def values(self) -> Mapping[str, str | None]:
        """Code name -> value (read-only)."""
        return MappingProxyType({a.code_name: a.value for a in self.attributes})

    def __getitem__(self, code_name: str) -> str | None:
        return self.values[code_name]

    def __contains__(self, code_name: object) -> bool:
        return code_name in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.attributes)

    def get(self, code_name: str, default: str | None = None) -> str | None:
        """The value of ``code_name``, or ``default`` when the session has no such attribute."""
        return self.values.get(code_name, default)
