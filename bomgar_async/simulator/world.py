"""The simulated appliance's state: dataclasses for everything it knows, and the state changes.

A :class:`World` holds the API users, representatives, teams, sessions, session keys, the
failover pair of appliances and the connected clients. :meth:`World.generate` builds a
realistic one deterministically from a seed (``random.Random(seed)``); it is changed only
through the methods below, which raise :class:`CommandError` with the appliance's message
when an action's arguments or the session's state do not allow it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

__all__ = [
    "CLIENT_TYPES",
    "ApiUser",
    "Appliance",
    "ClientConnection",
    "CommandError",
    "ConnectedClient",
    "ConnectionEvent",
    "Issue",
    "Representative",
    "SessionKey",
    "SupportSession",
    "SupportTeam",
    "World",
]

CLIENT_TYPES = ("representative", "support_customer", "presentation_attendee", "push_agent")
"""The connected-client types the Command API lists, in the order the appliance reports them."""


class CommandError(Exception):
    """An action's arguments or the world's state refuse the action; ``str(err)`` is the message."""


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


@dataclass
class World:
    """Everything the simulated appliance knows; tests may read and change it freely."""

    seed: int
    created_at: int
    users: dict[str, ApiUser]
    oauth_clients: dict[str, ApiUser]
    reps: list[Representative]
    teams: list[SupportTeam]
    sessions: list[SupportSession]
    appliances: list[Appliance]
    clients: list[ConnectedClient]
    pinned_clients: dict[str, int]
    custom_fields: dict[str, str]
    session_keys: list[SessionKey] = field(default_factory=list)
    api_version: str = "1.11.0"
    product_version: str = "19.1.8 (build 12345)"
    company_name: str = "Example Corp"
    last_data_sync: int = 0
    health_error: str = ""
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    @classmethod
    def generate(cls, seed: int = 1, *, now: int | None = None) -> World:
        """Build the realistic world for ``seed``, its times relative to ``now`` (default: now)."""
        return _Generator(seed, int(time.time()) if now is None else now).world()

    # -- queries ---------------------------------------------------------------------------

    @property
    def appliance(self) -> Appliance:
        """The appliance that answers the API calls (the first of the pair)."""
        return self.appliances[0]

    @property
    def admin_rep(self) -> Representative:
        """The representative behind the ``admin`` API user."""
        return self.rep(self.users["admin"].user_id)

    def rep(self, rep_id: int) -> Representative:
        """The representative with ``rep_id``; :class:`CommandError` if there is none."""
        for rep in self.reps:
            if rep.id == rep_id:
                return rep
        raise CommandError("Invalid representative id.")

    def logged_in_reps(self) -> list[Representative]:
        """The representatives logged in right now, in id order."""
        return [rep for rep in self.reps if rep.logged_in]

    def team(self, team_id: int) -> SupportTeam:
        """The team with ``team_id``; :class:`CommandError` if there is none."""
        for team in self.teams:
            if team.id == team_id:
                return team
        raise CommandError("Invalid team id.")

    def active_sessions(self) -> list[SupportSession]:
        """The support sessions in progress."""
        return [session for session in self.sessions if session.active]

    def session(self, lsid: str) -> SupportSession:
        """The active session ``lsid``; :class:`CommandError` ``Invalid lsid.`` otherwise."""
        for session in self.sessions:
            if session.lsid == lsid and session.active:
                return session
        raise CommandError("Invalid lsid.")

    def sessions_of(self, rep_id: int) -> list[str]:
        """The lsids of the active sessions ``rep_id`` takes part in."""
        return [s.lsid for s in self.active_sessions() if rep_id in s.rep_ids]

    def waiting_in(self, queue: str) -> int:
        """How many active sessions wait in ``queue`` (e.g. ``team:3``)."""
        return sum(1 for s in self.active_sessions() if s.queue == queue)

    def resolve_queue(self, queue_id: str, *, allow_username: bool = False) -> tuple[str, int]:
        """Parse a queue in the guide's grammar into ``(kind, numeric id)``."""
        kind, _, value = queue_id.partition(":")
        if kind == "general" and not value:
            return "general", 0
        if kind == "rep_username" and allow_username:
            matches = [rep for rep in self.reps if rep.username == value]
            if len(matches) != 1:
                raise CommandError(f"Invalid queue_id: no single representative named {value!r}.")
            return "rep", matches[0].id
        if kind in ("rep", "team", "embassy") and value.isdigit():
            if kind == "rep":
                return "rep", self.rep(int(value)).id
            team = self.team(int(value))
            if team.embassy != (kind == "embassy"):
                raise CommandError(f"Invalid queue_id: {queue_id}.")
            return kind, team.id
        raise CommandError(f"Invalid queue_id: {queue_id}.")

    def queue_available(self, kind: str, queue_id: int) -> bool:
        """Whether a representative who could take a session from this queue is logged in."""
        if kind == "rep":
            return self.rep(queue_id).logged_in
        if kind in ("team", "embassy"):
            return any(self.rep(rep_id).logged_in for rep_id in self.team(queue_id).member_ids)
        return bool(self.logged_in_reps())

    def find_clients(self, types: list[str], ids: list[str] | None = None) -> list[ConnectedClient]:
        """The connected clients of ``types``, limited to ``ids`` when given."""
        return [c for c in self.clients if c.type in types and (ids is None or c.id in ids)]

    # -- state changes ---------------------------------------------------------------------

    def add_session_key(self, key: SessionKey) -> SessionKey:
        """Store a generated session key and return it."""
        self.session_keys.append(key)
        return key

    def new_short_key(self) -> str:
        """A fresh 7-digit short key, unique among the stored keys."""
        taken = {key.short_key for key in self.session_keys}
        while True:
            candidate = f"{self.rng.randrange(10**6, 10**7)}"
            if candidate not in taken:
                return candidate

    def join_session(self, lsid: str, rep_id: int) -> None:
        """Add a logged-in representative to an active session."""
        session = self.session(lsid)
        rep = self.rep(rep_id)
        if not rep.logged_in:
            raise CommandError("Representative is not logged in.")
        if rep.id not in session.rep_ids:
            session.rep_ids.append(rep.id)

    def transfer_session(self, lsid: str, queue_id: str) -> None:
        """Move an active session to another queue (a rep queue needs a logged-in rep)."""
        session = self.session(lsid)
        kind, number = self.resolve_queue(queue_id)
        if kind == "rep" and not self.rep(number).logged_in:
            raise CommandError("Representative is not logged in.")
        session.queue = kind if kind == "general" else f"{kind}:{number}"

    def set_session_attributes(
        self, lsid: str, external_key: str | None, custom: dict[str, str]
    ) -> None:
        """Set an active session's external key and/or custom fields (known code names only)."""
        session = self.session(lsid)
        unknown = sorted(set(custom) - set(self.custom_fields))
        if unknown:
            raise CommandError(f"Invalid custom attribute: {unknown[0]}.")
        if external_key is not None:
            session.external_key = external_key
        session.custom.update(custom)

    def terminate_session(self, lsid: str) -> None:
        """End an active session; its customer client disconnects."""
        session = self.session(lsid)
        session.active = False
        self.clients = [c for c in self.clients if c.lsid != lsid]

    def set_failover_role(self, role: str) -> None:
        """Give the answering appliance ``role`` and its peer the other one."""
        if role not in ("primary", "backup"):
            raise CommandError(f"Invalid role: {role}.")
        self.appliances[0].failover_role = role
        for peer in self.appliances[1:]:
            peer.failover_role = "backup" if role == "primary" else "primary"


