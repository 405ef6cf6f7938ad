"""Bomgar Representative Console Script (BRCS) files: build, render and parse them (pure).

The guide's grammar, enforced both ways::

    brcs_file = header , newline , commands ;
    header    = "BRCS" , digit , "." , digit ;
    commands  = command { newline , command } ;          (1 to 10 commands)
    newline   = "\\n" | "\\r\\n" ;
    command   = "action=" , value , { "&" , key , "=" , value } ;

Keys and values are percent-encoded per RFC 3986 section 2.1: :meth:`Command.render` encodes
the UTF-8 bytes of everything but the unreserved characters ``A-Za-z0-9-._~``; :func:`parse`
also accepts the other characters RFC 3986 allows raw in a query (``!$'()*+,;:@/?``, with
``+`` a literal plus, not a space), decodes ``%XX`` escapes as UTF-8 and rejects malformed
ones. ``login`` may only be the first command, hence appear once. A command's keys are a set:
a key may not repeat, be empty or be ``action``. A single newline ending the file (as text
editors write) is accepted; :meth:`Script.render` never writes one.

Running a script: :func:`run_script_args` and :func:`run_script_file_args` give argv lists for
``subprocess`` (no shell quoting needed); :func:`windows_command_line` joins one into a single
Windows command line for a shortcut, a registry value or ``CreateProcess``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote_to_bytes

import attrs

from .errors import BomgarValidationError
from .scripting_params import action_params

__all__ = [
    "MAX_COMMANDS",
    "BRCSError",
    "BRCSScriptError",
    "BRCSSyntaxError",
    "Command",
    "Script",
    "parse",
    "parse_command",
    "quote_windows",
    "run_script_args",
    "run_script_file_args",
    "windows_command_line",
]

MAX_COMMANDS = 10
_HEADER = re.compile(r"BRCS([0-9]\.[0-9])")
_VERSION = re.compile(r"[0-9]\.[0-9]")
_ENCODED = re.compile(r"(?:[A-Za-z0-9\-._~!$'()*+,;:@/?]|%[0-9A-Fa-f]{2})*")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_REDACTED = ("password",)


class BRCSError(BomgarValidationError):
    """A BRCS script or command breaks the guide's rules (also a ``ValueError``).

    Attributes:
        line: the 1-based line of the text being parsed, or ``None`` when a script or
            command was built in Python.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


class BRCSSyntaxError(BRCSError):
    """The text does not follow the grammar: header, newlines, ``action=``, escapes."""


class BRCSScriptError(BRCSError):
    """The commands break a rule of the format: count, ``login`` placement, keys."""


def _encode(text: str, what: str) -> str:
    try:
        return quote(text, safe="")
    except UnicodeEncodeError as err:
        raise BRCSScriptError(f"{what} is not encodable as UTF-8 (a lone surrogate?)") from err


