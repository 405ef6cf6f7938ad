"""``python -m benchmarks [--quick] [--only parts] [--out DIR]``: the benchmark suite
(:mod:`benchmarks.suite` lists its parts)."""

from __future__ import annotations

import sys

from benchmarks.suite import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
