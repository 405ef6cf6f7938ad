"""``bg.pra``: the reports of BeyondTrust Privileged Remote Access, at the client's
reporting path (``/api/reporting.ns`` or ``/api/reporting``).

Time ranges, windows, streaming, the no-data answer (an empty result) and the sync engine are
Remote Support's (see :mod:`bomgar_async.reporting.base`); only the reports differ.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Literal

from .._http.download import DownloadResult
from ..reporting.base import (
    ReportEndpoint,
    TimeBound,
)
from ..reporting.models import (
    SessionListingEntry,
    SessionSummary,
    TeamActivityReport,
)
from ..reporting.sync import (
    CheckpointStore,
    SessionSync,
)
from . import params as build
from . import parse
from .models import (
    AccessSession,
    VaultAccountActivity,
)

__all__ = ["PraAPI", "PraRecordingKind"]

By = Literal["start", "end"]
PraRecordingKind = Literal["access_session", "command_shell"]


def _sessions_query(
    since: TimeBound | None,
    until: TimeBound | None,
    *,
    by: str,
    lsids: Iterable[str] | None = None,
) -> tuple[tuple[str, str], ...]:
    return build.access_sessions(since, until, by=by, lsids=lsids)


class PraAPI(ReportEndpoint):
    """The Privileged Remote Access reports of one appliance (the API account needs access
    to the reporting API; Vault reports need the Vault report permission)."""

    def access_sessions(
        self,
        since: TimeBound | None = None,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        lsids: Iterable[str] | None = None,
        window: timedelta | None = None,
        concurrency: int = 4,
        parse_workers: int | None = None,
    ) -> AsyncIterator[AccessSession]:
        """Stream ``AccessSession`` reports, one session at a time, parsed while the body
        arrives; with ``window``, windows pulled ``concurrency`` at a time and yielded in
        order, each lsid once. A no-data answer yields nothing. ``parse_workers`` (with
        ``window``): parse the windows in that many worker processes (see
        :mod:`bomgar_async.reporting.parse_pool`); ``None``: on the event loop.

        Raises:
            BomgarValidationError: bad arguments, before any request.
            BomgarAPIError / BomgarProtocolError / BomgarTransportError: the pull failed.
        """
        return self._sessions(
            _sessions_query,
            parse.access_session_parser,
            since,
            until,
            by=by,
            lsids=lsids,
            window=window,
            concurrency=concurrency,
            parse_workers=parse_workers,
        )

    def ended_between(
        self, since: datetime, until: datetime, *, on_bytes: Callable[[int], None] | None = None
    ) -> AsyncIterator[AccessSession]:
        """One streamed report of the access sessions that ended in ``[since, until)`` (what
        a sync pulls per window); ``on_bytes`` gets the size of each body chunk received."""
        return self._ended(_sessions_query, parse.access_session_parser, since, until, on_bytes)

    async def access_session(self, lsid: str) -> AccessSession:
        """The full report of one access session.

        Raises:
            BomgarNoDataError: the appliance knows no such session.
            BomgarAPIError: the appliance answered another ``<error>``.
        """
        params = build.access_session(lsid)
        return await self._single(params, parse.parse_access_sessions, lsid)

    async def access_session_listing(
        self, since: TimeBound, until: TimeBound | None = None, *, by: By = "start"
    ) -> list[SessionListingEntry]:
        """Session ids and recording flags for a range (``AccessSessionListing``)."""
        params = build.access_session_listing(since, until, by=by)
        return await self._fetch(params, parse.parse_access_session_listing, list)

    async def access_session_summary(
        self, since: TimeBound, until: TimeBound | None = None, *, by: By = "start"
    ) -> list[SessionSummary]:
        """Access session statistics per user (``AccessSessionSummary``)."""
        params = build.access_session_summary(since, until, by=by)
        return await self._fetch(params, parse.parse_access_session_summary, list)

    async def team_activity(
        self, since: TimeBound, until: TimeBound | None = None, *, by: By = "start"
    ) -> TeamActivityReport:
        """The activity of PRA's teams (report ``Team``)."""
        params = build.team_activity(since, until, by=by)
        return await self._fetch(params, parse.parse_team_activity, TeamActivityReport)

    async def vault_account_activity(
        self,
        since: TimeBound,
        until: TimeBound | None = None,
        *,
        by: By = "start",
        limit: str | None = None,
    ) -> list[VaultAccountActivity]:
        """Vault account events (``VaultAccountActivity``): each event's time, type,
        account, who performed it and its data.

        Args:
            limit: ``all``, ``rep:ID`` or ``account:ID``.
        """
        params = build.vault_account_activity(since, until, by=by, limit=limit)
        return await self._fetch(params, parse.parse_vault_account_activity, list)

    async def download_recording(
        self,
        lsid: str,
        dest: str | os.PathLike[str],
        *,
        kind: PraRecordingKind = "access_session",
        instance: int | None = None,
    ) -> DownloadResult:
        """Download an ``AccessSessionRecording`` or a ``CommandShellRecording`` (with
        ``instance``) to ``dest``: complete or not at all; an ``<error>`` answer raises
        ``BomgarAPIError`` and writes nothing."""
        return await self._download(build.recording(lsid, kind=kind, instance=instance), dest)

    def sync(
        self,
        *,
        since: datetime,
        overlap: timedelta = timedelta(minutes=15),
        window: timedelta = timedelta(hours=6),
        store: CheckpointStore | None = None,
        clock: Callable[[], Awaitable[datetime]] | None = None,
    ) -> SessionSync[AccessSession]:
        """An incremental, resumable pull of every access session that ended since a
        checkpoint: the same engine as ``bg.reporting.sync`` (see
        :mod:`bomgar_async.reporting.sync`); its checkpoints say ``AccessSession``."""
        return self._sync(
            self.ended_between,
            since=since,
            overlap=overlap,
            window=window,
            store=store,
            clock=clock,
            report="AccessSession",
        )
