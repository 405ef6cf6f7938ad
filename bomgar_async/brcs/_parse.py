"""Parsing BRCS text: :func:`parse` (a whole file) and :func:`parse_command` (one line).

Errors name a line and a column, never a key's or value's text (a value may be a password).
"""

from __future__ import annotations

import re

from ._script import (
    MAX_COMMANDS,
    BRCSError,
    BRCSScriptError,
    BRCSSyntaxError,
    Command,
    Script,
    _decode,
)

__all__ = ["parse", "parse_command"]

_HEADER = re.compile(r"BRCS([0-9]\.[0-9])")


def parse_command(text: str, *, line: int = 1) -> Command:
    """One command line (``action=...&key=value``), decoded.

    Args:
        text: the line, without its newline.
        line: the line number to name in errors.

    Returns:
        The :class:`Command`.

    Raises:
        BRCSSyntaxError: no leading ``action=``, a parameter without ``=``, an empty
            parameter, a raw reserved or non-ASCII character, a malformed escape.
        BRCSScriptError: an empty action, or a key that is empty, ``action`` or repeated.
    """
    if not text:
        raise BRCSSyntaxError("empty line; every line after the header is a command", line=line)
    if "\r" in text:
        raise BRCSSyntaxError("a bare carriage return; newlines are \\n or \\r\\n", line=line)
    if not text.startswith("action="):
        raise BRCSSyntaxError("a command must start with 'action='", line=line)
    first, *rest = text.split("&")
    action = _decode(first[len("action=") :], "the action", line, len("action=") + 1)
    pairs: list[tuple[str, str]] = []
    column = len(first) + 2  # where the first parameter starts, after its "&"
    for number, part in enumerate(rest, start=1):
        key, sep, value = part.partition("=")
        if not sep:
            raise BRCSSyntaxError(f"parameter {number} has no '='", line=line)
        pairs.append(
            (
                _decode(key, f"key {number}", line, column),
                _decode(value, f"value {number}", line, column + len(key) + 1),
            )
        )
        column += len(part) + 1
    try:
        return Command(action, pairs)
    except BRCSError as err:
        raise BRCSScriptError(str(err), line=line) from err


def parse(text: str) -> Script:
    """A BRCS file's text as a :class:`Script`.

    Args:
        text: the whole file, decoded (BRCS files are ASCII once percent-encoded).

    Returns:
        The script; ``parse(script.render()) == script`` for every script.

    Raises:
        BRCSSyntaxError: a bad header or newline, an empty line, or a malformed command.
        BRCSScriptError: no or more than 10 commands, a misplaced ``login``, a bad key.
            Every message starts with ``line N:``.
    """
    if not isinstance(text, str):
        raise BRCSSyntaxError(f"a BRCS file must be text, not {type(text).__name__}", line=1)
    *ended, last = text.split("\n")
    # A "\r" counts as part of a newline only right before "\n"; elsewhere it is an error.
    lines = [raw.removesuffix("\r") for raw in ended] + [last]
    if len(lines) > 1 and last == "":
        lines.pop()  # one newline ending the file
    header = _HEADER.fullmatch(lines[0])
    if header is None:
        raise BRCSSyntaxError(
            f"the header must be BRCS<digit>.<digit>, not {lines[0][:20]!r}", line=1
        )
    if len(lines) == 1:
        raise BRCSScriptError("the header must be followed by at least one command", line=1)
    commands: list[Command] = []
    for number, line_text in enumerate(lines[1:], start=2):
        if len(commands) == MAX_COMMANDS:
            raise BRCSScriptError(f"a script holds at most {MAX_COMMANDS} commands", line=number)
        command = parse_command(line_text, line=number)
        if command.action == "login" and commands:
            raise BRCSScriptError(
                "login may only be the first command (and so appear once)", line=number
            )
        commands.append(command)
    return Script(commands, version=header.group(1))
