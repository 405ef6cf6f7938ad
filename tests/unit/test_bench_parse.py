"""The parse benchmark's ``--quick`` mode runs and reports every figure (not their values:
speed is shown by the benchmark, never asserted by a test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_parse import BASELINE, KINDS, VARIANTS

ROOT = Path(__file__).parents[2]
FIGURES = ("mb_s_median", "mb_s_min", "mb_s_max", "ratio", "peak_rss_mb", "rss_growth_mb")


@pytest.mark.timeout(300)
def test_the_quick_run_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=280,
        check=True,
    )
    results = json.loads(out.read_text())
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
        assert result.stdout.count(f"| {variant} |") == len(KINDS)
