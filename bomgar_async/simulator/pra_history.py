"""What the simulated Privileged Remote Access appliance adds to the shared session history:
each session's Jump Group and custom attributes, and a seeded history of Vault account events.

Everything is derived deterministically from the world's seed and the session's lsid, so the
same world always reports the same groups, attributes and Vault events, and nothing extra is
stored.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass

from .history import (
    DAY,
    HISTORY_DAYS,
    SessionRecord,
)
from .world import World

__all__ = [
    "JUMP_GROUPS",
    "VAULT_ACCOUNTS",
    "VAULT_EVENT_TYPES",
    "VaultEvent",
    "custom_attributes_of",
    "jump_group_of",
    "vault_events",
]

JUMP_GROUPS: tuple[tuple[int, str, str], ...] = (
    (1, "shared", "Datacenter Servers"),
    (2, "shared", "Network Devices"),
    (3, "shared", "Vendor Access"),
    (4, "personal", "Personal Jump Items"),
)
"""``(id, type, name)`` of the simulated Jump Groups."""
VAULT_ACCOUNTS: tuple[tuple[int, str], ...] = (
    (1, "DOMAIN\\svc-backup"),
    (2, "root@db-01"),
    (3, "Administrator@web-02"),
    (4, "admin@fw-edge"),
)
VAULT_EVENT_TYPES = (
    "Credentials Checked Out",
    "Credentials Checked In",
    "Credentials Used",
    "Password Rotated",
    "Password Changed",
    "Account Created",
    "Account Deleted",
)


def _digest(*parts: object) -> int:
    text = "/".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def jump_group_of(record: SessionRecord) -> tuple[int, str, str]:
    """The Jump Group the session's Jump Item belongs to."""
    return JUMP_GROUPS[_digest("jump-group", record.lsid) % len(JUMP_GROUPS)]


def custom_attributes_of(record: SessionRecord) -> tuple[tuple[str, str, str], ...]:
    """``(code_name, display_name, value)`` of the session's custom attributes (some
    sessions have none)."""
    number = _digest("attributes", record.lsid)
    if number % 3 == 0:
        return ()
    change = f"CHG{number % 100000:05d}"
    return (("change_ticket", "Change Ticket", change),)


@dataclass(frozen=True)
class VaultEvent:
    """One Vault account event: when, what, on which account, by whom, with what message."""

    ts: int
    event_type: str
    account_id: int
    account_name: str
    performer_type: str
    performer_id: int
    performer_name: str
    data: str


def vault_events(world: World, lo: int, hi: int) -> Iterator[VaultEvent]:
    """The Vault events with ``lo <= ts < hi``, in time order (a few per working hour over
    the history's days, none before them)."""
    first = world.created_at - HISTORY_DAYS * DAY
    for hour in range(max(lo, first) // 3600, max(lo, hi - 1) // 3600 + 1):
        rng = random.Random(f"vault-{world.seed}-{hour}")
        busy = (hour // 24 + 3) % 7 < 5 and 8 <= hour % 24 < 18
        count = rng.choice((0, 1, 1, 2)) if busy else rng.choice((0, 0, 0, 0, 1))
        moments = sorted(hour * 3600 + rng.randint(0, 3599) for _ in range(count))
        for ts in moments:
            if not lo <= ts < hi:
                continue
            account_id, account_name = rng.choice(VAULT_ACCOUNTS)
            event_type = rng.choice(VAULT_EVENT_TYPES)
            if event_type == "Password Rotated":
                performer = ("System", 0, "System")
                data = "Scheduled rotation" if rng.random() < 0.8 else "Rotation failed: timeout"
            else:
                rep = rng.choice(world.reps)
                performer = ("User", rep.id, rep.private_display_name)
                data = "Manually Edited" if event_type == "Password Changed" else ""
            yield VaultEvent(ts, event_type, account_id, account_name, *performer, data)
