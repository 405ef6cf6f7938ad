"""The pytest plugin (entry point ``pytest11``): a ready, started simulated appliance.

Provides the async fixture ``bomgar_simulator``: a started ``Simulator(seed=1)``, closed after
the test. It is declared with ``pytest_asyncio.fixture`` so it works in pytest-asyncio's strict
and auto modes; without pytest-asyncio installed the plugin defines nothing. Importing this
module is cheap: the server code is imported only when the fixture runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.util import find_spec
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import Simulator

__all__: list[str] = []

if find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    __all__ += ["bomgar_simulator"]

    @pytest_asyncio.fixture
    async def bomgar_simulator() -> AsyncIterator[Simulator]:
        """A started simulated appliance (``Simulator(seed=1)``), closed after the test."""
        from .app import Simulator

        async with Simulator(seed=1) as simulator:
            yield simulator
