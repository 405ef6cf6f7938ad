"""The cache benchmark's ``--quick`` mode reports every figure (not their values), and its
1,000 cold callers reach the simulator as exactly one request per run."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.bench_cache import BASELINE, HIT_VARIANTS


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["cache"]
    assert results["repeats"] >= 5
    assert results["baseline"] == BASELINE
    assert "bench_cache" in results["command"]
    assert sorted(results["hits"]) == sorted(HIT_VARIANTS)
    for name, figures in results["hits"].items():
        if "skipped" in figures:  # Redis rows only, and only without a Redis server
            assert name.startswith("redis"), name
            continue
        for key in ("ns_per_hit_median", "ns_per_hit_min", "ns_per_hit_max", "ratio"):
            assert isinstance(figures[key], float) and figures[key] > 0, (name, key)
        assert (
            figures["ns_per_hit_min"] <= figures["ns_per_hit_median"] <= figures["ns_per_hit_max"]
        )
    assert results["hits"][BASELINE]["ratio"] == 1.0
    cold = results["cold"]
    assert cold["callers"] == 1000
    assert cold["requests_per_run"] == [1] * results["repeats"]  # counted at the simulator
    assert cold["same_answer"] is True
    for key in ("crowd_ms", "one_call_ms", "crowd_vs_one_call"):
        assert cold[key]["min"] <= cold[key]["median"] <= cold[key]["max"], key
        assert cold[key]["min"] > 0, key
    assert "cold callers of get_logged_in_reps" in quick_suite["_stdout"]
