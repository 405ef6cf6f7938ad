"""bg.reporting on the FakeTransport: streaming, retries, windows, validation, recordings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarClient,
    BomgarProtocolError,
    BomgarTransportError,
    BomgarValidationError,
)
from bomgar_async._http.request import (
    Request,
    Response,
)
from bomgar_async.reporting import streams
from bomgar_async.testing import (
    FakeTransport,
    xml_response,
)

UTC = timezone.utc
T0 = datetime(2026, 11, 1, tzinfo=UTC)
NS = 'xmlns="http://www.bomgar.com/namespaces/API/reporting"'


def session_xml(lsid: str, start: datetime, end: datetime | None) -> str:
    end_xml = (
        f'<end_time timestamp="{int(end.timestamp())}">{end.isoformat()}</end_time>'
        if end
        else "<end_time></end_time>"
    )
    return (
        f'<session lsid="{lsid}"><session_type>support</session_type>'
        f'<start_time timestamp="{int(start.timestamp())}">{start.isoformat()}</start_time>'
        f"{end_xml}<duration>00:10:00</duration>"
        f"<external_key>T-{lsid}</external_key></session>"
    )


def session_list(sessions: list[tuple[str, datetime, datetime | None]]) -> bytes:
    body = "".join(session_xml(*s) for s in sessions)
    return f'<?xml version="1.0"?><session_list {NS}>{body}</session_list>'.encode()


def params_of(request: Request) -> dict[str, str]:
    return dict(request.form or request.query)


def make(
    answer: Callable[[Request], Response], **options: object
) -> tuple[BomgarClient, FakeTransport]:
    fake = FakeTransport(answer)
    options.setdefault("retry_backoff", 0.0)
    bg = BomgarClient(
        "support.example.com", username="api", password="pw", transport=fake, **options
    )  # type: ignore[arg-type]
    return bg, fake


class Appliance:
    """Answers SupportSession queries from a list of (lsid, start, end) by the guide's rules."""

    def __init__(self, sessions: list[tuple[str, datetime, datetime | None]]) -> None:
        self.sessions = sessions
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        params = params_of(request)
        self.queries.append(params)
        by = "end" if "end_time" in params else "start"
        begin = datetime.fromtimestamp(int(params[f"{by}_time"]), UTC)
        duration = int(params["duration"])
        stop = begin + timedelta(seconds=duration) if duration else datetime.max.replace(tzinfo=UTC)
        chosen = []
        for lsid, start, end in sorted(self.sessions, key=lambda s: s[1]):
            moment = start if by == "start" else end
            if moment is not None and begin <= moment < stop:
                chosen.append((lsid, start, end))
        return xml_response(session_list(chosen))


def hourly(count: int) -> list[tuple[str, datetime, datetime | None]]:
    return [
        (f"s{i:04d}", T0 + timedelta(hours=i), T0 + timedelta(hours=i, minutes=30))
        for i in range(count)
    ]


async def test_support_sessions_streams_and_sends_the_guide_parameters() -> None:
    appliance = Appliance(hourly(50))
    bg, fake = make(appliance)
    async with bg:
        sessions = [s async for s in bg.reporting.support_sessions(T0, T0 + timedelta(days=1))]
    assert [s.lsid for s in sessions] == [f"s{i:04d}" for i in range(24)]
    assert sessions[0].start_time == T0 and sessions[0].end_time == T0 + timedelta(minutes=30)
    sent = fake.requests[0]
    assert sent.request.path == "/api/reporting.ns"
    assert sent.params()["generate_report"] == "SupportSession"
    assert sent.params()["start_time"] == str(int(T0.timestamp()))
    assert sent.params()["duration"] == "86400"
    assert sent.timeout.total == 3600.0  # reports use the download timeout


async def test_dates_by_end_and_limit() -> None:
    bg, fake = make(lambda _r: xml_response(session_list([])))
    async with bg:
        found = [
            s
            async for s in bg.reporting.support_sessions(
                date(2014, 5, 1), date(2014, 6, 1), by="end", limit="team:all"
            )
        ]
    assert found == []
    params = fake.requests[0].params()
    assert params["end_date"] == "2014-05-01" and params["duration"] == "31"
    assert params["limit"] == "team:all"


async def test_a_failure_before_the_first_session_is_retried() -> None:
    calls = 0

    def flaky(_request: Request) -> Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise BomgarTransportError("connection reset")
        return xml_response(session_list(hourly(3)))

    bg, _ = make(flaky)
    async with bg:
        sessions = [s async for s in bg.reporting.support_sessions(T0)]
    assert len(sessions) == 3
    assert calls == 2


