"""The SQLite store's writer: the connection that runs every write, in a process of its own.

``SQLiteSessionStore`` writes through a child process running this file as a script
(``python -I -S sqlite_writer.py``: standard library only, nothing of the package is
imported). Why a process: ``sqlite3`` binds each row's values holding Python's GIL and
releases it around every row's ``sqlite3_step``; a writer *thread* next to the event loop
that parses the report then waits for the GIL at each row (measured: a sync into SQLite
used one core, 0.62x the parse-only rate). The child has its own GIL and runs on the other
core; the parent only encodes the rows and sends them (``marshal``: 0.4 s for the 1.3
million rows of a 30,000-session report, against 2.5 s for ``pickle``).

The protocol, on the child's stdin and stdout: frames of an 8-byte big-endian length and a
``marshal`` payload. A request is ``(op, *args)``; the reply ``("ok", value)``, or
``(exception class name, message)`` when it failed. Ops: ``open`` (path, busy timeout),
``query`` (sql, params → rows), ``run`` (a list of ``(sql, params, many)`` steps, in
order), ``rollback`` (the open transaction, if any), ``lock``/``unlock`` (the store's sync
lock: an exclusive ``flock``, held by the child, so it lasts as long as the transaction it
guards). End of stdin (the parent closed it, or died) rolls back whatever is not committed,
releases the lock and ends the process. After a commit, a thread of the child checkpoints
the WAL (see :class:`Writer`).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sqlite3
import struct
import sys
import threading
from typing import IO, Any

__all__ = [
    "Checkpointer",
    "Writer",
    "open_writer_connection",
    "read_frame",
    "try_flock",
    "write_frame",
]

_HEADER = struct.Struct(">Q")


def read_frame(stream: IO[bytes]) -> Any | None:
    """The next frame's value, or ``None`` at the end of the stream (or a cut frame)."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return marshal.loads(body)  # noqa: S302 - our own parent or child wrote it


def write_frame(stream: IO[bytes], value: Any) -> None:
    """Send ``value`` as one frame (``marshal`` types only)."""
    body = marshal.dumps(value)
    stream.write(_HEADER.pack(len(body)))
    stream.write(body)
    stream.flush()


def open_writer_connection(path: str, busy_timeout: float) -> sqlite3.Connection:
    """The writing connection: autocommit mode (explicit transactions), WAL, ``FULL`` sync."""
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def try_flock(path: str) -> int | None:
    """An exclusive ``flock`` on ``path`` without waiting: the open descriptor, or ``None``
    when another holder has it."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def release_flock(fd: int) -> None:
    """Release and close a descriptor from :func:`try_flock`."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class Writer:
    """The ops of the protocol on one connection (the child's, or the parent's own when
    the store writes in a thread).

    On a connection this writer opens (``open``), the WAL is checkpointed by a
    :class:`Checkpointer` after each commit instead of inside the ``COMMIT`` (SQLite's
    automatic checkpoint): copying a big transaction's pages back into the database file
    takes about a second, which the next request (the unlock at the end of a sync, the next
    transaction) then does not wait for. The commit itself is durable once it is in the WAL
    (``synchronous=FULL``).
    """

    def __init__(self, conn: sqlite3.Connection | None = None) -> None:
        self.conn = conn
        self.lock_fd: int | None = None
        self.checkpointer: Checkpointer | None = None

    def _db(self) -> sqlite3.Connection:
        if self.conn is None:
            raise sqlite3.ProgrammingError("the writer has no open connection")
        return self.conn

    def handle(self, op: str, args: list[Any]) -> Any:
        """Run one request; its reply value."""
        if op == "open":
            self.conn = open_writer_connection(args[0], args[1])
            self.conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer's job
            self.checkpointer = Checkpointer(args[0], args[1])
            return None
        if op == "query":
            return self._db().execute(args[0], args[1]).fetchall()
        if op == "run":
            conn = self._db()
            for sql, params, many in args[0]:
                (conn.executemany if many else conn.execute)(sql, params)
                if sql == "COMMIT" and self.checkpointer is not None:
                    self.checkpointer.request()
            return None
        if op == "rollback":
            if self.conn is not None and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            return None
        if op == "lock":  # not re-entrant: a second sync of the same store waits too
            if self.lock_fd is not None:
                return False
            self.lock_fd = try_flock(args[0])
            return self.lock_fd is not None
        if op == "unlock":
            self.unlock()
            return None
        raise ValueError(f"unknown op {op!r}")

    def unlock(self) -> None:
        """Release the sync lock, if held."""
        fd, self.lock_fd = self.lock_fd, None
        if fd is not None:
            release_flock(fd)

    def close(self) -> None:
        """Roll back what is not committed, close the connection (after the checkpoint
        running, if any), release the lock."""
        try:
            if self.checkpointer is not None:
                self.checkpointer.close()
            if self.conn is not None:
                self.conn.close()  # an open transaction is rolled back
        finally:
            self.conn = self.checkpointer = None
            self.unlock()


class Checkpointer:
    """A thread with a connection of its own that checkpoints the WAL (``PASSIVE``: never
    blocking the writer or readers) each time it is asked, while the writer goes on."""

    def __init__(self, path: str, busy_timeout: float) -> None:
        self._path = path
        self._busy_timeout = busy_timeout
        self._due = threading.Event()
        self._stopping = False
        self.done = 0  # checkpoints run (for tests)
        self._thread = threading.Thread(target=self._run, name="checkpoint", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Checkpoint soon (requests while one runs make one more)."""
        self._due.set()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None)
        try:
            while True:
                self._due.wait()
                self._due.clear()
                if self._stopping:
                    return
                with contextlib.suppress(sqlite3.Error):  # the next one, or closing, retries
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.done += 1
        finally:
            conn.close()

    def close(self) -> None:
        """Stop, after the checkpoint running (if any)."""
        self._stopping = True
        self._due.set()
        self._thread.join()


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Answer requests until the end of ``requests``."""
    writer = Writer()
    try:
        while (request := read_frame(requests)) is not None:
            op, *args = request
            try:
                reply: tuple[str, Any] = ("ok", writer.handle(op, args))
            except Exception as err:  # every failure goes back to the parent
                reply = (type(err).__name__, str(err))
            try:
                write_frame(replies, reply)
            except (BrokenPipeError, ValueError):  # the parent is gone
                break
    finally:
        writer.close()


def main() -> None:
    """The child's entry point: the protocol on stdin/stdout (fd 1 is kept for the
    replies only; anything else printing goes to stderr). Ctrl-C in a terminal reaches
    the whole process group: the writer ignores it and ends when its parent closes its
    input, after the parent's own rollback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
