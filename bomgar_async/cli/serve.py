"""``bomgar-async serve``: the simulated appliance in the foreground, with the ``export``
lines that point the other commands at it."""

from __future__ import annotations

import asyncio
import shlex
import tempfile
from pathlib import Path

import click

from .run import run

__all__ = ["serve"]


async def _serve(
    seed: int,
    port: int,
    tls: bool,
    latency: float,
    backup_size: int,
    bulk_sessions: int,
    product: str = "rs",
    locale: str = "en",
    connected_clients: int = 0,
    heavy_events: bool = False,
) -> None:
    from ..simulator import Simulator  # the server needs aiohttp.web: imported on use

    simulator = Simulator(
        seed=seed,
        port=port,
        tls=tls,
        latency=latency,
        backup_size=backup_size,
        bulk_sessions=bulk_sessions,
        connected_clients=connected_clients,
        product=product,
        locale=locale,
    )
    simulator.world.bulk_heavy = heavy_events
    async with simulator as sim:
        exports = {"BOMGAR_HOST": sim.url, "BOMGAR_USERNAME": "admin"}
        with tempfile.TemporaryDirectory(prefix="bomgar-sim-") as folder:
            if sim.ca_pem is not None:
                bundle = Path(folder) / "simulator-ca.pem"
                bundle.write_bytes(sim.ca_pem)
                exports["BOMGAR_CA_BUNDLE"] = str(bundle)
            else:
                exports["BOMGAR_ALLOW_HTTP"] = "1"
            exports["BOMGAR_PASSWORD"] = "s3cret-admin"  # noqa: S105 (the simulator's own)
            line = " ".join(f"{k}={shlex.quote(v)}" for k, v in exports.items())
            click.echo(f"Simulated appliance on {sim.url} (seed {seed}); Ctrl-C stops it.")
            if sim.ca_pem is None:
                click.echo("It speaks plain HTTP: the commands need --allow-http (set below).")
            click.echo("Users: admin/s3cret-admin, readonly/s3cret-ro. In another shell:")
            click.echo(f"export {line}")
            await asyncio.Event().wait()  # until interrupted


@click.command("serve")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the world.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Loopback port (0: any free)."
)
@click.option("--tls", is_flag=True, help="Serve HTTPS with a generated CA (prints its file).")
@click.option("--latency", type=click.FloatRange(min=0), default=0.0, help="Seconds per answer.")
@click.option("--backup-size", type=click.IntRange(min=0), default=1 << 20, help="Bytes.")
@click.option("--bulk-sessions", type=click.IntRange(min=0), default=0, help="Extra sessions.")
@click.option(
    "--connected-clients",
    type=click.IntRange(min=0),
    default=0,
    help="Connect extra clients until this many are connected.",
)
@click.option(
    "--heavy-events",
    is_flag=True,
    help="16 more events per bulk session (chat messages, member-added data).",
)
@click.option(
    "--product",
    type=click.Choice(["rs", "pra"]),
    default="rs",
    show_default=True,
    help="Remote Support or Privileged Remote Access (PRA's reports).",
)
@click.option(
    "--locale",
    type=click.Choice(["en", "fr", "de", "es", "it", "pt", "nl"]),
    default="en",
    show_default=True,
    help="Language of the appliance's no-data answers.",
)
def serve(
    seed: int,
    port: int,
    tls: bool,
    latency: float,
    backup_size: int,
    bulk_sessions: int,
    connected_clients: int,
    heavy_events: bool,
    product: str,
    locale: str,
) -> None:
    """Run the simulated appliance on 127.0.0.1 until interrupted."""
    try:
        run(
            _serve(
                seed,
                port,
                tls,
                latency,
                backup_size,
                bulk_sessions,
                product,
                locale,
                connected_clients,
                heavy_events,
            )
        )
    except OSError as err:
        from .exits import CLIError

        reason = err.strerror or str(err)
        raise CLIError(f"cannot listen on 127.0.0.1:{port}: {reason}", 3) from err
