"""The simulated Privileged Remote Access Reporting API (``Simulator(product="pra")``).

It answers PRA's reports from the same seeded session history as Remote Support's:
``AccessSession`` (streamed ``<session_list>`` with each session's Jump Group and custom
attributes, no public site or exit surveys), ``AccessSessionListing``,
``AccessSessionSummary`` (``report_type=user``), ``Team`` (the team activity report),
``VaultAccountActivity`` (see :mod:`.pra_history`) and the recordings
``AccessSessionRecording`` and ``CommandShellRecording``. Remote Support's report names are
refused as unknown, as a PRA appliance does, and empty reports get the no-data ``<error>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from types import MappingProxyType

from aiohttp import web

from . import reports_render as xml
from .history import (
    SessionRecord,
)
from .pra_history import (
    custom_attributes_of,
    jump_group_of,
    vault_events,
)
from .report_select import (
    parse_range,
    select,
    select_lsids,
)
from .report_summary import summary_report
from .reports import (
    ReportCatalog,
    ReportContext,
    listing_report,
    stream_report,
    team_report,
)

__all__ = ["PRIVILEGED_REMOTE_ACCESS", "access_session_xml"]


def access_session_xml(record: SessionRecord, *, host: str, recordings: bool, now: int) -> str:
    """One ``<session>`` of an ``AccessSession`` report."""
    r = record
    group_id, group_type, group_name = jump_group_of(r)
    out = [
        xml.session_head_xml(r, now),
        f"<external_key>{xml.esc(r.external_key)}</external_key>\n<custom_attributes>",
    ]
    for code, display, value in custom_attributes_of(r):
        out.append(
            f'<custom_attribute code_name="{code}" display_name="{xml.esc(display)}">'
            f"{xml.esc(value)}</custom_attribute>"
        )
    out.append("</custom_attributes>\n")
    if r.jumpoint is not None:
        out.append(f'<jumpoint id="{r.jumpoint.id}">{xml.esc(r.jumpoint.name)}</jumpoint>\n')
    out.append(xml.transfers_xml(r, host, recordings=recordings))
    out.append(xml.primaries_xml(r, customer_id=False))
    out.append(
        f'<jump_group type="{group_type}" id="{group_id}">{xml.esc(group_name)}</jump_group>\n'
    )
    out.append(xml.participants_xml(r))
    out.append("<session_details>\n")
    out.extend(xml.session_event_xml(event) for event in r.events)
    out.append("</session_details>\n</session>\n")
    return "".join(out)


async def _access_sessions(context: ReportContext) -> web.StreamResponse:
    world, params = context.world, context.params
    host = world.appliance.public_hostname
    recordings = context.user.has("perm_view_sd_recordings")
    named = select_lsids(world, params, context.visible)
    if named is None:
        source = partial(select, world, parse_range(params), context.visible)
    else:
        source = partial(iter, named)

    def parts() -> Iterator[str]:
        for record in source():
            yield access_session_xml(record, host=host, recordings=recordings, now=context.now)

    return await stream_report(context, "session_list", parts)


async def _vault(context: ReportContext) -> web.StreamResponse:
    time_range = parse_range(context.params)
    until = min(time_range.until(context.now), context.now + 1)
    out = []
    for event in vault_events(context.world, time_range.lo, until):
        performer = (
            f'<performed_by type="{event.performer_type}" id="{event.performer_id}">'
            f"{xml.esc(event.performer_name)}</performed_by>\n"
        )
        data = f"<data>{xml.esc(event.data)}</data>\n" if event.data else ""
        out.append(
            f'<vault_account_activity timestamp="{event.ts}" event_type="{event.event_type}" '
            f'account="{event.account_id}">\n'
            f'<account id="{event.account_id}">{xml.esc(event.account_name)}</account>\n'
            f"{performer}{data}</vault_account_activity>\n"
        )
    if not out:
        return context.no_data()
    root = "vault_account_activity_list"
    body = xml.open_root(root, context.namespace) + "".join(out) + xml.close(root)
    return context.xml(body.encode())


PRIVILEGED_REMOTE_ACCESS = ReportCatalog(
    roots=MappingProxyType(
        {
            "AccessSession": "session_list",
            "AccessSessionListing": "session_summary_list",
            "AccessSessionSummary": "summary_list",
            "Team": "team_activity_list",
            "VaultAccountActivity": "vault_account_activity_list",
        }
    ),
    builders=MappingProxyType(
        {
            "AccessSession": _access_sessions,
            "AccessSessionListing": listing_report,
            "AccessSessionSummary": partial(summary_report, kinds=("user",)),
            "Team": team_report,
            "VaultAccountActivity": _vault,
        }
    ),
    recordings=MappingProxyType(
        {"AccessSessionRecording": "support_session", "CommandShellRecording": "command_shell"}
    ),
    unfiltered=frozenset({"VaultAccountActivity"}),
)
"""Privileged Remote Access's reports."""