async def test_a_body_cut_after_sessions_were_yielded_is_raised_not_retried() -> None:
    body = session_list(hourly(200))
    calls = 0

    def cut(_request: Request) -> Response:
        nonlocal calls
        calls += 1
        return xml_response(body[: len(body) // 2])

    bg, _ = make(cut)
    received = []
    async with bg:
        with pytest.raises(BomgarProtocolError, match="truncated"):
            async for session in bg.reporting.support_sessions(T0):
                received.append(session.lsid)
    assert received  # what arrived complete was delivered once
    assert len(received) == len(set(received))
    assert calls == 1


async def test_error_answers_raise_api_errors() -> None:
    answer = f"<session_list {NS}><error>Invalid time range</error></session_list>"
    bg, _ = make(lambda _r: xml_response(answer))
    async with bg:
        with pytest.raises(BomgarAPIError, match="Invalid time range"):
            [s async for s in bg.reporting.support_sessions(T0)]


async def test_windows_are_pulled_concurrently_and_yielded_in_order_once() -> None:
    appliance = Appliance(hourly(24 * 10))
    in_flight = 0
    peak = 0

    async def slow(request: Request) -> Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return appliance(request)

    bg, _ = make(slow, max_concurrency=8)
    async with bg:
        sessions = [
            s
            async for s in bg.reporting.support_sessions(
                T0, T0 + timedelta(days=10), window=timedelta(days=1), concurrency=3
            )
        ]
    assert [s.lsid for s in sessions] == [f"s{i:04d}" for i in range(240)]
    assert len(appliance.queries) == 10
    assert peak == 3


async def test_windows_sharing_a_boundary_second_do_not_repeat_sessions() -> None:
    boundary = T0 + timedelta(days=1)
    sessions = [("edge", boundary, boundary + timedelta(minutes=5)), *hourly(30)]

    def overlapping(request: Request) -> Response:
        response = Appliance(sessions)(request)
        if b"edge" not in response.body:  # the appliance reports the edge in both windows
            body = response.body.replace(
                b"</session_list>",
                session_xml("edge", boundary, None).encode() + b"</session_list>",
            )
            return xml_response(body)
        return response

    bg, _ = make(overlapping)
    async with bg:
        got = [
            s.lsid
            async for s in bg.reporting.support_sessions(
                T0, T0 + timedelta(days=2), window=timedelta(days=1)
            )
        ]
    assert got.count("edge") == 1


async def test_breaking_out_cancels_pending_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # every window's request is sent at once (no spacing): they are all in flight
    monkeypatch.setattr(streams, "START_SPACING", 0.0)
    started = 0
    cancelled = 0

    async def slow(request: Request) -> Response:
        nonlocal started, cancelled
        started += 1
        try:
            await asyncio.sleep(0 if started == 1 else 5)
        except asyncio.CancelledError:
            cancelled += 1
            raise
        return Appliance(hourly(100))(request)

    bg, _ = make(slow)
    async with bg:
        stream = bg.reporting.support_sessions(
            T0, T0 + timedelta(days=4), window=timedelta(days=1), concurrency=3
        )
        async for _session in stream:
            break
        await stream.aclose()  # type: ignore[attr-defined]
    assert cancelled == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.support_sessions(T0, lsids=["a"]),
        lambda r: r.support_sessions(lsids=["a"], limit="all"),
        lambda r: r.support_sessions(datetime(2026, 1, 1), None),
        lambda r: r.support_sessions(T0, T0 - timedelta(days=1)),
        lambda r: r.support_sessions(T0, by="middle"),
        lambda r: r.support_sessions(T0, limit="everyone"),
        lambda r: r.support_sessions(T0, window=timedelta(hours=1), lsids=["a"]),
        lambda r: r.support_sessions(date(2026, 1, 1), window=timedelta(hours=5)),
        lambda r: r.support_sessions(T0, window=timedelta(hours=1), concurrency=0),
        lambda r: r.support_sessions(),
    ],
)
async def test_stream_validation_raises_at_call_time_with_no_request(call) -> None:  # type: ignore[no-untyped-def]
    bg, fake = make(lambda _r: xml_response(session_list([])))
    async with bg:
        with pytest.raises(BomgarValidationError):
            call(bg.reporting)
    assert fake.requests == []


async def test_support_session_by_lsid() -> None:
    bg, fake = make(lambda _r: xml_response(session_list(hourly(1))))
    async with bg:
        session = await bg.reporting.support_session("s0000")
    assert session.lsid == "s0000"
    assert fake.requests[0].params()["lsid"] == "s0000"
    bg, _ = make(lambda _r: xml_response(session_list([])))
    async with bg:
        with pytest.raises(BomgarAPIError, match="no session"):
            await bg.reporting.support_session("missing")


async def test_recording_download_and_expired_recording(tmp_path: Path) -> None:
    def answer(request: Request) -> Response:
        if params_of(request)["lsid"] == "old":
            return xml_response(
                f"<error {NS}>This recording has expired and can no longer be viewed "
                "or downloaded.</error>"
            )
        return Response(
            200,
            {"Content-Type": "video/x-flv", "Content-Length": "1004"},
            b"FLV\x01" + b"\x00" * 1000,
        )

    bg, fake = make(answer)
    async with bg:
        result = await bg.reporting.download_recording(
            "abc", tmp_path / "rec.flv", kind="show_my_screen", instance=2
        )
        with pytest.raises(BomgarAPIError, match="expired"):
            await bg.reporting.download_recording("old", tmp_path / "old.flv")
    assert result.size == 1004 and (tmp_path / "rec.flv").read_bytes().startswith(b"FLV")
    assert not (tmp_path / "old.flv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec.flv"]
    first = fake.requests[0].params()
    assert first["generate_report"] == "ShowMyScreenRecording" and first["instance"] == "2"
    assert fake.requests[1].params()["generate_report"] == "SupportSessionRecording"
