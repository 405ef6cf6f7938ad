"""Polling connected clients: ``bg.poll_connected_clients(...)`` yields snapshots with what
changed since the previous one.

Each round lists the connected client ids (``get_connected_client_list``), then fetches their
details in batches of at most 100 under ``max_concurrency`` (``get_connected_clients``); each
batch's answer is parsed once, as soon as it arrives, while the others are still in flight, and
the snapshot lists the clients in the listing's order. A failed round is never skipped
silently: it yields a snapshot carrying the error (and the last known clients), and
``max_failures`` consecutive failures raise the last error.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import attrs

from ..errors import (
    BomgarError,
    BomgarValidationError,
)
from .clients import ConnectedClient

if TYPE_CHECKING:
    from .api import (
        ClientType,
        CommandAPI,
    )

__all__ = ["ClientSnapshot", "poll_connected_clients"]


@attrs.frozen(kw_only=True)
class ClientSnapshot:
    """The connected clients at one moment, and the change since the previous snapshot.

    Attributes:
        clients: every connected client (the last known ones when this poll failed).
        added: clients that appeared since the previous snapshot (all of them in the first).
        removed: clients that disappeared (as last seen).
        taken_at: when the poll completed (aware UTC).
        error: the failure of this poll, or ``None``; ``added``/``removed`` are empty then.
    """

    clients: tuple[ConnectedClient, ...]
    added: tuple[ConnectedClient, ...] = ()
    removed: tuple[ConnectedClient, ...] = ()
    taken_at: datetime
    error: BomgarError | None = None

    @property
    def ok(self) -> bool:
        """Whether this poll succeeded."""
        return self.error is None


def _check(interval: float, max_failures: int) -> None:
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not math.isfinite(interval)
        or interval <= 0
    ):
        raise BomgarValidationError(f"interval must be a positive number of seconds: {interval!r}")
    if isinstance(max_failures, bool) or not isinstance(max_failures, int) or max_failures < 1:
        raise BomgarValidationError(f"max_failures must be a positive integer: {max_failures!r}")


async def poll_connected_clients(
    command: CommandAPI,
    *,
    interval: float = 10.0,
    types: ClientType | Iterable[ClientType] | None = None,
    include_connections: bool = False,
    max_failures: int = 3,
) -> AsyncIterator[ClientSnapshot]:
    """Yield a :class:`ClientSnapshot` every ``interval`` seconds, forever (break to stop).

    Raises:
        BomgarValidationError: bad arguments (before any request).
        BomgarError: the last error after ``max_failures`` consecutive failed polls.
    """
    _check(interval, max_failures)
    loop = asyncio.get_running_loop()
    known: dict[str, ConnectedClient] = {}
    failures = 0
    while True:
        started = loop.time()
        try:
            listing = await command.get_connected_client_list(types)
            ids = [ref.id for ref in listing.clients]
            details = (
                await command.get_connected_clients(
                    ids, types=types, include_connections=include_connections
                )
                if ids
                else []
            )
        except BomgarValidationError:
            raise
        except BomgarError as err:
            failures += 1
            if failures >= max_failures:
                raise
            yield ClientSnapshot(
                clients=tuple(known.values()), taken_at=datetime.now(timezone.utc), error=err
            )
        else:
            failures = 0
            current = {client.id: client for client in details}
            snapshot = ClientSnapshot(
                clients=tuple(current.values()),
                added=tuple(c for key, c in current.items() if key not in known),
                removed=tuple(c for key, c in known.items() if key not in current),
                taken_at=datetime.now(timezone.utc),
            )
            known = current
            yield snapshot
        await asyncio.sleep(max(0.0, interval - (loop.time() - started)))
