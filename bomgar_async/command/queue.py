"""Session queues in the guide's grammar: ``general``, ``rep:ID``, ``team:ID``, ``embassy:ID``,
``rep_username:NAME``."""

from __future__ import annotations

import re
from typing import Literal

import attrs

from ..errors import BomgarValidationError

__all__ = ["Queue", "QueueKind"]

QueueKind = Literal["general", "rep", "team", "embassy", "rep_username"]
_NUMERIC_KINDS = ("rep", "team", "embassy")
_USERNAME = re.compile(r"[^\s,&=:]{1,255}")


def _positive_id(kind: str, value: object) -> int:
    if isinstance(value, bool):
        raise BomgarValidationError(f"{kind} queue id must be a positive integer, not {value!r}")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or value <= 0:
        raise BomgarValidationError(f"{kind} queue id must be a positive integer, not {value!r}")
    return value


@attrs.frozen
class Queue:
    """A queue a session can be placed in or transferred to.

    Build one with ``Queue.general()``, ``Queue.rep(12)``, ``Queue.team(3)``,
    ``Queue.embassy(4)``, ``Queue.rep_username("admin")`` or ``Queue.parse("team:3")``;
    ``str(queue)`` is the wire form.
    """

    kind: QueueKind
    value: int | str | None = None

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
        if not isinstance(username, str) or not _USERNAME.fullmatch(username):
            raise BomgarValidationError(f"invalid username for a rep_username queue: {username!r}")
        return cls("rep_username", username)

    @classmethod
    def parse(cls, text: str | Queue) -> Queue:
        """A queue from its wire form; raises BomgarValidationError for anything else."""
        if isinstance(text, Queue):
            return text
        if not isinstance(text, str):
            raise BomgarValidationError(f"a queue must be a string or Queue, not {text!r}")
        if text == "general":
            return cls.general()
        kind, sep, value = text.partition(":")
        if sep and kind in _NUMERIC_KINDS and value.isdigit():
            return cls(kind, _positive_id(kind, int(value)))  # type: ignore[arg-type]
        if sep and kind == "rep_username":
            return cls.rep_username(value)
        raise BomgarValidationError(
            f"invalid queue {text!r}: expected general, rep:ID, team:ID, embassy:ID "
            "or rep_username:NAME"
        )

    def __str__(self) -> str:
        return "general" if self.kind == "general" else f"{self.kind}:{self.value}"
