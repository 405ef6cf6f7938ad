"""The SQLite writer's functions run in this process (issue 12's writer, pinned in-process).

The writer normally runs as a child process (``python -I -S sqlite_writer.py``), where a
mutation tool's in-process switches never reach it (and the isolated child cannot even import
one). These tests call the same functions here: the frames, the ``flock`` helpers, the
``Writer`` ops on a real SQLite file, and ``serve`` on in-memory streams.
"""

from __future__ import annotations

import fcntl
import io
import marshal
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bomgar_async.store import sqlite_writer
from bomgar_async.store.sqlite_writer import (
    Writer,
    open_writer_connection,
    read_frame,
    release_flock,
    serve,
    try_flock,
    write_frame,
)


def _frames(*values: Any) -> io.BytesIO:
    stream = io.BytesIO()
    for value in values:
        write_frame(stream, value)
    stream.seek(0)
    return stream


def _replies(stream: io.BytesIO) -> list[Any]:
    stream.seek(0)
    found = []
    while (value := read_frame(stream)) is not None:
        found.append(value)
    return found


def _closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[Writer]:
    writer = Writer()
    writer.handle("open", [str(tmp_path / "w.db"), 5.0])
    writer.handle("run", [[("CREATE TABLE t (a INTEGER, b TEXT)", (), False)]])
    yield writer
    writer.close()


# --- frames ------------------------------------------------------------------------------


def test_a_frame_is_an_8_byte_big_endian_length_then_the_marshal_body() -> None:
    stream = io.BytesIO()
    write_frame(stream, ("query", "SELECT ?", (1,)))
    body = marshal.dumps(("query", "SELECT ?", (1,)))
    assert stream.getvalue() == len(body).to_bytes(8, "big") + body


def test_a_frame_is_flushed_through_a_buffered_stream() -> None:
    raw = io.BytesIO()
    buffered = io.BufferedWriter(raw, buffer_size=1 << 16)
    write_frame(buffered, ("ok", [(1, "x")]))
    assert read_frame(io.BytesIO(raw.getvalue())) == ("ok", [(1, "x")])


def test_read_frame_reads_exactly_one_frame_and_stops_at_any_cut() -> None:
    whole = _frames(("ok", 1), ("ok", 2)).getvalue()
    one = len(whole) // 2
    stream = io.BytesIO(whole)
    assert read_frame(stream) == ("ok", 1)
    assert stream.tell() == one  # nothing of the next frame was read
    assert read_frame(stream) == ("ok", 2)
    assert read_frame(stream) is None
    for cut in (0, 1, 7, 8, 9, one - 1):
        assert read_frame(io.BytesIO(whole[:cut])) is None, cut
    assert read_frame(io.BytesIO(whole[:one])) == ("ok", 1)  # exactly one whole frame


# --- flock -------------------------------------------------------------------------------


def test_try_flock_creates_the_lock_file_private_and_holds_it(tmp_path: Path) -> None:
    path = str(tmp_path / "lock")
    old = os.umask(0)
    try:
        fd = try_flock(path)
    finally:
        os.umask(old)
    assert fd is not None
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert os.fstat(fd).st_ino == os.stat(path).st_ino
        assert try_flock(path) is None  # held, so another open file cannot take it
        other = os.open(path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_SH | fcntl.LOCK_NB)  # exclusive, not shared
        finally:
            os.close(other)
    finally:
        release_flock(fd)
    assert _closed(fd)
    again = try_flock(path)  # released
    assert again is not None
    release_flock(again)


def test_try_flock_closes_its_descriptor_when_the_lock_is_held(tmp_path: Path) -> None:
    path = str(tmp_path / "lock")
    held = try_flock(path)
    assert held is not None
    try:
        before = set(os.listdir("/proc/self/fd"))
        assert try_flock(path) is None
        assert set(os.listdir("/proc/self/fd")) == before
    finally:
        release_flock(held)


def test_try_flock_closes_its_descriptor_and_raises_other_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(fd: int, operation: int) -> None:
        raise OSError(5, "flock refused")

    monkeypatch.setattr(fcntl, "flock", refuse)
    before = set(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError, match="flock refused"):
        try_flock(str(tmp_path / "lock"))
    assert set(os.listdir("/proc/self/fd")) == before


def test_release_flock_closes_the_descriptor_even_when_unlocking_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fd = try_flock(str(tmp_path / "lock"))
    assert fd is not None

    def refuse(fd: int, operation: int) -> None:
        raise OSError(5, "unlock refused")

    monkeypatch.setattr(fcntl, "flock", refuse)
    with pytest.raises(OSError, match="unlock refused"):
        release_flock(fd)
    assert _closed(fd)


# --- the writing connection ------------------------------------------------------------------


