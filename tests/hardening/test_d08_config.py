"""Defect 8: everything raised is a ``BomgarError``; bad configuration is refused in the
constructor, bad arguments before any request."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import (
    BomgarClient,
    BomgarConfigError,
    BomgarProtocolError,
    BomgarValidationError,
    Timeout,
)
from bomgar_async._http.request import Request, Response
from bomgar_async.testing import FakeTransport


def never_called(request: Request) -> Response:
    raise AssertionError(f"no request may be sent: {request!r}")


def make(**options: Any) -> BomgarClient:
    settings: dict[str, Any] = {"username": "api", "password": "pw"}
    settings.update(options)
    return BomgarClient("appliance.example", **settings)


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": math.nan},
        {"timeout": math.inf},
        {"timeout": -1},
        {"timeout": "30"},
        {"timeout": Timeout(total=None, connect=None, sock_read=None)},
        {"timeout": Timeout(total=math.nan)},
        {"download_timeout": Timeout(total=None, connect=5.0, sock_read=None)},
        {"retry_backoff": "0.5"},
        {"retry_backoff": math.nan},
        {"retry_backoff": -1.0},
        {"cache": "redis://x"},
        {"cache": object()},
        {"cache_ttl": math.nan},
        {"max_response_bytes": 0},
        {"max_response_bytes": 1.5},
        {"max_concurrency": 0},
        {"retries": -1},
        {"limiter": 8},
        {"limiter": "redis://x"},
        {"token_store": "redis://x"},
        {"token_store": object()},
    ],
)
def test_bad_configuration_is_refused_in_the_constructor(options: dict[str, Any]) -> None:
    with pytest.raises(BomgarConfigError):
        make(**options)


@pytest.mark.parametrize("host", ["http://[::1", "https://[zz]:443", "https://h:99999", "\x00"])
def test_a_bad_host_is_a_config_error(host: str) -> None:
    with pytest.raises(BomgarConfigError):
        BomgarClient(host, username="api", password="pw", allow_http=True)


async def test_bad_types_are_a_validation_error_before_any_request() -> None:
    async with make(transport=FakeTransport(never_called)) as bg:
        for types in ([["all"]], [{"rep"}], [None], 5):
            with pytest.raises(BomgarValidationError):
                await bg.command.get_connected_client_list(types)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["bad\x00name", "x" * 300])
async def test_a_bad_destination_is_refused_before_any_request(tmp_path: Path, name: str) -> None:
    async with make(transport=FakeTransport(never_called)) as bg:
        with pytest.raises(BomgarValidationError):
            await bg.backup.download(tmp_path / name)


async def test_an_oauth_answer_nested_too_deep_is_a_protocol_error() -> None:
    def answer(request: Request) -> Response:
        return Response(200, {"Content-Type": "application/json"}, b"[" * 100_000)

    bg = BomgarClient(
        "appliance.example", client_id="id", client_secret="s3cret", transport=FakeTransport(answer)
    )
    async with bg:
        with pytest.raises(BomgarProtocolError):
            await bg.command.get_api_info()


@pytest.mark.parametrize("interval", [math.nan, math.inf, -1.0, 0])
async def test_a_bad_poll_interval_is_refused(interval: float) -> None:
    async with make(transport=FakeTransport(never_called)) as bg:
        with pytest.raises(BomgarValidationError):
            await anext(bg.poll_connected_clients(interval=interval))
