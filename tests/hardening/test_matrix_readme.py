"""tests/README.md shows the fault matrix the tests run, not another one."""

from __future__ import annotations

from pathlib import Path

from .matrix_table import table


def test_the_readme_table_is_the_tested_matrix() -> None:
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    shown = text.split("<!-- fault-matrix:start -->\n", 1)[1].split("<!-- fault-matrix:end -->")[0]
    assert shown.strip() == table().strip()
