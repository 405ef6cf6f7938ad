"""A simulated Bomgar appliance for tests, demos and benchmarks (a real aiohttp server).

::

    from bomgar_async.simulator import Simulator

    async with Simulator(seed=1) as sim:
        ...  # point a client at sim.url; inspect sim.world and sim.requests

Names are imported lazily, so importing this package (as the pytest plugin does) stays cheap
until a simulator is actually used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import (
        ACTIONS,
        RequestRecord,
        Simulator,
    )
    from .faults import (
        Fault,
        FaultKind,
    )
    from .history import SessionRecord
    from .recordings import RecordingError
    from .render import (
        COMMAND_NS_BEYONDTRUST,
        COMMAND_NS_BOMGAR,
        COMMAND_NS_HTTPS,
    )
    from .report_stream import ReportStats
    from .reports_render import (
        REPORTING_NS_BEYONDTRUST,
        REPORTING_NS_BOMGAR,
        REPORTING_NS_HTTPS,
    )
    from .world import (
        CommandError,
        World,
    )

__all__ = [
    "ACTIONS",
    "COMMAND_NS_BEYONDTRUST",
    "COMMAND_NS_BOMGAR",
    "COMMAND_NS_HTTPS",
    "REPORTING_NS_BEYONDTRUST",
    "REPORTING_NS_BOMGAR",
    "REPORTING_NS_HTTPS",
    "CommandError",
    "Fault",
    "FaultKind",
    "RecordingError",
    "ReportStats",
    "RequestRecord",
    "SessionRecord",
    "Simulator",
    "World",
]

_HOMES = {
    "ACTIONS": "app",
    "RequestRecord": "app",
    "Simulator": "app",
    "Fault": "faults",
    "FaultKind": "faults",
    "COMMAND_NS_BEYONDTRUST": "render",
    "COMMAND_NS_BOMGAR": "render",
    "COMMAND_NS_HTTPS": "render",
    "REPORTING_NS_BEYONDTRUST": "reports_render",
    "REPORTING_NS_BOMGAR": "reports_render",
    "REPORTING_NS_HTTPS": "reports_render",
    "RecordingError": "recordings",
    "ReportStats": "report_stream",
    "SessionRecord": "history",
    "CommandError": "world",
    "World": "world",
}


def __getattr__(name: str) -> Any:
    """Import an exported name from its module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
