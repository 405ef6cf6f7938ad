"""What every reporting endpoint group shares (``bg.reporting``, ``bg.pra``): sending a
report, reading its answer with the no-data ``<error>`` as an empty result, streaming a
session report (one body or many windows), downloading a recording, and the sync engine
on the appliance's clock.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

from .._http.download import DownloadResult
from .._http.host import Host
from .._http.request import Params
from ..errors import (
    BomgarAPIError,
    BomgarNoDataError,
    BomgarValidationError,
)
from .catch_up import Fetch
from .no_data import (
    NoDataMatcher,
    no_data_error,
)
from .parse_pool import check_parse_workers
from .session_stream import RecordStreamParser
from .streams import (
    REPORTING_PATH,
    R,
    stream_report,
    windowed,
)
from .sync import (
    CheckpointStore,
    SessionSync,
)
from .sync_batch import S
from .time_range import iter_windows

__all__ = ["ReportEndpoint", "TimeBound"]

T = TypeVar("T")
TimeBound = date | datetime


def _now_for(since: TimeBound) -> TimeBound:
    now = datetime.now(timezone.utc)
    if isinstance(since, datetime):
        return now.replace(microsecond=0) + timedelta(seconds=1)
    return now.date() + timedelta(days=1)


class ReportEndpoint:
    """The reporting plumbing of one appliance (see the module docstring).

    Args:
        client: the client, as its endpoint groups see it.
        appliance_time: the appliance's clock (``get_api_info``), for syncs.
        path: the Reporting API's path.
        no_data: recognises the appliance's no-data answers.
    """

    def __init__(
        self,
        client: Host,
        *,
        appliance_time: Callable[[], Awaitable[datetime | None]],
        path: str = REPORTING_PATH,
        no_data: NoDataMatcher | None = None,
    ) -> None:
        self._client = client
        self._appliance_time = appliance_time
        self.path = path
        self.no_data = no_data or NoDataMatcher()

    async def _report(self, params: Params) -> bytes:
        label = dict(params)["generate_report"]
        return await self._client.call(
            self.path,
            params,
            read_only=True,
            label=label,
            timeout=self._client.download_timeout,
        )

    async def _fetch(
        self, params: Params, parse: Callable[[bytes], T], empty: Callable[[], T]
    ) -> T:
        """``parse`` of the report's answer; ``empty()`` for the appliance's no-data answer."""
        body = await self._report(params)
        try:
            return parse(body)
        except BomgarAPIError as err:
            if self.no_data.is_no_data(err):
                return empty()
            raise

    async def _single(self, params: Params, parse: Callable[[bytes], list[T]], lsid: str) -> T:
        """The one record of a single-session report; ``BomgarNoDataError`` when none."""
        body = await self._report(params)
        try:
            records = parse(body)
        except BomgarAPIError as err:
            if self.no_data.is_no_data(err):
                raise no_data_error(err) from err
            raise
        if not records:
            report = dict(params)["generate_report"]
            raise BomgarNoDataError(f"no session with lsid {lsid!r}", action=report)
        return records[0]

    def _ended(
        self,
        build: Callable[..., Params],
        parser: Callable[[], RecordStreamParser[R]],
        since: datetime,
        until: datetime,
        on_bytes: Callable[[int], None] | None,
    ) -> AsyncIterator[R]:
        """One streamed report of the sessions that ended in ``[since, until)`` (a sync's
        window), shared by ``bg.reporting`` and ``bg.pra``."""
        return self._sessions(
            build,
            parser,
            since,
            until,
            by="end",
            lsids=None,
            window=None,
            concurrency=1,
            on_bytes=on_bytes,
        )

    def _sessions(
        self,
        build: Callable[..., Params],
        parser: Callable[[], RecordStreamParser[R]],
        since: TimeBound | None,
        until: TimeBound | None,
        *,
        by: str,
        lsids: Iterable[str] | None,
        window: timedelta | None,
        concurrency: int,
        on_bytes: Callable[[int], None] | None = None,
        parse_workers: int | None = None,
        **extra: object,
    ) -> AsyncIterator[R]:
        """Stream a session report: one body, or ``window``-long windows pulled
        ``concurrency`` at a time (``build(start, stop, by=..., **extra)`` makes each query);
        ``on_bytes`` is called with the size of each body chunk received; with
        ``parse_workers`` (windows only) the windows are parsed in that many worker
        processes (:mod:`.parse_pool`)."""
        workers = check_parse_workers(parse_workers)
        if window is None:
            if workers is not None:
                raise BomgarValidationError("parse_workers parses windows: it needs window")
            params = build(since, until, by=by, lsids=lsids, **extra)
            return stream_report(
                self._client,
                params,
                parser=parser,
                path=self.path,
                no_data=self.no_data,
                on_bytes=on_bytes,
            )
        if lsids is not None:
            raise BomgarValidationError("window splits a time range; it cannot be used with lsids")
        if since is None:
            raise BomgarValidationError("window needs since (the start of the range)")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise BomgarValidationError("concurrency must be a positive integer")
        end = until if until is not None else _now_for(since)
        queries = (
            build(start, stop, by=by, **extra)
            for start, stop in iter_windows(since, end, window)  # checked now, built lazily
        )
        return windowed(
            self._client,
            queries,
            concurrency=concurrency,
            parser=parser,
            path=self.path,
            no_data=self.no_data,
            on_bytes=on_bytes,
            parse_workers=workers,
        )

    async def _appliance_now(self) -> datetime:
        return await self._appliance_time() or datetime.now(timezone.utc)

    async def _download(self, params: Params, dest: str | os.PathLike[str]) -> DownloadResult:
        """Download the recording ``params`` ask for to ``dest``, complete or not at all."""
        label = dict(params)["generate_report"]
        return await self._client.download(self.path, params, dest, label=label)

    def _sync(
        self,
        pull: Fetch[S],
        *,
        since: datetime,
        overlap: timedelta,
        window: timedelta,
        store: CheckpointStore | None,
        clock: Callable[[], Awaitable[datetime]] | None,
        report: str,
    ) -> SessionSync[S]:
        """The sync engine over ``pull`` (an ``ended_between``), on the appliance's clock
        unless ``clock`` is given; its checkpoints say ``report``."""
        return SessionSync(
            pull,
            since=since,
            overlap=overlap,
            window=window,
            store=store,
            clock=clock or self._appliance_now,
            report=report,
        )
