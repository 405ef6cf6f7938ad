"""The deterministic world generator behind :meth:`World.generate <.world.World.generate>`.

It owns the data tables (names, customers, platforms, teams, appliances, event texts, custom
fields, API permissions) and :class:`_Generator`, which draws every choice from one
``random.Random(seed)``, so the same seed and ``now`` always build the same :class:`.World`.
"""

from __future__ import annotations

import random

from .world import (
    ApiUser,
    Appliance,
    ClientConnection,
    ConnectedClient,
    ConnectionEvent,
    Issue,
    Representative,
    SupportSession,
    SupportTeam,
    World,
)

__all__ = ["add_connected_clients", "generate"]


def generate(seed: int, now: int, *, history: int = 300) -> World:
    """Build the world for ``seed``, its times relative to ``now`` (UNIX time), with
    ``history`` closed sessions (generated on first use by :mod:`.history_gen`, from its
    own random source)."""
    world = _Generator(seed, now).world()
    world.history_size = history  # the history is generated on first use
    return world


_EXTRA_KINDS = ("push_agent", "presentation_attendee", "support_customer")


def add_connected_clients(world: World, total: int) -> None:
    """Connect extra clients until ``world`` has ``total`` (for benchmarks; none when it has
    that many already): Jumpoints, presentation attendees and non-interactive (``rdp``)
    customer clients in turn, with ids from 100000 up (the generated ones are below), drawn
    from their own random source so the generated world stays as it was."""
    maker = _Generator(world.seed + 2, world.created_at)
    start = len(world.clients)
    maker.client_ids = [str(100000 + n) for n in reversed(range(max(0, total - start)))]
    for number in range(len(maker.client_ids)):
        kind = _EXTRA_KINDS[number % len(_EXTRA_KINDS)]
        name = f"Jumpoint X{number}" if kind == "push_agent" else f"Guest {number}"
        world.clients.append(maker.client(world, kind, name))
        if kind == "support_customer":
            world.clients[-1].non_interactive = "rdp"


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
    # The guide names these two only in prose ("Allowed to View Presentation Session Reports",
    # "Allowed to View the License Usage Reports"); the keys are the simulator's.
    "perm_view_presentation_reports": "all_sessions",
    "perm_view_license_usage_reports": "1",
}
_SCOPES = ("perm_view_reports", "perm_view_presentation_reports")
_NO_PERMS = {key: ("none" if key in _SCOPES else "0") for key in _ADMIN_PERMS}


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
