"""The SQLite store's side of its writer (:mod:`~bomgar_async.store.sqlite_writer`).

:class:`ProcessLink` starts the writer process and sends it requests; :class:`LocalLink`
runs the same requests on a connection of its own in the calling thread (the store's
``write_process=False``). Both are called from the store's worker thread only, one request
at a time, and raise ``sqlite3.Error`` subclasses for what SQLite refused (so the store
reports both the same way) and :class:`~bomgar_async.store.errors.BomgarStoreError` when
the writer process fails or ends.
"""

from __future__ import annotations

import abc
import contextlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from ..errors import BomgarConfigError
from . import sqlite_writer
from .errors import BomgarStoreError
from .sqlite_writer import Writer, open_writer_connection, read_frame, write_frame

__all__ = ["LocalLink", "ProcessLink", "Step", "WriterLink"]

Step = tuple[str, Any, bool]  # sql, params (rows when many), executemany?
_PIPE_SIZE = 1 << 20  # fewer GIL hand-overs while a big frame goes through the pipe
_STOP_WAIT = 10.0
_WORK_WAIT = 120.0  # seconds a request may run beyond the busy timeout


class WriterLink(abc.ABC):
    """The requests of the writer protocol (see :mod:`.sqlite_writer`)."""

    @abc.abstractmethod
    def request(self, op: str, *args: Any) -> Any:
        """Run one request; its reply value."""

    def query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """The rows of one statement."""
        rows: list[tuple[Any, ...]] = self.request("query", sql, params)
        return rows

    def run(self, steps: list[Step]) -> None:
        """Run statements in order (``many``: ``params`` is a list of rows)."""
        self.request("run", steps)

    def rollback(self) -> None:
        """Roll back the open transaction, if any."""
        self.request("rollback")

    def lock(self, path: str) -> bool:
        """Take the sync lock ``path`` without waiting: whether it is held now."""
        return bool(self.request("lock", path))

    def unlock(self) -> None:
        """Release the sync lock."""
        self.request("unlock")

    @abc.abstractmethod
    def close(self) -> None:
        """Roll back what is not committed, release the lock, free the connection."""


class LocalLink(WriterLink):
    """The writer's requests on a connection of this process (no child process)."""

    def __init__(self, path: str, busy_timeout: float) -> None:
        self._writer = Writer(open_writer_connection(path, busy_timeout))

    def request(self, op: str, *args: Any) -> Any:
        """Run one request here."""
        return self._writer.handle(op, list(args))

    def close(self) -> None:
        """Close the connection (rolling back) and release the lock."""
        self._writer.close()


class ProcessLink(WriterLink):
    """The writer's requests sent to a child process (see :mod:`.sqlite_writer`)."""

    def __init__(self, path: str, busy_timeout: float) -> None:
        if not sys.executable:
            raise BomgarConfigError(
                "no Python executable to start the SQLite writer process;"
                " use SQLiteSessionStore(..., write_process=False)"
            )
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [sys.executable, "-I", "-S", str(Path(sqlite_writer.__file__))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as err:
            raise BomgarStoreError(f"could not start the SQLite writer process: {err}") from err
        assert self._process.stdin is not None and self._process.stdout is not None
        # A request's longest legitimate wait is SQLite's busy timeout (another writer's
        # lock) plus the statements themselves (a chunk takes well under a second).
        self.reply_timeout = busy_timeout + _WORK_WAIT
        self._hung = False
        self._requests = self._process.stdin
        self._replies = self._process.stdout
        _widen(self._requests.fileno())
        try:
            self.request("open", path, busy_timeout)
        except BaseException:
            self.close()
            raise

    def request(self, op: str, *args: Any) -> Any:
        """Send one request and wait for its reply: at most :attr:`reply_timeout` seconds,
        then the writer is killed (what it had not committed is rolled back)."""
        watchdog = threading.Timer(self.reply_timeout, self._kill_hung)
        watchdog.daemon = True
        watchdog.start()
        try:
            write_frame(self._requests, (op, *args))
            reply = read_frame(self._replies)
        except (OSError, ValueError) as err:  # a broken pipe, a closed file
            raise self._failed(f"the SQLite writer process failed: {err}") from err
        finally:
            watchdog.cancel()
        if reply is None:
            if self._hung:
                raise self._failed("")
            code = self._process.poll()
            raise BomgarStoreError(f"the SQLite writer process ended (exit code {code})")
        kind, value = reply
        if kind == "ok":
            return value
        error = getattr(sqlite3, kind, None)
        if isinstance(error, type) and issubclass(error, sqlite3.Error):
            raise error(value)
        raise BomgarStoreError(f"the SQLite writer failed: {kind}: {value}")

    def _kill_hung(self) -> None:
        self._hung = True
        self._process.kill()

    def _failed(self, message: str) -> BomgarStoreError:
        if self._hung:
            message = f"the SQLite writer did not answer in {self.reply_timeout:g} s (stopped)"
        return BomgarStoreError(message)

    def rollback(self) -> None:
        """Roll back the open transaction; nothing to do when the writer has ended (its
        end rolled the transaction back)."""
        self._unless_ended("rollback")

    def unlock(self) -> None:
        """Release the sync lock; nothing to do when the writer has ended (its end
        released the lock)."""
        self._unless_ended("unlock")

    def _unless_ended(self, op: str) -> None:
        try:
            self.request(op)
        except BomgarStoreError:
            if self._process.poll() is None:
                raise

    def close(self) -> None:
        """End the child: it rolls back, releases the lock and exits (killed after 10 s)."""
        for stream in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self._process.wait(timeout=_STOP_WAIT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _widen(fd: int) -> None:
    """Grow the pipe to 1 MiB where the system allows it (Linux); smaller is fine too."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):
        pass
