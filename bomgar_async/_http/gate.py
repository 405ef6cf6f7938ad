"""Sending under the client's limit: a slot per request, counted against the call's timeout.

A :class:`Gate` joins one transport and one :class:`~._http.limit.Limit`. ``send`` takes a
slot (the in-process limit directly, without a context manager: with a free slot nothing is
awaited but the transport), sends, lets the limit learn from the answer's status and
rate-limit headers, and gives the slot back; ``open`` does the same for a streamed answer,
whose slot is held until the caller's stack closes. Statuses are not checked here (the
pipeline does that).
"""

from __future__ import annotations

from contextlib import AsyncExitStack

import attrs

from ..errors import BomgarTimeoutError
from .interface import (
    StreamedResponse,
    Transport,
)
from .limit import (
    Limit,
    LocalLimit,
    appliance_pause,
)
from .request import (
    Request,
    Response,
    Timeout,
)

__all__ = ["Gate"]


class Gate:
    """Sends requests through ``transport`` under ``limit``; see the module docstring."""

    def __init__(self, transport: Transport, limit: Limit) -> None:
        self._transport = transport
        self._limit = limit
        # The in-process limit is used directly (no context manager per call).
        self._local = limit if isinstance(limit, LocalLimit) else None

    async def send(self, request: Request, timeout: Timeout) -> Response:
        """Send ``request`` under the limit (any status); the limit learns from the answer
        before the slot is given back."""
        local = self._local
        if local is None:
            async with AsyncExitStack() as stack:
                left = await self._take_slot(stack, request, timeout)
                response = await self._transport.send(request, timeout=left)
                await self._limit.observe(response.status, response.headers)
            return response
        if local.try_acquire():  # a free slot: nothing awaited but the transport
            left = timeout
        else:
            try:
                seconds_left = await local.acquire(timeout.total)
            except BomgarTimeoutError as err:
                raise BomgarTimeoutError(f"{request.label or request.path}: {err}") from None
            left = _within(timeout, seconds_left)
        try:
            response = await self._transport.send(request, timeout=left)
            local.pause(appliance_pause(response.status, response.headers, local.counts))
        finally:
            local.release()
        return response

    async def open(
        self, stack: AsyncExitStack, request: Request, timeout: Timeout
    ) -> StreamedResponse:
        """Open ``request`` as a stream under the limit (any status), its slot and response
        held until ``stack`` closes; the limit learns from the answer's headers."""
        left = await self._take_slot(stack, request, timeout)
        response: StreamedResponse = await stack.enter_async_context(
            self._transport.stream(request, timeout=left)
        )
        await self._limit.observe(response.status, response.headers)
        return response

    async def _take_slot(
        self, stack: AsyncExitStack, request: Request, timeout: Timeout
    ) -> Timeout:
        """Take a slot of the limit, held until ``stack`` closes, within ``timeout.total``;
        what is left of ``timeout`` for the call. An open report stream holds its slot until
        it is read to the end or closed."""
        try:
            left = await stack.enter_async_context(self._limit.slot(timeout.total))
        except BomgarTimeoutError as err:
            raise BomgarTimeoutError(f"{request.label or request.path}: {err}") from None
        return _within(timeout, left)


def _within(timeout: Timeout, left: float | None) -> Timeout:
    """``timeout`` with its total cut to what waiting for the limit ``left`` of it."""
    if left is None or timeout.total is None or left >= timeout.total:
        return timeout
    return attrs.evolve(timeout, total=left)
