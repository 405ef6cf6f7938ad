"""Shared fixtures of the unit tests: each XML backend in turn, and one quick run of the whole
benchmark suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bomgar_async._xml import tree

ROOT = Path(__file__).parents[2]


@pytest.fixture(params=tree.BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each installed XML backend in turn, made the default (``tree.BACKEND``) for the test;
    a test file may define its own ``backend`` (other ways to parse) instead."""
    monkeypatch.setattr(tree, "BACKEND", request.param)
    return str(request.param)


@pytest.fixture(scope="session")
def quick_suite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run ``python -m benchmarks --quick`` once; each part's figures (by part name), plus
    ``"_stdout"`` (the printed tables) and ``"_suite"`` (suite.json)."""
    out = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    suite = json.loads((out / "suite.json").read_text())
    figures: dict[str, Any] = {"_stdout": result.stdout, "_suite": suite}
    for name, run in suite["parts"].items():
        figures[name] = json.loads(Path(run["json"]).read_text())
    return figures
