"""Command API answers as XML: pure functions from the world to the appliance's elements.

Each public function builds the root element of one action's answer, with the element names
of the API guide and the roots real appliances send (``<session_key>``, ``<health_check>``,
``<api_information>``); :func:`document` serializes a root with the XML declaration and the
configured namespace. Nothing here reads a request or changes the world.
"""

from __future__ import annotations

import html
from collections import Counter
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement

from .render_clients import client_refs, clients_text
from .world import (
    ApiUser,
    ConnectedClient,
    Representative,
    SessionKey,
    SupportSession,
    World,
)
from .xml_text import iso, to_text

__all__ = [
    "COMMAND_NS_BEYONDTRUST",
    "COMMAND_NS_BOMGAR",
    "COMMAND_NS_HTTPS",
    "api_information",
    "appliances",
    "connected_client_list",
    "connected_clients",
    "custom_attributes",
    "document",
    "error",
    "error_in",
    "health_check",
    "iso",
    "logged_in_reps",
    "session_key",
    "success",
    "support_teams",
]

COMMAND_NS_BOMGAR = "http://www.bomgar.com/namespaces/API/command"
"""The Command API namespace of Bomgar 14.1 and later."""
COMMAND_NS_BEYONDTRUST = "http://www.beyondtrust.com/sra/namespaces/API/command"
"""The Command API namespace of BeyondTrust-branded appliances."""
COMMAND_NS_HTTPS = "https://www.beyondtrust.com/namespaces/API/command"
"""The Command API namespace of the newest appliances."""


def document(root: Element, namespace: str | None) -> bytes:
    """Serialize ``root`` as a UTF-8 document, with ``xmlns`` unless ``namespace`` is None."""
    if namespace is not None:
        root.set("xmlns", namespace)
    body = to_text(root)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _add(parent: Element, tag: str, text: object = None, **attrs: str) -> Element:
    element = SubElement(parent, tag, attrs)
    if text is not None:
        element.text = str(int(text) if isinstance(text, bool) else text)
    return element


def _timed(parent: Element, tag: str, ts: int) -> Element:
    return _add(parent, tag, iso(ts), ts=str(ts))


def error(message: str) -> Element:
    """A root ``<error>`` (bad credentials, missing permission, unknown action)."""
    root = Element("error")
    root.text = message
    return root


def error_in(root_tag: str, message: str) -> Element:
    """An ``<error>`` inside the action's normal root, e.g. ``<connected_clients><error>``."""
    root = Element(root_tag)
    _add(root, "error", message)
    return root


def success(message: str) -> Element:
    """A root ``<success>`` with the appliance's message."""
    root = Element("success")
    root.text = message
    return root


def _names(parent: Element, rep: Representative) -> None:
    _add(parent, "display_name", rep.public_display_name)
    _add(parent, "public_display_name", rep.public_display_name)
    _add(parent, "private_display_name", rep.private_display_name)


def logged_in_reps(world: World) -> Element:
    """``<logged_in_reps>`` with a ``<rep>`` for each logged-in representative."""
    root = Element("logged_in_reps")
    host = world.appliance.public_hostname
    for rep in world.logged_in_reps():
        node = _add(root, "rep", id=str(rep.id))
        _names(node, rep)
        _add(node, "type", rep.type)
        link = f"https://{host}/?id={rep.id}&amp;name={quote(rep.public_display_name)}"
        _add(node, "direct_link", f'<a href="{link}">{html.escape(rep.public_display_name)}</a>')
        _add(node, "logged_in_since", iso(rep.logged_in_since or world.created_at))
        _add(node, "presentation_count", rep.presentation_count)
        _add(node, "support_session_count", len(world.sessions_of(rep.id)))
        _add(node, "showing_on_rep_list", rep.showing_on_rep_list)
    return root


def support_teams(world: World, show_members: bool) -> Element:
    """``<support_teams>`` with issues, waiting-session counts and (optionally) members."""
    root = Element("support_teams")
    for team in world.teams:
        node = _add(root, "support_team", id=str(team.id))
        _add(node, "name", team.name)
        if team.embassy:
            _add(node, "embassy", 1)
        issues = _add(node, "issues")
        for issue in team.issues:
            _add(_add(issues, "issue", id=str(issue.id)), "title", issue.title)
        kind = "embassy" if team.embassy else "team"
        _add(node, "support_session_count", world.waiting_in(f"{kind}:{team.id}"))
        if show_members:
            members = _add(node, "members")
            for rep_id in team.member_ids:
                rep = world.rep(rep_id)
                member = _add(members, "representative", id=str(rep.id))
                _add(member, "username", rep.username)
                _names(member, rep)
    return root


