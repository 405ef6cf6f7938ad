"""The output options every command shares (``--format``, ``--output``, ``--quiet``,
``--progress``) and the progress display on stderr (rich; off when stderr is not a terminal
or with ``--quiet``)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import attrs
import click

from .output import FORMATS, Format, Printer, atomic_text

__all__ = ["OutputSettings", "Progress", "output_options"]

F = TypeVar("F", bound=Callable[..., Any])


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """A progress line on stderr: a spinner, a description and a count (or a bar when the
    total is known). Does nothing when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True, force_terminal=True),
                transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
            self._progress = None

    def advance(self, what: str, step: int = 1, *, total: int | None = None) -> None:
        """Count ``step`` more of ``what`` (e.g. ``"sessions"``)."""
        if self._progress is None:
            return
        task = self._tasks.get(what)
        if task is None:
            task = self._tasks[what] = self._progress.add_task(what, total=total)
        self._progress.update(task, advance=step, total=total)


@attrs.define(kw_only=True)
class OutputSettings:
    """Where and how a command prints its result."""

    format: Format | None
    output: str | None
    quiet: bool
    progress: bool | None

    def resolved_format(self) -> Format:
        """The chosen format; by default a table on a terminal, JSON otherwise."""
        if self.format is not None:
            return self.format
        return "table" if self.output is None and _is_terminal(sys.stdout) else "json"

    @contextmanager
    def printer(self) -> Iterator[Printer]:
        """A :class:`Printer` to stdout, or to ``--output`` (appears complete or not at all)."""
        fmt = self.resolved_format()
        if self.output is None:
            yield Printer(fmt, sys.stdout, terminal=_is_terminal(sys.stdout))
            return
        with atomic_text(self.output) as handle:
            yield Printer(fmt, handle)

    def progress_bar(self) -> Progress:
        """The progress display for long work (report pulls, sync, downloads)."""
        if self.quiet:
            return Progress(False)
        enabled = _is_terminal(sys.stderr) if self.progress is None else self.progress
        return Progress(enabled)

    def note(self, text: str) -> None:
        """A line for the operator on stderr (not with ``--quiet``)."""
        if not self.quiet:
            click.echo(text, err=True)


_OPTIONS: tuple[Callable[[F], F], ...] = (
    click.option(
        "--format",
        "-f",
        "format",
        type=click.Choice(FORMATS),
        help="Output format (default: table on a terminal, JSON otherwise).",
    ),
    click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        help="Write the result to this file (atomically: complete or not at all).",
    ),
    click.option("--quiet", "-q", is_flag=True, help="No progress bar, no notes on stderr."),
    click.option(
        "--progress/--no-progress",
        default=None,
        help="Show a progress bar on stderr (default: when stderr is a terminal).",
    ),
)
_NAMES = tuple(attrs.fields_dict(OutputSettings))


def output_options(command: F) -> F:
    """Add the output options to ``command``, which receives them as ``out``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _NAMES}
        return command(*args, out=OutputSettings(**values), **kwargs)

    decorated: Any = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]
