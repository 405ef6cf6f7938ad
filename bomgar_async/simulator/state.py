"""The simulated appliance's records: plain dataclasses for everything a :class:`.World` holds.

API users and OAuth clients (:class:`ApiUser`), representatives, support teams and their
issues, support sessions, session keys, the appliances of the failover pair and the connected
clients with their connections and event logs. They carry data only (plus small derived
properties); the rules that change them live on :class:`~bomgar_async.simulator.world.World`,
which re-exports every name defined here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CLIENT_TYPES",
    "ApiUser",
    "Appliance",
    "ClientConnection",
    "ConnectedClient",
    "ConnectionEvent",
    "Issue",
    "Representative",
    "SessionKey",
    "SupportSession",
    "SupportTeam",
]

CLIENT_TYPES = ("representative", "support_customer", "presentation_attendee", "push_agent")
"""The connected-client types the Command API lists, in the order the appliance reports them."""


@dataclass
class ApiUser:
    """An account allowed to call the API (username/password, or an OAuth client id/secret)."""

    username: str
    password: str
    user_id: int
    permissions: dict[str, str]

    def has(self, permission: str) -> bool:
        """Whether ``permission`` is granted (any value but ``0``, ``none`` or ``deny``)."""
        return self.permissions.get(permission, "0") not in ("0", "none", "deny")


@dataclass
class Representative:
    """A representative account; ``logged_in_since`` (UNIX time) is ``None`` when logged out."""

    id: int
    username: str
    public_display_name: str
    private_display_name: str
    type: str
    logged_in_since: int | None
    showing_on_rep_list: bool = True
    presentation_count: int = 0
    support_license: str = "concurrent"

    @property
    def logged_in(self) -> bool:
        """Whether the representative is logged in to the console."""
        return self.logged_in_since is not None


@dataclass
class Issue:
    """An issue configured on a support team."""

    id: int
    title: str


@dataclass
class SupportTeam:
    """A support team (or Embassy) with its issues and member representative ids."""

    id: int
    name: str
    embassy: bool
    issues: list[Issue]
    member_ids: list[int]


@dataclass
class SupportSession:
    """A support session; ``queue`` uses the guide's grammar (``general``, ``rep:5``, ...)."""

    lsid: str
    queue: str
    rep_ids: list[int]
    customer_name: str
    started_at: int
    external_key: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    active: bool = True
    ended_at: int | None = None
    """When the session was terminated (UNIX time); ``None`` while it is active."""


@dataclass
class SessionKey:
    """A session key made by ``generate_session_key``."""

    short_key: str
    ttl: int
    expires: int
    queue: str
    queue_id: int
    available: bool
    external_key: str
    key_url: str
    priority: int | None = None
    skills: list[str] = field(default_factory=list)


@dataclass
class Appliance:
    """One appliance of the failover pair."""

    id: str
    name: str
    hostname: str
    public_hostname: str
    failover_role: str
    timezone_offset: int
    shared_ips: list[str]
    cluster_role: str = "single"
    accepting_connections: bool = True


@dataclass
class ClientConnection:
    """One of a client's connections to an appliance."""

    appliance_id: str
    purpose: str
    receive_traffic_node: bool
    connected_since: int
    private_ip: str


@dataclass
class ConnectionEvent:
    """An entry of a client's connection event log."""

    ts: int
    text: str


@dataclass
class ConnectedClient:
    """A connected client; ``type`` is one of :data:`CLIENT_TYPES`."""

    id: str
    type: str
    hostname: str
    platform_id: str
    platform_name: str
    timezone_offset: int
    connected_since: int
    name: str
    connections: list[ClientConnection]
    events: list[ConnectionEvent]
    rep_id: int | None = None
    lsid: str | None = None
    non_interactive: str | None = None
