"""The ``bomgar-async`` command: the group of subcommands, and :func:`main`, which turns every
outcome into an exit status and at most one line on stderr (see :mod:`.exits`).

Built on click (parsing, prompts) and rich (tables, progress), the ``cli`` extra.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence

import attrs
import click

from .. import __version__
from . import commands, files
from .exits import EXIT_INTERRUPTED, EXIT_OK, PipeClosed, exit_status, one_line
from .reports import report
from .serve import serve
from .sync import sync

__all__ = ["cli", "main"]

_EPILOG = """\
\b
Configuration: --host/--username/--client-id or BOMGAR_HOST, BOMGAR_USERNAME,
BOMGAR_CLIENT_ID; the password or client secret from BOMGAR_PASSWORD /
BOMGAR_CLIENT_SECRET, --password-file, or a prompt (never an argument). A plain
http:// appliance (a lab, or `bomgar-async serve`) needs --allow-http or
BOMGAR_ALLOW_HTTP=1.

Exit status: 0 success, 1 the appliance said no, 2 usage or validation, 3 network,
TLS or timeout, 4 authentication or permission, 130 interrupted.
"""


@attrs.define
class State:
    """What the group's options set for the whole run."""

    debug: bool = False


@click.group(epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="bomgar-async")
@click.option("-v", "--debug", is_flag=True, help="Log every call; print tracebacks.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Drive a Bomgar / BeyondTrust appliance from the shell."""
    state = ctx.ensure_object(State)
    state.debug = state.debug or debug
    if state.debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("bomgar_async").setLevel(logging.DEBUG)


@click.command("demo")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the world.")
def demo(seed: int) -> None:
    """Start the simulated appliance and walk through every capability."""
    from .demo import run_demo  # the demo needs the simulator (aiohttp.web)
    from .run import run

    run(run_demo(seed=seed))


cli.add_command(demo)
cli.add_command(serve)
cli.add_command(report)
cli.add_command(sync)
commands.register(cli)
files.register(cli)


def _quiet_stdout() -> None:
    """After a closed pipe: send what is left to /dev/null so the exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``bomgar-async``; returns the process exit status."""
    state = State()
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="bomgar-async",
            standalone_mode=False,
            obj=state,
        )
    except (BrokenPipeError, PipeClosed):
        _quiet_stdout()
        return EXIT_OK
    except (KeyboardInterrupt, click.Abort):
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as err:
        if state.debug:
            traceback.print_exc()
        with contextlib.suppress(BrokenPipeError):
            click.echo(one_line(err), err=True)
        return exit_status(err)
    return result if isinstance(result, int) else EXIT_OK
