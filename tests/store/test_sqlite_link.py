"""The parent's side of the SQLite writer (``ProcessLink``): how the child is started, what a
failing start or a dying child reports, closing a child that does not end, and the pipe."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from bomgar_async import BomgarConfigError
from bomgar_async.store import BomgarStoreError, sqlite_link, sqlite_writer
from bomgar_async.store.sqlite_link import ProcessLink, _widen

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _link(tmp_path: Path) -> ProcessLink:
    return ProcessLink(str(tmp_path / "s.db"), 5.0)


def test_without_a_python_executable_the_error_names_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", "")
    with pytest.raises(
        BomgarConfigError,
        match=r"^no Python executable to start the SQLite writer process;"
        r" use SQLiteSessionStore\(\.\.\., write_process=False\)$",
    ):
        _link(tmp_path)


def test_a_writer_that_cannot_start_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with pytest.raises(
        BomgarStoreError, match=r"^could not start the SQLite writer process: \[Errno 2\] "
    ):
        _link(tmp_path)


def test_the_child_is_isolated_from_the_environment_and_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "struct.py").write_text("raise SystemExit(7)\n")  # the writer imports struct
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    link = _link(tmp_path)
    try:
        assert link.query("SELECT 40 + 2") == [(42,)]  # PYTHONPATH was ignored
        with open(f"/proc/{link._process.pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")[:-1]
        script = str(Path(sqlite_writer.__file__))
        assert argv == [os.fsencode(a) for a in (sys.executable, "-I", "-S", script)]
    finally:
        link.close()


def test_a_child_that_dies_on_a_request_is_a_store_error_with_its_exit_code_and_quiet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    link = _link(tmp_path)
    try:
        # a frame whose body is cut short: the child reads the next request's head as the
        # rest of it, cannot load it, and dies of the traceback (printed to its stderr)
        link._requests.write(sqlite_writer._HEADER.pack(5) + b"\xff")
        process = link._process
        process.poll = lambda: process.wait(10)  # type: ignore[method-assign]
        with pytest.raises(
            BomgarStoreError, match=r"^the SQLite writer process ended \(exit code 1\)$"
        ):
            link.query("SELECT 1")
    finally:
        link.close()
    assert capfd.readouterr().err == ""  # the child's stderr does not reach ours


@pytest.mark.timeout(30)
def test_close_kills_a_child_that_does_not_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_link, "_STOP_WAIT", 0.3)
    link = _link(tmp_path)
    os.kill(link._process.pid, signal.SIGSTOP)  # it cannot see the end of its requests
    started = time.monotonic()
    link.close()
    assert time.monotonic() - started < 5
    assert link._process.returncode == -signal.SIGKILL


def _pipe_max() -> int:
    return int(Path("/proc/sys/fs/pipe-max-size").read_text())


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="Linux pipes only")
def test_the_request_pipe_is_widened_to_1_mib(tmp_path: Path) -> None:
    if os.geteuid() != 0 and _pipe_max() < 1 << 20:
        pytest.skip("the system caps pipes below 1 MiB")
    read, write = os.pipe()
    try:
        _widen(write)
        assert fcntl.fcntl(write, fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        os.close(read)
        os.close(write)
    link = _link(tmp_path)
    try:
        assert fcntl.fcntl(link._requests.fileno(), fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        link.close()


def test_widening_what_is_not_a_pipe_is_silently_skipped(tmp_path: Path) -> None:
    with open(tmp_path / "f", "wb") as file:
        _widen(file.fileno())  # no error: a smaller pipe is fine too


def test_a_sqlite_error_in_the_child_is_the_same_sqlite_error_here(tmp_path: Path) -> None:
    link = _link(tmp_path)
    try:
        with pytest.raises(sqlite3.OperationalError, match=r"^no such table: nowhere$"):
            link.query("SELECT * FROM nowhere")
        assert link.query("SELECT ?", (3,)) == [(3,)]
    finally:
        link.close()


def test_a_writer_that_stops_answering_is_killed_after_the_reply_timeout(tmp_path: Path) -> None:
    link = ProcessLink(str(tmp_path / "w.db"), 2.0)
    try:
        assert link.reply_timeout == 2.0 + 120.0  # the busy timeout plus room for the work
        assert link.query("SELECT 1") == [(1,)]
        link.reply_timeout = 0.5
        os.kill(link._process.pid, signal.SIGSTOP)  # alive, never answering
        started = time.monotonic()
        with pytest.raises(
            BomgarStoreError, match=r"^the SQLite writer did not answer in 0.5 s \(stopped\)$"
        ):
            link.query("SELECT 2")
        assert time.monotonic() - started < 5
        assert link._process.wait(timeout=5) == -signal.SIGKILL
        link.rollback()  # nothing to roll back any more: no second error
    finally:
        link.close()
