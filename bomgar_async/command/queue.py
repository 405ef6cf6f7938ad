"""Session queues in the guide's grammar: ``general``, ``rep:ID``, ``team:ID``, ``embassy:ID``,
``rep_username:NAME``.

Every way of making a :class:`Queue` (the constructor, ``attrs.evolve``, the classmethods and
:meth:`Queue.parse`) runs the same check, so a queue that exists is one the guide allows.
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

from ..errors import BomgarValidationError

__all__ = ["Queue", "QueueKind"]

QueueKind = Literal["general", "rep", "team", "embassy", "rep_username"]
_KINDS = ("general", "rep", "team", "embassy", "rep_username")
_NUMERIC_KINDS = ("rep", "team", "embassy")
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")
_USERNAME = re.compile(r"[^\s,&=:]{1,255}")
_GRAMMAR = "general, rep:ID, team:ID, embassy:ID or rep_username:NAME"


def _positive_id(kind: str, value: object) -> int:
    """``value`` as a positive int (ASCII digit strings accepted), else BomgarValidationError."""
    if isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BomgarValidationError(f"{kind} queue id must be a positive integer, not {value!r}")
    return value


def _username(value: object) -> str:
    if not isinstance(value, str) or not _USERNAME.fullmatch(value):
        raise BomgarValidationError(f"invalid username for a rep_username queue: {value!r}")
    return value


def _checked_value(kind: object, value: object) -> int | str | None:
    """The normalised value for ``kind``; raises BomgarValidationError when they do not fit."""
    if not isinstance(kind, str) or kind not in _KINDS:
        raise BomgarValidationError(f"invalid queue kind {kind!r}: expected {_GRAMMAR}")
    if kind == "general":
        if value is not None:
            raise BomgarValidationError(f"the general queue takes no value, not {value!r}")
        return None
    if kind == "rep_username":
        return _username(value)
    return _positive_id(kind, value)


@attrs.frozen
class Queue:
    """A queue a session can be placed in or transferred to.

    Build one with ``Queue.general()``, ``Queue.rep(12)``, ``Queue.team(3)``,
    ``Queue.embassy(4)``, ``Queue.rep_username("admin")`` or ``Queue.parse("team:3")``;
    ``str(queue)`` is the wire form. ``Queue("rep", 12)`` works too and is checked the same way:
    a bad kind or value raises :class:`~bomgar_async.BomgarValidationError`.
    """

    kind: QueueKind
    value: int | str | None = None

    def __attrs_post_init__(self) -> None:
        # Frozen: the normalised value (e.g. "12" -> 12) is stored the way attrs itself does.
        object.__setattr__(self, "value", _checked_value(self.kind, self.value))

    @classmethod
    def general(cls) -> Queue:
        """The general queue."""
        return cls("general")

    @classmethod
    def rep(cls, rep_id: int) -> Queue:
        """A representative's personal queue, by rep id."""
        return cls("rep", _positive_id("rep", rep_id))

    @classmethod
    def team(cls, team_id: int) -> Queue:
        """A support team's queue, by team id."""
        return cls("team", _positive_id("team", team_id))

    @classmethod
    def embassy(cls, embassy_id: int) -> Queue:
        """An Embassy queue, by id (Enterprise licensing)."""
        return cls("embassy", _positive_id("embassy", embassy_id))

    @classmethod
    def rep_username(cls, username: str) -> Queue:
        """A representative's queue, by username (works when exactly one user has it)."""
        return cls("rep_username", _username(username))

    @classmethod
    def parse(cls, text: str | Queue) -> Queue:
        """A queue from its wire form; raises BomgarValidationError for anything else."""
        if isinstance(text, Queue):
            # Re-checked: a subclass or an object built around __init__ must not slip through.
            return cls(text.kind, _checked_value(text.kind, text.value))
        if not isinstance(text, str):
            raise BomgarValidationError(f"a queue must be a string or Queue, not {text!r}")
        if text == "general":
            return cls.general()
        kind, sep, value = text.partition(":")
        if sep and kind in _NUMERIC_KINDS and _ASCII_DIGITS.fullmatch(value):
            return cls(kind, _positive_id(kind, value))  # type: ignore[arg-type]
        if sep and kind == "rep_username":
            return cls.rep_username(value)
        raise BomgarValidationError(f"invalid queue {text!r}: expected {_GRAMMAR}")

    def __str__(self) -> str:
        return "general" if self.kind == "general" else f"{self.kind}:{self.value}"
