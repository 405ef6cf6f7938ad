"""The poll benchmark's ``--quick`` mode runs and reports every figure (not their values:
speed is shown by the benchmark, never asserted by a test)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from benchmarks.bench_poll import BASELINE, VARIANTS, floor_theory, table

FIGURES = ("median_s", "min_s", "max_s", "ratio_to_floor", "ratio_to_theory")


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["poll"]
    assert results["command"].startswith("python -m benchmarks.bench_poll")
    assert results["repeats"] >= 3  # --quick takes medians of 3 where runs are slow
    assert results["baseline"] == BASELINE
    clients, concurrency = results["clients"], results["max_concurrency"]
    assert results["batches"] == math.ceil(clients / 100)
    assert results["floor_theory_s"] == round(
        floor_theory(clients, concurrency, results["latency_s"]), 4
    )
    assert sorted(results["variants"]) == sorted(VARIANTS)
    for variant, figures in results["variants"].items():
        for name in FIGURES:
            assert isinstance(figures[name], float), (variant, name)
            assert figures[name] > 0, (variant, name)
        assert figures["min_s"] <= figures["median_s"] <= figures["max_s"]
        assert len(figures["runs_s"]) == results["repeats"]
        assert figures["clients_seen"] == [clients], variant  # every poll saw every client
    assert results["variants"][BASELINE]["ratio_to_floor"] == 1.0
    assert table(results) in quick_suite["_stdout"]  # the printed table, a row per variant


def test_the_latency_floor() -> None:
    assert floor_theory(5000, 8, 0.05) == pytest.approx((1 + 7) * 0.05)
    assert floor_theory(100, 8, 0.05) == pytest.approx(2 * 0.05)
    assert floor_theory(101, 1, 0.1) == pytest.approx(3 * 0.1)
