"""Load: 10,000 calls from 1,000 tasks against a loopback server. The server never sees more
than ``max_concurrency`` requests in flight; every call returns or raises a typed error;
descriptors and tasks come back to their baseline."""

from __future__ import annotations

import asyncio
import gc
import itertools

import pytest

from bomgar_async import BomgarClient, BomgarError

from .servers import open_fds, raw_server

INFO = b"<api_information><api_version>1.19.0</api_version></api_information>"
TASKS = 1_000
CALLS_PER_TASK = 10
MAX_CONCURRENCY = 8


class Appliance:
    """Counts requests in flight; every 7th answers 503, every 11th is cut short."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.served = 0
        self._numbers = itertools.count(1)

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            number = next(self._numbers)
            await asyncio.sleep(0)  # let other connections in, if the client allowed them
            if number % 7 == 0:
                writer.write(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")
            elif number % 11 == 0:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<api_inf")
            else:
                head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(INFO)}\r\n\r\n".encode()
                writer.write(head + INFO)
            await writer.drain()
            self.served += 1
        finally:
            self.in_flight -= 1


@pytest.mark.timeout(120)
async def test_ten_thousand_calls_from_a_thousand_tasks() -> None:
    gc.collect()
    fds_before = open_fds()
    tasks_before = asyncio.all_tasks()
    appliance = Appliance()
    outcomes: dict[str, int] = {}
    async with raw_server(appliance) as url:
        async with BomgarClient(
            url,
            username="api",
            password="pw-Load-1",
            allow_http=True,
            cache=None,
            retries=0,
            max_concurrency=MAX_CONCURRENCY,
            timeout=30,
        ) as bg:

            async def worker() -> None:
                for _ in range(CALLS_PER_TASK):
                    try:
                        info = await bg.command.get_api_info()
                        assert info.api_version == "1.19.0"
                        key = "ok"
                    except BomgarError as err:
                        key = type(err).__name__
                    outcomes[key] = outcomes.get(key, 0) + 1

            await asyncio.gather(*(worker() for _ in range(TASKS)))
    assert sum(outcomes.values()) == TASKS * CALLS_PER_TASK
    assert appliance.served == TASKS * CALLS_PER_TASK
    assert 1 < appliance.peak <= MAX_CONCURRENCY
    # the server numbers requests: every 7th is a 503, every other 11th is cut short
    assert outcomes == {"ok": 7_792, "BomgarHTTPError": 1_428, "BomgarProtocolError": 780}
    print(f"peak in flight {appliance.peak} of {MAX_CONCURRENCY}; outcomes {outcomes}")
    for _ in range(100):
        gc.collect()
        if open_fds() <= fds_before:
            break
        await asyncio.sleep(0.01)
    assert open_fds() <= fds_before
    assert asyncio.all_tasks() - tasks_before - {asyncio.current_task()} == set()
