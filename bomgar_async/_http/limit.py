"""How many calls go to an appliance at once and how fast: the limiter around every call.

The pipeline takes a *slot* from the client's :class:`Limit` before each request and tells it
what came back (:meth:`Limit.observe`). A :class:`Limiter` hands out one ``Limit`` per
appliance; :class:`LocalLimiter` (the default, ``max_in_flight=max_concurrency``) keeps the
state in this process, ``bomgar_async.fleet.RedisLimiter`` shares it across a fleet.

Every limit honours the appliance's own signals:

- ``X-RateLimit-Remaining: 0`` (cloud appliances: 20 requests per second per API account):
  callers wait :data:`RATE_LIMIT_WINDOW` seconds instead of drawing 429s;
- HTTP 429: callers wait ``Retry-After`` seconds, or :data:`DEFAULT_429_BACKOFF` when the
  answer does not say (the appliance's documentation does not).

Waiting for a slot, a rate token or the end of a pause counts against the call's timeout:
a call that would wait longer raises :class:`~bomgar_async.errors.BomgarTimeoutError`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

import attrs

from ..errors import (
    BomgarConfigError,
    BomgarTimeoutError,
)
from .slots import Slots
from .status import retry_after_seconds

__all__ = [
    "DEFAULT_429_BACKOFF",
    "RATE_LIMIT_WINDOW",
    "Limit",
    "LimitCounts",
    "Limiter",
    "LocalLimit",
    "LocalLimiter",
    "RateBucket",
    "appliance_pause",
    "check_limits",
    "remaining",
    "timed_out",
]

RATE_LIMIT_WINDOW = 1.0
"""Seconds callers wait after an answer with ``X-RateLimit-Remaining: 0`` (the per-second
window of the appliance's documented 20 requests per second)."""
DEFAULT_429_BACKOFF = 2.0
"""Seconds callers wait after an HTTP 429 without a usable ``Retry-After``."""
MAX_PAUSE = 300.0
"""The longest pause an appliance's answer can impose (a larger ``Retry-After`` is capped)."""


@attrs.define
class LimitCounts:
    """What one client's calls waited for (see ``BomgarClient.stats()``).

    Attributes:
        limiter_waits: calls that waited for a concurrency slot or a token of the ``rate``.
        rate_limit_waits: calls that waited because the appliance said so (a 429 or
            ``X-RateLimit-Remaining: 0``).
        rate_limited: HTTP 429 answers received.
        remaining: the last ``X-RateLimit-Remaining`` seen (``None`` before any).
    """

    limiter_waits: int = 0
    rate_limit_waits: int = 0
    rate_limited: int = 0
    remaining: int | None = None


class Limit(Protocol):
    """The limits of one appliance, as one client's pipeline uses them."""

    counts: LimitCounts

    def slot(self, timeout: float | None) -> AbstractAsyncContextManager[float | None]:
        """Wait for a slot (and a rate token) for at most ``timeout`` seconds and hold it
        for the block, which receives what is left of ``timeout``.

        Raises:
            BomgarTimeoutError: the wait would exceed ``timeout``.
        """

    async def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn from an answer: ``X-RateLimit-Remaining`` and 429 (``Retry-After``)."""


class Limiter(Protocol):
    """Hands out the :class:`Limit` of each appliance (a client asks once, for its own)."""

    def bind(self, appliance: str) -> Limit:
        """The limit for ``appliance`` (its base URL), with counters of its own."""


def check_limits(max_in_flight: int, rate: float | None, burst: int | None) -> None:
    """Refuse unusable limiter settings.

    Raises:
        BomgarConfigError: ``max_in_flight`` or ``burst`` not a positive integer, ``rate``
            not a positive number.
    """
    for name, value in (("max_in_flight", max_in_flight), ("burst", burst)):
        if value is None and name == "burst":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise BomgarConfigError(f"{name} must be a positive integer")
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate < float("inf")
    ):
        raise BomgarConfigError("rate must be a positive number of calls per second")


_FIRST_LETTERS = frozenset("xXrR")  # of X-RateLimit-Remaining and Retry-After


def appliance_pause(status: int, headers: Mapping[str, str], counts: LimitCounts) -> float:
    """Seconds every caller should hold off after this answer (0: none); updates ``counts``."""
    remaining = ""
    retry_after: str | None = None
    for key, value in headers.items():  # names in any case; the last one counts
        if key[:1] not in _FIRST_LETTERS:  # the common headers, skipped without lower()
            continue
        name = key.lower()
        if name == "x-ratelimit-remaining":
            remaining = value
        elif name == "retry-after":
            retry_after = value
    if not remaining and status != 429:
        return 0.0  # the common answer: nothing to learn from it
    pause = 0.0
    remaining = remaining.strip()
    # isdigit() alone accepts "\u00b2"; int() refuses more than 4300 digits
    if remaining.isascii() and remaining.isdigit() and len(remaining) <= 18:
        counts.remaining = int(remaining)
        if counts.remaining == 0:
            pause = RATE_LIMIT_WINDOW
    if status == 429:
        counts.rate_limited += 1
        told = retry_after_seconds(retry_after)
        pause = max(pause, DEFAULT_429_BACKOFF if told is None else told)
    return min(pause, MAX_PAUSE)


@attrs.define
class RateBucket:
    """A token bucket as a generic cell rate algorithm: ``rate`` calls per second with bursts
    of ``burst``, plus pauses; each caller reserves its turn and sleeps until it comes (FIFO,
    so nobody starves). Times in seconds of one clock."""

    rate: float | None
    burst: int
    tat: float = 0.0
    paused_until: float = 0.0

    def reserve(self, now: float, max_wait: float | None) -> tuple[float, bool] | None:
        """``(seconds to wait, whether a pause caused it)`` for a turn, reserved; ``None`` (and
        nothing reserved) if that is longer than ``max_wait``."""
        start = max(now, self.paused_until)
        allowed, tat = start, start
        if self.rate is not None:
            interval = 1.0 / self.rate
            tat = max(self.tat, start)
            allowed = max(start, tat - (self.burst - 1) * interval)
            tat += interval
        wait = allowed - now
        if max_wait is not None and wait > max_wait:
            return None
        self.tat = tat
        return wait, self.paused_until > now

    def pause(self, now: float, seconds: float) -> None:
        """Hold every caller off for ``seconds`` from ``now``."""
        self.paused_until = max(self.paused_until, now + seconds)


def timed_out(what: str, timeout: float | None) -> BomgarTimeoutError:
    """The error of a call whose wait for ``what`` would exceed its timeout."""
    return BomgarTimeoutError(f"timed out after {timeout} s waiting for {what}")


def remaining(timeout: float | None, started: float) -> float | None:
    """What is left of ``timeout`` (at least 1 ms) since ``started`` (monotonic)."""
    if timeout is None:
        return None
    return max(0.001, timeout - (time.monotonic() - started))


class LocalLimit:
    """The limit of one appliance in this process (see :class:`LocalLimiter`)."""

    def __init__(self, max_in_flight: int, bucket: RateBucket) -> None:
        self._slots = Slots(max_in_flight)
        self._bucket = bucket
        self.counts = LimitCounts()

    @asynccontextmanager
    async def slot(self, timeout: float | None) -> AsyncIterator[float | None]:
        """Wait for a turn of the rate and a slot (see :class:`Limit`)."""
        left = await self.acquire(timeout)
        try:
            yield left
        finally:
            self.release()

    def try_acquire(self) -> bool:
        """Take a slot now if one is free and neither a ``rate`` nor a pause holds the call
        (the happy path of every call: nothing awaited); whether it was taken. A slot taken
        is held until :meth:`release`."""
        bucket = self._bucket
        paused = bucket.paused_until
        if bucket.rate is None and (not paused or paused <= time.monotonic()):
            return self._slots.try_take()
        return False

    async def acquire(self, timeout: float | None) -> float | None:
        """Take a slot as :meth:`slot` does, held until :meth:`release`; what is left of
        ``timeout`` (all of it when :meth:`try_acquire` took a slot at once)."""
        if self.try_acquire():
            return timeout
        return await self._acquire_waiting(timeout)

    def release(self) -> None:
        """Give back the slot :meth:`acquire` took."""
        self._slots.release()

    async def _acquire_waiting(self, timeout: float | None) -> float | None:
        started = time.monotonic()
        turn = self._bucket.reserve(started, timeout)
        if turn is None:
            raise timed_out("the rate limit", timeout)
        wait, paused = turn
        if wait > 0:
            if paused:
                self.counts.rate_limit_waits += 1
            else:
                self.counts.limiter_waits += 1
            await asyncio.sleep(wait)
        waited = wait > 0 or self._slots.locked()
        if self._slots.locked():
            self.counts.limiter_waits += 1
        left = None if timeout is None else timeout - (time.monotonic() - started)
        try:
            await asyncio.wait_for(self._slots.acquire(), left)
        except asyncio.TimeoutError:  # not the builtin on Python 3.10
            raise timed_out(
                "a concurrency slot (max_concurrency; open report streams hold one until closed)",
                timeout,
            ) from None
        try:
            pause = self._bucket.paused_until - time.monotonic()  # began while we waited
            if pause > 0:
                left = remaining(timeout, started)
                if left is not None and pause >= left:
                    raise timed_out("the end of the appliance's rate-limit pause", timeout)
                self.counts.rate_limit_waits += 1
                waited = True
                await asyncio.sleep(pause)
        except BaseException:
            self._slots.release()
            raise
        return remaining(timeout, started) if waited else timeout

    async def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Pause after ``X-RateLimit-Remaining: 0`` or a 429 (see :class:`Limit`)."""
        self.pause(appliance_pause(status, headers, self.counts))

    def pause(self, seconds: float) -> None:
        """Hold this process's callers off for ``seconds``."""
        if seconds > 0:
            self._bucket.pause(time.monotonic(), seconds)


class LocalLimiter:
    """Limits kept in this process: at most ``max_in_flight`` calls at once per appliance and,
    if given, ``rate`` calls per second with bursts of ``burst`` (default: ``max_in_flight``).
    Clients given the same ``LocalLimiter`` share the limits of their appliance.

    Raises:
        BomgarConfigError: for unusable settings.
    """

    def __init__(
        self, max_in_flight: int = 8, *, rate: float | None = None, burst: int | None = None
    ) -> None:
        check_limits(max_in_flight, rate, burst)
        self.max_in_flight = max_in_flight
        self.rate = rate
        self.burst = burst or max_in_flight
        self._shared: dict[str, tuple[Slots, RateBucket]] = {}

    def bind(self, appliance: str) -> LocalLimit:
        """The limit of ``appliance`` (slots and rate shared with other clients bound to it)."""
        shared = self._shared.get(appliance)
        limit = LocalLimit(self.max_in_flight, RateBucket(self.rate, self.burst))
        if shared is None:
            self._shared[appliance] = (limit._slots, limit._bucket)
        else:
            limit._slots, limit._bucket = shared
        return limit

    def __repr__(self) -> str:
        return f"LocalLimiter(max_in_flight={self.max_in_flight}, rate={self.rate})"
