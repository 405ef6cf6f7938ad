"""The Command API actions the simulator serves: the table :data:`ACTIONS` and its handlers.

Each :class:`Action` names its answer's root element, the permissions it needs and the handler
that checks the request's parameters, changes the :class:`~.world.World` and builds the answer
with :mod:`.render`; :data:`PERMISSION_MESSAGES` holds the appliance's refusal for each
permission. Handlers raise :class:`~.world.CommandError` when the request is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from . import render
from .world import (
    CLIENT_TYPES,
    ApiUser,
    CommandError,
    SessionKey,
    World,
)

__all__ = ["ACTIONS", "PERMISSION_MESSAGES", "Action"]

DEFAULT_KEY_TTL = 86400
MAX_CLIENT_IDS = 100
MAX_ATTRIBUTE_LENGTH = 1024

Params = Mapping[str, str]
Handler = Callable[[World, Params, ApiUser, int], Element]


def _required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise CommandError(f"Missing required parameter: {name}.")
    return value


def _number(params: Params, name: str, low: int, high: int | None = None) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        raise CommandError(f"Invalid value for {name}: {raw}.")
    return int(raw)


def _client_types(params: Params) -> tuple[list[str], bool]:
    names = [name.strip() for name in params.get("type", "").split(",") if name.strip()]
    unknown = sorted(set(names) - {"all", *CLIENT_TYPES})
    if unknown:
        raise CommandError(f"Invalid client type: {unknown[0]}.")
    if not names or "all" in names:
        return list(CLIENT_TYPES), True
    return [kind for kind in CLIENT_TYPES if kind in names], False


def _generate_session_key(world: World, params: Params, _user: ApiUser, now: int) -> Element:
    if _required(params, "type") != "support":
        raise CommandError("Invalid session type: only support is supported.")
    kind, queue_id = world.resolve_queue(_required(params, "queue_id"), allow_username=True)
    external_key = params.get("external_key", "")
    if len(external_key) > MAX_ATTRIBUTE_LENGTH:
        raise CommandError("The external key may not be longer than 1024 characters.")
    priority = _number(params, "session.priority", 1, 3)
    ttl = _number(params, "ttl", 1) or DEFAULT_KEY_TTL
    host = params.get("url_hostname", "").strip() or world.appliance.public_hostname
    short_key = world.new_short_key()
    key = SessionKey(
        short_key=short_key,
        ttl=ttl,
        expires=now + ttl,
        queue=kind,
        queue_id=queue_id,
        available=world.queue_available(kind, queue_id),
        external_key=external_key,
        key_url=f"https://{host}/?ak={short_key}",
        priority=priority,
        skills=[skill for skill in params.get("session.skills", "").split(",") if skill],
    )
    return render.session_key(world.add_session_key(key))


def _join_session(world: World, params: Params, _user: ApiUser, _now: int) -> Element:
    rep_id = _number(params, "rep_id", 0)
    if rep_id is None:
        raise CommandError("Missing required parameter: rep_id.")
    world.join_session(_required(params, "lsid"), rep_id)
    return render.success("Representative successfully added")


def _transfer_session(world: World, params: Params, _user: ApiUser, _now: int) -> Element:
    world.transfer_session(_required(params, "lsid"), _required(params, "queue_id"))
    return render.success("Successfully transferred")


def _set_session_attributes(world: World, params: Params, _user: ApiUser, _now: int) -> Element:
    prefix = "session.custom."
    custom = {key[len(prefix) :]: value for key, value in params.items() if key.startswith(prefix)}
    external_key = params.get("custom.external_key")
    if any(len(value) > MAX_ATTRIBUTE_LENGTH for value in [*custom.values(), external_key or ""]):
        raise CommandError("Session attribute values may not be longer than 1024 characters.")
    world.set_session_attributes(_required(params, "lsid"), external_key, custom)
    return render.success("Session attributes were set")


def _terminate_session(world: World, params: Params, _user: ApiUser, now: int) -> Element:
    world.terminate_session(_required(params, "lsid"), now)
    return render.success("Successfully terminated")


def _connected_clients(world: World, params: Params, _user: ApiUser, _now: int) -> Element:
    types, _ = _client_types(params)
    ids = [item.strip() for item in params.get("id", "").split(",") if item.strip()]
    if len(ids) > MAX_CLIENT_IDS:
        raise CommandError("Too many ids: a maximum of 100 ids is supported.")
    clients = world.find_clients(types, ids or None)
    return render.connected_clients(world, clients, params.get("include_connections") == "1")


def _connected_client_list(world: World, params: Params, _user: ApiUser, _now: int) -> Element:
    types, with_pinned = _client_types(params)
    summary_only = params.get("summary_only") == "1"
    return render.connected_client_list(world, types, with_pinned, summary_only)


def _set_failover_role(world: World, params: Params, _user: ApiUser, _now: int) -> Element:
    world.set_failover_role(_required(params, "role"))
    if params.get("data_sync_first") == "1":
        return render.success(
            "Successfully started data sync. Role change will occur upon successful completion."
        )
    return render.success("Successfully changed role")


@dataclass(frozen=True)
class Action:
    """A Command API action: its answer's root element, required permissions, and behaviour."""

    root: str
    permissions: tuple[str, ...]
    run: Handler


_COMMAND = ("perm_use_command_api",)
_ADMIN = (*_COMMAND, "perm_admin")

ACTIONS: dict[str, Action] = {
    "get_logged_in_reps": Action(
        "logged_in_reps", _COMMAND, lambda world, *_: render.logged_in_reps(world)
    ),
    "get_support_teams": Action(
        "support_teams", _COMMAND, lambda w, p, *_: render.support_teams(w, "showmembers" in p)
    ),
    "generate_session_key": Action(
        "session_key", (*_COMMAND, "perm_sd_allowed"), _generate_session_key
    ),
    "join_session": Action("success", _ADMIN, _join_session),
    "transfer_session": Action("success", _ADMIN, _transfer_session),
    "set_session_attributes": Action("success", _ADMIN, _set_session_attributes),
    "get_session_attributes": Action(
        "custom_attributes",
        _ADMIN,
        lambda w, p, *_: render.custom_attributes(w, w.session(_required(p, "lsid"))),
    ),
    "terminate_session": Action("success", _ADMIN, _terminate_session),
    "get_appliances": Action("appliances", _COMMAND, lambda world, *_: render.appliances(world)),
    "get_connected_client_list": Action("connected_client_list", _COMMAND, _connected_client_list),
    "get_connected_clients": Action("connected_clients", _COMMAND, _connected_clients),
    "check_health": Action("health_check", _ADMIN, lambda world, *_: render.health_check(world)),
    "set_failover_role": Action("success", _ADMIN, _set_failover_role),
    "get_api_info": Action(
        "api_information", (), lambda w, _p, user, now: render.api_information(w, user, now)
    ),
}
"""Every Command API action the simulator serves."""

PERMISSION_MESSAGES = {
    "perm_use_command_api": "User does not have permission to use the command API.",
    "perm_sd_allowed": "User does not have permission to provide remote support.",
    "perm_admin": "User does not have permission to perform this action (administrators only).",
}
