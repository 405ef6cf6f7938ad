"""The ``bomgar-async`` command line.

``bomgar-async demo`` starts the bundled simulated appliance on loopback and walks through
every capability. The other subcommands talk to a real appliance named by
``BOMGAR_HOST`` with ``BOMGAR_USERNAME`` / ``BOMGAR_PASSWORD`` (or ``BOMGAR_CLIENT_ID`` /
``BOMGAR_CLIENT_SECRET``) and print JSON. ``BOMGAR_COMMAND_PATH`` picks the command path and
``BOMGAR_ALLOW_HTTP=1`` allows a plain ``http://`` host (a lab appliance or the simulator).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import attrs

from ..client import BomgarClient
from ..errors import BomgarError

__all__ = ["main"]


def _jsonable(value: Any) -> Any:
    if attrs.has(type(value)):
        return {k: _jsonable(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "total_seconds"):
        return value.total_seconds()
    return value


def _client_from_env() -> BomgarClient:
    host = os.environ.get("BOMGAR_HOST")
    if not host:
        raise SystemExit("set BOMGAR_HOST (and BOMGAR_USERNAME/BOMGAR_PASSWORD)")
    allow_http = os.environ.get("BOMGAR_ALLOW_HTTP", "") == "1"
    if os.environ.get("BOMGAR_CLIENT_ID"):
        return BomgarClient(
            host,
            allow_http=allow_http,
            client_id=os.environ["BOMGAR_CLIENT_ID"],
            client_secret=os.environ.get("BOMGAR_CLIENT_SECRET", ""),
            command_path=os.environ.get("BOMGAR_COMMAND_PATH", "/api/command"),
        )
    return BomgarClient(
        host,
        allow_http=allow_http,
        username=os.environ.get("BOMGAR_USERNAME", ""),
        password=os.environ.get("BOMGAR_PASSWORD", ""),
        command_path=os.environ.get("BOMGAR_COMMAND_PATH", "/api/command.ns"),
    )


async def _run_command(args: argparse.Namespace) -> int:
    async with _client_from_env() as bg:
        api = bg.command
        result: Any
        if args.command == "reps":
            result = await api.get_logged_in_reps()
        elif args.command == "teams":
            result = await api.get_support_teams(show_members=args.members)
        elif args.command == "session-key":
            result = await api.generate_session_key(
                args.queue, external_key=args.external_key, ttl=args.ttl
            )
        elif args.command == "clients":
            result = await api.get_connected_clients(include_connections=args.connections)
        elif args.command == "health":
            result = await api.check_health()
        else:
            result = await api.get_api_info()
    print(json.dumps(_jsonable(result), indent=2, default=str))
    return 0


async def _serve(seed: int, port: int, backup_size: int, bulk_sessions: int) -> int:
    from ..simulator import Simulator

    async with Simulator(
        seed=seed, port=port, backup_size=backup_size, bulk_sessions=bulk_sessions
    ) as sim:
        print(sim.url, flush=True)
        print("users: admin/s3cret-admin, readonly/s3cret-ro; Ctrl-C stops", flush=True)
        await asyncio.Event().wait()  # until interrupted
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bomgar-async", description="Drive a Bomgar / BeyondTrust appliance from the shell."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="start the simulated appliance and walk through it")
    demo.add_argument("--seed", type=int, default=1, help="seed of the simulated world")
    serve = sub.add_parser("serve", help="run the simulated appliance until interrupted")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--port", type=int, default=0, help="loopback port (0: any free port)")
    serve.add_argument("--backup-size", type=int, default=1 << 20, help="bytes of the backup")
    serve.add_argument(
        "--bulk-sessions", type=int, default=0, help="extra synthetic sessions in reports"
    )
    sub.add_parser("api-info", help="API version and the API user's permissions")
    sub.add_parser("reps", help="logged-in representatives")
    teams = sub.add_parser("teams", help="support teams and issues")
    teams.add_argument("--members", action="store_true", help="include team members")
    key = sub.add_parser("session-key", help="generate a session key")
    key.add_argument("--queue", default="general")
    key.add_argument("--external-key")
    key.add_argument("--ttl", type=int)
    clients = sub.add_parser("clients", help="connected clients")
    clients.add_argument("--connections", action="store_true")
    sub.add_parser("health", help="appliance health")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``bomgar-async``; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from .demo import run_demo  # the demo needs the simulator (aiohttp.web)

            return asyncio.run(run_demo(seed=args.seed))
        if args.command == "serve":
            return asyncio.run(_serve(args.seed, args.port, args.backup_size, args.bulk_sessions))
        return asyncio.run(_run_command(args))
    except BomgarError as err:
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