def session_key(key: SessionKey) -> Element:
    """``<session_key>``; ``<expires>`` is a UNIX timestamp, as 19.1 appliances send it."""
    root = Element("session_key")
    _add(root, "type", "support")
    _add(root, "ttl", key.ttl)
    _add(root, "expires", key.expires)
    _add(root, "queue", key.queue, available=str(int(key.available)))
    _add(root, "queue_id", key.queue_id)
    _add(root, "external_key", key.external_key)
    _add(root, "short_key", key.short_key)
    _add(root, "key_url", key.key_url)
    _add(root, "mail_subject", "Remote support invitation")
    body = (
        "To start your remote support session, click the link below or enter the session "
        f"key {key.short_key} on our support site.\n\n{key.key_url}\n"
    )
    _add(root, "mail_body", body)
    return root


def custom_attributes(world: World, session: SupportSession) -> Element:
    """``<custom_attributes>``: every configured custom field and the session's value."""
    root = Element("custom_attributes")
    for code_name, display_name in world.custom_fields.items():
        value = session.custom.get(code_name, "")
        attrs = {"code_name": code_name, "display_name": display_name}
        _add(root, "custom_attribute", value, **attrs)
    return root


def appliances(world: World) -> Element:
    """``<appliances>`` with the failover pair."""
    root = Element("appliances")
    for appliance in world.appliances:
        node = _add(root, "appliance", id=appliance.id)
        _add(node, "name", appliance.name)
        _add(node, "public_hostname", appliance.public_hostname)
        _add(node, "cluster_role", appliance.cluster_role)
        _add(node, "failover_role", appliance.failover_role)
        _add(node, "accepting_connections", appliance.accepting_connections)
        _add(node, "timezone_offset", appliance.timezone_offset)
    return root


def connected_client_list(
    world: World, types: list[str], with_pinned: bool, summary_only: bool
) -> Element:
    """``<connected_client_list>``: per-appliance counts, then (unless summary only) the ids."""
    root = Element("connected_client_list")
    clients = world.find_clients(types)
    summary = _add(root, "connected_client_summary")
    homes = Counter((c.connections[0].appliance_id, c.type) for c in clients)
    for appliance in world.appliances:
        node = _add(summary, "appliance_summary", id=appliance.id)
        for kind in types:
            _add(node, "count", homes[appliance.id, kind], type=kind)
        if with_pinned:
            _add(node, "count", world.pinned_clients.get(appliance.id, 0), type="pinned_client")
    if not summary_only and clients:
        root.append(client_refs(clients))
    return root


def connected_clients(
    world: World, clients: list[ConnectedClient], include_connections: bool
) -> Element:
    """``<connected_clients>`` with a ``<connected_TYPE>`` element for each client."""
    root = Element("connected_clients")
    if clients:
        root.append(clients_text(world, clients, include_connections))
    return root


def health_check(world: World) -> Element:
    """``<health_check>`` of the answering appliance."""
    appliance = world.appliance
    root = Element("health_check")
    _add(root, "appliance", appliance.hostname, id=appliance.id)
    _add(root, "version", world.product_version)
    _add(root, "success", not world.health_error)
    if world.health_error:
        _add(root, "error_message", world.health_error)
    _add(root, "failover_role", appliance.failover_role)
    shared = _add(root, "enabled_shared_ips")
    if appliance.failover_role == "primary":
        for ip in appliance.shared_ips:
            _add(shared, "ip", ip)
    _timed(root, "last_data_sync_time", world.last_data_sync)
    _add(root, "last_data_sync_status", "Success")
    return root


def api_information(world: World, user: ApiUser, now: int) -> Element:
    """``<api_information>``: API version, server time, the caller's permissions and id."""
    root = Element("api_information")
    _add(root, "api_version", world.api_version)
    _add(root, "timestamp", now)
    permissions = _add(root, "permissions")
    for name, value in user.permissions.items():
        _add(permissions, "permission", value, name=name)
    _add(root, "user_id", user.user_id)
    _add(root, "company_name", world.company_name)
    return root
