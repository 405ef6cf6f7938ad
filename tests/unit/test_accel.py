"""The optional compiled extension: built by the install, loaded by ``reporting.accel``, turned
off by ``BOMGAR_ASYNC_NO_EXTENSIONS``; and the build hook falls back instead of failing."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bomgar_async import reporting
from bomgar_async.reporting import accel

ROOT = Path(__file__).resolve().parents[2]
MODULE = "bomgar_async.reporting._cbuild"
BUILD_HINT = (
    "`pip install -e '.[test]'` compiles it (it needs a C compiler and the Python headers; "
    "`pip install -v -e '.[test]'` shows the warning saying why it was not built), "
    "or `python hatch_build.py` compiles it in place"
)


def _turned_off() -> bool:
    return os.environ.get(accel.NO_EXTENSIONS_VARIABLE, "") not in ("", "0")


def _hook() -> ModuleType:
    """``hatch_build.py`` of the source tree, imported by path (hatchling is not needed)."""
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stub(tmp_path: Path, name: str, text: str) -> Path:
    source = tmp_path / f"{name}.pyx"
    source.write_text(text)
    return source


@pytest.mark.timeout(60)
def test_the_compiled_extension_is_built_and_loaded() -> None:
    if _turned_off():
        pytest.skip(f"{accel.NO_EXTENSIONS_VARIABLE} is set: the compiled extension is off")
    try:
        compiled = importlib.import_module(MODULE)
    except ImportError as exc:
        pytest.fail(f"{MODULE} is not built ({exc}): {BUILD_HINT}")
    assert accel.cbuild is compiled
    assert Path(compiled.__file__ or "").suffix in (".so", ".pyd")
    assert Path(compiled.__file__ or "").parent == Path(accel.__file__).parent


@pytest.mark.timeout(60)
@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_environment_variable_turns_it_off_at_runtime(value: str) -> None:
    env = {**os.environ, accel.NO_EXTENSIONS_VARIABLE: value}
    done = subprocess.run(
        [sys.executable, "-c", "from bomgar_async.reporting import accel; print(accel.cbuild)"],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("value", "off"), [("", False), ("0", False), ("1", True), ("x", True)])
def test_only_a_value_other_than_0_turns_it_off(
    monkeypatch: pytest.MonkeyPatch, value: str, off: bool
) -> None:
    monkeypatch.setenv(accel.NO_EXTENSIONS_VARIABLE, value)
    monkeypatch.delattr(reporting, "_cbuild", raising=False)
    monkeypatch.setitem(sys.modules, MODULE, accel)  # stands in for the compiled module
    assert (accel._load() is None) is off
    assert _hook().skipped() is off


@pytest.mark.timeout(30)
def test_a_compiled_module_that_does_not_import_gives_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(accel.NO_EXTENSIONS_VARIABLE, raising=False)
    monkeypatch.delattr(reporting, "_cbuild", raising=False)
    monkeypatch.setitem(sys.modules, MODULE, None)  # import raises ImportError
    assert accel._load() is None


def _one_warning(err: str, out_dir: Path) -> str:
    """The one warning line of a build that fell back; nothing was put in ``out_dir``."""
    warnings = [line for line in err.splitlines() if line.startswith("WARNING: bomgar_async:")]
    assert len(warnings) == 1, err
    assert "pure-Python package" in warnings[0]
    assert not out_dir.exists() or not any(out_dir.iterdir())
    return warnings[0]


@pytest.mark.timeout(60)
def test_the_hook_compiles_a_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("Cython")
    monkeypatch.delenv(accel.NO_EXTENSIONS_VARIABLE, raising=False)
    source = _stub(tmp_path, "stub_ok", "def twice(int x):\n    return 2 * x\n")
    built = _hook().compile_extension(source, tmp_path / "out", module="stub_ok")
    assert built is not None and built.parent == tmp_path / "out"
    spec = importlib.util.spec_from_file_location("stub_ok", built)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.twice(21) == 42


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("name", "code", "compiler"),
    [
        ("stub_cc", "def one():\n    return 1\n", "/nonexistent/cc"),  # no C compiler
        ("stub_bad", "def broken(:\n    return\n", None),  # a Cython syntax error
    ],
)
def test_the_hook_warns_instead_of_failing(
    name: str,
    code: str,
    compiler: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("Cython")
    monkeypatch.delenv(accel.NO_EXTENSIONS_VARIABLE, raising=False)
    if compiler is not None:
        monkeypatch.setenv("CC", compiler)
    source = _stub(tmp_path, name, code)
    assert _hook().compile_extension(source, tmp_path / "out", module=name) is None
    assert "stub_" in _one_warning(capfd.readouterr().err, tmp_path / "out")


@pytest.mark.timeout(30)
def test_the_hook_warns_instead_of_failing_without_cython(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(accel.NO_EXTENSIONS_VARIABLE, raising=False)
    monkeypatch.setitem(sys.modules, "Cython", None)
    monkeypatch.setitem(sys.modules, "Cython.Build", None)
    source = _stub(tmp_path, "stub_nocython", "def one():\n    return 1\n")
    assert _hook().compile_extension(source, tmp_path / "out", module="stub_nocython") is None
    assert "Cython" in _one_warning(capfd.readouterr().err, tmp_path / "out")


@pytest.mark.timeout(30)
def test_the_hook_skips_the_compilation_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(accel.NO_EXTENSIONS_VARIABLE, "1")
    source = _stub(tmp_path, "stub_skip", "def one():\n    return 1\n")
    assert _hook().compile_extension(source, tmp_path / "out", module="stub_skip") is None
    err = capfd.readouterr().err
    assert accel.NO_EXTENSIONS_VARIABLE in err
    assert not (tmp_path / "out").exists()


@pytest.mark.timeout(30)
def test_an_editable_tree_keeps_no_stale_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(accel.NO_EXTENSIONS_VARIABLE, "1")
    source = _stub(tmp_path, "stub_stale", "def one():\n    return 1\n")
    (tmp_path / "stub_stale.pyi").write_text("def one() -> int: ...\n")
    (tmp_path / "stub_stale.cpython-311-x86_64-linux-gnu.so").write_bytes(b"old build")
    (tmp_path / "other.cpython-311-x86_64-linux-gnu.so").write_bytes(b"not ours")
    assert _hook().compile_in_place(source, module="stub_stale") is None
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["other.cpython-311-x86_64-linux-gnu.so", "stub_stale.pyi", "stub_stale.pyx"]
