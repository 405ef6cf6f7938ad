"""``bg.reporting``: every report of the Reporting API (``/api/reporting.ns``).

Time ranges are ``since``/``until`` as ``date`` (whole days: ``start_date``/``end_date``) or
aware ``datetime`` (``start_time``/``end_time``), ``until=None`` meaning "to present";
``by="start"`` selects sessions that began in the range (in progress included),
``by="end"`` closed sessions that ended in it. Bad combinations raise
``BomgarValidationError`` before anything is sent (see ``reporting_params``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from .._http.download import DownloadResult
from .._http.host import Host
from ..errors import (
    BomgarAPIError,
    BomgarValidationError,
)
from . import params as build
from . import parse as parse
from .models import (
    ExitSurvey,
    LicenseUsageReport,
    SessionListingEntry,
    SessionSummary,
    SupportSession,
    TeamActivityReport,
)
from .streams import (
    REPORTING_PATH,
    stream_report,
    windowed,
)
from .sync import (
    CheckpointStore,
    SessionSync,
)
from .time_range import split_windows

__all__ = ["RecordingKind", "ReportingAPI"]

By = Literal["start", "end"]
RecordingKind = Literal["support_session", "show_my_screen", "command_shell", "presentation"]
TimeBound = date | datetime


def _now_for(since: TimeBound) -> TimeBound:
    now = datetime.now(timezone.utc)
    if isinstance(since, datetime):
        return now.replace(microsecond=0) + timedelta(seconds=1)
    return now.date() + timedelta(days=1)


class ReportingAPI:
    """The Reporting API of one appliance (the API user needs the reporting permissions)."""

    def __init__(
        self, client: Host, *, appliance_time: Callable[[], Awaitable[datetime | None]]
    ) -> None:
        self._client = client
        self._appliance_time = appliance_time

    async def _report(self, params: tuple[tuple[str, str], ...]) -> bytes:
        label = dict(params)["generate_report"]
        return await self._client.call(
            REPORTING_PATH,
            params,
            read_only=True,
            label=label,
            timeout=self._client.download_timeout,
        )

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
    ) -> AsyncIterator[SupportSession]:
        """Stream ``SupportSession`` reports, one session at a time, parsed while the body
        arrives (memory stays flat however large the report).

        With ``window``, the range (``until=None``: to now) is split into windows pulled
        ``concurrency`` at a time and yielded in window order, each lsid once; with
        ``by="start"`` that is start order. Without it, one report is streamed.

        Raises:
            BomgarValidationError: bad arguments, raised by this call before any request,
                e.g. ``limit`` with ``lsids``, naive datetimes, ``until`` before
                ``since``, a window that is not whole days/seconds.
            BomgarAPIError / BomgarProtocolError / BomgarTransportError: the pull failed.
        """
        if window is None:
            params = build.support_sessions(since, until, by=by, lsids=lsids, limit=limit)
            return stream_report(self._client, params)
        if lsids is not None:
            raise BomgarValidationError("window splits a time range; it cannot be used with lsids")
        if since is None:
            raise BomgarValidationError("window needs since (the start of the range)")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise BomgarValidationError("concurrency must be a positive integer")
        end = until if until is not None else _now_for(since)
        queries = []
        for start, stop in split_windows(since, end, window):
            query = build.support_sessions(start, stop, by=by, limit=limit)
            queries.append(query)
        return windowed(self._client, queries, concurrency=concurrency)

    def ended_between(
        self, since: datetime, until: datetime, *, on_bytes: Callable[[int], None] | None = None
    ) -> AsyncIterator[SupportSession]:
        """One streamed report of the sessions that ended in ``[since, until)`` (what a sync
        pulls per window); ``on_bytes`` gets the size of each body chunk received."""
        params = build.support_sessions(since, until, by="end")
        return stream_report(self._client, params, on_bytes=on_bytes)

    async def support_session(self, lsid: str) -> SupportSession:
        """The full report of one session.

        Raises:
            BomgarAPIError: the appliance answered ``<error>``, or knows no such session.
        """
        sessions = parse.parse_session_list(await self._report(build.support_session(lsid)))
        if not sessions:
            raise BomgarAPIError(f"no session with lsid {lsid!r}", action="SupportSession")
        return sessions[0]

    async def support_session_listing(
        self, since: TimeBound, until: TimeBound | None = None, *, by: By = "start"
    ) -> list[SessionListingEntry]:
        """Session ids, external keys and recording flags for a range."""
        params = build.support_session_listing(since, until, by=by)
        return parse.parse_session_listing(await self._report(params))

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
        return parse.parse_session_summary(await self._report(params))

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
        return parse.parse_exit_surveys(await self._report(params), "SupportCustExitSurvey")

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
        return parse.parse_exit_surveys(await self._report(params), "SupportRepExitSurvey")

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
        return parse.parse_team_activity(await self._report(params))

    async def license_usage(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        group_by: Literal["hour", "day", "month"] = "day",
    ) -> LicenseUsageReport:
        """Peak license usage, grouped by hour, day or month (``LicenseUsage``)."""
        params = build.license_usage(since, until, group_by=group_by)
        return parse.parse_license_usage(await self._report(params))

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
        params = build.recording(lsid, kind=kind, instance=instance)
        label = dict(params)["generate_report"]
        return await self._client.download(REPORTING_PATH, params, dest, label=label)

    def sync(
        self,
        *,
        since: datetime,
        overlap: timedelta = timedelta(minutes=15),
        window: timedelta = timedelta(hours=6),
        store: CheckpointStore | None = None,
        clock: Callable[[], Awaitable[datetime]] | None = None,
    ) -> SessionSync:
        """An incremental, resumable pull of every session that ended since a checkpoint
        (see :mod:`bomgar_async.reporting.sync`)::

            sync = bg.reporting.sync(since=start, store=FileCheckpointStore("sessions.ckpt"))
            async for batch in sync.batches():
                save(batch.sessions)
                await sync.commit(batch)

        ``clock`` defaults to the appliance's own clock (``get_api_info``'s timestamp).
        """
        return SessionSync(
            self,
            since=since,
            overlap=overlap,
            window=window,
            store=store,
            clock=clock or self._appliance_now,
        )

    async def _appliance_now(self) -> datetime:
        return await self._appliance_time() or datetime.now(timezone.utc)
