"""The optional compiled part of the report builders, loaded when it is there.

``cbuild`` is the extension module ``bomgar_async.reporting._cbuild`` (compiled from
``_cbuild.pyx`` at install time when a C compiler is present, see ``hatch_build.py``), or None:
when it was not built, does not import (for instance without lxml), or the environment variable
``BOMGAR_ASYNC_NO_EXTENSIONS`` is set to anything but ``""`` or ``"0"``. Callers fall back to the
pure-Python builders when it is None; both give the same models.
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["NO_EXTENSIONS_VARIABLE", "cbuild"]

NO_EXTENSIONS_VARIABLE = "BOMGAR_ASYNC_NO_EXTENSIONS"


def _load() -> ModuleType | None:
    """The compiled module, or None when it is turned off or cannot be imported."""
    if os.environ.get(NO_EXTENSIONS_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from . import _cbuild
    except ImportError:
        return None
    return _cbuild


cbuild: ModuleType | None = _load()
