"""Models of the Command API's appliance answers: appliances of a cluster or failover pair,
health checks and the API user's information (same conventions as ``models.command``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from .._xml.common import required_id
from .._xml.core import (
    Node,
    attr,
    child,
    children,
    text,
)
from .fields import from_children

__all__ = ["ApiInfo", "Appliance", "ApplianceHealth"]

# Permission values that mean "not granted"; anything else that is present grants it
# ("1", "full_access", "read_only", "all_sessions", ...).
_DENIED = frozenset({"", "0", "false", "no", "none", "deny", "denied", "not_allowed"})
_IP_SEPARATORS = re.compile(r"[\s,;]+")


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
        return from_children(cls, node, id=required_id(node, "appliance"))


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
        return from_children(
            cls,
            node,
            appliance_id=attr(appliance, "id"),
            hostname=(text(appliance) or "").strip() or None,
            enabled_shared_ips=tuple(ip for ip in ips if ip),
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
        return from_children(cls, node, permissions=MappingProxyType(_permissions(node)))

    def has(self, permission: str) -> bool:
        """Whether ``permission`` is granted: ``1``, ``full_access``, ``read_only``,
        ``all_sessions``... grant it; ``0``, ``deny``, ``none`` or no such permission do not."""
        value = self.permissions.get(permission)
        return value is not None and value.strip().lower() not in _DENIED
