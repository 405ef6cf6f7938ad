"""The Redis side of ``RedisLimiter``: key names, the Lua scripts, and every command it sends.

Per limited appliance (or given key) there are three Redis keys under
``<prefix>:limit:<digest>:``, all computed on the Redis server's clock (``TIME``), so the
workers' clocks never matter:

- ``slots``: a sorted set of leases (random ids scored by their expiry in ms); a slot is free
  when fewer than ``max_in_flight`` unexpired leases remain, so a killed process's slots free
  themselves when its leases end; live holders renew theirs;
- ``tat``: the token bucket as a generic cell rate algorithm (the theoretical arrival time,
  in µs): each caller reserves the next turn in one script and sleeps until it comes, first
  come first served;
- ``pause``: until when (µs) every caller waits, set by a 429 or ``X-RateLimit-Remaining: 0``.

Any Redis failure surfaces as :class:`~bomgar_async.cache._redis_commands.RedisUnavailable`.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import attrs

from ..cache._redis_commands import RedisCommands

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["LimitKeys", "LimitStore"]

_NOW_US = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""
# KEYS: tat, pause; ARGV: interval µs (0: no rate), burst tolerance µs, longest wait µs (-1: any).
# Returns {reserved (1/0), wait in µs, paused (1/0)}.
_RESERVE = (
    _NOW_US
    + """
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
local start = math.max(now, pause)
local interval = tonumber(ARGV[1])
local allowed, tat = start, start
if interval > 0 then
  tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), start)
  allowed = math.max(start, tat - tonumber(ARGV[2]))
  tat = tat + interval
end
local wait = allowed - now
local paused = (pause > now) and 1 or 0
if tonumber(ARGV[3]) >= 0 and wait > tonumber(ARGV[3]) then return {0, wait, paused} end
if interval > 0 then
  redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
end
return {1, wait, paused}
"""
)
# KEYS: slots, pause; ARGV: lease id, max in flight, lease ms.
# Returns 1 if the slot was taken, 0 if none is free, or minus the µs a pause still lasts.
_TAKE = """
local t = redis.call('TIME')
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0') - now_us
if pause > 0 then return -math.max(1, pause) end
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
  return 1
end
return 0
"""
# KEYS: slots; ARGV: lease ms, lease ids... Pushes the expiry of the leases still held.
_RENEW = """
local t = redis.call('TIME')
local till = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', till, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[1]))
return 1
"""
# KEYS: pause; ARGV: pause in µs.
_PAUSE = (
    _NOW_US
    + """
local till = now + tonumber(ARGV[1])
if till > tonumber(redis.call('GET', KEYS[1]) or '0') then
  local px = math.ceil(tonumber(ARGV[1]) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.0f', till), 'PX', px)
end
return 1
"""
)


@attrs.frozen
class LimitKeys:
    """The Redis keys of one limited appliance."""

    slots: str
    tat: str
    pause: str


@attrs.frozen
class Turn:
    """A reservation of the rate: whether it was made, the wait in seconds, and whether a
    pause (429, ``X-RateLimit-Remaining: 0``) caused it."""

    reserved: bool
    wait: float
    paused: bool


class LimitStore(RedisCommands):
    """The commands ``RedisLimiter`` sends."""

    def __init__(self, client: Redis, prefix: str, errors: tuple[type[BaseException], ...]) -> None:
        super().__init__(client, errors)
        self._prefix = prefix
        self._reserve = client.register_script(_RESERVE)
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)
        self._pause = client.register_script(_PAUSE)

    def keys(self, scope: str) -> LimitKeys:
        """The keys for ``scope`` (the appliance's base URL or the limiter's key), digested."""
        base = f"{self._prefix}:limit:{hashlib.sha256(scope.encode()).hexdigest()[:24]}"
        return LimitKeys(f"{base}:slots", f"{base}:tat", f"{base}:pause")

    async def reserve(
        self, keys: LimitKeys, rate: float | None, burst: int, max_wait: float | None
    ) -> Turn:
        """Reserve the next turn of the rate unless it is more than ``max_wait`` away."""
        interval = 0 if rate is None else max(1, round(1_000_000 / rate))
        longest = -1 if max_wait is None else int(max_wait * 1_000_000)
        with self._guard():
            reply = await self._reserve(
                keys=[keys.tat, keys.pause], args=[interval, (burst - 1) * interval, longest]
            )
        reserved, wait_us, paused = (int(part) for part in reply)
        return Turn(bool(reserved), max(0, wait_us) / 1_000_000, bool(paused))

    async def take(
        self, keys: LimitKeys, lease_id: str, max_in_flight: int, lease_ms: int
    ) -> bool | float:
        """Take a slot under ``lease_id`` if one is free (``True``); ``False`` if none is; or
        the seconds a pause of the fleet still lasts (no slot is given out during one)."""
        args: list[str | int] = [lease_id, max_in_flight, lease_ms]
        with self._guard():
            taken = int(await self._take(keys=[keys.slots, keys.pause], args=args))
        return -taken / 1_000_000 if taken < 0 else bool(taken)

    async def renew(self, slots: str, lease_ids: list[str], lease_ms: int) -> None:
        """Extend the leases still held (an expired one is not brought back)."""
        with self._guard():
            await self._renew(keys=[slots], args=[lease_ms, *lease_ids])

    async def release(self, keys: LimitKeys, lease_id: str) -> None:
        """Free the slot of ``lease_id``."""
        with self._guard():
            await self._redis.zrem(keys.slots, lease_id)

    async def pause(self, keys: LimitKeys, seconds: float) -> None:
        """Hold every caller of the fleet off for ``seconds`` (a longer pause stays)."""
        with self._guard():
            await self._pause(keys=[keys.pause], args=[int(seconds * 1_000_000)])
