"""``python -m benchmarks --quick`` runs every part of the suite and writes each part's
figures; a wrong part name is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.suite import PARTS

ROOT = Path(__file__).parents[2]


@pytest.mark.timeout(600)
def test_every_part_runs_and_writes_its_figures(quick_suite: dict[str, Any]) -> None:
    suite = quick_suite["_suite"]
    assert suite["quick"] is True
    assert sorted(suite["parts"]) == sorted(PARTS)
    for name, run in suite["parts"].items():
        assert run["returncode"] == 0, name
        assert quick_suite[name], name  # the part's JSON holds figures
        assert run["seconds"] > 0, name
        assert run["cpu_seconds"] > 0, name  # the part's process and those it waited for
        assert run["load_average_after"] >= 0, name
    assert suite["seconds"] >= max(run["seconds"] for run in suite["parts"].values())
    assert suite["load_average_before"] >= 0
    assert f"{suite['seconds']} s in all" in quick_suite["_stdout"]


def test_an_unknown_part_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "nope", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=50,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown parts ['nope']" in result.stderr
    assert not (tmp_path / "suite.json").exists()
