"""Which stored sessions to read back: :class:`SessionQuery` (validated arguments of
``store.sessions(...)``) and the SQL that selects their lsids in time order."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import attrs

from ..errors import BomgarValidationError
from .rows import SQLITE_VALUES

__all__ = ["SessionQuery", "select_lsids"]


@attrs.frozen(kw_only=True)
class SessionQuery:
    """Which sessions :meth:`SessionStore.sessions` reads back (validated)."""

    since: datetime | None = None
    until: datetime | None = None
    by: Literal["start", "end"] = "start"
    product: str | None = None
    rep_id: int | None = None
    external_key: str | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                raise BomgarValidationError(f"{name} must be an aware datetime")
        if self.by not in ("start", "end"):
            raise BomgarValidationError(f'by must be "start" or "end", not {self.by!r}')

    @property
    def column(self) -> str:
        """The time column the range applies to."""
        return f"{self.by}_time"


def select_lsids(query: SessionQuery, mark: str) -> tuple[str, list[Any]]:
    """The SQL selecting the lsids of ``query`` in time order (``mark``: ``?`` or ``$``)."""
    where: list[str] = []
    params: list[Any] = []

    def add(condition: str, value: Any) -> None:
        params.append(value)
        where.append(condition.replace("%s", "?" if mark == "?" else f"${len(params)}"))

    values = SQLITE_VALUES if mark == "?" else None
    for bound, op in ((query.since, ">="), (query.until, "<")):
        if bound is not None:
            add(f"s.{query.column} {op} %s", values.ts(bound) if values else bound)
    if query.product is not None:
        add("s.product = %s", query.product)
    if query.external_key is not None:
        add("s.external_key = %s", query.external_key)
    if query.rep_id is not None:
        add(
            "EXISTS (SELECT 1 FROM session_reps r WHERE r.lsid = s.lsid AND r.rep_id = %s)",
            query.rep_id,
        )
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT s.lsid FROM sessions s{clause} ORDER BY s.{query.column}, s.lsid"  # noqa: S608
    return sql, params
