"""The Command API on the command line: one command per action (``reps``, ``teams``,
``session-key``, ``join``, ``transfer``, ``terminate``, ``attributes get|set``, ``failover``,
``clients [--watch]``, ...)."""

from __future__ import annotations

import json
from typing import Any

import click

from ..client import BomgarClient
from .config import ApplianceSettings, appliance_options
from .options import OutputSettings, output_options
from .output import jsonable
from .run import run, show
from .values import DURATION, PAIR

__all__ = ["register"]

CLIENT_TYPES = ("all", "representative", "support_customer", "presentation_attendee", "push_agent")


def _simple(name: str, help_text: str, action: str) -> click.Command:
    """A command that calls one argument-less read action and prints its answer."""

    @click.command(name, help=help_text)
    @appliance_options
    @output_options
    def command(settings: ApplianceSettings, out: OutputSettings) -> None:
        show(settings, out, lambda bg: getattr(bg.command, action)())

    return command


@click.command("teams")
@click.option("--members", is_flag=True, help="Include each team's members.")
@appliance_options
@output_options
def teams(settings: ApplianceSettings, out: OutputSettings, members: bool) -> None:
    """Support teams, their issues (and members)."""
    show(settings, out, lambda bg: bg.command.get_support_teams(show_members=members))


@click.command("session-key")
@click.option("--queue", default="general", show_default=True, help="general, rep:ID, team:ID, ...")
@click.option("--external-key", help="Your ticket number (at most 1024 characters).")
@click.option("--priority", type=click.IntRange(1, 3), help="1 (high) to 3 (low).")
@click.option("--skills", help="Comma-separated skill code names.")
@click.option("--ttl", type=DURATION, help="Lifetime of the key (e.g. 1h).")
@click.option("--url-hostname", help="Hostname to put in the key's URL.")
@appliance_options
@output_options
def session_key(
    settings: ApplianceSettings,
    out: OutputSettings,
    queue: str,
    external_key: str | None,
    priority: int | None,
    skills: str | None,
    ttl: Any,
    url_hostname: str | None,
) -> None:
    """Generate a session key (never retried: each call makes a new key)."""
    show(
        settings,
        out,
        lambda bg: bg.command.generate_session_key(
            queue,
            external_key=external_key,
            priority=priority,
            skills=skills,
            ttl=ttl,
            url_hostname=url_hostname,
        ),
    )


def _done(message: str) -> dict[str, Any]:
    return {"ok": True, "message": message}


@click.command("join")
@click.argument("lsid")
@click.argument("rep_id", type=int)
@appliance_options
@output_options
def join(settings: ApplianceSettings, out: OutputSettings, lsid: str, rep_id: int) -> None:
    """Add representative REP_ID to session LSID."""

    async def call(bg: BomgarClient) -> dict[str, Any]:
        await bg.command.join_session(lsid, rep_id)
        return _done(f"rep {rep_id} joined {lsid}")

    show(settings, out, call)


@click.command("transfer")
@click.argument("lsid")
@click.argument("queue")
@appliance_options
@output_options
def transfer(settings: ApplianceSettings, out: OutputSettings, lsid: str, queue: str) -> None:
    """Move session LSID to QUEUE (general, rep:ID, team:ID, ...)."""

    async def call(bg: BomgarClient) -> dict[str, Any]:
        await bg.command.transfer_session(lsid, queue)
        return _done(f"{lsid} transferred to {queue}")

    show(settings, out, call)


@click.command("terminate")
@click.argument("lsid")
@appliance_options
@output_options
def terminate(settings: ApplianceSettings, out: OutputSettings, lsid: str) -> None:
    """End session LSID."""

    async def call(bg: BomgarClient) -> dict[str, Any]:
        await bg.command.terminate_session(lsid)
        return _done(f"{lsid} terminated")

    show(settings, out, call)


@click.group("attributes")
def attributes() -> None:
    """Read or set a session's custom attributes."""


@attributes.command("get")
@click.argument("lsid")
@appliance_options
@output_options
def attributes_get(settings: ApplianceSettings, out: OutputSettings, lsid: str) -> None:
    """The custom attributes of session LSID."""
    show(settings, out, lambda bg: bg.command.get_session_attributes(lsid))


