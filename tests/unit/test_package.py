"""The package's public surface and its layering rules."""

from __future__ import annotations

import ast
from pathlib import Path

import bomgar_async
from bomgar_async import errors

PACKAGE = Path(bomgar_async.__file__).resolve().parent
# Modules on top of the core: they may use aiohttp.web and the simulator.
TOP = {"simulator", "cli.py", "demo.py"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


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
    assert importers == ["transport.py"]


def test_the_core_never_imports_the_simulator_or_the_cli() -> None:
    for path in _core_modules():
        for name in _imports(path):
            assert "simulator" not in name and not name.endswith((".cli", ".demo")), (path, name)


def test_every_module_has_a_docstring_and_py_typed_ships() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), path
    assert (PACKAGE / "py.typed").exists()
