"""Hatchling build hook: the optional compiled part, ``bomgar_async.reporting._cbuild``.

Cython turns ``bomgar_async/reporting/_cbuild.pyx`` into C and setuptools' ``build_ext``
compiles it against lxml's public C API (``lxml.get_include()``), at ``-O3``.

- An editable install (``pip install -e .``) compiles it in place, next to the ``.pyx``, where
  the source tree's ``.pth`` entry finds it.
- A wheel (``pip wheel .``, ``python -m build``) gets the extension module and a platform tag.
- When anything fails (no compiler, no Python headers, no Cython or lxml) the build goes on:
  one warning line, and a pure-Python package whose code does without it.
  ``BOMGAR_ASYNC_NO_EXTENSIONS=1`` skips the compilation altogether.

``python hatch_build.py`` compiles in place without pip (a development shortcut).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # the tests and ``python hatch_build.py`` use the functions without hatchling
    BuildHookInterface = object

MODULE = "bomgar_async.reporting._cbuild"
SOURCE = Path("bomgar_async", "reporting", "_cbuild.pyx")
SKIP_VARIABLE = "BOMGAR_ASYNC_NO_EXTENSIONS"


def skipped(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether ``BOMGAR_ASYNC_NO_EXTENSIONS`` asks for a pure-Python package (set, not "0")."""
    return environ.get(SKIP_VARIABLE, "") not in ("", "0")


def warn(message: str) -> None:
    """One warning line on standard error (pip shows it with ``-v``)."""
    print(f"WARNING: bomgar_async: {message}", file=sys.stderr, flush=True)


def _include_dirs() -> list[str]:
    import lxml

    found = lxml.get_include()
    return [found] if isinstance(found, str) else list(found)


def _compile(module: str, source: Path, work: Path) -> Path:
    """Cythonize ``source`` into ``work`` and compile it there; the built file's path."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    flags = [] if os.name == "nt" else ["-O3"]
    extension = Extension(
        module, [str(source)], include_dirs=_include_dirs(), extra_compile_args=flags
    )
    (cythonized,) = cythonize(
        [extension],
        build_dir=str(work / "c"),
        compiler_directives={"language_level": "3"},
        quiet=True,
        force=True,
    )
    distribution = Distribution({"name": "bomgar_async", "ext_modules": [cythonized]})
    command: Any = distribution.get_command_obj("build_ext")
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.ensure_finalized()
    command.run()
    built = Path(command.get_ext_fullpath(module))
    if not built.is_file():
        raise FileNotFoundError(built)
    return built


def compile_extension(source: Path, target_dir: Path, *, module: str = MODULE) -> Path | None:
    """Compile ``source`` as ``module`` and copy the extension module into ``target_dir``.

    Returns the copied file's path, or None after one warning line when the compilation failed
    for any reason (it never raises) or ``BOMGAR_ASYNC_NO_EXTENSIONS`` is set. The generated C
    and object files go to a temporary folder, removed afterwards.
    """
    if skipped():
        warn(f"{SKIP_VARIABLE} is set: {module} not compiled, building a pure-Python package")
        return None
    scratch = Path(tempfile.mkdtemp(prefix="bomgar_async_build_"))
    try:
        built = _compile(module, source, scratch)
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / built.name
        shutil.copyfile(built, target)
    except Exception as exc:  # any failure: build without it
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())
        warn(f"{module} not compiled ({reason}); building a pure-Python package")
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def compile_in_place(source: Path, *, module: str = MODULE) -> Path | None:
    """Compile ``source`` next to itself (editable installs), first removing earlier builds.

    A source tree whose compilation failed or was skipped keeps no stale extension module.
    """
    for earlier in source.parent.glob(f"{source.stem}.*"):
        if earlier.suffix in (".so", ".pyd"):
            earlier.unlink()
    return compile_extension(source, source.parent, module=module)


class CompiledExtensionHook(BuildHookInterface):
    """Compiles the optional extension module into an editable tree or a wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile: in place for an editable install, into the wheel otherwise."""
        root = Path(self.root)
        source = root / SOURCE
        if version == "editable":
            compile_in_place(source)
            return
        self._out = Path(tempfile.mkdtemp(prefix="bomgar_async_wheel_"))
        built = compile_extension(source, self._out)
        if built is not None:
            build_data["force_include"][str(built)] = f"{SOURCE.parent.as_posix()}/{built.name}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary folder of a wheel's extension module."""
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    result = compile_in_place(here / SOURCE)
    print(result if result is not None else "not compiled")
    sys.exit(0 if result is not None else 1)
