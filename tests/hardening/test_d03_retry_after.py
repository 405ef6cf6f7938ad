"""Defect 3 and the Retry-After behaviour: numeric and HTTP-date forms honoured (the actual
waits asserted), garbage ignored (the backoff applies), never raised; only 2xx is success."""

from __future__ import annotations

import email.utils
import time

import pytest

from bomgar_async import BomgarClient, BomgarHTTPError
from bomgar_async._http import pipeline
from bomgar_async._http.request import Request, Response
from bomgar_async._http.status import check_status
from bomgar_async.testing import FakeTransport, xml_response

INFO = "<api_information><api_version>1.19.0</api_version></api_information>"


def answer_with(status: int, retry_after: str | None) -> Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return Response(status=status, headers=headers, body=b"busy")


@pytest.mark.parametrize(
    "value",
    [
        "\u00b2",  # a Unicode digit: str.isdigit() accepts it, float() refuses it
        "\u0663\u0660",  # Arabic-Indic 30
        "Wed, 21 Oct 99999999999999999999 07:28:00 GMT",
        "Wed, 21 Oct 10000 07:28:00 GMT",
        "Mon, 32 Foo 2015 99:99:99 GMT",
        "-5",
        "1e400",
        "nan",
        "",
        "\x00",
    ],
)
def test_garbage_retry_after_is_ignored(value: str) -> None:
    with pytest.raises(BomgarHTTPError) as info:
        check_status(answer_with(503, value), "get_api_info")
    assert info.value.retry_after is None
    assert info.value.status == 503


def test_a_numeric_retry_after_is_read() -> None:
    with pytest.raises(BomgarHTTPError) as info:
        check_status(answer_with(429, " 7 "), "x")
    assert info.value.retry_after == 7.0


def test_an_http_date_retry_after_counts_from_now() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    with pytest.raises(BomgarHTTPError) as info:
        check_status(answer_with(503, when), "x")
    assert info.value.retry_after is not None
    assert 27.0 <= info.value.retry_after <= 30.5
    past = email.utils.formatdate(time.time() - 3600, usegmt=True)
    with pytest.raises(BomgarHTTPError) as info:
        check_status(answer_with(503, past), "x")
    assert info.value.retry_after == 0.0


@pytest.mark.parametrize("status", [100, 199, 300, 301, 304, 399, 400, 404, 500, 599])
def test_only_2xx_is_success(status: int) -> None:
    with pytest.raises(BomgarHTTPError) as info:
        check_status(answer_with(status, None), "x")
    assert info.value.status == status
    assert str(info.value) == f"x: HTTP {status}"


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_2xx_is_success(status: int) -> None:
    response = answer_with(status, None)
    assert check_status(response, "x") is response


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []

    async def no_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr(pipeline.asyncio, "sleep", no_sleep)
    return recorded


def busy_then_ok(*retry_afters: str | None) -> FakeTransport:
    answers = [answer_with(503, value) for value in retry_afters]

    def answer(_request: Request) -> Response:
        return answers.pop(0) if answers else xml_response(INFO)

    return FakeTransport(answer)


async def client_with(transport: FakeTransport) -> BomgarClient:
    return BomgarClient(
        "appliance.example",
        username="api",
        password="pw",
        retries=3,
        retry_backoff=0.25,
        cache=None,
        transport=transport,
    )


async def test_the_waits_are_the_retry_after_values(waits: list[float]) -> None:
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    transport = busy_then_ok("3", later, "0")
    async with await client_with(transport) as bg:
        info = await bg.command.get_api_info()
    assert info.api_version == "1.19.0"
    assert len(transport.requests) == 4
    assert waits[0] == 3.0
    assert 17.0 <= waits[1] <= 20.5
    assert waits[2] == 0.0


async def test_garbage_retry_after_falls_back_to_the_backoff(waits: list[float]) -> None:
    transport = busy_then_ok("\u00b2", "Wed, 21 Oct 99999999999999999999 07:28:00 GMT")
    async with await client_with(transport) as bg:
        await bg.command.get_api_info()
    assert len(transport.requests) == 3
    assert len(waits) == 2
    assert 0.0 <= waits[0] <= 0.25
    assert 0.0 <= waits[1] <= 0.5


async def test_a_retry_after_over_the_limit_is_not_waited_for(waits: list[float]) -> None:
    transport = busy_then_ok("3600")
    async with await client_with(transport) as bg:
        with pytest.raises(BomgarHTTPError) as info:
            await bg.command.get_api_info()
    assert info.value.retry_after == 3600.0
    assert waits == []
    assert len(transport.requests) == 1


def test_an_absurdly_long_number_means_do_not_retry_soon() -> None:
    with pytest.raises(BomgarHTTPError) as info:
        check_status(answer_with(503, "9" * 5000), "x")
    assert info.value.retry_after == float("inf")
