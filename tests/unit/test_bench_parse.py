"""The parse benchmark's ``--quick`` mode runs and reports every figure (not their values:
speed is shown by the benchmark, never asserted by a test)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.bench_parse import BASELINE, KINDS, VARIANTS

FIGURES = ("mb_s_median", "mb_s_min", "mb_s_max", "ratio", "peak_rss_mb", "rss_growth_mb")


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["parse"]
    assert results["repeats"] >= 5
    assert results["baseline"] == BASELINE
    assert sorted(r["kind"] for r in results["reports"]) == sorted(KINDS)
    for report in results["reports"]:
        assert report["sessions_agree"], report
        assert report["bytes"] > 0
        assert sorted(report["variants"]) == sorted(VARIANTS)
        for variant, figures in report["variants"].items():
            for name in FIGURES:
                assert isinstance(figures[name], float), (variant, name)
                assert figures[name] > 0 or name == "rss_growth_mb", (variant, name)
            assert figures["items"] > 0
            assert figures["mb_s_min"] <= figures["mb_s_median"] <= figures["mb_s_max"]
        assert report["variants"][BASELINE]["ratio"] == 1.0
    for variant in VARIANTS:  # the printed table has a row per report and variant
        assert quick_suite["_stdout"].count(f"| {variant} |") == len(KINDS)
