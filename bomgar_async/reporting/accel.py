"""The optional compiled part of the report builders, loaded when it is there.

``cbuild`` is the extension module ``bomgar_async.reporting._cbuild`` (compiled from
``_cbuild.pyx`` at install time when a C compiler is present, see ``hatch_build.py``), or None:
when it was not built, does not import (for instance without lxml, or built against an lxml
whose objects differ from the one installed), or the environment variable
``BOMGAR_ASYNC_NO_EXTENSIONS`` is set to anything but ``""`` or ``"0"``. Callers fall back to the
pure-Python builders when it is None; both give the same models.
"""

from __future__ import annotations

import os
import warnings
from types import ModuleType

__all__ = ["NO_EXTENSIONS_VARIABLE", "cbuild"]

NO_EXTENSIONS_VARIABLE = "BOMGAR_ASYNC_NO_EXTENSIONS"


def _load() -> ModuleType | None:
    """The compiled module, or None when it is turned off or cannot be imported."""
    if os.environ.get(NO_EXTENSIONS_VARIABLE, "") not in ("", "0"):
        return None
    try:
        with warnings.catch_warnings():
            # Built against another lxml whose objects differ in size: Cython warns (or
            # raises ValueError); the pure-Python builders are then the safe choice.
            warnings.simplefilter("error", RuntimeWarning)
            from . import _cbuild
    except (ImportError, ValueError, RuntimeWarning):
        return None
    return _cbuild


cbuild: ModuleType | None = _load()
