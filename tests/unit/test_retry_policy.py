"""Which errors are retried, and the backoff schedule."""

from __future__ import annotations

import random

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
)
from bomgar_async._http.retry import (
    RetryPolicy,
    is_retryable,
)


@pytest.mark.parametrize(
    ("err", "expected"),
    [
        (BomgarTransportError("refused"), True),
        (BomgarTimeoutError("slow"), True),
        (BomgarHTTPError("x", status=500), True),
        (BomgarHTTPError("x", status=503), True),
        (BomgarHTTPError("x", status=429), True),
        (BomgarHTTPError("x", status=404), False),
        (BomgarHTTPError("x", status=401), False),
        (BomgarAPIError("Invalid lsid."), False),
        (BomgarProtocolError("not xml"), False),
    ],
)
def test_is_retryable(err: Exception, expected: bool) -> None:
    assert is_retryable(err) is expected


def test_tls_failures_are_not_retried() -> None:
    err = BomgarTransportError("TLS")
    err.retryable = False
    assert not is_retryable(err)


def test_backoff_grows_and_stops() -> None:
    policy = RetryPolicy(retries=3, backoff=1.0, max_backoff=3.0)
    rng = random.Random(0)
    err = BomgarTransportError("x")
    delays = [policy.delay(n, err, rng) for n in range(4)]
    assert delays[3] is None
    assert all(d is not None and d >= 0 for d in delays[:3])
    assert delays[0] is not None and delays[0] <= 1.0
    assert delays[2] is not None and delays[2] <= 3.0


def test_retry_after_is_honoured_within_limits() -> None:
    policy = RetryPolicy(retries=2, max_retry_after=10)
    rng = random.Random(0)
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=4), rng) == 4
    assert policy.delay(0, BomgarHTTPError("x", status=429, retry_after=30), rng) is None
