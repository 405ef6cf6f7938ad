"""``bomgar-async report <type>``: every report type from one table, :data:`REPORTS`.

Each entry names the SDK call, whether it streams (printed while it arrives, with a progress
count), and which options beyond the time range it takes. A new report type (e.g. the
Privileged Remote Access reports of ``bg.pra``) is one more entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import attrs
import click

from ..client import BomgarClient
from .config import ApplianceSettings, appliance_options
from .exits import CLIError
from .options import OutputSettings, Progress, output_options
from .output import aclosing_iter
from .run import run
from .values import DURATION, WHEN

__all__ = ["REPORTS", "ReportArgs", "ReportSpec", "report"]


@attrs.frozen(kw_only=True)
class ReportArgs:
    """The options of ``report``, as given."""

    since: Any
    """A ``date`` or an aware ``datetime`` (``None`` if not given)."""
    until: Any
    by: Any
    """``"start"`` or ``"end"``."""
    window: timedelta | None
    concurrency: int
    report_type: Any
    id: str | None
    team_id: int | None
    group_by: Any
    lsid: str | None
    kind: str = "rs"


@attrs.frozen(kw_only=True)
class ReportSpec:
    """One report type: how to call it and which options it takes."""

    help: str
    call: Callable[[BomgarClient, ReportArgs], Any]
    """Returns an awaitable (a complete report) or, with ``streamed``, an async iterator."""
    streamed: bool = False
    takes: frozenset[str] = frozenset()
    """Options besides ``--since --until --by`` (``window``, ``report_type``, ...)."""
    needs_since: bool = True
    product: str = "rs"
    """``"rs"`` (Remote Support, ``bg.reporting``) or ``"pra"`` (``bg.pra``)."""


def _range(args: ReportArgs) -> dict[str, Any]:
    return {"since": args.since, "until": args.until, "by": args.by}


def _surveys(args: ReportArgs) -> dict[str, Any]:
    return {**_range(args), "report_type": args.report_type or "rep", "id": args.id or "all"}


REPORTS: dict[str, ReportSpec] = {
    "support-sessions": ReportSpec(
        help="Full session reports (SupportSession), streamed.",
        call=lambda bg, a: bg.reporting.support_sessions(
            a.since, a.until, by=a.by, window=a.window, concurrency=a.concurrency
        ),
        streamed=True,
        takes=frozenset({"window", "concurrency"}),
    ),
    "support-session": ReportSpec(
        help="The full report of one session (--lsid).",
        call=lambda bg, a: bg.reporting.support_session(a.lsid or ""),
        takes=frozenset({"lsid"}),
        needs_since=False,
    ),
    "support-session-listing": ReportSpec(
        help="Session ids, external keys and recording flags.",
        call=lambda bg, a: bg.reporting.support_session_listing(**_range(a)),
    ),
    "support-session-summary": ReportSpec(
        help="Session statistics per rep, team or site (--report-type).",
        call=lambda bg, a: bg.reporting.support_session_summary(
            **_range(a), report_type=a.report_type or "rep"
        ),
        takes=frozenset({"report_type"}),
    ),
    "customer-exit-surveys": ReportSpec(
        help="Customer exit surveys (--report-type rep|team, --id).",
        call=lambda bg, a: bg.reporting.customer_exit_surveys(**_surveys(a)),
        takes=frozenset({"report_type", "id"}),
    ),
    "rep-exit-surveys": ReportSpec(
        help="Representative exit surveys (--report-type rep|team, --id).",
        call=lambda bg, a: bg.reporting.rep_exit_surveys(**_surveys(a)),
        takes=frozenset({"report_type", "id"}),
    ),
    "team-activity": ReportSpec(
        help="Activity within support teams (--team-id).",
        call=lambda bg, a: bg.reporting.team_activity(**_range(a), team_id=a.team_id),
        takes=frozenset({"team_id"}),
    ),
    "license-usage": ReportSpec(
        help="Peak license usage (--group-by hour|day|month).",
        call=lambda bg, a: bg.reporting.license_usage(
            a.since, a.until, group_by=a.group_by or "day"
        ),
        takes=frozenset({"group_by"}),
    ),
    "access-sessions": ReportSpec(
        help="PRA: full access session reports (AccessSession), streamed.",
        call=lambda bg, a: bg.pra.access_sessions(
            a.since, a.until, by=a.by, window=a.window, concurrency=a.concurrency
        ),
        streamed=True,
        takes=frozenset({"window", "concurrency"}),
        product="pra",
    ),
    "access-session": ReportSpec(
        help="PRA: the full report of one access session (--lsid).",
        call=lambda bg, a: bg.pra.access_session(a.lsid or ""),
        takes=frozenset({"lsid"}),
        needs_since=False,
        product="pra",
    ),
    "access-session-listing": ReportSpec(
        help="PRA: access session ids, external keys and recording flags.",
        call=lambda bg, a: bg.pra.access_session_listing(**_range(a)),
        product="pra",
    ),
    "access-session-summary": ReportSpec(
        help="PRA: access session statistics per user.",
        call=lambda bg, a: bg.pra.access_session_summary(**_range(a)),
        product="pra",
    ),
    "pra-team-activity": ReportSpec(
        help="PRA: activity within teams (generate_report Team).",
        call=lambda bg, a: bg.pra.team_activity(**_range(a)),
        product="pra",
    ),
    "vault-account-activity": ReportSpec(
        help="PRA: Vault account events (who used, rotated or changed which account).",
        call=lambda bg, a: bg.pra.vault_account_activity(**_range(a)),
        product="pra",
    ),
}

_EXTRA = {
    "window": "--window",
    "report_type": "--report-type",
    "id": "--id",
    "team_id": "--team-id",
    "group_by": "--group-by",
    "lsid": "--lsid",
}


def _check(name: str, spec: ReportSpec, args: ReportArgs, given: dict[str, Any]) -> None:
    for option, flag in _EXTRA.items():
        if given.get(option) is not None and option not in spec.takes:
            raise CLIError(f"report {name} does not take {flag}")
    if spec.needs_since and args.since is None:
        raise CLIError(f"report {name} needs --since (e.g. --since 7d or --since 2026-01-01)")
    if "lsid" in spec.takes and not args.lsid:
        raise CLIError(f"report {name} needs --lsid")


async def _counted(items: AsyncIterator[Any], progress: Progress) -> AsyncIterator[Any]:
    async with aclosing_iter(items) as each:
        async for item in each:
            progress.advance("sessions")
            yield item


def _epilog() -> str:
    lines = "\n".join(f"  {name:<24} {spec.help}" for name, spec in REPORTS.items())
    return f"\b\nReport types:\n{lines}"


@click.command("report", epilog=_epilog())
@click.argument("report_type_name", metavar="TYPE", type=click.Choice(list(REPORTS)))
@click.option("--since", type=WHEN, help="Start: 2026-01-01, 2026-01-01T08:00:00Z, or 7d ago.")
@click.option("--until", type=WHEN, help="End (default: now).")
@click.option("--by", type=click.Choice(["start", "end"]), default="start", show_default=True)
@click.option("--window", type=DURATION, help="Split the range into windows (e.g. 1d).")
@click.option("--concurrency", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--report-type", type=click.Choice(["rep", "team", "site"]))
@click.option("--id", "id_", help="A rep or team id (surveys; default all).")
@click.option("--team-id", type=int)
@click.option("--group-by", type=click.Choice(["hour", "day", "month"]))
@click.option("--lsid", help="The session (support-session).")
@appliance_options
@output_options
def report(
    settings: ApplianceSettings,
    out: OutputSettings,
    report_type_name: str,
    id_: str | None,
    **options: Any,
) -> None:
    """Pull a report of TYPE and print it (streamed reports print while they arrive)."""
    spec = REPORTS[report_type_name]
    given = {**options, "id": id_}
    args = ReportArgs(**given)
    _check(report_type_name, spec, args, given)

    async def go() -> None:
        async with settings.client() as bg:
            if not spec.streamed:
                result = await spec.call(bg, args)
                with out.printer() as printer:
                    printer.value(result)
                return
            with out.progress_bar() as progress, out.printer() as printer:
                count = await printer.stream_items(_counted(spec.call(bg, args), progress))
            out.note(f"{count} sessions")

    run(go())
