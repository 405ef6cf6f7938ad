"""Running one command: open the client, call the appliance, print the result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from ..client import BomgarClient
from .config import ApplianceSettings
from .exits import PipeClosed
from .options import OutputSettings

__all__ = ["run", "show"]


def run(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run ``coroutine`` in a new event loop (one per command).

    Raises:
        PipeClosed: stdout was closed by its reader (instead of ``BrokenPipeError``, which
            click would turn into exit status 1).
    """
    try:
        asyncio.run(coroutine)
    except BrokenPipeError as err:
        raise PipeClosed() from err


def show(
    settings: ApplianceSettings,
    out: OutputSettings,
    call: Callable[[BomgarClient], Awaitable[Any]],
) -> None:
    """Call the appliance, then print the complete answer (nothing is printed on failure)."""

    async def go() -> None:
        async with settings.client() as bg:
            result = await call(bg)
        with out.printer() as printer:
            printer.value(result)

    run(go())