# -- generation ------------------------------------------------------------------------------

_FIRST = "Alice Brian Carmen Deepak Elena Farid Grace Hiro Ingrid Jamal Kofi Lucia Mateo Nadia"
_LAST = "Andersen Becker Castillo Dubois Eriksen Fischer Garcia Hoffman Ivanova Jensen Kowalski"
_CUSTOMERS = "Olivia Parker|Samuel Reyes|Hannah Schultz|Marcus Lee|Fatima Haddad|Noah Williams"
_PLATFORMS = (  # (platform id, operating system, hostname prefix)
    ("winNT-64", "Windows 11 Pro", "DESKTOP"),
    ("winNT-64", "Windows 10 Enterprise", "LAPTOP"),
    ("mac-universal", "macOS 14.4 Sonoma", "MacBook-Pro"),
    ("linux-x86_64", "Ubuntu 22.04.4 LTS", "ubuntu"),
)
_TEAMS = (
    ("Service Desk", False, ("Password reset", "VPN connection", "Printer problem")),
    ("Network Operations", False, ("Wi-Fi outage", "Firewall change")),
    ("Field Engineering", False, ()),
    ("Acme Corp Embassy", True, ("Acme ERP access", "Acme hardware")),
    ("Escalations", False, ("Major incident",)),
)
_EVENTS = (
    "Connection to {home} lost: network unreachable",
    "Reconnected to {home} as master",
    "Failed to connect to traffic node {other}: connection timed out",
    "Connected to traffic node {other}",
    "Disconnected normally from traffic node {other}",
)
_APPLIANCES = (
    ("HQ Primary", "appliance-hq.example.com", "primary", -18000),
    ("DR Backup", "appliance-dr.example.com", "backup", -21600),
)
_CUSTOM_FIELDS = {"ticket_id": "Ticket ID", "department": "Department", "asset_tag": "Asset Tag"}
_ADMIN_PERMS = {
    "perm_use_command_api": "1",
    "perm_use_reporting_api": "1",
    "perm_admin": "1",
    "perm_view_reports": "all_sessions",
    "perm_view_sd_recordings": "1",
    "perm_sd_allowed": "1",
    "perm_command": "full_access",
}
_NO_PERMS = {key: ("none" if key == "perm_view_reports" else "0") for key in _ADMIN_PERMS}


