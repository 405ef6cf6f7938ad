"""Command API parameters: validate arguments and build each action's parameters (pure).

Every function raises BomgarValidationError for bad input, so nothing is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from .._http.request import Params
from .._xml import validate as check
from ..errors import BomgarValidationError
from .queue import Queue

__all__ = [
    "MAX_IDS_PER_REQUEST",
    "connected_client_list",
    "connected_clients_batches",
    "failover_role",
    "join_session",
    "lsid_only",
    "session_attributes",
    "session_key",
    "support_teams",
    "transfer_session",
]

MAX_IDS_PER_REQUEST = 100
MAX_KEY_LENGTH = 1024


def support_teams(show_members: bool) -> Params:
    """``get_support_teams``; ``showmembers`` only when members are wanted."""
    return (("showmembers", "1"),) if check.flag(show_members, "show_members") else ()


def session_key(
    queue: str | Queue,
    *,
    external_key: str | None,
    priority: int | None,
    skills: Iterable[str] | str | None,
    ttl: int | timedelta | None,
    url_hostname: str | None,
) -> Params:
    """``generate_session_key`` (type is always ``support``, the only documented value)."""
    params: list[tuple[str, str]] = [("type", "support"), ("queue_id", str(Queue.parse(queue)))]
    if external_key is not None:
        params.append(("external_key", check.text(external_key, "external_key", max_length=1024)))
    if priority is not None:
        params.append(("session.priority", str(check.priority(priority))))
    if skills is not None:
        params.append(("session.skills", check.skills(skills)))
    if ttl is not None:
        params.append(("ttl", str(check.seconds(ttl, "ttl"))))
    if url_hostname is not None:
        params.append(("url_hostname", check.hostname(url_hostname, "url_hostname")))
    return tuple(params)


def lsid_only(lsid: str) -> Params:
    """Actions whose only argument is the session id."""
    return (("lsid", check.lsid(lsid)),)


def join_session(lsid: str, rep_id: int) -> Params:
    """``join_session``."""
    return (("lsid", check.lsid(lsid)), ("rep_id", str(check.positive_int(rep_id, "rep_id"))))


def transfer_session(lsid: str, queue: str | Queue) -> Params:
    """``transfer_session``: the guide allows general, rep:ID, team:ID and embassy:ID only."""
    target = Queue.parse(queue)
    if target.kind == "rep_username":
        raise BomgarValidationError(
            "transfer_session takes general, rep:ID, team:ID or embassy:ID, not rep_username"
        )
    return (("lsid", check.lsid(lsid)), ("queue_id", str(target)))


def session_attributes(
    lsid: str, *, external_key: str | None, custom: Mapping[str, str] | None
) -> Params:
    """``set_session_attributes``: ``custom.external_key`` and ``session.custom.<code_name>``."""
    params: list[tuple[str, str]] = [("lsid", check.lsid(lsid))]
    if external_key is not None:
        params.append(
            ("custom.external_key", check.text(external_key, "external_key", max_length=1024))
        )
    if custom is not None:
        if not isinstance(custom, Mapping):
            raise BomgarValidationError("custom must map custom-field code names to strings")
        for name, value in custom.items():
            check.code_name(name, "custom field")
            check.text(value, f"custom[{name!r}]", max_length=MAX_KEY_LENGTH)
            params.append((f"session.custom.{name}", value))
    if len(params) == 1:
        raise BomgarValidationError("set_session_attributes needs external_key or custom values")
    return tuple(params)


def connected_client_list(types: object, summary_only: bool) -> Params:
    """``get_connected_client_list``."""
    params: list[tuple[str, str]] = []
    kinds = check.client_types(types)
    if kinds is not None:
        params.append(("type", kinds))
    if check.flag(summary_only, "summary_only"):
        params.append(("summary_only", "1"))
    return tuple(params)


def connected_clients_batches(
    ids: Iterable[str | int] | None, types: object, include_connections: bool
) -> list[Params]:
    """``get_connected_clients``, split into requests of at most 100 ids each.

    ``ids=None`` asks for every client (one request); an empty list asks for nothing
    (no request). Duplicate ids are sent once, in first-seen order.
    """
    common: list[tuple[str, str]] = []
    kinds = check.client_types(types)
    if kinds is not None:
        common.append(("type", kinds))
    if check.flag(include_connections, "include_connections"):
        common.append(("include_connections", "1"))
    if ids is None:
        return [tuple(common)]
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise BomgarValidationError("ids must be a list of client ids")
    unique = list(dict.fromkeys(check.identifier(i, "client id") for i in ids))
    return [
        (("id", ",".join(unique[start : start + MAX_IDS_PER_REQUEST])), *common)
        for start in range(0, len(unique), MAX_IDS_PER_REQUEST)
    ]


def failover_role(role: str, *, data_sync_first: bool, force: bool) -> Params:
    """``set_failover_role``: ``role`` is ``primary`` or ``backup``."""
    if role not in ("primary", "backup"):
        raise BomgarValidationError(f"role must be 'primary' or 'backup', not {role!r}")
    params = [("role", role)]
    if check.flag(data_sync_first, "data_sync_first"):
        params.append(("data_sync_first", "1"))
    if check.flag(force, "force"):
        params.append(("force", "1"))
    return tuple(params)
