"""The less frequent events of a generated session, so the history shows every type the guide
lists for ``session_details`` (``SESSION_EVENT_TYPES``, 28 of them).

:mod:`.history_events` lays out a session's main timeline; :func:`add_extra_events` adds, to a
closed session a representative took, each of these with its own small chance: the session
assigned to the representative and the answer to it, the customer's legal agreement response
and the access it allowed, a representative's state changing, a note, files shared, a
directory created, failed uploads and downloads, a callback Bomgar Button deployed and
removed. They draw from their own ``random.Random`` (seeded by the world, the session's start
and its customer), so adding them leaves every other choice of the record unchanged. Value
names in ``<data>`` are the simulator's own where the guide does not name them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import history_data as data
from .history import Party

if TYPE_CHECKING:
    from .history_events import EventBuilder

__all__ = ["SESSION_EVENT_TYPES", "add_extra_events"]

SESSION_EVENT_TYPES = (
    "Callback Button Deployed",
    "Callback Button Removed",
    "Chat Message",
    "Command Shell Session Started",
    "Conference Member Added",
    "Conference Member Departed",
    "Conference Member State Changed",
    "Conference Owner Changed",
    "Customer Exit Survey",
    "Directory Created",
    "External Key",
    "File Deleted",
    "File Download",
    "File Download Failed",
    "File Moved",
    "File Upload",
    "File Upload Failed",
    "Files Shared",
    "Legal Agreement Response",
    "Representative Exit Survey",
    "Service Access Allowed",
    "Session Assigned",
    "Session Assignment Response",
    "Session End",
    "Session Note Added",
    "Session Start",
    "Show My Screen Recording",
    "System Information Retrieved",
)
"""The event types of the guide's ``/session_list/session/session_details/event``."""

SYSTEM = Party(0, "system", "System")
_SERVICES = ("Screen Sharing", "File Transfer", "Command Shell", "System Information")
_NOTES = (
    "Customer asked for a call back after 17:00.",
    "Escalate to Tier 2 if the VPN drops again.",
    "Replaced the printer driver; ticket stays open a day.",
)


def add_extra_events(events: EventBuilder, start: int, end: int, joined: list[int]) -> None:
    """Add the rarer event types to a closed session with at least one representative."""
    customer = events.customer
    rng = random.Random(f"extra-{events.world.seed}-{start}-{customer.gsnumber}-{customer.os}")
    owner, cust = events.parties[0], events.cust
    first = min(max([start + 60, *joined]), end)

    def when() -> int:
        return first + rng.randint(0, max(0, end - first - 3))

    if rng.random() < 0.3:
        assigned = max(start + 1, joined[0] - 3)
        events.add(assigned, "Session Assigned", performed_by=SYSTEM, destination=owner)
        events.add(
            max(assigned, joined[0] - 1),
            "Session Assignment Response",
            performed_by=owner,
            data=(("response", "accepted"),),
        )
    if rng.random() < 0.4:
        events.add(
            start + 1,
            "Legal Agreement Response",
            performed_by=cust,
            data=(("response", "accepted"),),
        )
    if rng.random() < 0.35:
        service = rng.choice(_SERVICES)
        events.add(
            when(),
            "Service Access Allowed",
            performed_by=cust,
            destination=owner,
            data=(("service", service),),
        )
    if rng.random() < 0.2:
        state = rng.choice(("hold", "active"))
        events.add(
            when(),
            "Conference Member State Changed",
            performed_by=SYSTEM,
            destination=rng.choice(events.parties),
            data=(("state", state),),
        )
    if rng.random() < 0.25:
        events.add(when(), "Session Note Added", performed_by=owner, body=rng.choice(_NOTES))
    if rng.random() < 0.15:
        files = tuple(rng.sample(data.FILES, rng.randint(1, 2)))
        events.add(when(), "Files Shared", performed_by=owner, destination=cust, files=files)
    _file_system(events, rng, when, owner, cust)
    if rng.random() < 0.1:
        profile = (("profile", "Default"),)
        deployed = when()
        events.add(
            deployed, "Callback Button Deployed", performed_by=owner, destination=cust, data=profile
        )
        if rng.random() < 0.5:
            events.add(
                max(deployed, when()),
                "Callback Button Removed",
                performed_by=owner,
                destination=cust,
                data=profile,
            )


def _file_system(
    events: EventBuilder, rng: random.Random, when: Callable[[], int], owner: Party, cust: Party
) -> None:
    """A directory created, and uploads or downloads that failed."""
    folder = "C:\\Temp\\" if "Windows" in events.customer.os else "/home/user/"
    if rng.random() < 0.1:
        events.add(
            when(), "Directory Created", performed_by=owner, data=(("path", folder + "support"),)
        )
    for kind, source, target in (
        ("File Upload Failed", owner, cust),
        ("File Download Failed", cust, owner),
    ):
        if rng.random() < 0.08:
            name, size = rng.choice(data.FILES)
            events.add(
                when(),
                kind,
                performed_by=source,
                destination=target,
                filename=folder + name,
                filesize=size,
                data=(("reason", "Transfer cancelled"),),
            )
