"""The download benchmark's ``--quick`` mode reports every figure (not their values)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from benchmarks.bench_backup import BASELINE, MB, QUICK_MB, VARIANTS

FIGURES = ("mb_s_median", "mb_s_min", "mb_s_max", "ratio", "peak_rss_mb")


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["download"]
    assert results["repeats"] >= 5
    assert results["baseline"] == BASELINE
    assert "bench_backup" in results["command"]
    assert results["size_mb"] == QUICK_MB
    assert results["bytes"] == QUICK_MB * MB  # every run got the whole backup
    assert results["sha256_agree"] is True
    assert sorted(results["variants"]) == sorted(VARIANTS)
    for variant, figures in results["variants"].items():
        for name in FIGURES:
            assert isinstance(figures[name], float) and figures[name] > 0, (variant, name)
        assert figures["mb_s_min"] <= figures["mb_s_median"] <= figures["mb_s_max"]
    assert results["variants"][BASELINE]["ratio"] == 1.0
    for variant in VARIANTS:  # one table row each
        pattern = re.compile(rf"^\| {re.escape(variant)} \| [0-9.]+ \(", re.M)
        assert len(pattern.findall(quick_suite["_stdout"])) == 1, variant