def test_the_writing_connection_is_autocommit_wal_full_sync_with_the_busy_timeout(
    tmp_path: Path,
) -> None:
    conn = open_writer_connection(str(tmp_path / "w.db"), 0.25)
    try:
        assert conn.isolation_level is None
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (250,)
        conn.execute("CREATE TABLE t (a)")
        conn.execute("INSERT INTO t VALUES (1)")
        assert not conn.in_transaction  # autocommit: nothing left open
    finally:
        conn.close()


# --- Writer ------------------------------------------------------------------------------


def test_a_writer_without_a_connection_says_so() -> None:
    writer = Writer()
    assert writer.conn is None and writer.lock_fd is None
    for op, args in (("query", ["SELECT 1", ()]), ("run", [[("SELECT 1", (), False)]])):
        with pytest.raises(sqlite3.ProgrammingError, match=r"^the writer has no open connection$"):
            writer.handle(op, args)
    assert writer.handle("rollback", []) is None  # nothing to roll back
    writer.close()


def test_open_query_and_run_in_order_with_executemany(writer: Writer, tmp_path: Path) -> None:
    assert writer.conn is not None
    assert writer.conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    steps = [
        ("INSERT INTO t VALUES (?, ?)", (1, "one"), False),
        ("INSERT INTO t VALUES (?, ?)", [(2, "two"), (3, "three")], True),
        ("UPDATE t SET b = b || '!' WHERE a < ?", (3,), False),  # after the inserts
    ]
    assert writer.handle("run", [steps]) is None
    rows = writer.handle("query", ["SELECT a, b FROM t WHERE a >= ? ORDER BY a", (1,)])
    assert rows == [(1, "one!"), (2, "two!"), (3, "three")]
    reader = sqlite3.connect(tmp_path / "w.db")
    try:
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (3,)  # committed
    finally:
        reader.close()


def test_rollback_ends_the_open_transaction_and_is_a_no_op_without_one(writer: Writer) -> None:
    assert writer.handle("rollback", []) is None  # none open
    writer.handle(
        "run", [[("BEGIN IMMEDIATE", (), False), ("INSERT INTO t VALUES (1, 'x')", (), False)]]
    )
    assert writer.conn is not None and writer.conn.in_transaction
    assert writer.handle("rollback", []) is None
    assert not writer.conn.in_transaction
    assert writer.handle("query", ["SELECT count(*) FROM t", ()]) == [(0,)]


def test_lock_is_not_reentrant_and_unlock_releases_it(writer: Writer, tmp_path: Path) -> None:
    path = str(tmp_path / "w.db.sync-lock")
    assert writer.handle("lock", [path]) is True
    held = writer.lock_fd
    assert held is not None
    assert writer.handle("lock", [path]) is False  # a second lock of the same writer waits
    assert writer.lock_fd == held and not _closed(held)  # and keeps the first
    other = Writer()
    assert other.handle("lock", [path]) is False  # another holder waits
    assert other.lock_fd is None
    assert writer.handle("unlock", []) is None
    assert writer.lock_fd is None and _closed(held)
    assert other.handle("lock", [path]) is True
    other.close()
    assert other.lock_fd is None
    assert writer.handle("unlock", []) is None  # not held: nothing to do


def test_an_unknown_op_is_refused_by_name(writer: Writer) -> None:
    with pytest.raises(ValueError, match=r"^unknown op 'drop'$"):
        writer.handle("drop", [])


def test_close_rolls_back_closes_and_releases_the_lock(writer: Writer, tmp_path: Path) -> None:
    path = str(tmp_path / "w.db.sync-lock")
    assert writer.handle("lock", [path]) is True
    writer.handle(
        "run", [[("BEGIN IMMEDIATE", (), False), ("INSERT INTO t VALUES (1, 'x')", (), False)]]
    )
    conn = writer.conn
    writer.close()
    assert writer.conn is None and writer.lock_fd is None
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")  # type: ignore[union-attr]
    fd = try_flock(path)
    assert fd is not None
    release_flock(fd)
    reader = sqlite3.connect(tmp_path / "w.db")
    try:
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)  # rolled back
    finally:
        reader.close()


def test_close_releases_the_lock_even_when_closing_the_connection_fails(
    tmp_path: Path,
) -> None:
    class Failing:
        def close(self) -> None:
            raise sqlite3.OperationalError("close failed")

    writer = Writer(Failing())  # type: ignore[arg-type]
    path = str(tmp_path / "lock")
    assert writer.handle("lock", [path]) is True
    with pytest.raises(sqlite3.OperationalError, match="close failed"):
        writer.close()
    assert writer.conn is None and writer.lock_fd is None
    fd = try_flock(path)
    assert fd is not None
    release_flock(fd)


# --- serve -------------------------------------------------------------------------------


