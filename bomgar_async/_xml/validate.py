"""Argument checks shared by every API area (pure). Each raises BomgarValidationError,
naming the argument, before any request is built."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from ..errors import BomgarValidationError

__all__ = [
    "CLIENT_TYPES",
    "client_types",
    "code_name",
    "flag",
    "hostname",
    "identifier",
    "lsid",
    "positive_int",
    "priority",
    "seconds",
    "skills",
    "text",
]

CLIENT_TYPES = ("all", "representative", "support_customer", "presentation_attendee", "push_agent")
# Used with fullmatch(): a pattern ending in ``$`` would also accept a trailing newline.
_LSID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_CODE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,255}")
_HOSTNAME = re.compile(
    r"(?=.{1,255}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def lsid(value: object, name: str = "lsid") -> str:
    """A session id: a non-empty token of letters, digits and ``_.:-``."""
    if not isinstance(value, str) or not value.strip():
        raise BomgarValidationError(f"{name} must be a non-empty session id string")
    if not _LSID.fullmatch(value):
        raise BomgarValidationError(f"{name} {value!r} is not a valid session id")
    return value


def text(value: object, name: str, *, max_length: int, allow_empty: bool = True) -> str:
    """A string of at most ``max_length`` characters without control characters."""
    if not isinstance(value, str):
        raise BomgarValidationError(f"{name} must be a string, not {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise BomgarValidationError(f"{name} must not be empty")
    if len(value) > max_length:
        raise BomgarValidationError(
            f"{name} is {len(value)} characters; the maximum is {max_length}"
        )
    if _CONTROL.search(value):
        raise BomgarValidationError(f"{name} contains control characters")
    return value


def positive_int(value: object, name: str) -> int:
    """An integer greater than zero (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BomgarValidationError(f"{name} must be a positive integer, not {value!r}")
    return value


def seconds(value: object, name: str) -> int:
    """A positive whole number of seconds, given as int or timedelta."""
    if isinstance(value, timedelta):
        total = value.total_seconds()
        if total <= 0 or total != int(total):
            raise BomgarValidationError(f"{name} must be a positive whole number of seconds")
        return int(total)
    return positive_int(value, name)


def priority(value: object) -> int:
    """A session priority: 1 (high), 2 (medium) or 3 (low)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2, 3):
        raise BomgarValidationError(f"priority must be 1, 2 or 3, not {value!r}")
    return value


def code_name(value: object, name: str) -> str:
    """A code name (skills, custom fields, issues): letters, digits and ``_.-``."""
    if not isinstance(value, str) or not _CODE_NAME.fullmatch(value):
        raise BomgarValidationError(f"{name} {value!r} is not a valid code name")
    return value


def skills(value: object) -> str:
    """Skill code names, as a list or a comma-separated string -> ``"a,b"``."""
    items: Iterable[object]
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise BomgarValidationError(
            "skills must be a list of code names or a comma-separated string"
        )
    names = [code_name(item, "skill") for item in items]
    if not names:
        raise BomgarValidationError("skills must name at least one skill")
    return ",".join(dict.fromkeys(names))


def hostname(value: object, name: str) -> str:
    """A DNS hostname of at most 255 characters."""
    if not isinstance(value, str) or not _HOSTNAME.fullmatch(value):
        raise BomgarValidationError(f"{name} {value!r} is not a valid hostname")
    return value


def identifier(value: object, name: str) -> str:
    """A non-empty id without separators (``,`` ``&`` ``=``) or whitespace."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or re.search(r"[\s,&=]", value):
        raise BomgarValidationError(f"{name} {value!r} is not a valid id")
    return value


def client_types(value: object) -> str | None:
    """Connected-client types (a name or a list) -> ``"a,b"``, or ``None`` for all."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        raise BomgarValidationError("types must be a client type or a list of them")
    items = list(items)
    if not all(isinstance(item, str) for item in items):
        raise BomgarValidationError("types must be a client type name or a list of names")
    names = list(dict.fromkeys(items))
    if not names:
        raise BomgarValidationError("types must name at least one client type")
    for item in names:
        if item not in CLIENT_TYPES:
            raise BomgarValidationError(
                f"unknown client type {item!r}; expected one of {', '.join(CLIENT_TYPES)}"
            )
    return ",".join(str(n) for n in names)


def flag(value: object, name: str) -> bool:
    """A real bool (so that ``"0"`` is not silently true)."""
    if not isinstance(value, bool):
        raise BomgarValidationError(f"{name} must be True or False, not {value!r}")
    return value
