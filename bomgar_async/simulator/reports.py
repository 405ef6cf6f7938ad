"""The simulator's Reporting API (``/api/reporting.ns``): every ``generate_report`` of the
1.11.0 guide, answered from the world's session history.

Session reports (``SupportSession``, ``SupportSessionListing``, the exit surveys) are
rendered one session at a time and written as they are made, in pieces of about 64 KiB
(chunked, no ``Content-Length``), so a report of any size streams with flat memory; each
streamed answer is accounted in a :class:`ReportStats`. The aggregates (summary, team
activity, license usage) are small and sent whole. Missing or contradictory parameters are
answered, as real appliances do, with HTTP 200 and an ``<error>`` inside the report's root;
unknown reports, missing permissions and recording problems with a root ``<error>``. A report
that matches nothing is answered the real way too: a root ``<error>`` holding the no-data
sentence in the simulator's locale (see :mod:`.no_data`), never an empty root.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from aiohttp import web

from . import reports_render as xml
from .activity import (
    license_usage_xml,
    team_activity_xml,
)
from .history import (
    SessionRecord,
)
from .no_data import no_data_message
from .recordings import (
    RECORDING_PERMISSIONS,
    RECORDING_REPORTS,
    RecordingError,
    locate_recording,
    recording_response,
)
from .report_select import (
    Filter,
    ReportError,
    parse_limit,
    parse_range,
    select,
    select_lsids,
    visibility,
)
from .report_stream import (
    ReportStats,
    stream_document,
)
from .report_summary import summary_report
from .world import (
    ApiUser,
    World,
)

__all__ = [
    "REMOTE_SUPPORT",
    "REPORT_ROOTS",
    "ReportCatalog",
    "ReportContext",
    "ReportStats",
    "choice",
    "handle_report",
    "listing_report",
    "stream_report",
    "team_report",
]

REPORT_ROOTS: Mapping[str, str] = {
    "SupportSession": "session_list",
    "SupportSessionListing": "session_summary_list",
    "SupportSessionSummary": "summary_list",
    "SupportCustExitSurvey": "exit_survey_list",
    "SupportRepExitSurvey": "exit_survey_list",
    "SupportTeam": "team_activity_list",
    "LicenseUsage": "license_usage",
}
"""The root element of each (non-recording) report."""
_NO_REPORTING = "User does not have permission to use the reporting API."
_NO_REPORTS = "User does not have permission to view support session reports."
_NO_LICENSE = "User does not have permission to view license usage reports."


@dataclass
class ReportContext:
    """One reporting request: who asks, for what, and where its statistics go."""

    request: web.Request
    world: World
    params: Mapping[str, str]
    user: ApiUser
    namespace: str | None
    now: int
    stats: list[ReportStats] = field(default_factory=list)
    visible: Filter = field(default=lambda _record: True)
    locale: str = "en"

    @property
    def report(self) -> str:
        return self.params.get("generate_report", "").strip()

    def xml(self, body: bytes) -> web.Response:
        return web.Response(body=body, content_type="text/xml", charset="UTF-8")

    def error(self, message: str, root: str | None = None) -> web.Response:
        return self.xml(xml.error_document(message, self.namespace, root))

    def no_data(self) -> web.Response:
        """The real appliances' answer to a report that matched nothing."""
        return self.error(no_data_message(self.report, self.locale))