def test_serve_answers_each_request_in_order_then_cleans_up_at_the_end(tmp_path: Path) -> None:
    db, lock = str(tmp_path / "s.db"), str(tmp_path / "s.db.sync-lock")
    requests = _frames(
        ("open", db, 2.0),
        ("run", [("CREATE TABLE t (a)", (), False)]),
        ("lock", lock),
        ("run", [("BEGIN IMMEDIATE", (), False), ("INSERT INTO t VALUES (?)", [(1,), (2,)], True)]),
        ("query", "SELECT sum(a) FROM t", ()),
        ("query", "SELECT nope FROM t", ()),
        ("nothing",),
        ("query", "SELECT count(*) FROM t", []),
    )
    replies = io.BytesIO()
    serve(requests, replies)
    assert _replies(replies) == [
        ("ok", None),
        ("ok", None),
        ("ok", True),
        ("ok", None),
        ("ok", [(3,)]),
        ("OperationalError", "no such column: nope"),
        ("ValueError", "unknown op 'nothing'"),
        ("ok", [(2,)]),  # a refused request does not end the writer
    ]
    fd = try_flock(lock)  # the end of the requests released the lock
    assert fd is not None
    release_flock(fd)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)  # and rolled back
    finally:
        conn.close()


class _Gone(io.BytesIO):
    """A reply stream whose reader has gone away."""

    def __init__(self, error: type[Exception]) -> None:
        super().__init__()
        self.error = error

    def write(self, data: Any) -> int:
        raise self.error("the parent is gone")


@pytest.mark.parametrize("error", [BrokenPipeError, ValueError])
def test_serve_stops_when_the_parent_is_gone_and_releases_the_lock(
    tmp_path: Path, error: type[Exception]
) -> None:
    lock = str(tmp_path / "s.db.sync-lock")
    requests = _frames(("lock", lock), ("open", str(tmp_path / "s.db"), 2.0))
    serve(requests, _Gone(error))  # returns, without raising
    assert read_frame(requests) == ("open", str(tmp_path / "s.db"), 2.0)  # never read
    fd = try_flock(lock)
    assert fd is not None
    release_flock(fd)


def test_serve_ends_at_once_on_an_empty_stream() -> None:
    replies = io.BytesIO()
    serve(io.BytesIO(), replies)
    assert replies.getvalue() == b""


# --- main (the child's entry point; runs in a process of its own) -----------------------------


_NOISY_CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("sqlite_writer", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
serve = module.serve
def noisy(requests, replies):
    print("noise on stdout", flush=True)
    serve(requests, replies)
module.serve = noisy
module.main()
"""


def test_main_keeps_stdout_for_the_replies_and_sends_prints_to_stderr() -> None:
    script = sqlite_writer.__file__
    requests = _frames(("query", "SELECT 1", ())).getvalue()
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _NOISY_CHILD, script],
        input=requests,
        capture_output=True,
        timeout=30,
        check=True,
    )
    replies = io.BytesIO(done.stdout)
    assert _replies(replies) == [("ProgrammingError", "the writer has no open connection")]
    assert done.stdout == replies.getvalue()
    assert b"noise on stdout" in done.stderr


# --- the WAL checkpoint after a commit, in the writer's checkpoint thread -----------------


def _big_commit() -> list[Any]:
    rows = [(n, "x" * 200) for n in range(3000)]
    return [
        ("BEGIN IMMEDIATE", (), False),
        ("INSERT INTO t VALUES (?, ?)", rows, True),
        ("COMMIT", (), False),
    ]


def _grows(db: Path, beyond: int) -> bool:
    deadline = time.monotonic() + 10
    while db.stat().st_size <= beyond:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_commit_is_checkpointed_by_the_checkpoint_thread(writer: Writer, tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    checkpointer = writer.checkpointer
    assert checkpointer is not None
    assert writer._db().execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)  # not in COMMIT
    before = db.stat().st_size
    writer.handle("run", [_big_commit()[:2]])
    assert checkpointer.done == 0  # nothing committed: nothing asked
    writer.handle("run", [_big_commit()[2:]])
    assert _grows(db, before + 3000 * 200)  # the pages went back into the database file
    writer.close()
    assert checkpointer.done == 1 and writer.checkpointer is None
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (3000,)
    finally:
        conn.close()


def test_a_connection_the_writer_did_not_open_keeps_sqlites_own_checkpoints(
    tmp_path: Path,
) -> None:
    conn = open_writer_connection(str(tmp_path / "own.db"), 5.0)
    writer = Writer(conn)
    try:
        writer.handle("run", [[("CREATE TABLE t (a INTEGER, b TEXT)", (), False)]])
        writer.handle("run", [_big_commit()])
        assert writer.checkpointer is None
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    finally:
        writer.close()


def test_closing_waits_for_the_checkpoint_and_stops_its_thread(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    requests = _frames(
        ("open", str(db), 2.0),
        ("run", [("CREATE TABLE t (a INTEGER, b TEXT)", (), False)]),
        ("run", _big_commit()),
    )
    replies = io.BytesIO()
    serve(requests, replies)  # the end of the requests closes the writer
    assert _replies(replies) == [("ok", None)] * 3
    assert db.stat().st_size > 3000 * 200  # checkpointed before the writer ended
    assert "checkpoint" not in {thread.name for thread in threading.enumerate()}
