"""Models of the Command API's answers: representatives, teams, session keys, appliances.

Each model is a frozen, slotted attrs class named after the guide's element, with
attributes named after its child elements and attributes. ``from_node`` builds one from a
parsed XML node (see ``bomgar_async._xml``); it is pure and ignores elements it does not
know, so newer appliances never break parsing. Identifiers the guide always sends (``id``
attributes) are required: an element without one is a ``BomgarProtocolError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from .._values import bool_of, datetime_of, int_of, str_of, to_bool, to_int
from .._xml import Node, attr, child, children, text
from ..errors import BomgarProtocolError

__all__ = [
    "ApiInfo",
    "Appliance",
    "ApplianceHealth",
    "CustomAttribute",
    "Issue",
    "Representative",
    "SessionAttributes",
    "SessionKey",
    "SupportTeam",
    "TeamMember",
]

# Permission values that mean "not granted"; anything else that is present grants it
# ("1", "full_access", "read_only", "all_sessions", ...).
_DENIED = frozenset({"", "0", "false", "no", "none", "deny", "denied", "not_allowed"})
_IP_SEPARATORS = re.compile(r"[\s,;]+")


def _is_blank(node: Node) -> bool:
    """An element with neither attributes, children nor text (``<issue/>``)."""
    return node is None or (isinstance(node, str) and not node.strip())


def _required_id(node: Node, element: str) -> str:
    value = attr(node, "id")
    if value is None or not value.strip():
        raise BomgarProtocolError(f"<{element}> has no id attribute")
    return value.strip()


def _required_int_id(node: Node, element: str) -> int:
    value = to_int(_required_id(node, element))
    if value is None:
        raise BomgarProtocolError(f"<{element}> has a non-numeric id")
    return value


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
        return cls(
            id=_required_int_id(node, "rep"),
            display_name=str_of(node, "display_name"),
            public_display_name=str_of(node, "public_display_name"),
            private_display_name=str_of(node, "private_display_name"),
            type=str_of(node, "type"),
            direct_link=str_of(node, "direct_link"),
            logged_in_since=datetime_of(node, "logged_in_since"),
            presentation_count=int_of(node, "presentation_count"),
            support_session_count=int_of(node, "support_session_count"),
            showing_on_rep_list=bool_of(node, "showing_on_rep_list"),
        )


@attrs.frozen(kw_only=True)
class Issue:
    """An issue of a support team (``/support_teams/support_team/issues/issue``)."""

    id: int
    title: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> Issue:
        return cls(id=_required_int_id(node, "issue"), title=str_of(node, "title"))


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
        return cls(
            id=_required_int_id(node, "representative"),
            username=str_of(node, "username"),
            display_name=str_of(node, "display_name"),
            public_display_name=str_of(node, "public_display_name"),
            private_display_name=str_of(node, "private_display_name"),
        )


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
        return cls(
            id=_required_int_id(node, "support_team"),
            name=str_of(node, "name"),
            embassy=bool_of(node, "embassy") is True,
            issues=tuple(Issue.from_node(i) for i in issues if not _is_blank(i)),
            support_session_count=int_of(node, "support_session_count"),
            members=tuple(TeamMember.from_node(m) for m in members if not _is_blank(m)),
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
    mail_body: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> SessionKey:
        return cls(
            type=str_of(node, "type"),
            ttl=int_of(node, "ttl"),
            expires=datetime_of(node, "expires"),
            queue=str_of(node, "queue"),
            queue_available=to_bool(attr(child(node, "queue"), "available")),
            queue_id=int_of(node, "queue_id"),
            external_key=str_of(node, "external_key"),
            short_key=str_of(node, "short_key"),
            key_url=str_of(node, "key_url"),
            mail_subject=str_of(node, "mail_subject"),
            mail_body=str_of(node, "mail_body"),
        )


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


@attrs.frozen(kw_only=True)
class Appliance:
    """An appliance of a failover pair or cluster (``/appliances/appliance``)."""

    id: str
    name: str | None = None
    public_hostname: str | None = None
    cluster_role: str | None = None
    failover_role: str | None = None
    accepting_connections: bool | None = None
    timezone_offset: int | None = None

    @classmethod
    def from_node(cls, node: Node) -> Appliance:
        return cls(
            id=_required_id(node, "appliance"),
            name=str_of(node, "name"),
            public_hostname=str_of(node, "public_hostname"),
            cluster_role=str_of(node, "cluster_role"),
            failover_role=str_of(node, "failover_role"),
            accepting_connections=bool_of(node, "accepting_connections"),
            timezone_offset=int_of(node, "timezone_offset"),
        )


@attrs.frozen(kw_only=True)
class ApplianceHealth:
    """The appliance's health (root ``<health_check>``, ``check_health`` action).

    ``appliance_id`` and ``hostname`` come from ``<appliance id="GUID">hostname</appliance>``.
    """

    appliance_id: str | None = None
    hostname: str | None = None
    version: str | None = None
    success: bool | None = None
    error_message: str | None = None
    failover_role: str | None = None
    enabled_shared_ips: tuple[str, ...] = ()
    last_data_sync_time: datetime | None = None
    last_data_sync_status: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ApplianceHealth:
        appliance = child(node, "appliance")
        ips_node = child(node, "enabled_shared_ips")
        ips = [(text(ip) or "").strip() for ip in children(ips_node, "ip")]
        if not children(ips_node, "ip"):  # tolerate a plain "10.0.0.1, 10.0.0.2" list
            ips = _IP_SEPARATORS.split(text(ips_node) or "")
        return cls(
            appliance_id=attr(appliance, "id"),
            hostname=(text(appliance) or "").strip() or None,
            version=str_of(node, "version"),
            success=bool_of(node, "success"),
            error_message=str_of(node, "error_message"),
            failover_role=str_of(node, "failover_role"),
            enabled_shared_ips=tuple(ip for ip in ips if ip),
            last_data_sync_time=datetime_of(node, "last_data_sync_time"),
            last_data_sync_status=str_of(node, "last_data_sync_status"),
        )


def _permissions(node: Node) -> dict[str, str]:
    """``<permission name="perm_x">v</permission>`` elements (inside ``<permissions>`` or
    directly under the root), or ``<perm_x>v</perm_x>`` children of ``<permissions>``."""
    holder = child(node, "permissions")
    found: dict[str, str] = {}
    for element in children(holder, "permission") + children(node, "permission"):
        name = attr(element, "name")
        if name:
            found[name] = (text(element) or "").strip()
    if isinstance(holder, Mapping):
        for name, value in holder.items():
            if name != "permission" and not name.startswith(("@", "#")):
                found.setdefault(name, (text(value) or "").strip())
    return found


@attrs.frozen(kw_only=True)
class ApiInfo:
    """The API version and the calling user's permissions (root ``<api_information>``,
    ``get_api_info`` action).

    ``permissions`` maps each permission name to its value exactly as sent, for example
    ``{"perm_admin": "1", "perm_command": "full_access"}``; :meth:`has` interprets them.
    """

    api_version: str | None = None
    timestamp: datetime | None = None
    permissions: Mapping[str, str] = attrs.field(factory=lambda: MappingProxyType({}))
    user_id: int | None = None
    company_name: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> ApiInfo:
        return cls(
            api_version=str_of(node, "api_version"),
            timestamp=datetime_of(node, "timestamp"),
            permissions=MappingProxyType(_permissions(node)),
            user_id=int_of(node, "user_id"),
            company_name=str_of(node, "company_name"),
        )

    def has(self, permission: str) -> bool:
        """Whether ``permission`` is granted: ``1``, ``full_access``, ``read_only``,
        ``all_sessions``... grant it; ``0``, ``deny``, ``none`` or no such permission do not."""
        value = self.permissions.get(permission)
        return value is not None and value.strip().lower() not in _DENIED
