"""Where the command line's appliance settings come from: flags, ``BOMGAR_*`` variables, and
the password or client secret from the environment, ``--password-file`` or a prompt (never
a command-line argument, where every user of the machine could read it)."""

from __future__ import annotations

import functools
import os
import ssl
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click

from ..client import BomgarClient
from .exits import CLIError

__all__ = ["ApplianceSettings", "appliance_options"]

F = TypeVar("F", bound=Callable[..., Any])

_WHERE_FROM_HINT = (
    "no password: set BOMGAR_PASSWORD (or BOMGAR_CLIENT_SECRET), use --password-file, "
    "or run on a terminal to be asked"
)


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # closed
        return False


def _read_secret_file(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise CLIError(f"{path} is empty: it should hold the password on its first line")
    return secret


@attrs.define(kw_only=True)
class ApplianceSettings:
    """Everything needed to build a :class:`BomgarClient` from the command line."""

    host: str | None
    username: str | None
    client_id: str | None
    password_file: str | None
    allow_http: bool
    timeout: float | None
    retries: int | None
    ca_bundle: str | None
    insecure: bool
    command_path: str | None

    def _secret(self) -> str:
        name = "BOMGAR_CLIENT_SECRET" if self.client_id else "BOMGAR_PASSWORD"
        if self.password_file:
            return _read_secret_file(self.password_file)
        from_env = os.environ.get(name)
        if from_env:
            return from_env
        if not _stdin_is_terminal():
            raise CLIError(_WHERE_FROM_HINT)
        who = f"client {self.client_id}" if self.client_id else f"{self.username}"
        return str(click.prompt(f"Password for {who} at {self.host}", hide_input=True, err=True))

    def _ssl(self) -> bool | ssl.SSLContext:
        if self.insecure and self.ca_bundle:
            raise CLIError("--insecure and --ca-bundle contradict each other: pick one")
        if self.insecure:
            click.echo(
                "warning: --insecure: TLS certificates are not verified; anyone on the "
                "network path can read the API credentials",
                err=True,
            )
            return False
        if self.ca_bundle:
            if not Path(self.ca_bundle).is_file():
                raise CLIError(f"--ca-bundle {self.ca_bundle}: no such file")
            return ssl.create_default_context(cafile=self.ca_bundle)
        return True

    def client(self) -> BomgarClient:
        """A client for the configured appliance (asks for the password if needed).

        Raises:
            CLIError: no host, no user, no password, contradicting TLS options.
            BomgarConfigError: the client refuses the configuration (e.g. ``http://``).
        """
        if not self.host:
            raise CLIError("no appliance: give --host or set BOMGAR_HOST")
        if not self.username and not self.client_id:
            raise CLIError(
                "no API user: give --username (BOMGAR_USERNAME) or --client-id (BOMGAR_CLIENT_ID)"
            )
        options: dict[str, Any] = {"allow_http": self.allow_http}
        if self.timeout is not None:
            options["timeout"] = self.timeout
        if self.retries is not None:
            options["retries"] = self.retries
        if self.command_path:
            options["command_path"] = self.command_path
        elif self.client_id:
            options["command_path"] = "/api/command"
        tls = self._ssl()
        secret = self._secret()
        if self.client_id:
            options.update(client_id=self.client_id, client_secret=secret)
        else:
            options.update(username=self.username, password=secret)
        with warnings.catch_warnings():
            # --insecure already printed its warning line
            warnings.simplefilter("ignore")
            return BomgarClient(self.host, ssl=tls, **options)


_OPTIONS: tuple[Callable[[F], F], ...] = (
    click.option("--host", envvar="BOMGAR_HOST", help="Appliance: name, host:port or URL."),
    click.option("--username", envvar="BOMGAR_USERNAME", help="API user."),
    click.option(
        "--client-id", envvar="BOMGAR_CLIENT_ID", help="OAuth client id (newer appliances)."
    ),
    click.option(
        "--password-file",
        envvar="BOMGAR_PASSWORD_FILE",
        type=click.Path(exists=True, dir_okay=False),
        help="File whose first line is the password or client secret. Otherwise "
        "BOMGAR_PASSWORD / BOMGAR_CLIENT_SECRET, or a prompt on a terminal.",
    ),
    click.option(
        "--allow-http",
        is_flag=True,
        envvar="BOMGAR_ALLOW_HTTP",
        help="Allow a plain http:// host (a lab appliance or the simulator); BOMGAR_ALLOW_HTTP=1.",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        envvar="BOMGAR_TIMEOUT",
        help="Seconds per API call (default 30).",
    ),
    click.option(
        "--retries",
        type=click.IntRange(min=0),
        envvar="BOMGAR_RETRIES",
        help="Retries of read-only calls (default 2).",
    ),
    click.option(
        "--ca-bundle",
        envvar="BOMGAR_CA_BUNDLE",
        help="PEM file of the CA that signed the appliance's certificate.",
    ),
    click.option(
        "--insecure", is_flag=True, help="Do not verify TLS certificates (warns; labs only)."
    ),
    click.option(
        "--command-path",
        envvar="BOMGAR_COMMAND_PATH",
        type=click.Choice(["/api/command.ns", "/api/command"]),
        help="Command API path (default /api/command.ns; /api/command with --client-id).",
    ),
)
_NAMES = tuple(attrs.fields_dict(ApplianceSettings))


def appliance_options(command: F) -> F:
    """Add the appliance options to ``command``, which receives them as ``settings``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _NAMES}
        return command(*args, settings=ApplianceSettings(**values), **kwargs)

    decorated: Any = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]
