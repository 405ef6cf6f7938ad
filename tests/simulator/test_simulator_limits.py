"""The simulated appliance's per-account limits: the 30-token cap (the 31st invalidates the
oldest), the rate limit with its ``X-RateLimit-*`` headers and 429s, and the in-flight peak."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
import pytest

from bomgar_async.simulator import Simulator

BASIC = "Basic " + base64.b64encode(b"api-client:s3cret-oauth").decode()
ADMIN = {"username": "admin", "password": "s3cret-admin", "action": "get_api_info"}


async def new_token(http: aiohttp.ClientSession, sim: Simulator) -> str:
    async with http.post(
        f"{sim.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": BASIC},
    ) as response:
        assert response.status == 200
        token: str = (await response.json())["access_token"]
        return token


async def status_with(http: aiohttp.ClientSession, sim: Simulator, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    data = {"action": "get_api_info"}
    async with http.post(f"{sim.url}/api/command", data=data, headers=headers) as response:
        return response.status


async def test_the_31st_token_invalidates_the_oldest() -> None:
    async with Simulator() as sim, aiohttp.ClientSession() as http:
        tokens = [await new_token(http, sim) for _ in range(31)]
        assert sim.tokens_issued == 31
        assert await status_with(http, sim, tokens[0]) == 401
        assert [await status_with(http, sim, token) for token in tokens[1:]] == [200] * 30
        await new_token(http, sim)
        assert await status_with(http, sim, tokens[1]) == 401
        assert await status_with(http, sim, tokens[2]) == 200


async def test_without_a_cap_every_token_stays_valid() -> None:
    async with Simulator(token_cap=None) as sim, aiohttp.ClientSession() as http:
        tokens = [await new_token(http, sim) for _ in range(40)]
        assert [await status_with(http, sim, token) for token in tokens] == [200] * 40


async def post(
    http: aiohttp.ClientSession, sim: Simulator, data: dict[str, str]
) -> tuple[int, dict[str, str]]:
    async with http.post(f"{sim.url}/api/command", data=data) as response:
        await response.read()
        return response.status, dict(response.headers)


async def test_rate_limit_headers_count_down_and_the_excess_is_refused() -> None:
    async with (
        Simulator(rate_limit=5, rate_limit_window=0.5) as sim,
        aiohttp.ClientSession() as http,
    ):
        answers = [await post(http, sim, ADMIN) for _ in range(6)]
        remaining = [headers["X-RateLimit-Remaining"] for _, headers in answers]
        assert remaining == ["4", "3", "2", "1", "0", "0"]
        assert [status for status, _ in answers] == [200] * 5 + [429]
        assert all(headers["X-RateLimit-Limit"] == "5" for _, headers in answers)
        assert "Retry-After" not in answers[-1][1]  # undocumented: not sent by default
        assert sim.rate_limits.refused == 1
        other = {**ADMIN, "username": "readonly", "password": "s3cret-ro"}
        assert (await post(http, sim, other))[0] == 200  # per account
        await asyncio.sleep(0.55)
        assert (await post(http, sim, ADMIN))[0] == 200  # the window slid on


async def test_429_may_carry_retry_after_and_limits_are_off_by_default() -> None:
    async with (
        Simulator(rate_limit=1, rate_limit_retry_after=True) as sim,
        aiohttp.ClientSession() as http,
    ):
        await post(http, sim, ADMIN)
        status, headers = await post(http, sim, ADMIN)
        assert (status, headers["Retry-After"]) == (429, "1")
    async with Simulator() as sim, aiohttp.ClientSession() as http:
        statuses = [(await post(http, sim, ADMIN)) for _ in range(30)]
        assert all(status == 200 and "X-RateLimit-Remaining" not in h for status, h in statuses)


async def test_the_peak_of_requests_in_flight_is_recorded() -> None:
    async with Simulator(latency=0.1) as sim, aiohttp.ClientSession() as http:
        await asyncio.gather(*(post(http, sim, ADMIN) for _ in range(5)))
        assert (sim.in_flight.peak, sim.in_flight.now) == (5, 0)


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        Simulator(rate_limit=0)
    with pytest.raises(ValueError, match="window"):
        Simulator(rate_limit=1, rate_limit_window=0)
