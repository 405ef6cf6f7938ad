"""The month-of-pulls benchmark's ``--quick`` mode runs and reports every figure (not their
values: speed is shown by the benchmark, never asserted by a test)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.bench_month import BASELINE, QUICK_VARIANTS

FIGURES = ("seconds_median", "seconds_min", "seconds_max", "ratio", "ratio_min", "ratio_max")
CPU = ("cpu_s", "workers_cpu_s", "server_cpu_s")


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["month"]
    assert results["repeats"] >= 3  # --quick takes medians of 3 where runs are slow
    assert results["baseline"] == BASELINE
    assert results["command"].startswith("python -m benchmarks.bench_month")
    assert results["variants"] == list(QUICK_VARIANTS)
    assert sorted(m["kind"] for m in results["months"]) == ["heavy", "light"]
    for month in results["months"]:
        assert month["sessions_agree"], month
        assert month["bytes"] > 0 and month["windows"] > 1
        assert list(month["variants"]) == list(QUICK_VARIANTS)
        for variant, figures in month["variants"].items():
            for name in FIGURES:
                assert isinstance(figures[name], float), (variant, name)
                assert figures[name] > 0, (variant, name)
            assert figures["sessions"] > 0
            for name in CPU:  # CPU seconds: the in-loop variants start no worker (0.0)
                assert isinstance(figures[name], float) and figures[name] >= 0, (variant, name)
            assert figures["cpu_s"] > 0
            assert figures["seconds_min"] <= figures["seconds_median"] <= figures["seconds_max"]
            assert figures["ratio_min"] <= figures["ratio_max"]
        assert month["variants"][BASELINE]["ratio"] == 1.0
    costs = results["pool_costs"]
    for name in ("report_mib", "parse_mib_s", "dumps_of_parse", "loads_of_parse", "pool_start_s"):
        assert isinstance(costs[name], float) and costs[name] > 0, name
    assert "pool costs on a" in quick_suite["_stdout"]
    for variant in QUICK_VARIANTS:  # the printed table has a row per month and variant
        assert quick_suite["_stdout"].count(f"| {variant} |") == 2
