"""BRCS commands and scripts built in Python: :class:`Command`, :class:`Script`, the errors.

Validation shared by building and parsing lives here, with the percent-encoding both ways
(``_encode`` for rendering, ``_decode`` for :mod:`._parse`), so parsing only splits text into
lines and parameters. See :mod:`bomgar_async.brcs` for the grammar and the encoding rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote_to_bytes

import attrs

from ..errors import BomgarValidationError
from ..scripting.params import action_params

__all__ = [
    "MAX_COMMANDS",
    "BRCSError",
    "BRCSScriptError",
    "BRCSSyntaxError",
    "Command",
    "Script",
]

MAX_COMMANDS = 10
_VERSION = re.compile(r"[0-9]\.[0-9]")
_REDACTED = ("password",)
_ENCODED = re.compile(r"(?:[A-Za-z0-9\-._~!$'()*+,;:@/?]|%[0-9A-Fa-f]{2})*")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


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
    (:mod:`bomgar_async.scripting.params`): search string and external key ≤1024 characters,
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
