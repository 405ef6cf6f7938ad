"""The pure parts of the limiter: reading the appliance's rate-limit signals and the bucket."""

from __future__ import annotations

import pytest

from bomgar_async._http import limit
from bomgar_async._http.limit import (
    LimitCounts,
    RateBucket,
    appliance_pause,
)


def test_remaining_is_recorded_and_zero_pauses_a_window() -> None:
    counts = LimitCounts()
    assert appliance_pause(200, {"x-ratelimit-remaining": "3"}, counts) == 0
    assert counts.remaining == 3
    assert appliance_pause(200, {"X-RateLimit-Remaining": "0"}, counts) == limit.RATE_LIMIT_WINDOW
    assert counts.remaining == 0
    assert appliance_pause(200, {"X-RateLimit-Remaining": "soon"}, counts) == 0
    assert counts.remaining == 0  # unreadable values change nothing
    assert counts.rate_limited == 0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, limit.DEFAULT_429_BACKOFF),
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "garbage"}, limit.DEFAULT_429_BACKOFF),
        ({"Retry-After": "100000"}, limit.MAX_PAUSE),
        ({"Retry-After": "0", "X-RateLimit-Remaining": "0"}, limit.RATE_LIMIT_WINDOW),
    ],
)
def test_a_429_pauses_for_retry_after_or_the_default(
    headers: dict[str, str], expected: float
) -> None:
    counts = LimitCounts()
    assert appliance_pause(429, headers, counts) == expected
    assert counts.rate_limited == 1


def test_the_bucket_lets_a_burst_through_then_spaces_turns() -> None:
    bucket = RateBucket(rate=10, burst=3)
    waits = [bucket.reserve(100.0, None) for _ in range(5)]
    assert [round(w[0], 3) for w in waits if w] == [0.0, 0.0, 0.0, 0.1, 0.2]
    assert bucket.reserve(100.0, 0.25) is None  # 0.3 s away: refused, nothing reserved
    assert bucket.reserve(100.0, 0.3) == pytest.approx((0.3, False))


def test_a_pause_delays_every_turn_and_says_so() -> None:
    bucket = RateBucket(rate=None, burst=1)
    assert bucket.reserve(5.0, None) == (0.0, False)
    bucket.pause(5.0, 2.0)
    bucket.pause(5.0, 1.0)  # a shorter pause never shortens a longer one
    assert bucket.reserve(5.5, None) == (1.5, True)
    assert bucket.reserve(5.5, 1.0) is None
    assert bucket.reserve(8.0, None) == (0.0, False)


@pytest.mark.parametrize("value", ["\u00b2", "9" * 5000, "-1", "1e3", " ", "\u0663"])
def test_hostile_remaining_values_are_ignored(value: str) -> None:
    counts = LimitCounts(remaining=4)
    assert appliance_pause(200, {"X-RateLimit-Remaining": value}, counts) == 0
    assert counts.remaining == 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [("\u00b2", limit.DEFAULT_429_BACKOFF), ("9" * 5000, limit.MAX_PAUSE), ("Mon, 99", 2.0)],
)
def test_hostile_retry_after_on_a_429_falls_back_or_is_capped(value: str, expected: float) -> None:
    counts = LimitCounts()
    assert appliance_pause(429, {"Retry-After": value}, counts) == expected
    assert counts.rate_limited == 1
