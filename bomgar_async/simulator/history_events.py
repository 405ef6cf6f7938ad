"""The events of a generated session (``session_details``), its exit surveys and file counts.

:class:`EventBuilder` lays out a plausible timeline between the session's start and end:
start, system information, representatives joining (with ``data`` values), chat (some
messages with control characters, later sent as ``<encoded_body>``), file transfers,
recordings started, exit surveys and the end; :mod:`.history_events_extra` adds the rarer
event types to closed sessions. A session in progress stops after its first minute.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import history_data as data
from .history import (
    Party,
    RecordCustomer,
    RecordEvent,
    RecordRep,
    SurveyAnswer,
    SystemCategory,
)
from .history_events_extra import add_extra_events
from .world import World

__all__ = ["EventBuilder"]

SYSTEM = Party(0, "system", "System")


class EventBuilder:
    """Builds the events of one session; read the results from its attributes."""

    def __init__(
        self,
        rng: random.Random,
        world: World,
        customer: RecordCustomer,
        reps: tuple[RecordRep, ...],
        joined: list[int],
    ) -> None:
        self.rng = rng
        self.world = world
        self.customer = customer
        self.cust = Party(customer.gsnumber, "customer", customer.username)
        self.reps = reps
        self.parties = [Party(r.gsnumber, "representative", r.private_display_name) for r in reps]
        self.joined = joined
        self.items: list[RecordEvent] = []
        self.transfers = self.moves = self.deletes = 0
        self.cust_survey: tuple[SurveyAnswer, ...] = ()
        self.rep_survey: tuple[SurveyAnswer, ...] = ()

    def add(self, ts: int, kind: str, **fields: Any) -> None:
        self.items.append(RecordEvent(ts, kind, **fields))

    def sorted(self) -> tuple[RecordEvent, ...]:
        """The events in chronological order (``Session Start`` first, ``Session End`` last)."""
        order = {"Session Start": 0, "Session End": 2}
        return tuple(sorted(self.items, key=lambda e: (order.get(e.event_type, 1), e.ts)))

    def build(
        self,
        start: int,
        end: int | None,
        key: str,
        full: bool,
        screens: int,
        shells: int,
        recorded: bool,
    ) -> None:
        """Lay out the timeline; ``full`` adds files, recordings and surveys."""
        rng = self.rng
        self.add(start, "Session Start", performed_by=self.cust)
        if rng.random() < 0.75:
            self.add(
                start + 2,
                "System Information Retrieved",
                performed_by=SYSTEM,
                system_information=self.system_information(),
            )
        for n, rep in enumerate(self.reps):
            self.member_added(self.joined[n], rep, self.parties[n])
        if self.reps:
            owner = self.parties[0]
            self.add(
                self.joined[0],
                "Conference Owner Changed",
                performed_by=SYSTEM,
                destination=owner,
                data=(("owner", owner.name),),
            )
        if end is None:
            return
        last = min(max([start + 60, *self.joined]), end)
        span = max(1, end - last)

        def moment() -> int:
            return last + rng.randint(0, span - 1) if span > 1 else last

        if self.reps:
            self.chat(moment, rep_lines=rng.randint(1, 3), customer_lines=rng.randint(1, 2))
            if key:
                self.add(
                    moment(),
                    "External Key",
                    performed_by=self.parties[0],
                    data=(("external_key", key),),
                )
            for n in range(1, len(self.reps)):
                self.add(
                    moment(),
                    "Conference Member Departed",
                    performed_by=SYSTEM,
                    destination=self.parties[n],
                )
        if full and self.reps:
            self.files(moment)
            add_extra_events(self, start, end, self.joined)
            shell = "cmd.exe" if "Windows" in self.customer.os else "/bin/bash"
            for kind, count in (
                ("Show My Screen Recording", screens),
                ("Command Shell Session Started", shells),
            ):
                for instance, ts in enumerate(sorted(moment() for _ in range(count))):
                    values = [("instance", str(instance))]
                    if kind.startswith("Command"):
                        values.append(("shell", shell))
                    self.add(ts, kind, performed_by=self.parties[0], data=tuple(values))
            self.surveys(end)
        closer = self.parties[0] if self.reps else self.cust
        self.add(end, "Session End", performed_by=closer if full else SYSTEM)

    def member_added(self, ts: int, rep: RecordRep, party: Party) -> None:
        teams = [t for t in self.world.teams if rep.id in t.member_ids]
        values = (
            ("name", rep.private_display_name),
            ("username", rep.username),
            ("private_ip", rep.private_ip),
            ("public_ip", rep.public_ip),
            ("support_teams", ", ".join(t.name for t in teams if not t.embassy)),
            ("embassies", ", ".join(t.name for t in teams if t.embassy)),
            ("hostname", rep.hostname),
            ("os", rep.os),
            ("user_id", str(rep.id)),
        )
        self.add(ts, "Conference Member Added", performed_by=SYSTEM, destination=party, data=values)

    def chat(self, when: Callable[[], int], *, rep_lines: int, customer_lines: int) -> None:
        rng, owner = self.rng, self.parties[0]
        names = {"customer": self.customer.username, "rep": self.reps[0].public_display_name}
        for line in rng.sample(data.REP_LINES, rep_lines):
            self.add(
                when(),
                "Chat Message",
                performed_by=owner,
                destination=self.cust,
                body=line.format(**names),
            )
        for line in rng.sample(data.CUSTOMER_LINES, customer_lines):
            self.add(when(), "Chat Message", performed_by=self.cust, destination=owner, body=line)
        if rng.random() < 0.15:
            self.add(
                when(),
                "Chat Message",
                performed_by=self.cust,
                destination=owner,
                body=rng.choice(data.ENCODED_LINES),
            )

    def files(self, when: Callable[[], int]) -> None:
        rng, owner = self.rng, self.parties[0]
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            chosen = rng.sample(data.FILES, rng.choice((1, 1, 2)))
            upload = rng.random() < 0.6
            kind = "File Upload" if upload else "File Download"
            source, target = (owner, self.cust) if upload else (self.cust, owner)
            name, size = chosen[0]
            folder = "C:\\Temp\\" if "Windows" in self.customer.os else "/home/user/"
            self.add(
                when(),
                kind,
                performed_by=source,
                destination=target,
                filename=folder + name,
                filesize=size,
                files=tuple(chosen),
            )
            self.transfers += len(chosen)
        for kind in ("File Moved", "File Deleted"):
            if rng.random() < 0.15:
                name = rng.choice(data.FILES)[0]
                self.add(when(), kind, performed_by=owner, data=(("path", f"Downloads/{name}"),))
                if kind == "File Moved":
                    self.moves += 1
                else:
                    self.deletes += 1

    def surveys(self, end: int) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            answers: dict[str, tuple[str, ...]] = {
                "resolution": (rng.choice(("Resolved", "Escalated", "Customer unavailable")),),
                "notes": ("Restarted the service.",) if rng.random() < 0.6 else (),
            }
            self.rep_survey = _questions(data.REP_QUESTIONS, answers)
            self.add(end - 2, "Representative Exit Survey", performed_by=self.parties[0])
        if rng.random() < 0.4:
            topics = ("vpn", "email", "printer", "hardware", "access")
            answers = {
                "satisfaction": (rng.choice("34555"),),
                "topics": tuple(rng.sample(topics, rng.randint(1, 2))),
                "comments": ("Quick & friendly <3",) if rng.random() < 0.4 else (),
            }
            self.cust_survey = _questions(data.CUST_QUESTIONS, answers)
            self.add(end - 1, "Customer Exit Survey", performed_by=self.cust)

    def system_information(self) -> tuple[SystemCategory, ...]:
        rng, customer = self.rng, self.customer
        windows = "Windows" in customer.os
        drives = [("C:\\", "Local Disk", "NTFS", f"{rng.randint(20, 95)}%")] if windows else []
        if windows and rng.random() < 0.5:
            drives.append(("D:\\", "CD-ROM", "", ""))
        if not windows:
            drives = [("/", "Local Disk", "apfs" if "mac" in customer.os else "ext4", "41%")]
        mac = ":".join(f"{rng.randint(0, 255):02X}" for _ in range(6))
        printers = [("HP LaserJet 4th Floor", "Yes"), ("Microsoft Print to PDF", "No")]
        return (
            SystemCategory(
                "Operating System",
                ("Name", "Version", "Architecture"),
                ((customer.os, f"{rng.randint(10, 22)}.{rng.randint(0, 9)}", "x64"),),
            ),
            SystemCategory(
                "Drives", ("Drive", "Type", "File System", "Percent Used"), tuple(drives)
            ),
            SystemCategory(
                "Network Adapters",
                ("Name", "IP Address", "MAC Address"),
                (("Ethernet", customer.private_ip, mac),),
            ),
            SystemCategory(
                "Printers", ("Printer", "Default"), tuple(printers[: rng.randint(0, 2)])
            ),
        )


def _questions(
    table: tuple[tuple[int, str, str, str, str], ...], answers: dict[str, tuple[str, ...]]
) -> tuple[SurveyAnswer, ...]:
    return tuple(
        SurveyAnswer(qid, name, kind, label, header, answers.get(name, ()))
        for qid, name, kind, label, header in table
    )
