"""What every benchmark part does last: name the command that produced its figures, write
them as JSON and say where they are."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["command_of", "save"]


def command_of(module: str, argv: list[str] | None) -> str:
    """``python -m benchmarks.<module> <arguments>`` (``argv`` or, when ``None``, the
    process's own arguments)."""
    arguments = sys.argv[1:] if argv is None else argv
    return f"python -m benchmarks.{module} {' '.join(arguments)}".strip()


def save(results: dict[str, Any], path: str) -> None:
    """Write ``results`` (which name their ``command``) to ``path`` as JSON, and print the
    command and the file."""
    Path(path).write_text(json.dumps(results, indent=2))
    print(f"\n{results['command']}  (figures in {path})")
