"""``MemoryCache``: an in-process TTL cache (cachetools) with per-key single flight,
stale-if-error and a cooldown after failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

import attrs
from cachetools import TLRUCache

from .._http.retry import is_retryable
from ._policy import (
    CachePolicy,
    ErrorPredicate,
    check_immutable,
    check_ttl,
    logger,
    new_counts,
    retrieve,
)
from .base import (
    CacheKey,
    CacheStats,
)

__all__ = ["MemoryCache"]

T = TypeVar("T")


@attrs.frozen
class _Entry:
    value: Any
    fresh_until: float
    stale_until: float


@attrs.frozen
class _Failure:
    error: BaseException
    traceback: TracebackType | None
    until: float


def _until(_key: CacheKey, item: _Entry | _Failure, _now: float) -> float:
    return item.stale_until if isinstance(item, _Entry) else item.until


class MemoryCache:
    """A TTL cache for one process.

    - N concurrent callers on a missing or expired key cause exactly one fetch.
    - The TTL runs from when the fetch completes, plus up to ``jitter`` (a fraction).
    - When a refresh fails with a transport error, a timeout, a 5xx or a 429 (``stale_if``)
      and the previous value is stale by less than ``grace`` seconds, callers get that value
      (counted in ``stale_served``, logged once as a WARNING); past the grace period, or for
      an ``<error>`` answer, they get the error.
    - Errors are never cached as values, but after a failure from the appliance the key
      rests for ``cooldown`` seconds: callers get the stale value (if allowed) or the same
      error again, without a new request (``cooldown_errors``).
    - A cancelled caller never cancels the fetch others wait for; a fetch whose callers were
      all cancelled still completes and stores its value.
    - :meth:`invalidate` and :meth:`clear` keep a fetch that started before them from storing
      its (older) answer, and callers arriving afterwards never share that fetch.

    Values must be immutable (tuples, frozen models): every caller gets the same object.

    Args:
        ttl: seconds a value stays fresh.
        maxsize: the most entries kept (least recently used go first).
        jitter: extra TTL and cooldown, as a fraction, drawn at random per entry.
        grace: seconds a stale value may stand in for a failed refresh (0 disables).
        cooldown: seconds a key rests after a failed fetch (0 disables).
        stale_if: which failures a stale value may cover (default: the retryable ones).

    Raises:
        BomgarConfigError: for a ``ttl`` that is not a finite positive number, or a setting
            that is not a finite non-negative number (NaN, infinity and bools are refused).
    """

    def __init__(
        self,
        ttl: float = 60.0,
        *,
        maxsize: int = 1024,
        jitter: float = 0.1,
        grace: float = 300.0,
        cooldown: float = 5.0,
        stale_if: ErrorPredicate = is_retryable,
    ) -> None:
        self._policy = CachePolicy(
            ttl=ttl, grace=grace, cooldown=cooldown, jitter=jitter, stale_if=stale_if
        )
        self.ttl = ttl
        self._entries: TLRUCache[CacheKey, _Entry] = TLRUCache(
            maxsize=maxsize, ttu=_until, timer=time.monotonic
        )
        self._failures: TLRUCache[CacheKey, _Failure] = TLRUCache(
            maxsize=maxsize, ttu=_until, timer=time.monotonic
        )
        self._inflight: dict[CacheKey, asyncio.Task[Any]] = {}
        self._counts = new_counts()
        # Bumped by invalidate()/clear(): a fetch that started before is not stored, so a
        # state change made meanwhile is never hidden behind an older answer.
        self._generation = 0

    @property
    def policy(self) -> CachePolicy:
        """The TTL, grace, cooldown, jitter and stale-if settings."""
        return self._policy

    async def get_or_fetch(
        self, key: CacheKey, fetch: Callable[[], Awaitable[T]], *, ttl: float | None = None
    ) -> T:
        """The fresh value for ``key``, calling ``fetch`` (once, however many callers) if needed.

        Raises:
            BomgarConfigError: ``ttl`` is given but not a finite positive number of seconds.
            Exception: what ``fetch`` raised, unless a stale value may stand in for it.
        """
        if ttl is not None:
            check_ttl(ttl)
        try:
            entry = self._entries[key]  # TLRUCache.get() costs three times as much
        except KeyError:
            pass
        else:
            if time.monotonic() < entry.fresh_until:
                self._counts["hits"] += 1
                value: T = entry.value
                return value
        self._counts["misses"] += 1
        failure = self._failures.get(key)
        if failure is not None:
            served: T = self._during_cooldown(key, failure)
            return served
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(key, fetch, ttl))
            task.add_done_callback(retrieve)
            self._inflight[key] = task
        else:
            self._counts["coalesced"] += 1
        try:
            result: T = await asyncio.shield(task)
        except Exception as err:
            stale = self._stale(key, err)
            if stale is None:
                raise
            result = stale.value
        return result

    def _during_cooldown(self, key: CacheKey, failure: _Failure) -> Any:
        stale = self._stale(key, failure.error)
        if stale is not None:
            return stale.value
        self._counts["cooldown_errors"] += 1
        # Restore the original traceback so repeated raises do not grow it.
        raise failure.error.with_traceback(failure.traceback)

    def _stale(self, key: CacheKey, err: BaseException) -> _Entry | None:
        if not self._policy.may_serve_stale(err):
            return None
        entry = self._entries.get(key)  # gone once its grace period is over
        if entry is not None:
            self._counts["stale_served"] += 1
        return entry

    async def _fetch(
        self, key: CacheKey, fetch: Callable[[], Awaitable[T]], ttl: float | None
    ) -> T:
        self._counts["upstream_calls"] += 1
        generation = self._generation
        this = asyncio.current_task()
        try:
            value = await fetch()
            check_immutable(value)
        except Exception as err:
            self._counts["errors"] += 1
            self._failed(key, err)
            raise
        finally:
            if self._inflight.get(key) is this:
                del self._inflight[key]
        if generation == self._generation:
            done = time.monotonic()
            fresh_until = done + self._policy.lifetime(ttl)
            self._entries[key] = _Entry(value, fresh_until, fresh_until + self._policy.grace)
            self._failures.pop(key, None)
        return value

    def _failed(self, key: CacheKey, err: Exception) -> None:
        now = time.monotonic()
        entry = self._entries.get(key) if self._policy.may_serve_stale(err) else None
        if entry is not None:
            logger.warning(
                "%s: refresh failed (%s: %s); serving the stale answer for up to %.0f s more",
                key.action,
                type(err).__name__,
                err,
                entry.stale_until - now,
            )
        cooldown = self._policy.cooldown_for(err)
        if cooldown > 0:
            self._failures[key] = _Failure(err, err.__traceback__, now + cooldown)

    async def invalidate(self, action: str | None = None, *, appliance: str | None = None) -> int:
        """Drop entries (all, or those of ``action`` and/or ``appliance``) and their cooldowns;
        returns how many entries."""

        def matches(key: CacheKey) -> bool:
            return (action is None or key.action == action) and (
                appliance is None or key.appliance == appliance
            )

        doomed = [key for key in list(self._entries.keys()) if matches(key)]
        for key in doomed:
            self._entries.pop(key, None)
        for key in [key for key in list(self._failures.keys()) if matches(key)]:
            self._failures.pop(key, None)
        # Fetches under way still answer their callers, but newcomers start a fresh one.
        for key in [key for key in self._inflight if matches(key)]:
            del self._inflight[key]
        self._generation += 1
        return len(doomed)

    async def clear(self) -> None:
        """Drop every entry and cooldown (fetches under way still answer their callers)."""
        self._entries.clear()
        self._failures.clear()
        self._inflight.clear()
        self._generation += 1

    def stats(self) -> CacheStats:
        """The counters since creation."""
        return CacheStats(**self._counts)

    def __repr__(self) -> str:
        return f"MemoryCache(ttl={self.ttl}, entries={len(self._entries)})"
