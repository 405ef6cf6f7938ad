"""The store benchmark's ``--quick`` mode runs and reports every figure (not their values:
speed is shown by the benchmark, never asserted by a test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

VARIANTS = ("parse", "sqlite", "postgres")
SPREADS = ("sessions_s", "rows_s")


@pytest.mark.timeout(600)
def test_the_quick_run_reports_every_figure(quick_suite: dict[str, Any]) -> None:
    results = quick_suite["store"]
    assert results["command"].startswith("python -m benchmarks.bench_store")
    assert results["repeats"] >= 3  # --quick takes medians of 3 where runs are slow
    assert results["baseline"] == "parse"
    assert sorted(results["variants"]) == sorted(VARIANTS)
    parse = results["variants"]["parse"]
    assert parse["ratio"] == 1.0
    assert parse["rows"] == 0
    for variant in VARIANTS:
        figures = results["variants"][variant]
        if figures is None:  # no PostgreSQL server on this machine: said in the table
            assert variant == "postgres"
            assert "| postgres | skipped" in quick_suite["_stdout"]
            continue
        assert figures["sessions"] == parse["sessions"] > 0, variant  # every session stored
        assert figures["ratio"] > 0
        for spread in SPREADS:
            low, mid, high = (figures[spread][k] for k in ("min", "median", "max"))
            assert 0 <= low <= mid <= high, (variant, spread)
        if variant != "parse":
            assert figures["rows"] > figures["sessions"]  # child rows too
            assert figures["rows_s"]["min"] > 0
        assert f"| {variant} |" in quick_suite["_stdout"]


@pytest.mark.timeout(600)
def test_the_thread_writer_and_in_order_variants_store_every_session(tmp_path: Path) -> None:
    out = tmp_path / "store.json"
    args = ["--quick", "--repeats", "1", "--thread-writer", "--in-order", "--json", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_store", *args],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| sqlite-thread |" in done.stdout and "| sqlite-in-order |" in done.stdout
    results = json.loads(out.read_text())
    assert results["command"].endswith("--thread-writer --in-order --json " + str(out))
    variants = results["variants"]
    assert list(variants)[:4] == ["parse", "sqlite", "sqlite-thread", "sqlite-in-order"]
    threaded, parse = variants["sqlite-thread"], variants["parse"]
    assert threaded["sessions"] == parse["sessions"] > 0  # every session stored
    assert threaded["rows"] == variants["sqlite"]["rows"] > threaded["sessions"]
    assert threaded["ratio"] > 0
    ordered = variants["sqlite-in-order"]
    assert ordered["sessions"] == parse["sessions"] and ordered["rows"] == threaded["rows"]
