"""What happens to every request before its handler: the simulator's middleware, mixed into
:class:`~.app.Simulator`.

Each request is recorded as a :class:`RequestRecord` (its connection and its number on that
connection included), then delayed by the simulated latency, then admitted or refused by the
rate limits, then answered by its handler (:mod:`.handlers`) or by the injected
:class:`~bomgar_async.simulator.faults.Fault` that matches it. The paths the simulator serves
are named here too.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from . import files
from .faults import (
    FaultPlan,
    respond,
)
from .handlers import (
    SimulatorHandlers,
    form_fields,
    string_fields,
)
from .limits import (
    InFlight,
    RateLimits,
)

__all__ = [
    "BACKUP_PATHS",
    "CLIENT_SCRIPT_PATHS",
    "COMMAND_PATHS",
    "OAUTH_PATH",
    "REPORTING_PATHS",
    "RequestRecord",
    "SimulatorTraffic",
]

COMMAND_PATHS = ("/api/command.ns", "/api/command")
OAUTH_PATH = "/oauth2/token"
REPORTING_PATHS = ("/api/reporting.ns", "/api/reporting")
BACKUP_PATHS = (files.BACKUP_PATH, "/api/backup")
CLIENT_SCRIPT_PATHS = (files.CLIENT_SCRIPT_PATH, "/api/client_script")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the simulator received it (recorded before any fault is applied)."""

    method: str
    path: str
    raw_url: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    action: str | None
    connection_id: int
    request_number_on_connection: int
    peer: str
    received_at: float = 0.0
    """Wall-clock time (``time.time()``) the request arrived."""


class SimulatorTraffic(SimulatorHandlers):
    """The middleware of :class:`~.app.Simulator`, which sets the attributes below."""

    latency: float
    requests: list[RequestRecord]
    in_flight: InFlight
    rate_limits: RateLimits
    faults: FaultPlan
    _connections: weakref.WeakKeyDictionary[object, list[int]]
    _connection_count: int

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        record = await self._record(request)
        self.requests.append(record)
        self.in_flight.enter()
        try:
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            refused = self.rate_limits.admit(self._account(request, record.form), request)
            if refused is not None:
                return refused
            fault = self.faults.take(record.action)
            if fault is None:
                return await handler(request)
            return await respond(fault, request, lambda: handler(request), self.namespace)
        finally:
            self.in_flight.leave()

    async def _record(self, request: web.Request) -> RequestRecord:
        query, form = string_fields(request.query), await form_fields(request)
        transport = request.transport
        if transport is None:
            connection = [0, 0]
        else:
            connection = self._connections.setdefault(transport, [0, 0])
            if connection[0] == 0:
                self._connection_count += 1
                connection[0] = self._connection_count
        connection[1] += 1
        peer = transport.get_extra_info("peername") if transport is not None else None
        params = {**query, **form}
        action = params.get("action")
        if request.path == OAUTH_PATH:
            action = "oauth2_token"
        elif request.path in REPORTING_PATHS:
            action = params.get("generate_report")
        return RequestRecord(
            method=request.method,
            path=request.path,
            raw_url=request.raw_path,
            query=query,
            form=form,
            headers=dict(request.headers),
            action=action,
            connection_id=connection[0],
            request_number_on_connection=connection[1],
            peer=f"{peer[0]}:{peer[1]}" if peer else "",
            received_at=time.time(),
        )
