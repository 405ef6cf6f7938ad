"""The ways a report can be parsed here, for tests that compare them: each XML backend,
and lxml with the pure-Python builders and depth check when the compiled builder is present
(so both are checked against the same expectations)."""

from __future__ import annotations

import pytest

from bomgar_async._xml import tree
from bomgar_async._xml.parsing import lxml_deeper_than
from bomgar_async.reporting import build, session_stream

PYTHON_BUILDERS = "lxml+python"
#: ``tree.BACKENDS``, plus ``"lxml+python"`` when the compiled builder would otherwise
#: build every lxml session.
WAYS: tuple[str, ...] = (
    (*tree.BACKENDS, PYTHON_BUILDERS)
    if "lxml" in tree.BACKENDS and build._CBUILD is not None
    else tree.BACKENDS
)


def use(way: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Parse the ``way`` way for the rest of the test; the backend it uses."""
    if way == PYTHON_BUILDERS:
        monkeypatch.setattr(build, "_CBUILD", None)
        monkeypatch.setattr(session_stream, "_DEEPER", lxml_deeper_than)
        way = "lxml"
    monkeypatch.setattr(tree, "BACKEND", way)
    return way