@attributes.command("set")
@click.argument("lsid")
@click.argument("values", nargs=-1, type=PAIR)
@click.option("--external-key", help="Set the session's external key.")
@appliance_options
@output_options
def attributes_set(
    settings: ApplianceSettings,
    out: OutputSettings,
    lsid: str,
    values: tuple[tuple[str, str], ...],
    external_key: str | None,
) -> None:
    """Set custom attributes of session LSID: CODE_NAME=VALUE ..."""

    async def call(bg: BomgarClient) -> dict[str, Any]:
        await bg.command.set_session_attributes(
            lsid, external_key=external_key, custom=dict(values) or None
        )
        return _done(f"{len(values)} attribute(s) set on {lsid}")

    show(settings, out, call)


@click.command("failover")
@click.argument("role", type=click.Choice(["primary", "backup"]))
@click.option("--data-sync-first", is_flag=True, help="Sync data before changing roles.")
@click.option("--force", is_flag=True, help="Change roles even if the peer is unreachable.")
@appliance_options
@output_options
def failover(
    settings: ApplianceSettings, out: OutputSettings, role: Any, data_sync_first: bool, force: bool
) -> None:
    """Make this appliance the primary or the backup of its failover pair."""

    async def call(bg: BomgarClient) -> dict[str, Any]:
        message = await bg.command.set_failover_role(
            role, data_sync_first=data_sync_first, force=force
        )
        return _done(message)

    show(settings, out, call)


@click.command("clients")
@click.option("--type", "types", multiple=True, type=click.Choice(CLIENT_TYPES), help="Repeatable.")
@click.option("--connections", is_flag=True, help="Include each client's connections.")
@click.option("--watch", is_flag=True, help="Poll, printing the clients that come and go.")
@click.option("--interval", type=DURATION, default="10s", show_default=True, help="With --watch.")
@click.option("--count", type=click.IntRange(min=1), help="With --watch: stop after N polls.")
@appliance_options
@output_options
def clients(
    settings: ApplianceSettings,
    out: OutputSettings,
    types: tuple[Any, ...],
    connections: bool,
    watch: bool,
    interval: Any,
    count: int | None,
) -> None:
    """Connected clients; with --watch, one line per client added or removed (a text line
    with --format table, a JSON line otherwise)."""
    if not watch:
        show(
            settings,
            out,
            lambda bg: bg.command.get_connected_clients(
                types=types or None, include_connections=connections
            ),
        )
        return

    async def go() -> None:
        async with settings.client() as bg:
            polls = bg.poll_connected_clients(
                interval=interval.total_seconds(),
                types=types or None,
                include_connections=connections,
            )
            with out.printer() as printer:
                seen = 0
                async for snap in polls:
                    seen += 1
                    _print_changes(printer, snap)
                    if count is not None and seen >= count:
                        break

    run(go())


def _print_changes(printer: Any, snap: Any) -> None:
    when = snap.taken_at.isoformat()
    if snap.error is not None:
        event = {
            "event": "error",
            "at": when,
            "error": f"{type(snap.error).__name__}: {snap.error}",
        }
        rows = [event]
    else:
        rows = [{"event": "added", "at": when, "client": jsonable(c)} for c in snap.added]
        rows += [{"event": "removed", "at": when, "client": jsonable(c)} for c in snap.removed]
    for row in rows:
        if printer.format in ("json", "jsonl", "csv"):
            # a watch is a stream: one JSON document per line (CSV has no place for clients)
            printer.line(json.dumps(row, ensure_ascii=False))
            continue
        client = row.get("client") or {}
        detail = row.get("error") or f"{client.get('client_type')} {client.get('id')}"
        host = client.get("hostname")
        printer.line(f"{when} {row['event']:<7} {detail}{f' ({host})' if host else ''}")


def register(group: click.Group) -> None:
    """Add the Command API commands to ``group``."""
    for name, help_text, action in (
        ("api-info", "API version and the API user's permissions.", "get_api_info"),
        ("health", "The appliance's health (check_health).", "check_health"),
        ("appliances", "The appliances of the cluster.", "get_appliances"),
        ("reps", "Logged-in representatives (cached by the SDK).", "get_logged_in_reps"),
    ):
        group.add_command(_simple(name, help_text, action))
    for command in (
        teams,
        session_key,
        join,
        transfer,
        terminate,
        attributes,
        failover,
        clients,
    ):
        group.add_command(command)
