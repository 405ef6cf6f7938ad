"""Exit statuses of the command line, and the one line printed for each error.

====  ==========================================================================
0     success
1     the appliance said no (``BomgarAPIError``: an ``<error>`` answer)
2     usage or validation (a bad option, ``BomgarValidationError``, ``BomgarConfigError``)
3     network, TLS, timeout, an HTTP error status or an answer that is not the API's
4     authentication or permission (``BomgarAuthError``, ``BomgarPermissionError``, 401/403)
130   interrupted (Ctrl-C)
====  ==========================================================================
"""

from __future__ import annotations

import errno

import click

from ..errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarConfigError,
    BomgarError,
    BomgarHTTPError,
    BomgarPermissionError,
    BomgarProtocolError,
    BomgarTransportError,
    BomgarValidationError,
)

__all__ = [
    "EXIT_API",
    "EXIT_AUTH",
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_USAGE",
    "CLIError",
    "PipeClosed",
    "exit_status",
    "one_line",
]

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3
EXIT_AUTH = 4
EXIT_INTERRUPTED = 130


class CLIError(Exception):
    """An error found by the command line itself, with its exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


class PipeClosed(Exception):
    """Whoever read our output stopped reading (``| head``): end quietly."""


def exit_status(err: BaseException) -> int:
    """The exit status for ``err`` (see the module docstring)."""
    if isinstance(err, CLIError):
        return err.status
    if isinstance(err, BomgarAuthError | BomgarPermissionError):
        return EXIT_AUTH
    if isinstance(err, BomgarHTTPError) and err.status in (401, 403):
        return EXIT_AUTH
    if isinstance(err, BomgarAPIError):
        return EXIT_API
    if isinstance(err, BomgarValidationError | BomgarConfigError | click.UsageError):
        return EXIT_USAGE
    if isinstance(err, BomgarTransportError | BomgarHTTPError | BomgarProtocolError):
        return EXIT_NETWORK
    if isinstance(err, BomgarError):
        return EXIT_API
    if isinstance(err, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(err, OSError) and err.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
        return EXIT_NETWORK
    if isinstance(err, OSError):
        return EXIT_USAGE  # a file the command was told to read or write
    return EXIT_API


def one_line(err: BaseException) -> str:
    """``err`` as the single line printed on stderr."""
    if isinstance(err, click.UsageError):
        text = err.format_message()
        command = err.ctx.command_path if err.ctx is not None else "bomgar-async"
        return f"error: {text} (see '{command} --help')"
    if isinstance(err, CLIError):
        text = str(err)
    elif isinstance(err, BomgarError):
        text = f"{type(err).__name__}: {err}"
    elif isinstance(err, OSError):
        where = f" {err.filename}" if err.filename else ""
        text = f"{err.strerror or err}{':' if where else ''}{where}"
    else:
        text = f"{type(err).__name__}: {err}"
    return "error: " + " ".join(text.split())
