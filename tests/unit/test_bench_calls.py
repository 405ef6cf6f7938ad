"""The small-calls benchmark's ``--quick`` mode runs and reports every figure (not their
values: speed is shown by the benchmark, never asserted by a test)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from benchmarks import bench_calls
from benchmarks.bench_calls import BASELINE, QUICK_TLS_LEVELS, VARIANTS, main

FIGURES = (
    "calls_s_median",
    "calls_s_min",
    "calls_s_max",
    "ratio",
    "ratio_to_xmltodict",
    "cpu_us_per_call",
)


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["calls"]
    assert results["repeats"] >= 3  # --quick takes medians of 3 where runs are slow
    assert results["baseline"] == BASELINE
    assert "bench_calls" in results["command"]
    levels = {(row["tls"], row["concurrency"]) for row in results["rows"]}
    assert levels == {(False, n) for n in (1, 8, 32, 128)} | {(True, n) for n in QUICK_TLS_LEVELS}
    for row in results["rows"]:
        assert row["calls"] >= row["concurrency"]
        assert sorted(row["variants"]) == sorted(VARIANTS)
        for variant, figures in row["variants"].items():
            for name in FIGURES:
                assert isinstance(figures[name], float), (variant, name)
                assert figures[name] > 0, (variant, name)
            assert figures["calls_s_min"] <= figures["calls_s_median"] <= figures["calls_s_max"]
        assert row["variants"][BASELINE]["ratio"] == 1.0
        assert row["variants"]["aiohttp+xmltodict"]["ratio_to_xmltodict"] == 1.0
    for variant in VARIANTS:  # the printed table has a row per level and variant
        pattern = re.compile(rf"^\| (no|yes) \| \d+ \| {re.escape(variant)} \|", re.M)
        assert len(pattern.findall(quick_suite["_stdout"])) == len(levels), variant


@pytest.mark.timeout(120)
def test_the_profile_mode_runs_one_variant_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_json(*_args: object) -> None:
        pytest.fail("--profile writes no JSON")

    monkeypatch.setattr(bench_calls, "save", no_json)
    main(["--profile", "bomgar_async", "--no-tls", "--concurrency", "1,3", "--calls", "4"])
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed] == [
        "bomgar_async tls=no callers=1 calls=4",
        "bomgar_async tls=no callers=3 calls=4",
    ]
    assert all(re.search(r": \d+ calls/s, client CPU \d+ µs/call$", line) for line in printed)
