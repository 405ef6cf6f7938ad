"""Types of the optional compiled module built from ``_cbuild.pyx`` (see ``accel.py``)."""

from typing import Any

def events_of(details: Any) -> tuple[Any, ...]: ...
