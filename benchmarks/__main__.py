"""``python -m benchmarks [--quick]``: the benchmark suite (so far: parse speed and memory,
:mod:`benchmarks.bench_parse`; the other scripts in this folder run on their own)."""

from __future__ import annotations

import sys

from benchmarks import bench_parse

if __name__ == "__main__":
    bench_parse.main(sys.argv[1:])
