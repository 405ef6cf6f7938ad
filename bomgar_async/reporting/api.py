"""``bg.reporting``: every report of the Reporting API (``/api/reporting.ns``).

Time ranges are ``since``/``until`` as ``date`` (whole days: ``start_date``/``end_date``) or
aware ``datetime`` (``start_time``/``end_time``), ``until=None`` meaning "to present";
``by="start"`` selects sessions that began in the range (in progress included),
``by="end"`` closed sessions that ended in it. Bad combinations raise
``BomgarValidationError`` before anything is sent (see ``reporting.params``). The
appliance's no-data ``<error>`` is an empty result (see ``reporting.no_data``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Literal

from .._http.download import DownloadResult
from . import params as build
from . import parse as parse
from .base import (
    ReportEndpoint,
    TimeBound,
)
from .models import (
    ExitSurvey,
    LicenseUsageReport,
    SessionListingEntry,
    SessionSummary,
    SupportSession,
    TeamActivityReport,
)
from .streams import support_session_parser
from .sync import (
    CheckpointStore,
    SessionSync,
)

__all__ = ["RecordingKind", "ReportingAPI"]

By = Literal["start", "end"]
RecordingKind = Literal["support_session", "show_my_screen", "command_shell", "presentation"]


class ReportingAPI(ReportEndpoint):
    """The Reporting API of one appliance (the API user needs the reporting permissions)."""

    def support_sessions(
        self,
        since: TimeBound | None = None,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        lsids: Iterable[str] | None = None,
        limit: str | None = None,
        window: timedelta | None = None,
        concurrency: int = 4,
        parse_workers: int | None = None,
    ) -> AsyncIterator[SupportSession]:
        """Stream ``SupportSession`` reports, one session at a time, parsed while the body
        arrives (memory stays flat however large the report).

        With ``window``, the range (``until=None``: to now) is split into windows pulled
        ``concurrency`` at a time and yielded in window order, each lsid once; with
        ``by="start"`` that is start order. A window that ends frees its slot for the next
        at once; finished windows wait, parsed, for their turn (at most ``2 *
        concurrency`` windows held). Without ``window``, one report is streamed.
        ``parse_workers`` (with ``window``): parse the windows in that many worker
        processes, on both cores, same sessions in the same order (each window's body is
        spooled to a temporary file; see :mod:`bomgar_async.reporting.parse_pool`);
        ``None`` (the default) parses on the event loop.

        Raises:
            BomgarValidationError: bad arguments, raised by this call before any request,
                e.g. ``limit`` with ``lsids``, naive datetimes, ``until`` before
                ``since``, a window that is not whole days/seconds.
            BomgarAPIError / BomgarProtocolError / BomgarTransportError: the pull failed.
        """
        return self._sessions(
            build.support_sessions,
            support_session_parser,
            since,
            until,
            by=by,
            lsids=lsids,
            window=window,
            concurrency=concurrency,
            limit=limit,
            parse_workers=parse_workers,
        )

    def ended_between(
        self, since: datetime, until: datetime, *, on_bytes: Callable[[int], None] | None = None
    ) -> AsyncIterator[SupportSession]:
        """One streamed report of the sessions that ended in ``[since, until)`` (what a sync
        pulls per window); ``on_bytes`` gets the size of each body chunk received."""
        return self._ended(build.support_sessions, support_session_parser, since, until, on_bytes)

    async def support_session(self, lsid: str) -> SupportSession:
        """The full report of one session.

        Raises:
            BomgarNoDataError: the appliance knows no such session (its no-data answer).
            BomgarAPIError: the appliance answered another ``<error>``.
        """
        return await self._single(build.support_session(lsid), parse.parse_session_list, lsid)

    async def support_session_listing(
        self, since: TimeBound, until: TimeBound | None = None, *, by: By = "start"
    ) -> list[SessionListingEntry]:
        """Session ids, external keys and recording flags for a range."""
        params = build.support_session_listing(since, until, by=by)
        return await self._fetch(params, parse.parse_session_listing, list)

    async def support_session_summary(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        report_type: Literal["rep", "team", "site"] = "rep",
    ) -> list[SessionSummary]:
        """Session statistics per representative, team or site."""
        params = build.support_session_summary(since, until, by=by, report_type=report_type)
        return await self._fetch(params, parse.parse_session_summary, list)

    async def customer_exit_surveys(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        report_type: Literal["rep", "team"] = "rep",
        id: int | str = "all",
        site_id: int | None = None,
    ) -> list[ExitSurvey]:
        """Customer exit surveys (``SupportCustExitSurvey``)."""
        params = build.customer_exit_surveys(
            since, until, by=by, report_type=report_type, id=id, site_id=site_id
        )
        return await self._fetch(params, parse.parse_exit_surveys, list)

    async def rep_exit_surveys(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        report_type: Literal["rep", "team"] = "rep",
        id: int | str = "all",
        site_id: int | None = None,
    ) -> list[ExitSurvey]:
        """Representative exit surveys (``SupportRepExitSurvey``)."""
        params = build.rep_exit_surveys(
            since, until, by=by, report_type=report_type, id=id, site_id=site_id
        )
        return await self._fetch(params, parse.parse_rep_exit_surveys, list)

    async def team_activity(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        team_id: int | None = None,
    ) -> TeamActivityReport:
        """Activity within support teams (``SupportTeam``; Enterprise licensing)."""
        params = build.team_activity(since, until, by=by, team_id=team_id)
        return await self._fetch(params, parse.parse_team_activity, TeamActivityReport)

    async def license_usage(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        group_by: Literal["hour", "day", "month"] = "day",
    ) -> LicenseUsageReport:
        """Peak license usage, grouped by hour, day or month (``LicenseUsage``)."""
        params = build.license_usage(since, until, group_by=group_by)
        return await self._fetch(params, parse.parse_license_usage, LicenseUsageReport)

    async def download_recording(
        self,
        lsid: str,
        dest: str | os.PathLike[str],
        *,
        kind: RecordingKind = "support_session",
        instance: int | None = None,
    ) -> DownloadResult:
        """Download a recording to ``dest``: streamed to a temporary file and renamed into
        place only when complete; an ``<error>`` answer (e.g. an expired recording) raises
        ``BomgarAPIError`` and writes nothing.

        Args:
            kind: ``support_session``, ``show_my_screen``, ``command_shell`` (these two need
                ``instance``, from the session report) or ``presentation``.
        """
        return await self._download(build.recording(lsid, kind=kind, instance=instance), dest)

    def sync(
        self,
        *,
        since: datetime,
        overlap: timedelta = timedelta(minutes=15),
        window: timedelta = timedelta(hours=6),
        store: CheckpointStore | None = None,
        clock: Callable[[], Awaitable[datetime]] | None = None,
    ) -> SessionSync[SupportSession]:
        """An incremental, resumable pull of every session that ended since a checkpoint
        (see :mod:`bomgar_async.reporting.sync`)::

            sync = bg.reporting.sync(since=start, store=FileCheckpointStore("sessions.ckpt"))
            async for batch in sync.batches():
                save(batch.sessions)
                await sync.commit(batch)

        ``clock`` defaults to the appliance's own clock (``get_api_info``'s timestamp).
        """
        return self._sync(
            self.ended_between,
            since=since,
            overlap=overlap,
            window=window,
            store=store,
            clock=clock,
            report="SupportSession",
        )
