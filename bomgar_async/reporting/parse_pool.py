"""Parsing report windows in worker processes (``parse_workers=``): both cores for a pull.

A windowed pull (:func:`~bomgar_async.reporting.streams.windowed`) parses each window on
the event loop by default, so a long pull is bound by one core. With a :class:`ParsePool`
each window's body is received on the loop and *spooled* to a temporary file (memory stays
flat: the body is never held whole in memory); a worker process then parses that file in
64 KiB chunks with the same ``RecordStreamParser`` (same depth limit, same size caps, same
models) and sends the window's records back, pickled (the loop's share of the work is the
unpickling, about a third of the parsing). The file is deleted when the window is done,
whatever happened.

The workers are started with the ``spawn`` method (never ``fork`` under a running loop).
A parse error in a worker arrives as the same ``BomgarError`` type, message and attributes
as on the loop; a worker that dies (killed, crashed) raises ``BomgarError`` for the
windows it held, never a hang. :meth:`ParsePool.aclose` drops queued work and stops the
processes (terminating any still busy with a cancelled window); a worker whose parent
process dies without closing the pool exits by itself within a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from ..errors import BomgarError, BomgarValidationError
from .session_stream import RecordStreamParser

__all__ = ["ParsePool", "check_parse_workers"]

T = TypeVar("T")
_CHUNK = 1 << 16


def check_parse_workers(parse_workers: object) -> int | None:
    """``parse_workers`` checked: ``None`` (parse on the loop) or an int ≥ 1.

    Raises:
        BomgarValidationError: anything else (``bool``, 0, negative, not an int).
    """
    if parse_workers is None:
        return None
    if isinstance(parse_workers, bool) or not isinstance(parse_workers, int) or parse_workers < 1:
        raise BomgarValidationError(
            f"parse_workers must be None or a positive integer, not {parse_workers!r}"
        )
    return parse_workers


class _Failure:
    """A ``BomgarError`` raised in a worker, carried back by value (its type, ``args`` and
    attributes) so the loop raises the very same error, whatever its ``__init__`` takes."""

    def __init__(self, err: BomgarError) -> None:
        self.kind = type(err)
        self.args = err.args
        self.state = dict(vars(err))

    def rebuild(self) -> BomgarError:
        err = self.kind.__new__(self.kind)
        Exception.__init__(err, *self.args)
        err.__dict__.update(self.state)
        return err


def parse_file(path: str, parser: Callable[[], RecordStreamParser[T]]) -> list[T] | _Failure:
    """In a worker: every record of the report body in ``path`` (read in 64 KiB chunks),
    or the ``BomgarError`` the parser raised, as a :class:`_Failure`."""
    records = parser()
    found: list[T] = []
    try:
        with open(path, "rb") as body:
            while chunk := body.read(_CHUNK):
                found.extend(records.feed(chunk))
        found.extend(records.close())
    except BomgarError as err:
        return _Failure(err)
    return found


def _ready() -> int:
    return os.getpid()


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the process that started the pool is gone (killed without
    closing it), instead of waiting for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="bomgar-parent-watch", daemon=True).start()


class ParsePool(Generic[T]):
    """Worker processes that parse spooled report bodies (see the module docstring).

    Args:
        workers: how many processes (≥ 1).
        parser: makes a fresh parser per body; it must be picklable (a module-level
            function), as it is sent to the workers.
    """

    def __init__(self, workers: int, parser: Callable[[], RecordStreamParser[T]]) -> None:
        self._parser = parser
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        self._closed = False
        # start every worker now: they import the package while the first windows download
        self._warm = [self._executor.submit(_ready) for _ in range(workers)]

    async def ready(self) -> list[int]:
        """Wait until every worker has started (imported the package); their process ids."""
        return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warm)))

    def pids(self) -> list[int]:
        """The worker processes' ids (those started so far)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return [pid for pid in processes if pid is not None]

    async def parse(self, path: str) -> list[T]:
        """The records of the report body spooled in ``path``, parsed by a worker.

        Raises:
            BomgarAPIError / BomgarProtocolError: as the parser raises them on the loop.
            BomgarError: a worker process died, or the pool is closed.
        """
        if self._closed:
            raise BomgarError("the parse worker pool is closed")
        try:
            future: Future[list[T] | _Failure] = self._executor.submit(
                parse_file, path, self._parser
            )
        except (BrokenProcessPool, RuntimeError) as err:
            raise BomgarError(f"the parse worker pool cannot take work: {err}") from err
        try:
            outcome = await asyncio.wrap_future(future)
        except BrokenProcessPool as err:
            raise BomgarError(
                "a report parse worker process died before finishing its window"
            ) from err
        finally:
            future.cancel()  # a window cancelled before its parse started: drop the work
        if isinstance(outcome, _Failure):
            raise outcome.rebuild()
        return outcome

    async def aclose(self) -> None:
        """Drop queued work, stop the workers (terminating busy ones) and wait for them."""
        if self._closed:
            return
        self._closed = True
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                if process.is_alive():
                    process.terminate()
        await asyncio.to_thread(_join, processes)
        await asyncio.to_thread(self._executor.shutdown, True)


def _join(processes: list[Any]) -> None:
    for process in processes:
        process.join(10)
        if process.is_alive():  # pragma: no cover - a worker that ignored SIGTERM
            process.kill()
            process.join(5)
