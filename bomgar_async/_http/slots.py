"""The concurrency slots of one appliance: a first-come, first-served counting semaphore.

It behaves as ``asyncio.Semaphore`` does (waiters are served in order; a slot released
while callers wait goes to the first of them; a waiter cancelled after it was handed a slot
passes it on), and adds :meth:`Slots.try_take`: a free slot taken without a coroutine, so the
happy path of a call awaits nothing to pass the limiter.
"""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["Slots"]


class Slots:
    """``count`` slots; see the module docstring."""

    __slots__ = ("_free", "_waiters")

    def __init__(self, count: int) -> None:
        self._free = count
        self._waiters: deque[asyncio.Future[None]] = deque()

    # Invariant: a caller still waits only while no slot is free (``release`` hands a slot
    # straight to the first waiter instead of freeing it), so a free slot may be taken at once
    # without passing anyone; the queue may still hold waiters cancelled meanwhile.

    def locked(self) -> bool:
        """Whether a caller would have to wait for a slot now."""
        return self._free == 0

    def try_take(self) -> bool:
        """Take a slot if one is free (no await; nobody waits then); whether taken."""
        if self._free > 0:
            self._free -= 1
            return True
        return False

    async def acquire(self) -> None:
        """Take a slot, waiting in turn for one when none is free."""
        if self.try_take():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot, then cancelled: the next caller gets it
            elif waiter in self._waiters:  # release() may have dropped it already
                self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        """Give a slot back: to the first caller still waiting, else to the free ones."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes straight to this caller
                return
        self._free += 1
