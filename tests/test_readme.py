"""The README's runnable examples run, and the README keeps its two set-up commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
RUNNABLE = re.compile(r"<!-- runnable -->\s*```python\n(.*?)```", re.DOTALL)


def test_readme_shows_the_two_set_up_commands() -> None:
    text = README.read_text()
    assert "pip install -e . && bomgar-async demo" in text
    assert "pip install -e '.[test]' && pytest" in text


def test_ci_runs_the_readme_test_command() -> None:
    script = (README.parent / ".ci" / "run").read_text()
    assert "pip install -e '.[test]' && pytest" in script


@pytest.mark.parametrize("block", RUNNABLE.findall(README.read_text()))
def test_runnable_examples_run(block: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", block], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the example printed nothing"
