"""Files on the command line: ``recording``, ``backup``, ``script render|parse|download``
(BRCS) and ``start-url`` (session generation links)."""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import brcs
from .._http.config import base_url
from ..client import BomgarClient
from ..start_session import StartSessionURLs
from .config import ApplianceSettings, appliance_options
from .exits import PipeClosed
from .options import OutputSettings, output_options
from .output import atomic_text
from .run import run
from .values import PAIR

__all__ = ["register"]

RECORDING_KINDS = ("support_session", "show_my_screen", "command_shell", "presentation")


def _download(settings: ApplianceSettings, out: OutputSettings, what: str, call: Any) -> None:
    """Run a download with a progress line, then print its result (path, size, sha256)."""

    async def go() -> None:
        async with settings.client() as bg:
            with out.progress_bar() as progress:
                progress.advance(what, 0, total=1)
                result = await call(bg)
                progress.advance(what, 1, total=1)
        with out.printer() as printer:
            printer.value(result)

    run(go())


@click.command("recording")
@click.argument("lsid")
@click.argument("dest", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(RECORDING_KINDS), default="support_session")
@click.option("--instance", type=click.IntRange(min=0), help="show_my_screen / command_shell.")
@appliance_options
@output_options
def recording(
    settings: ApplianceSettings,
    out: OutputSettings,
    lsid: str,
    dest: str,
    kind: Any,
    instance: int | None,
) -> None:
    """Download the recording of session LSID to DEST (complete, or no file at all)."""
    _download(
        settings,
        out,
        "recording",
        lambda bg: bg.reporting.download_recording(lsid, dest, kind=kind, instance=instance),
    )


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@appliance_options
@output_options
def backup(settings: ApplianceSettings, out: OutputSettings, dest: str) -> None:
    """Download the appliance's backup to DEST (complete, or yesterday's file untouched)."""
    _download(settings, out, "backup", lambda bg: bg.backup.download(dest))


@click.group("script")
def script() -> None:
    """Bomgar Representative Console Scripts (BRCS): render, parse, download."""


@script.command("render")
@click.argument("action")
@click.argument("params", nargs=-1, type=PAIR)
@click.option("--login", is_flag=True, help="Start with action=login.")
@click.option("--delete-script-file", is_flag=True, help="End with action=delete_script_file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the file here.")
def script_render(
    action: str,
    params: tuple[tuple[str, str], ...],
    login: bool,
    delete_script_file: bool,
    output: str | None,
) -> None:
    """A BRCS file with ACTION and its KEY=VALUE parameters (checked by the guide's grammar)."""
    commands = [brcs.Command(action, params)]
    if login:
        commands.insert(0, brcs.Command.login())
    if delete_script_file:
        commands.append(brcs.Command.delete_script_file())
    text = brcs.Script(commands).render() + "\n"
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError as err:
            raise PipeClosed() from err
        return
    with atomic_text(output) as handle:
        handle.write(text)


@script.command("parse")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@output_options
def script_parse(out: OutputSettings, file: Any) -> None:
    """The commands of a BRCS FILE ('-' for stdin), checked by the guide's grammar."""
    parsed = brcs.parse(file.read())
    rows = [{"action": c.action, "params": dict(c.params)} for c in parsed.commands]
    with out.printer() as printer:
        printer.value(rows)


@script.command("download")
@click.argument("action")
@click.argument("dest", type=click.Path(dir_okay=False))
@click.argument("params", nargs=-1, type=PAIR)
@appliance_options
@output_options
def script_download(
    settings: ApplianceSettings,
    out: OutputSettings,
    action: str,
    dest: str,
    params: tuple[tuple[str, str], ...],
) -> None:
    """Download the appliance's BRCS file for ACTION (KEY=VALUE parameters) to DEST."""

    async def call(bg: BomgarClient) -> Any:
        return await bg.scripting.download(action, dest, **dict(params))

    _download(settings, out, "script", call)


@click.command("start-url")
@click.option("--host", envvar="BOMGAR_HOST", required=True, help="The appliance.")
@click.option("--allow-http", is_flag=True, envvar="BOMGAR_ALLOW_HTTP")
@click.option("--rep-id", type=int, help="Start with this representative (with --rep-name).")
@click.option("--rep-name", help="The representative's public name.")
@click.option("--short-key", help="Start with a session key.")
@click.option("--issue-menu", is_flag=True, help="Start from the issue menu.")
@click.option("--issue-id", type=int, help="With --issue-menu.")
@click.option("--customer-name")
@click.option("--customer-company")
@click.option("--customer-desc")
@click.option("--external-key")
@click.option("--locale")
@click.option("--priority", type=click.IntRange(1, 3))
def start_url(host: str, allow_http: bool, **options: Any) -> None:
    """A start_session.ns link a customer opens (no credentials needed)."""
    urls = StartSessionURLs(base_url(host, allow_http=allow_http))
    click.echo(urls.url(**options))


def register(group: click.Group) -> None:
    """Add the file commands to ``group``."""
    for command in (recording, backup, script, start_url):
        group.add_command(command)
