"""Typed results of the Bomgar APIs: frozen, slotted attrs classes, one module per API area.

Every model is immutable (nested collections are tuples, mappings are read-only), has
timezone-aware UTC datetimes, and is built by a pure ``from_node`` classmethod that ignores
elements it does not know.
"""

from __future__ import annotations

from .command.appliance import (
    ApiInfo,
    Appliance,
    ApplianceHealth,
)
from .command.clients import (
    ApplianceClientSummary,
    ClientConnection,
    ClientEvent,
    ConnectedClient,
    ConnectedClientList,
    ConnectedClientRef,
    ConnectedPresentationAttendee,
    ConnectedPushAgent,
    ConnectedRepresentative,
    ConnectedSupportCustomer,
    connected_client_from,
)
from .command.models import (
    CustomAttribute,
    Issue,
    Representative,
    SessionAttributes,
    SessionKey,
    SupportTeam,
    TeamMember,
)
from .pra.models import (
    AccessSession,
    VaultAccountActivity,
    VaultActor,
)
from .reporting.models import *  # noqa: F403
from .reporting.models import __all__ as _reporting_names

__all__ = [
    "AccessSession",
    "ApiInfo",
    "Appliance",
    "ApplianceClientSummary",
    "ApplianceHealth",
    "ClientConnection",
    "ClientEvent",
    "ConnectedClient",
    "ConnectedClientList",
    "ConnectedClientRef",
    "ConnectedPresentationAttendee",
    "ConnectedPushAgent",
    "ConnectedRepresentative",
    "ConnectedSupportCustomer",
    "CustomAttribute",
    "Issue",
    "Representative",
    "SessionAttributes",
    "SessionKey",
    "SupportTeam",
    "TeamMember",
    "VaultAccountActivity",
    "VaultActor",
    "connected_client_from",
    *_reporting_names,
]
