"""Types of the optional compiled module built from ``_cbuild.pyx`` (see ``accel.py``)."""

from typing import Any

def session_fields(element: Any, support: bool) -> dict[str, Any] | None: ...
