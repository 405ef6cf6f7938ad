"""Simulator-generated session reports of a chosen size, built in memory (no server).

``light`` reports are the simulator's bulk sessions as they are (about 6 KB each);
``heavy`` ones add 16 events per session, as busy real sessions carry: chat messages
(half of them with characters XML cannot carry, so sent as ``<encoded_body>``) and
member-added events with ``data`` values. ``product="pra"`` renders PRA ``AccessSession``
reports (custom attributes, Jump Group) instead of Remote Support ``SupportSession``.
"""

from __future__ import annotations

from collections.abc import Iterator

from bomgar_async.simulator.bulk_heavy import heavy_events, with_heavy_events
from bomgar_async.simulator.history import bulk_record
from bomgar_async.simulator.pra_reports import access_session_xml
from bomgar_async.simulator.reports_render import close, open_root, session_xml
from bomgar_async.simulator.world import World

__all__ = ["KINDS", "heavy_events", "report", "report_parts"]

KINDS = ("light", "heavy")
_NAMESPACE = "http://www.beyondtrust.com/sra/namespaces/API/reporting"


def report_parts(
    target_bytes: int, kind: str = "light", *, product: str = "rs", seed: int = 1
) -> Iterator[bytes]:
    """The report in pieces (the root's start tag, one per session, the end tag), sessions
    added until ``target_bytes`` is reached."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    world = World.generate(seed, now=1_700_000_000, history=0)
    world.bulk_sessions = 1 << 30
    pra = product == "pra"
    head = open_root("session_list", _NAMESPACE if pra else None).encode()
    yield head
    size, index = len(head), 0
    render = access_session_xml if pra else session_xml
    host = world.appliance.public_hostname
    while size < target_bytes:
        record = bulk_record(world, index)
        if kind == "heavy":
            record = with_heavy_events(record)
        part = render(record, host=host, recordings=True, now=world.created_at).encode()
        size += len(part)
        index += 1
        yield part
    yield close("session_list").encode()


def report(target_bytes: int, kind: str = "light", *, product: str = "rs", seed: int = 1) -> bytes:
    """The whole report (see :func:`report_parts`)."""
    return b"".join(report_parts(target_bytes, kind, product=product, seed=seed))
