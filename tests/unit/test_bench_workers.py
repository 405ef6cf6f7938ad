"""The benchmarks' worker processes (``benchmarks/workers.py``): a new one per run, or one
kept per variant; a worker that dies is an error naming it, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.workers import Workers

pytestmark = pytest.mark.timeout(120)

XML = b"<session_list><session lsid='a'/><session lsid='b'/></session_list>"


@pytest.mark.parametrize("fresh", [True, False])
def test_runs_are_answered_by_workers(tmp_path: Path, fresh: bool) -> None:
    path = tmp_path / "report.xml"
    path.write_bytes(XML)
    with Workers("benchmarks.bench_parse", fresh=fresh) as workers:
        workers.start({"expat-floor": [], "xmltodict": []})
        runs = [
            workers.run(variant, [], [variant, str(path)])
            for _ in range(2)
            for variant in ("expat-floor", "xmltodict")
        ]
    assert [run["items"] for run in runs] == [3, 2, 3, 2]  # elements ended; sessions
    for run in runs:
        assert run["seconds"] > 0
        assert run["peak_rss_mb"] >= run["rss_before_mb"] > 0


def test_a_worker_that_dies_is_an_error(tmp_path: Path) -> None:
    with (
        Workers("benchmarks.bench_parse", fresh=False) as workers,
        pytest.raises(RuntimeError, match="bench_parse worker stopped"),
    ):
        workers.run("nope", [], ["no-such-variant", str(tmp_path / "missing.xml")])
