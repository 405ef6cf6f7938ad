"""The package's public surface and its layering rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bomgar_async
from bomgar_async import errors

PACKAGE = Path(bomgar_async.__file__).resolve().parent
# Packages on top of the core: they may use aiohttp.web and the simulator.
TOP = {"simulator", "cli", "__main__.py"}
# Imports only run downward: a module may import from its own rank or a lower one.
RANKS = {
    "errors": 0,
    "_xml": 1,
    "_http": 2,
    "command": 3,
    "reporting": 3,
    "pra": 3,
    "scripting": 3,
    "start_session": 3,
    "brcs": 3,
    "backup": 3,
    "cache": 3,
    "fleet": 3,
    "store": 3,
    "models": 3,
    "testing": 3,
    "client": 4,
    "__init__": 5,
    "__main__": 6,
    "cli": 6,
    "simulator": 6,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names imported by ``path`` (relative imports resolved)."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package[: len(package) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _area(module: str) -> str:
    """The first component under ``bomgar_async`` (``__init__`` for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _core_modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in TOP]


def test_all_names_exist_and_are_sorted_into_the_package() -> None:
    for name in bomgar_async.__all__:
        assert hasattr(bomgar_async, name), name
    assert len(set(bomgar_async.__all__)) == len(bomgar_async.__all__)


def test_the_api_contract_names_are_exported() -> None:
    contract = {
        "BomgarClient",
        "Queue",
        "MemoryCache",
        "BomgarError",
        "BomgarValidationError",
        "BomgarConfigError",
        "BomgarTransportError",
        "BomgarTimeoutError",
        "BomgarHTTPError",
        "BomgarProtocolError",
        "BomgarAPIError",
        "BomgarAuthError",
        "BomgarPermissionError",
        "BomgarClientClosed",
        "Representative",
        "SupportTeam",
        "SessionKey",
        "SessionAttributes",
        "Appliance",
        "ConnectedClientList",
        "ConnectedClient",
        "ApplianceHealth",
        "ApiInfo",
    }
    assert contract <= set(bomgar_async.__all__)


def test_every_error_derives_from_bomgar_error() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.BomgarError), name
    assert issubclass(errors.BomgarValidationError, ValueError)
    assert issubclass(errors.BomgarTimeoutError, errors.BomgarTransportError)
    assert issubclass(errors.BomgarAuthError, errors.BomgarAPIError)
    assert issubclass(errors.BomgarPermissionError, errors.BomgarAPIError)


def test_only_the_transport_imports_aiohttp_in_the_core() -> None:
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in _core_modules()
        if any(name == "aiohttp" or name.startswith("aiohttp.") for name in _imports(p))
    )
    assert importers == ["_http/transport.py"]


def test_the_core_never_imports_the_simulator_or_the_cli() -> None:
    for path in _core_modules():
        for name in _imports(path):
            top = name.split(".")[1] if name.startswith("bomgar_async.") else ""
            assert top not in ("simulator", "cli") and not name.startswith("aiohttp.web"), (
                path,
                name,
            )


def test_every_module_has_a_docstring_and_py_typed_ships() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), path
    assert (PACKAGE / "py.typed").exists()


def test_imports_only_run_downward() -> None:
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        rank = RANKS[_area(module)]
        for name in _imports(path):
            if not name.startswith("bomgar_async."):
                continue
            target = _area(name)
            if target not in RANKS:  # ``from bomgar_async import X`` of a name, not a module
                continue
            assert RANKS[target] <= rank, f"{module} imports {name} (rank {RANKS[target]} > {rank})"


def test_the_endpoint_groups_never_import_the_client() -> None:
    for path in PACKAGE.rglob("*.py"):
        if RANKS[_area(_module_name(path))] <= 3:
            assert not any(n.startswith("bomgar_async.client") for n in _imports(path)), path


def test_the_top_level_is_short_and_every_package_says_what_it_owns() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 8, modules
    for package in (p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text())), package
    assert not (PACKAGE / "responses").exists()


def test_python_dash_m_shows_the_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bomgar_async", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout
