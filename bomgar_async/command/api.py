"""``bg.command``: every Command API action as one coroutine method.

Each method reads as three steps: validate and build the parameters (pure,
``params``), send through the client, parse into models (pure,
``parse``). Bad input raises BomgarValidationError before anything is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping
from datetime import timedelta
from typing import Literal

from .._http.aio import gather_or_cancel
from .._http.host import Host
from .._http.request import Response
from . import params as build
from . import parse as parse
from .appliance import (
    ApiInfo,
    Appliance,
    ApplianceHealth,
)
from .clients import (
    ConnectedClient,
    ConnectedClientList,
)
from .models import (
    Representative,
    SessionAttributes,
    SessionKey,
    SupportTeam,
)
from .queue import Queue

__all__ = ["ClientType", "CommandAPI"]

ClientType = Literal[
    "all", "representative", "support_customer", "presentation_attendee", "push_agent"
]
# Answers the guide says to cache, and the actions whose effects make them stale.
CACHED_ACTIONS = ("get_logged_in_reps", "get_support_teams")


class CommandAPI:
    """The Command API (``/api/command.ns`` or ``/api/command``) of one appliance."""

    def __init__(self, client: Host) -> None:
        self._client = client

    def _read(self, action: str, params: tuple[tuple[str, str], ...] = ()) -> Awaitable[Response]:
        """A read-only call's response, to await (the pipeline's coroutine itself: no extra
        layer); its ``body`` is the XML."""
        return self._client.command_response(action, params, read_only=True)

    async def _change(self, action: str, params: tuple[tuple[str, str], ...]) -> str:
        body = await self._client.command_call(action, params, read_only=False)
        return parse.parse_success(body, action)

    async def get_logged_in_reps(self) -> list[Representative]:
        """The representatives logged in now (cached for ``cache_ttl``).

        Raises:
            BomgarAPIError: the appliance answered ``<error>``.
        """

        async def fetch() -> tuple[Representative, ...]:
            return tuple(parse.parse_logged_in_reps((await self._read("get_logged_in_reps")).body))

        return list(await self._client.cached("get_logged_in_reps", (), fetch))

    async def get_support_teams(self, show_members: bool = False) -> list[SupportTeam]:
        """Every support team with its issues (and members with ``show_members=True``); cached,
        keyed by the arguments."""
        params = build.support_teams(show_members)

        async def fetch() -> tuple[SupportTeam, ...]:
            return tuple(
                parse.parse_support_teams((await self._read("get_support_teams", params)).body)
            )

        return list(await self._client.cached("get_support_teams", params, fetch))

    async def generate_session_key(
        self,
        queue: str | Queue = "general",
        *,
        external_key: str | None = None,
        priority: int | None = None,
        skills: Iterable[str] | str | None = None,
        ttl: int | timedelta | None = None,
        url_hostname: str | None = None,
    ) -> SessionKey:
        """Create a session key (never retried automatically: each call makes a new key).

        Args:
            queue: ``general``, ``rep:ID``, ``team:ID``, ``embassy:ID``, ``rep_username:NAME``
                or a :class:`Queue`.
            external_key: a ticket id or similar (at most 1024 characters).
            priority: 1 (high), 2 (medium) or 3 (low).
            skills: skill code names.
            ttl: seconds (or a timedelta) the key stays valid.
            url_hostname: the hostname to use in the key URL.

        Raises:
            BomgarValidationError: for bad arguments, before sending.
            BomgarPermissionError: the API user may not provide remote support.
        """
        params = build.session_key(
            queue,
            external_key=external_key,
            priority=priority,
            skills=skills,
            ttl=ttl,
            url_hostname=url_hostname,
        )
        body = await self._client.command_call("generate_session_key", params, read_only=False)
        return parse.parse_session_key(body)

    async def join_session(self, lsid: str, rep_id: int) -> None:
        """Add logged-in representative ``rep_id`` to session ``lsid`` (admin only)."""
        await self._change("join_session", build.join_session(lsid, rep_id))
        await self._client.invalidate(*CACHED_ACTIONS)

    async def transfer_session(self, lsid: str, queue: str | Queue) -> None:
        """Move session ``lsid`` to ``queue`` (general, rep:ID, team:ID, embassy:ID)."""
        await self._change("transfer_session", build.transfer_session(lsid, queue))
        await self._client.invalidate(*CACHED_ACTIONS)

    async def set_session_attributes(
        self,
        lsid: str,
        *,
        external_key: str | None = None,
        custom: Mapping[str, str] | None = None,
    ) -> None:
        """Set the external key and/or custom fields (``session.custom.<code_name>``, newer
        appliances) of active session ``lsid``; each value at most 1024 characters."""
        params = build.session_attributes(lsid, external_key=external_key, custom=custom)
        await self._change("set_session_attributes", params)

    async def get_session_attributes(self, lsid: str) -> SessionAttributes:
        """The custom attributes of active session ``lsid`` (newer appliances)."""
        body = (await self._read("get_session_attributes", build.lsid_only(lsid))).body
        return parse.parse_session_attributes(body)

    async def terminate_session(self, lsid: str) -> None:
        """End session ``lsid`` (admin only)."""
        await self._change("terminate_session", build.lsid_only(lsid))
        await self._client.invalidate(*CACHED_ACTIONS)

    async def get_appliances(self) -> list[Appliance]:
        """The appliances of this cluster or failover pair."""
        return parse.parse_appliances((await self._read("get_appliances")).body)

    async def get_connected_client_list(
        self,
        types: ClientType | Iterable[ClientType] | None = None,
        *,
        summary_only: bool = False,
    ) -> ConnectedClientList:
        """A summary of connected clients per appliance and (unless ``summary_only``) their ids."""
        params = build.connected_client_list(types, summary_only)
        return parse.parse_connected_client_list(
            (await self._read("get_connected_client_list", params)).body
        )

    async def get_connected_clients(
        self,
        ids: Iterable[str | int] | None = None,
        *,
        types: ClientType | Iterable[ClientType] | None = None,
        include_connections: bool = False,
    ) -> list[ConnectedClient]:
        """Details of connected clients (all, or those in ``ids``).

        More than 100 ids are split into requests of at most 100 (the guide's limit),
        fetched concurrently under ``max_concurrency``; each answer is parsed as soon as it
        arrives (while the others are still in flight), and the clients are merged in request
        order.
        """
        batches = build.connected_clients_batches(ids, types, include_connections)
        parts = await gather_or_cancel(self._connected_clients(batch) for batch in batches)
        return [client for part in parts for client in part]

    async def _connected_clients(self, batch: tuple[tuple[str, str], ...]) -> list[ConnectedClient]:
        return parse.parse_connected_clients(
            (await self._read("get_connected_clients", batch)).body
        )

    async def check_health(self) -> ApplianceHealth:
        """The appliance's health and failover state."""
        return parse.parse_check_health((await self._read("check_health")).body)

    async def set_failover_role(
        self,
        role: Literal["primary", "backup"],
        *,
        data_sync_first: bool = False,
        force: bool = False,
    ) -> str:
        """Make this appliance the ``primary`` or ``backup``; returns the appliance's message."""
        params = build.failover_role(role, data_sync_first=data_sync_first, force=force)
        return await self._change("set_failover_role", params)

    async def get_api_info(self) -> ApiInfo:
        """The API version, server time and the calling user's permissions."""
        return parse.parse_api_info((await self._read("get_api_info")).body)
