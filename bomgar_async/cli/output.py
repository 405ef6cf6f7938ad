"""What the command line prints: results as JSON, JSON lines, CSV or a table, to stdout or to
a file written atomically (a temporary file beside it, flushed, renamed into place)."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

import attrs

__all__ = ["FORMATS", "Format", "Printer", "atomic_text", "jsonable"]

Format = Literal["json", "jsonl", "csv", "table"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "csv", "table")


def jsonable(value: Any) -> Any:
    """``value`` (models, lists, mappings, datetimes, durations) as plain JSON data."""
    if attrs.has(type(value)):
        return {k: jsonable(v) for k, v in attrs.asdict(value, recurse=False).items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _rows(data: Any) -> list[Any]:
    """A result as table rows: a list stays a list, a model or mapping is one row; a model
    holding one list (e.g. a report with ``intervals``) is shown as that list."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
    return [data]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _columns(rows: list[Any]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            columns.update(dict.fromkeys(row))
    return list(columns) or ["value"]


def _table_cell(value: Any) -> str:
    if isinstance(value, list):
        return f"[{len(value)}]" if value else ""
    if isinstance(value, dict):
        text = _cell(value)
        return text if len(text) <= 40 else f"{{{len(value)} keys}}"
    return _cell(value)


@asynccontextmanager
async def aclosing_iter(items: AsyncIterable[Any]) -> AsyncIterator[AsyncIterable[Any]]:
    """``items``, closed on the way out (a stream left early must release its connection
    now, not when the garbage collector finds it)."""
    try:
        yield items
    finally:
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()


@contextmanager
def atomic_text(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` complete or not at all."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@attrs.define
class Printer:
    """Prints results in one format to one stream (stdout, or a file opened by the caller)."""

    format: Format
    stream: IO[str] = attrs.field(factory=lambda: sys.stdout)
    terminal: bool = False
    """Whether ``stream`` is a terminal (tables then get colours and the terminal's width)."""

    def value(self, result: Any) -> None:
        """Print one complete result (a model, a list of models, a mapping)."""
        data = jsonable(result)
        if self.format == "json":
            self.stream.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        elif self.format == "jsonl":
            for row in data if isinstance(data, list) else [data]:
                self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.format == "csv":
            self._csv(_rows(data))
        elif isinstance(data, dict) and _rows(data) == [data]:
            self._table([{"field": k, "value": v} for k, v in data.items()], wrap=True)
        else:
            self._table(_rows(data))
        self.stream.flush()

    async def stream_items(self, items: AsyncIterable[Any]) -> int:
        """Print items as they arrive (JSON as one array, JSON lines one per line); CSV and
        tables are printed at the end. Returns how many there were."""
        count = 0
        if self.format in ("csv", "table"):
            async with aclosing_iter(items) as each:
                collected = [jsonable(item) async for item in each]
            self.value(collected)
            return len(collected)
        async with aclosing_iter(items) as each:
            async for item in each:
                text = json.dumps(jsonable(item), ensure_ascii=False)
                if self.format == "json":
                    self.stream.write(("[\n  " if count == 0 else ",\n  ") + text)
                else:
                    self.stream.write(text + "\n")
                count += 1
                self.stream.flush()
        if self.format == "json":
            self.stream.write("\n]\n" if count else "[]\n")
        self.stream.flush()
        return count

    def line(self, text: str) -> None:
        """A line of text (``clients --watch`` in table form)."""
        self.stream.write(text + "\n")
        self.stream.flush()

    def _csv(self, rows: list[Any]) -> None:
        columns = _columns(rows)
        writer = csv.writer(self.stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            record = row if isinstance(row, dict) else {"value": row}
            writer.writerow([_cell(record.get(column)) for column in columns])

    def _table(self, rows: list[Any], *, wrap: bool = False) -> None:
        from rich.console import Console
        from rich.table import Table

        columns = _columns(rows)
        table = Table(show_lines=False, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            record = row if isinstance(row, dict) else {"value": row}
            cell = _cell if wrap else _table_cell
            table.add_row(*(cell(record.get(column)) for column in columns))
        console = Console(
            file=self.stream,
            force_terminal=self.terminal,
            no_color=not self.terminal,
            width=None if self.terminal else 200,
        )
        console.print(table)
