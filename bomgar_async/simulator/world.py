"""The simulated appliance's state as a whole: the :class:`World` and its state changes.

A :class:`World` holds the API users, representatives, teams, sessions, session keys, the
failover pair of appliances and the connected clients. :meth:`World.generate` builds a
realistic one deterministically from a seed (``random.Random(seed)``, in :mod:`.seed`); it is
changed only through the methods below, which raise :class:`CommandError` with the appliance's
message when an action's arguments or the session's state do not allow it. The records it
holds are the dataclasses of :mod:`.state`, re-exported here.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .state import (
    CLIENT_TYPES,
    ApiUser,
    Appliance,
    ClientConnection,
    ConnectedClient,
    ConnectionEvent,
    Issue,
    Representative,
    SessionKey,
    SupportSession,
    SupportTeam,
)

if TYPE_CHECKING:
    from .history import SessionRecord

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


class CommandError(Exception):
    """An action's arguments or the world's state refuse the action; ``str(err)`` is the message."""


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
    history_size: int = 300
    """How many closed sessions the generated :attr:`history` starts with."""
    bulk_sessions: int = 0
    """How many synthetic closed sessions are reported besides ``history`` (never stored)."""
    bulk_heavy: bool = False
    """Give each bulk session 16 more events (see :mod:`.bulk_heavy`)."""
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)
    _history: list[SessionRecord] | None = field(default=None, compare=False, repr=False)
    _presentations: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _client_index: dict[str, list[int]] = field(default_factory=dict, compare=False, repr=False)
    _indexed: tuple[int, int] = field(default=(0, -1), compare=False, repr=False)

    @classmethod
    def generate(cls, seed: int = 1, *, now: int | None = None, history: int = 300) -> World:
        """Build the realistic world for ``seed``, its times relative to ``now`` (default: now),
        with ``history`` closed sessions over the 30 days before ``now``."""
        from .seed import generate  # imported here: seed.py builds this module's classes

        return generate(seed, int(time.time()) if now is None else now, history=history)

    # -- queries ---------------------------------------------------------------------------

    @property
    def history(self) -> list[SessionRecord]:
        """The closed support sessions the Reporting API reports, in start order (see
        :mod:`.history`), generated on first use; terminated sessions are added here."""
        if self._history is None:
            from .history_gen import generate_history

            self._history, self._presentations = generate_history(self, self.history_size)
        return self._history

    @history.setter
    def history(self, records: list[SessionRecord]) -> None:
        self._history = records

    @property
    def presentation_recordings(self) -> dict[str, bool]:
        """The lsids of the presentation recordings, each mapped to whether it has expired."""
        _ = self.history  # generated together
        return self._presentations

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
        if kind in ("rep", "team", "embassy") and value.isascii() and value.isdigit():
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
        kinds = set(types)
        clients = self.clients
        if ids is None:
            return [c for c in clients if c.type in kinds]
        wanted = set(ids)
        if self._indexed != (id(clients), len(clients)) or not self._index_holds(wanted):
            self._reindex()
        at = sorted(p for ident in wanted for p in self._client_index.get(ident, ()))
        return [clients[p] for p in at if clients[p].type in kinds]

    def _index_holds(self, wanted: set[str]) -> bool:
        """Whether the id index still places every ``wanted`` id: a poll asks for 100 ids at a
        time among thousands of clients, which anyone may add, remove, replace or rename in
        place; an id the index lacks, or a position whose client has another id, sends it to
        be rebuilt (so an id missing after that is missing from the list)."""
        clients, index = self.clients, self._client_index
        for ident in wanted:
            positions = index.get(ident)
            if positions is None:
                return False
            for position in positions:
                if position >= len(clients) or clients[position].id != ident:
                    return False
        return True

    def _reindex(self) -> None:
        index: dict[str, list[int]] = {}
        for position, client in enumerate(self.clients):
            index.setdefault(client.id, []).append(position)
        self._client_index, self._indexed = index, (id(self.clients), len(self.clients))

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

    def terminate_session(self, lsid: str, now: int | None = None) -> None:
        """End an active session at ``now`` (default: now); its customer client disconnects
        and the session moves into :attr:`history` with that end time."""
        from .history import insert_record
        from .history_gen import record_of_active

        session = self.session(lsid)
        session.active = False
        session.ended_at = int(time.time()) if now is None else now
        self.clients = [c for c in self.clients if c.lsid != lsid]
        insert_record(self, record_of_active(self, session, session.ended_at))

    def set_failover_role(self, role: str) -> None:
        """Give the answering appliance ``role`` and its peer the other one."""
        if role not in ("primary", "backup"):
            raise CommandError(f"Invalid role: {role}.")
        self.appliances[0].failover_role = role
        for peer in self.appliances[1:]:
            peer.failover_role = "backup" if role == "primary" else "primary"