class _Generator:
    """Builds one :class:`World` from a seeded ``random.Random``; every choice goes through it."""

    def __init__(self, seed: int, now: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = now
        self.client_ids: list[str] = []

    def hex(self, bits: int) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def ago(self, low: int, high: int) -> int:
        return self.now - self.rng.randint(low, high)

    def world(self) -> World:
        appliances = self.appliances()
        reps = self.reps()
        teams = self.teams(reps)
        sessions = self.sessions(reps, teams)
        users = {
            "admin": ApiUser("admin", "s3cret-admin", reps[0].id, dict(_ADMIN_PERMS)),
            "readonly": ApiUser("readonly", "s3cret-ro", reps[-2].id, dict(_NO_PERMS)),
            "nocommand": ApiUser("nocommand", "s3cret-nc", reps[-1].id, dict(_NO_PERMS)),
        }
        users["readonly"].permissions.update(perm_use_command_api="1", perm_command="read_only")
        oauth = {"api-client": ApiUser("api-client", "s3cret-oauth", reps[0].id, _ADMIN_PERMS)}
        world = World(
            seed=self.seed,
            created_at=self.now,
            users=users,
            oauth_clients=oauth,
            reps=reps,
            teams=teams,
            sessions=sessions,
            appliances=appliances,
            clients=[],
            pinned_clients={appliances[0].id: self.rng.randint(8, 20), appliances[1].id: 2},
            custom_fields=dict(_CUSTOM_FIELDS),
            last_data_sync=self.ago(60, 900),
            rng=random.Random(self.seed + 1),
        )
        world.clients = self.clients(world)
        return world

    def appliances(self) -> list[Appliance]:
        shared_ips = [f"203.0.113.{self.rng.randint(10, 250)}"]
        return [
            Appliance(self.hex(128), name, host, "support.example.com", role, tz, list(shared_ips))
            for name, host, role, tz in _APPLIANCES
        ]

    def reps(self) -> list[Representative]:
        first, last = _FIRST.split(), _LAST.split()
        self.rng.shuffle(first)
        self.rng.shuffle(last)
        ids = sorted(self.rng.sample(range(2, 400), 13))
        types = ["Normal"] * 8 + ["Embassy", "Embassy", "Invited"]
        reps = [
            Representative(1, "admin", "Admin", "Site Administrator", "Normal", self.ago(60, 900))
        ]
        for number, (rep_id, kind) in enumerate(zip(ids, types, strict=False)):
            name = f"{first[number]} {last[number]}"
            online = kind == "Invited" or number % 3 != 2
            reps.append(
                Representative(
                    rep_id,
                    f"{first[number][0]}{last[number]}".lower(),
                    first[number],
                    name,
                    kind,
                    self.ago(300, 8 * 3600) if online else None,
                    showing_on_rep_list=kind == "Normal" and number % 4 != 0,
                    support_license="named" if kind == "Embassy" else "concurrent",
                )
            )
        for account, rep_id in (("readonly", ids[-2]), ("nocommand", ids[-1])):
            reps.append(Representative(rep_id, account, "API", f"API ({account})", "Normal", None))
        return reps

    def teams(self, reps: list[Representative]) -> list[SupportTeam]:
        team_ids = sorted(self.rng.sample(range(1, 60), len(_TEAMS)))
        issue_ids = iter(sorted(self.rng.sample(range(1, 200), 10)))
        normal = [rep.id for rep in reps[:-2] if rep.type == "Normal"]
        embassy = [rep.id for rep in reps if rep.type == "Embassy"]
        teams = []
        for team_id, (name, is_embassy, titles) in zip(team_ids, _TEAMS, strict=True):
            if is_embassy:
                members = embassy
            elif name == "Escalations":
                members = []
            else:
                members = sorted(self.rng.sample(normal, 4))
            issues = [Issue(next(issue_ids), title) for title in titles]
            teams.append(SupportTeam(team_id, name, is_embassy, issues, members))
        return teams

    def sessions(
        self, reps: list[Representative], teams: list[SupportTeam]
    ) -> list[SupportSession]:
        online = [rep.id for rep in reps if rep.logged_in]
        owners = self.rng.sample(online, 4)
        queues = [f"rep:{owner}" for owner in owners]
        queues += [f"team:{teams[0].id}", f"embassy:{teams[3].id}"]
        sessions = []
        for number, (queue, customer) in enumerate(zip(queues, _CUSTOMERS.split("|"), strict=True)):
            rep_ids = [owners[number]] if number < 4 else []
            if number == 1:
                rep_ids.append(owners[2])
            custom = {"department": self.rng.choice(["Finance", "Sales", "Legal", "HR"])}
            if number % 2 == 0:
                custom["ticket_id"] = f"INC{self.rng.randint(10**6, 10**7 - 1)}"
            lsid, started = self.hex(128), self.ago(120, 3600)
            key = custom.get("ticket_id", "")
            sessions.append(SupportSession(lsid, queue, rep_ids, customer, started, key, custom))
        return sessions

    def client(self, world: World, kind: str, name: str, long_log: bool = False) -> ConnectedClient:
        home, other = self.rng.sample(world.appliances, 2)
        since = self.ago(120, 6 * 3600)
        platform_id, platform_name, prefix = self.rng.choice(_PLATFORMS)
        ip = f"10.{self.rng.randint(0, 40)}.{self.rng.randint(0, 255)}.{self.rng.randint(2, 254)}"
        connections = [ClientConnection(home.id, "master", False, since, ip)]
        if self.rng.random() < 0.3:
            connections.append(ClientConnection(other.id, "traffic", True, since + 2, ip))
        texts = [text.format(home=home.hostname, other=other.hostname) for text in _EVENTS]
        events = [ConnectionEvent(since, f"Connected to {home.hostname} ({ip}) as master")]
        later = sorted(self.rng.randint(since, self.now) for _ in range(24 if long_log else 2))
        events += [ConnectionEvent(ts, self.rng.choice(texts)) for ts in later]
        return ConnectedClient(
            self.client_ids.pop(),
            kind,
            f"{prefix}-{self.hex(24).upper()}",
            platform_id,
            platform_name,
            self.rng.choice([-18000, 0, 3600]),
            since,
            name,
            connections,
            events,
        )

    def clients(self, world: World) -> list[ConnectedClient]:
        self.client_ids = [str(number) for number in self.rng.sample(range(1000, 99999), 30)]
        clients = []
        for rep in world.logged_in_reps():
            clients.append(self.client(world, "representative", rep.private_display_name))
            clients[-1].rep_id = rep.id
        for number, session in enumerate(world.sessions):
            clients.append(self.client(world, "support_customer", session.customer_name))
            clients[-1].lsid = session.lsid
            clients[-1].non_interactive = {1: "rdp", 4: "shelljump"}.get(number)
        world.logged_in_reps()[1].presentation_count = 1  # the attendees below watch this rep
        for attendee in ("Board Room", "Training Lab", "Ken Ota"):
            clients.append(self.client(world, "presentation_attendee", attendee))
        for number in (1, 2, 3):
            clients.append(self.client(world, "push_agent", f"Jumpoint DC{number}", number == 1))
        return clients