Builder = Callable[[ReportContext], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ReportCatalog:
    """The reports one product serves: each report's root and builder, the recording
    reports (``generate_report`` -> recording kind), and the reports anyone with reporting
    access may run (no per-session visibility)."""

    roots: Mapping[str, str]
    builders: Mapping[str, Builder]
    recordings: Mapping[str, str]
    unfiltered: frozenset[str] = frozenset()


async def handle_report(
    context: ReportContext, catalog: ReportCatalog | None = None
) -> web.StreamResponse:
    """Answer a reporting request whose credentials have been checked (Remote Support's
    reports unless another ``catalog`` is given)."""
    catalog = catalog or REMOTE_SUPPORT
    report, user, world = context.report, context.user, context.world
    if not user.has("perm_use_reporting_api"):
        return context.error(_NO_REPORTING)
    if not report:
        return context.error("Missing required parameter: generate_report.")
    kind = catalog.recordings.get(report)
    if kind is not None:
        permission, allows = RECORDING_PERMISSIONS[kind]
        if not user.has(permission):
            return context.error(f"User does not have permission to {allows}.")
        lsid = context.params.get("lsid", "").strip()
        try:
            instance = locate_recording(world, lsid, kind, context.params.get("instance"))
        except RecordingError as err:
            return context.error(str(err))
        return await recording_response(context.request, world, lsid, kind, instance)
    root = catalog.roots.get(report)
    if root is None:
        return context.error(f"Invalid report type: {report}.")
    if report == "LicenseUsage" and not user.has("perm_view_license_usage_reports"):
        return context.error(_NO_LICENSE)
    if report not in catalog.unfiltered:
        visible = visibility(world, user)
        if visible is None:
            return context.error(_NO_REPORTS)
        context.visible = visible
    try:
        return await catalog.builders[report](context)
    except ReportError as err:
        return context.error(str(err), root)


# -- the reports ----------------------------------------------------------------------------


async def _session_list(context: ReportContext) -> web.StreamResponse:
    world, params = context.world, context.params
    host = world.appliance.public_hostname
    recordings = context.user.has("perm_view_sd_recordings")
    named = select_lsids(world, params, context.visible)
    source: Callable[[], Iterable[SessionRecord]]
    if named is None:
        source = partial(
            select, world, parse_range(params), context.visible, parse_limit(world, params)
        )
    else:
        source = partial(iter, named)

    def parts() -> Iterator[str]:
        for record in source():
            yield xml.session_xml(record, host=host, recordings=recordings, now=context.now)

    return await stream_report(context, "session_list", parts)


async def listing_report(context: ReportContext) -> web.StreamResponse:
    time_range = parse_range(context.params)

    def parts() -> Iterator[str]:
        for record in select(context.world, time_range, context.visible):
            yield xml.listing_xml(record)

    return await stream_report(context, "session_summary_list", parts)


def choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise ReportError(f"Missing required parameter: {name}.")
    if value not in allowed:
        raise ReportError(f"Invalid value for {name}: {value}.")
    return value


async def _exit_surveys(context: ReportContext) -> web.StreamResponse:
    params = context.params
    kind = "cust" if context.report == "SupportCustExitSurvey" else "rep"
    time_range = parse_range(params)
    by = choice(params, "report_type", ("rep", "team"))
    wanted = params.get("id", "").strip()
    if not wanted:
        raise ReportError("Missing required parameter: id.")
    if wanted != "all" and not wanted.isdigit():
        raise ReportError(f"Invalid value for id: {wanted}.")
    site = params.get("site_id", "").strip() or "1"
    if not site.isdigit():
        raise ReportError(f"Invalid value for site_id: {site}.")

    def keep(record: SessionRecord) -> bool:
        survey = record.cust_survey if kind == "cust" else record.rep_survey
        owner = record.primary_rep if by == "rep" else record.primary_team
        if not survey or record.site.id != int(site) or owner is None:
            return False
        return wanted == "all" or owner.id == int(wanted)

    def parts() -> Iterator[str]:
        for record in select(context.world, time_range, context.visible, keep):
            yield xml.exit_survey_xml(record, kind)

    return await stream_report(context, "exit_survey_list", parts)


async def team_report(context: ReportContext) -> web.StreamResponse:
    time_range = parse_range(context.params)
    raw = context.params.get("team_id", "").strip()
    if raw and not raw.isdigit():
        raise ReportError(f"Invalid value for team_id: {raw}.")
    until = time_range.until(context.now)
    team = int(raw) if raw else None
    body = team_activity_xml(
        context.world, time_range.lo, until, team, context.namespace, context.now
    )
    return context.no_data() if body is None else context.xml(body)


async def _license(context: ReportContext) -> web.StreamResponse:
    time_range = parse_range(context.params, allow_end=False)
    group_by = choice(context.params, "group_by", ("hour", "day", "month"))
    until = time_range.until(context.now)
    body = license_usage_xml(
        context.world, time_range.lo, until, group_by, context.namespace, context.now
    )
    return context.no_data() if body is None else context.xml(body)


REMOTE_SUPPORT = ReportCatalog(
    roots=REPORT_ROOTS,
    builders={
        "SupportSession": _session_list,
        "SupportSessionListing": listing_report,
        "SupportSessionSummary": partial(summary_report, kinds=("rep", "team", "site")),
        "SupportCustExitSurvey": _exit_surveys,
        "SupportRepExitSurvey": _exit_surveys,
        "SupportTeam": team_report,
        "LicenseUsage": _license,
    },
    recordings=RECORDING_REPORTS,
    unfiltered=frozenset({"LicenseUsage"}),
)
"""Remote Support's reports (the 1.11.0 guide)."""


async def stream_report(
    context: ReportContext, root: str, parts: Callable[[], Iterator[str]]
) -> web.StreamResponse:
    if next(iter(parts()), None) is None:
        return context.no_data()
    stats = ReportStats(context.report)
    context.stats.append(stats)
    return await stream_document(context.request, root, parts, context.namespace, stats)
