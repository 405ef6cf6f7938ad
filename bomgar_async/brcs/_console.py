"""Running BRCS from the representative console: argv lists and Windows command lines.

:func:`run_script_args` and :func:`run_script_file_args` give argv lists for ``subprocess``
(no shell quoting needed); :func:`windows_command_line` joins one into a single Windows
command line for a shortcut, a registry value or ``CreateProcess``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from ._script import (
    BRCSScriptError,
    Command,
    Script,
)

__all__ = ["quote_windows", "run_script_args", "run_script_file_args", "windows_command_line"]


def quote_windows(arg: str) -> str:
    """One argument quoted for a Windows command line (Microsoft C runtime rules).

    Quotes are added when the argument is empty or holds a space, tab, ``"`` or one of
    cmd.exe's ``&|<>^`` (a rendered BRCS command holds ``&``); backslashes before a quote
    are doubled. The result is for ``CreateProcess``, shortcuts and registry values; inside
    a ``.bat`` file ``%`` must further be written ``%%``. argv lists given to
    ``subprocess`` need none of this.
    """
    if arg and not re.search(r'[\s"&|<>^]', arg):
        return arg
    out: list[str] = ['"']
    slashes = 0
    for ch in arg:
        if ch == "\\":
            slashes += 1
            continue
        out.append("\\" * (slashes * 2 + 1) + '"' if ch == '"' else "\\" * slashes + ch)
        slashes = 0
    out.append("\\" * (slashes * 2) + '"')
    return "".join(out)


def windows_command_line(args: Iterable[str]) -> str:
    """An argv list as one Windows command line (see :func:`quote_windows`)."""
    return " ".join(quote_windows(arg) for arg in args)


def run_script_args(command: Command | Script, *, console: str = "bomgar-rep") -> list[str]:
    """argv running one command: ``[console, "--run-script", "action=..."]``.

    Args:
        command: a :class:`Command`, or a :class:`Script` of exactly one command.
        console: the representative console executable (e.g. ``bomgar-rep-x64.exe``).

    Returns:
        The argv list, for ``subprocess`` without a shell.

    Raises:
        BRCSScriptError: a script of several commands (use :func:`run_script_file_args`)
            or an empty console.
    """
    if isinstance(command, Script):
        if len(command.commands) != 1:
            raise BRCSScriptError(
                f"--run-script takes one command, the script has {len(command.commands)}; "
                "save it and use --run-script-file"
            )
        command = command.commands[0]
    if not isinstance(command, Command):
        raise BRCSScriptError(f"expected a Command or Script, not {type(command).__name__}")
    return [_console(console), "--run-script", command.render()]


def run_script_file_args(path: str | os.PathLike[str], *, console: str = "bomgar-rep") -> list[str]:
    """argv running a BRCS file: ``[console, "--run-script-file", path]``.

    Raises:
        BRCSScriptError: an empty path or console.
    """
    file = os.fspath(path)
    if not isinstance(file, str) or not file:
        raise BRCSScriptError("the script file path must be a non-empty string")
    return [_console(console), "--run-script-file", file]


def _console(console: object) -> str:
    if not isinstance(console, str) or not console:
        raise BRCSScriptError("console must name the representative console executable")
    return console