def _to_pairs(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = params.items() if isinstance(params, Mapping) else params
    pairs = tuple(items)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise BRCSScriptError(f"command parameters must be (key, value) pairs, not {pair!r}")
    return pairs


def _check_command(command: Command) -> None:
    if not isinstance(command.action, str) or not command.action:
        raise BRCSScriptError("a command's action must be a non-empty string")
    _encode(command.action, "the action")
    seen: set[str] = set()
    for key, value in command.params:
        if not isinstance(key, str) or not isinstance(value, str):
            raise BRCSScriptError(f"{command.action}: parameter keys and values must be strings")
        if not key or key == "action" or key in seen:
            problem = (
                "is empty" if not key else "repeats the action" if key == "action" else "repeats"
            )
            raise BRCSScriptError(f"{command.action}: a parameter key {problem}")
        seen.add(key)
        _encode(key, f"{command.action}: a parameter key")
        _encode(value, f"{command.action}: the value of {key!r}")


@attrs.frozen(repr=False)
class Command:
    """One BRCS command: an action and its parameters, in order.

    Build one with ``Command("generate_session_key", {"session.custom.external_key": "T-1"})``
    (a mapping or ``(key, value)`` pairs), ``Command.of("start_pinned_client_session",
    search_string="ABC")`` (keyword names), or a validating helper such as
    :meth:`start_pinned_client_session`. Values are kept decoded; :meth:`render` encodes.
    ``repr`` hides a ``password`` value; :meth:`render` contains it.

    The helpers (:meth:`start_pinned_client_session`, :meth:`generate_session_key`,
    :meth:`push_and_start_local`, :meth:`start_vpro_session`, :meth:`login`,
    :meth:`delete_script_file`) check the guide's required parameters and limits
    (:mod:`bomgar_async.scripting_params`): search string and external key ≤1024 characters,
    hostnames ≤255, username and password together or not at all.

    Raises:
        BRCSScriptError: an empty action, a key that is empty, ``action`` or repeated, a
            non-string, text that cannot be encoded as UTF-8; from a helper, a missing,
            empty, invalid or too long value.
    """

    action: str
    params: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_to_pairs)

    def __attrs_post_init__(self) -> None:
        _check_command(self)

    def __repr__(self) -> str:
        shown = tuple((key, "***" if key in _REDACTED else value) for key, value in self.params)
        return f"Command(action={self.action!r}, params={shown!r})"

    @classmethod
    def of(cls, action: str, /, **params: str) -> Command:
        """A command from keyword parameters (``Command.of("login")``)."""
        return cls(action, params)

    @classmethod
    def _known(cls, action: str, **params: object) -> Command:
        try:
            return cls(action, action_params(action, **params))
        except BRCSError:
            raise
        except BomgarValidationError as err:
            raise BRCSScriptError(str(err)) from err

    @classmethod
    def start_pinned_client_session(
        cls, search_string: str, external_key: str | None = None
    ) -> Command:
        """Start a session with the Jump Client matching ``search_string``."""
        return cls._known(
            "start_pinned_client_session", search_string=search_string, external_key=external_key
        )

    @classmethod
    def generate_session_key(
        cls, external_key: str | None = None, public_portal_hostname: str | None = None
    ) -> Command:
        """Show the Generate Session Key dialog, optionally preset."""
        return cls._known(
            "generate_session_key",
            external_key=external_key,
            public_portal_hostname=public_portal_hostname,
        )

    @classmethod
    def push_and_start_local(cls, hostname: str, external_key: str | None = None) -> Command:
        """Push a client to a local-network Windows computer and start a session."""
        return cls._known("push_and_start_local", hostname=hostname, external_key=external_key)

    @classmethod
    def start_vpro_session(
        cls, target: str, jumpoint: str, external_key: str | None = None
    ) -> Command:
        """Start a vPro session with ``target`` (hostname, IP or FQDN) through ``jumpoint``."""
        return cls._known(
            "start_vpro_session", target=target, jumpoint=jumpoint, external_key=external_key
        )

    @classmethod
    def login(cls, username: str | None = None, password: str | None = None) -> Command:
        """Log in with saved credentials (no arguments) or ``username_password`` (both)."""
        return cls._known("login", username=username, password=password)

    @classmethod
    def delete_script_file(cls) -> Command:
        """Delete the script file once it has run."""
        return cls._known("delete_script_file")

    def render(self) -> str:
        """The command as one line: ``action=<action>&key=value...``, percent-encoded."""
        parts = [f"action={_encode(self.action, 'the action')}"]
        parts.extend(f"{_encode(k, 'key')}={_encode(v, 'value')}" for k, v in self.params)
        return "&".join(parts)


def _to_commands(commands: Iterable[Command]) -> tuple[Command, ...]:
    if isinstance(commands, (str, Command)) or not isinstance(commands, Iterable):
        raise BRCSScriptError("a script's commands must be an iterable of Command")
    return tuple(commands)


@attrs.frozen
class Script:
    """A BRCS script: 1 to 10 commands under a ``BRCS<d>.<d>`` header.

    ``repr`` hides login passwords (through :class:`Command`'s ``repr``).

    Raises:
        BRCSScriptError: a bad version, no or more than 10 commands, a non-Command, or a
            ``login`` anywhere but first.
    """

    commands: tuple[Command, ...] = attrs.field(converter=_to_commands)
    version: str = "1.0"

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.version, str) or not _VERSION.fullmatch(self.version):
            raise BRCSScriptError(f"version must be <digit>.<digit>, not {self.version!r}")
        if not 1 <= len(self.commands) <= MAX_COMMANDS:
            raise BRCSScriptError(
                f"a script holds 1 to {MAX_COMMANDS} commands, not {len(self.commands)}"
            )
        for index, command in enumerate(self.commands):
            if not isinstance(command, Command):
                raise BRCSScriptError(f"command {index + 1} is not a Command: {command!r}")
            if index and command.action == "login":
                raise BRCSScriptError(
                    f"login is command {index + 1}; it may only be the first command"
                )

    def render(self, newline: str = "\n") -> str:
        """The file's text: header and commands joined by ``newline``, no final newline.

        Args:
            newline: ``"\\n"`` or ``"\\r\\n"``.

        Raises:
            BRCSSyntaxError: any other newline.
        """
        if newline not in ("\n", "\r\n"):
            raise BRCSSyntaxError(f"newline must be '\\n' or '\\r\\n', not {newline!r}")
        lines = [f"BRCS{self.version}", *(command.render() for command in self.commands)]
        return newline.join(lines)


def _decode(text: str, what: str, line: int, column: int) -> str:
    """Percent-decode one key or value; ``column`` is where ``text`` starts (1-based).

    Errors name a column, never the text: a value may be a password.
    """
    if not _ENCODED.fullmatch(text):
        bad = _BAD_ESCAPE.search(text)
        if bad is not None:
            where = column + bad.start()
            raise BRCSSyntaxError(
                f"{what} has a malformed percent escape at column {where}", line=line
            )
        for index, ch in enumerate(text):
            if not _ENCODED.fullmatch(ch) and not _ESCAPE.match(text, index):
                raise BRCSSyntaxError(
                    f"{what} has a character at column {column + index} that must be "
                    "percent-encoded",
                    line=line,
                )
    try:
        return unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError as err:
        raise BRCSSyntaxError(f"{what} is not UTF-8 once decoded", line=line) from err


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
