"""Which errors are retried, and the backoff schedule a caller actually waits through."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarClient,
    BomgarError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
)
from bomgar_async._http import pipeline
from bomgar_async._http.request import Request, Response
from bomgar_async._http.retry import (
    RetryPolicy,
    is_retryable,
)
from bomgar_async.errors import BomgarAuthError, BomgarClientClosed, BomgarValidationError
from bomgar_async.testing import FakeTransport, xml_response


class Edge(random.Random):
    """An RNG that always draws one end of the range it is given, and records the ranges."""

    def __init__(self, end: str) -> None:
        super().__init__(0)
        self.end = end
        self.ranges: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.ranges.append((a, b))
        return b if self.end == "high" else a


TRANSPORT = BomgarTransportError("connection refused")


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        (BomgarTransportError("refused"), True),
        (BomgarTimeoutError("slow"), True),
        (BomgarHTTPError("x", status=500), True),
        (BomgarHTTPError("x", status=503), True),
        (BomgarHTTPError("x", status=599), True),
        (BomgarHTTPError("x", status=429), True),
        (BomgarHTTPError("x", status=499), False),
        (BomgarHTTPError("x", status=428), False),
        (BomgarHTTPError("x", status=430), False),
        (BomgarHTTPError("x", status=404), False),
        (BomgarHTTPError("x", status=401), False),
        (BomgarAPIError("Invalid lsid."), False),
        (BomgarAuthError("Login failed"), False),
        (BomgarProtocolError("not xml"), False),
        (BomgarValidationError("bad lsid"), False),
        (BomgarClientClosed("closed"), False),
        (BomgarError("something"), False),
        (ConnectionError("not one of ours"), False),
        (TimeoutError("not one of ours"), False),
    ],
)
def test_is_retryable(err: Exception, expected: bool) -> None:
    assert is_retryable(err) is expected


def test_an_http_error_marked_retryable_is_still_judged_by_its_status() -> None:
    err = BomgarHTTPError("x", status=404)
    err.retryable = True
    assert not is_retryable(err)


def test_tls_failures_are_not_retried() -> None:
    err = BomgarTransportError("TLS")
    err.retryable = False
    assert not is_retryable(err)
    assert RetryPolicy().delay(0, err, random.Random(0)) is None


def test_the_waits_double_from_the_base() -> None:
    policy = RetryPolicy(retries=6, backoff=0.25, max_backoff=100.0)
    rng = Edge("high")
    waits = [policy.delay(n, TRANSPORT, rng) for n in range(6)]
    assert waits == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0]


def test_the_waits_scale_with_the_base() -> None:
    rng = Edge("high")
    waits = [
        RetryPolicy(retries=3, backoff=3.0, max_backoff=100.0).delay(n, TRANSPORT, rng)
        for n in range(3)
    ]
    assert waits == [3.0, 6.0, 12.0]


def test_the_waits_are_capped() -> None:
    policy = RetryPolicy(retries=5, backoff=1.0, max_backoff=3.0)
    waits = [policy.delay(n, TRANSPORT, Edge("high")) for n in range(5)]
    assert waits == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_full_jitter_starts_at_zero() -> None:
    policy = RetryPolicy(retries=4, backoff=1.0, max_backoff=30.0)
    rng = Edge("low")
    assert [policy.delay(n, TRANSPORT, rng) for n in range(4)] == [0.0, 0.0, 0.0, 0.0]
    assert rng.ranges == [(0.0, 1.0), (0.0, 2.0), (0.0, 4.0), (0.0, 8.0)]


def test_full_jitter_spreads_over_the_whole_range_below_the_ceiling() -> None:
    policy = RetryPolicy(retries=3, backoff=1.0, max_backoff=30.0)
    rng = random.Random(1234)
    waits = [policy.delay(2, TRANSPORT, rng) for _ in range(2000)]
    assert all(w is not None and 0.0 <= w <= 4.0 for w in waits)
    values = [w for w in waits if w is not None]
    assert min(values) < 0.1
    assert max(values) > 3.9
    assert 1.8 < sum(values) / len(values) < 2.2


def test_a_seeded_rng_gives_a_reproducible_schedule() -> None:
    policy = RetryPolicy(retries=3, backoff=1.0, max_backoff=30.0)
    first = [policy.delay(n, TRANSPORT, random.Random(99)) for n in range(3)]
    second = [policy.delay(n, TRANSPORT, random.Random(99)) for n in range(3)]
    assert first == second
    expected = random.Random(99)
    assert first[1] == expected.uniform(0.0, 2.0)


def test_defaults_two_retries_from_half_a_second() -> None:
    policy = RetryPolicy()
    rng = Edge("high")
    assert [policy.delay(n, TRANSPORT, rng) for n in range(3)] == [0.5, 1.0, None]
    assert policy.retries == 2
    assert policy.max_backoff == 8.0
    assert policy.max_retry_after == 60.0


def test_default_cap_is_eight_seconds() -> None:
    policy = RetryPolicy(retries=10)
    waits = [policy.delay(n, TRANSPORT, Edge("high")) for n in range(7)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_default_longest_retry_after_is_a_minute() -> None:
    policy = RetryPolicy()
    rng = random.Random(0)
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=60.0), rng) == 60.0
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=60.5), rng) is None


def test_retries_zero_disables_retrying() -> None:
    assert RetryPolicy(retries=0).delay(0, TRANSPORT, random.Random(0)) is None


def test_the_last_retry_is_the_numbered_one() -> None:
    policy = RetryPolicy(retries=3, backoff=1.0)
    rng = random.Random(0)
    assert policy.delay(2, TRANSPORT, rng) is not None
    assert policy.delay(3, TRANSPORT, rng) is None
    assert policy.delay(4, TRANSPORT, rng) is None


def test_non_retryable_errors_are_given_up_on_at_once() -> None:
    policy = RetryPolicy(retries=5)
    rng = Edge("high")
    assert policy.delay(0, BomgarHTTPError("x", status=404), rng) is None
    assert policy.delay(0, BomgarAPIError("Invalid lsid."), rng) is None
    assert rng.ranges == []


def test_retry_after_is_honoured_within_limits() -> None:
    policy = RetryPolicy(retries=2, max_retry_after=10)
    rng = Edge("high")
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=4), rng) == 4
    assert policy.delay(1, BomgarHTTPError("x", status=503, retry_after=10), rng) == 10
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=30), rng) is None
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=10.01), rng) is None
    assert rng.ranges == []  # Retry-After replaces the jittered backoff


def test_retry_after_zero_or_in_the_past_means_at_once() -> None:
    policy = RetryPolicy(retries=2)
    rng = Edge("high")
    assert policy.delay(0, BomgarHTTPError("x", status=503, retry_after=0.0), rng) == 0.0
    assert policy.delay(0, BomgarHTTPError("x", status=503, retry_after=-5.0), rng) == 0.0


def test_retry_after_does_not_extend_the_number_of_retries() -> None:
    policy = RetryPolicy(retries=1)
    err = BomgarHTTPError("x", status=429, retry_after=1.0)
    assert policy.delay(1, err, random.Random(0)) is None


def test_retry_after_on_a_client_error_is_not_retried() -> None:
    policy = RetryPolicy(retries=2)
    assert policy.delay(0, BomgarHTTPError("x", status=400, retry_after=1.0), Edge("high")) is None


def test_without_retry_after_a_5xx_gets_the_backoff() -> None:
    policy = RetryPolicy(retries=2, backoff=2.0)
    assert policy.delay(1, BomgarHTTPError("x", status=502), Edge("high")) == 4.0


# -- what a caller of BomgarClient waits through ---------------------------------------------


def flaky(failures: int, status: int = 503) -> Callable[[Request], Response]:
    answers = iter([xml_response("busy", status=status)] * failures)

    def answer(_request: Request) -> Response:
        return next(answers, xml_response("<api_information/>"))

    return answer


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def record(delay: float) -> None:
        slept.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(pipeline.asyncio, "sleep", record)
    return slept


async def run(
    handler: Callable[[Request], Response],
    call: Callable[[BomgarClient], Awaitable[object]],
    **options: object,
) -> FakeTransport:
    fake = FakeTransport(handler)
    async with BomgarClient(
        "support.example.com", username="api", password="pw", transport=fake, **options
    ) as bg:
        bg._pipeline._rng = Edge("high")  # type: ignore[attr-defined]
        await call(bg)
    return fake


def info(bg: BomgarClient) -> Awaitable[object]:
    return bg.command_call("get_api_info", read_only=True)


async def test_a_client_waits_the_doubling_backoff_between_attempts(sleeps: list[float]) -> None:
    fake = await run(flaky(3), info, retries=3, retry_backoff=0.125)
    assert sleeps == [0.125, 0.25, 0.5]
    assert len(fake.requests) == 4


async def test_a_client_gives_up_after_its_retries_without_a_last_wait(
    sleeps: list[float],
) -> None:
    with pytest.raises(BomgarHTTPError) as raised:
        await run(flaky(10, status=500), info, retries=2, retry_backoff=1.0)
    assert raised.value.status == 500
    assert sleeps == [1.0, 2.0]


async def test_a_client_by_default_retries_twice_waiting_half_then_one_second(
    sleeps: list[float],
) -> None:
    fake = await run(flaky(2), info)
    assert sleeps == [0.5, 1.0]
    assert len(fake.requests) == 3


async def test_a_state_changing_call_never_waits(sleeps: list[float]) -> None:
    with pytest.raises(BomgarHTTPError):
        await run(
            flaky(1), lambda bg: bg.command_call("generate_session_key", read_only=False), retries=3
        )
    assert sleeps == []
