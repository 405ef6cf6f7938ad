"""Temp files beside a destination: which leftovers a sweep removes, which it keeps, and the
Windows rule (no ``flock``: a file untouched for a day is stale)."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from bomgar_async._http import tempfiles
from bomgar_async._http.tempfiles import create_locked, sweep_stale


def leave(folder: Path, name: str, age: float = 0.0) -> Path:
    path = folder / name
    path.write_bytes(b"left behind")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


STALE = [".backup.nsb.k2j4h5g6.part", ".a.abcd_123.part", ".r.e.c.00000000.part"]
KEPT = [
    "backup.nsb.k2j4h5g6.part",  # not hidden: a user's file
    "..k2j4h5g6.part",  # no name before the random part
    ".backup.nsb.k2j4h5g.part",  # 7 random characters
    ".backup.nsb.k2j4h5g6x.part",  # 9
    ".backup.nsb.K2J4H5G6.part",  # mkstemp never uses capitals
    ".backup.nsb.k2j4-5g6.part",
    ".backup.nsb.k2j4h5g6xpart",  # the suffix's dot is a dot
    ".backup.nsb.k2j4h5g6.tmp",  # another suffix
    ".backup.nsb.k2j4h5g6.part.old",
    ".notes.txt",
]


def test_a_sweep_removes_exactly_the_unlocked_files_of_the_pattern(tmp_path: Path) -> None:
    for name in STALE + KEPT:
        leave(tmp_path, name)
    (tmp_path / ".dir.abcdefgh.part").mkdir()
    os.symlink(tmp_path / KEPT[0], tmp_path / ".link.abcdefgh.part")

    assert sweep_stale(tmp_path, ".part") == len(STALE)

    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([*KEPT, ".dir.abcdefgh.part", ".link.abcdefgh.part"])
    assert sweep_stale(tmp_path, ".part") == 0


def test_a_sweep_of_another_suffix_leaves_part_files(tmp_path: Path) -> None:
    part = leave(tmp_path, ".sync.ckpt.a1b2c3d4.part")
    tmp = leave(tmp_path, ".sync.ckpt.a1b2c3d4.tmp")
    assert sweep_stale(tmp_path, ".tmp") == 1
    assert part.exists()
    assert not tmp.exists()


def test_a_sweep_of_a_missing_folder_removes_nothing(tmp_path: Path) -> None:
    assert sweep_stale(tmp_path / "gone", ".part") == 0


def test_a_file_being_written_is_kept_until_its_writer_closes_it(tmp_path: Path) -> None:
    fd, path = create_locked(tmp_path / "backup.nsb", ".part")
    try:
        assert path.parent == tmp_path
        assert path.name.startswith(".backup.nsb.")
        assert path.name.endswith(".part")
        assert len(path.name) == len(".backup.nsb.") + 8 + len(".part")
        with pytest.raises(BlockingIOError):  # locked: another writer cannot take it
            other = os.open(path, os.O_RDONLY)
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(other)
        assert sweep_stale(tmp_path, ".part") == 0
        assert path.exists()
        assert os.write(fd, b"data") == 4
    finally:
        os.close(fd)
    assert sweep_stale(tmp_path, ".part") == 1
    assert not path.exists()


def test_a_sweep_leaves_no_file_descriptor_open(tmp_path: Path) -> None:
    for name in STALE:
        leave(tmp_path, name)
    live_fd, _live = create_locked(tmp_path / "other.nsb", ".part")
    try:
        before = len(os.listdir("/proc/self/fd"))
        assert sweep_stale(tmp_path, ".part") == len(STALE)
        assert len(os.listdir("/proc/self/fd")) == before
    finally:
        os.close(live_fd)


@pytest.mark.parametrize(
    ("age_hours", "removed"), [(0, False), (23, False), (24.1, True), (72, True)]
)
def test_without_flock_a_file_untouched_for_a_day_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, age_hours: float, removed: bool
) -> None:
    monkeypatch.setattr(tempfiles, "fcntl", None)  # as on Windows
    path = leave(tmp_path, ".rec.flv.abcdefgh.part", age=age_hours * 3600)
    assert sweep_stale(tmp_path, ".part") == int(removed)
    assert path.exists() is not removed


def test_without_flock_a_new_temp_file_is_created_unlocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfiles, "fcntl", None)
    fd, path = create_locked(tmp_path / "rec.flv", ".part")
    try:
        other = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no lock was taken
        finally:
            os.close(other)
        assert sweep_stale(tmp_path, ".part") == 0  # fresh: kept by its age
    finally:
        os.close(fd)


def test_a_file_gone_during_the_sweep_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in STALE:
        leave(tmp_path, name)
    real_scandir = os.scandir

    def scandir(folder: Path) -> list[os.DirEntry[str]]:
        entries = sorted(real_scandir(folder), key=lambda e: e.name)
        (tmp_path / entries[0].name).unlink()  # removed by someone else meanwhile
        return entries

    monkeypatch.setattr(os, "scandir", scandir)
    assert sweep_stale(tmp_path, ".part") == len(STALE) - 1
    assert list(tmp_path.iterdir()) == []
