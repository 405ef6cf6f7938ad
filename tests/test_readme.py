"""The README's runnable examples run, and the README keeps its two set-up commands."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
RUNNABLE = re.compile(r"<!-- runnable -->\s*```python\n(.*?)```", re.DOTALL)


def test_readme_shows_the_two_set_up_commands() -> None:
    text = README.read_text()
    assert "pip install -e '.[cli]' && bomgar-async demo" in text
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


FROM_IMPORT = re.compile(r"^\s*from (bomgar_async[\w.]*) import \(?([\w, ]+)\)?\s*$", re.MULTILINE)
DOTTED = re.compile(r"`(bomgar_async(?:\.\w+)+)`")


def _readme_names() -> list[tuple[str, str]]:
    text = README.read_text()
    names = [
        (module, name.strip())
        for module, listed in FROM_IMPORT.findall(text)
        for name in listed.split(",")
        if name.strip()
    ]
    for dotted in DOTTED.findall(text):
        module, _, name = dotted.rpartition(".")
        names.append((module, name))
    return sorted(set(names))


def test_the_readme_names_public_names() -> None:
    names = _readme_names()
    assert ("bomgar_async", "BomgarClient") in names
    assert ("bomgar_async.testing", "FakeTransport") in names
    assert len(names) >= 10, names


@pytest.mark.parametrize(("module", "name"), _readme_names())
def test_every_public_name_in_the_readme_imports_from_its_documented_path(
    module: str, name: str
) -> None:
    imported = importlib.import_module(module)
    assert hasattr(imported, name), f"{module} has no {name}"


PLUGIN_EXAMPLE = re.compile(r"In \*\*strict\*\* mode.*?```python\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_the_pytest_plugin_example_passes_in_both_modes(mode: str, tmp_path: Path) -> None:
    match = PLUGIN_EXAMPLE.search(README.read_text())
    assert match is not None, "the README lost its pytest plugin example"
    example = match.group(1)
    if mode == "auto":  # as the README says: the same test without the marker
        example = example.replace("@pytest.mark.asyncio\n", "")
        assert "mark.asyncio" not in example
    (tmp_path / "test_example.py").write_text(example)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            f"asyncio_mode={mode}",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            "test_example.py",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(README.parent)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
