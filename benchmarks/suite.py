"""The issue-11 benchmark suite: which parts ``python -m benchmarks`` runs, and how.

Each part is a module of this folder with ``main(argv)`` taking ``--quick`` and
``--json FILE``; it prints its own table and writes its figures (ratios against a
baseline measured in the same run) to that file. The suite runs every part (or those
named by ``--only``) one after another, each in its own Python process so that one
part's memory and threads never touch the next one's figures, and writes
``DIR/<part>.json`` for each plus ``DIR/suite.json`` naming them all.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["PARTS", "main"]

#: part name → module (``python -m benchmarks.<module>``). Add a part with one line.
PARTS: dict[str, str] = {
    "parse": "bench_parse",
    "poll": "bench_poll",
    "calls": "bench_calls",
    "cache": "bench_cache",
    "download": "bench_backup",
    "month": "bench_month",
    "store": "bench_store",
}


def _run_part(name: str, quick: bool, out: Path) -> dict[str, object]:
    target = out / f"{name}.json"
    argv = [sys.executable, "-m", f"benchmarks.{PARTS[name]}", "--json", str(target)]
    if quick:
        argv.append("--quick")
    started, cpu = time.monotonic(), _children_cpu()
    done = subprocess.run(argv, check=False)
    return {
        "module": f"benchmarks.{PARTS[name]}",
        "json": str(target),
        "returncode": done.returncode,
        "seconds": round(time.monotonic() - started, 1),
        # the part and every process it waited for (simulators, workers): what a busy
        # machine stretches the seconds from
        "cpu_seconds": round(_children_cpu() - cpu, 1),
        "load_average_after": round(os.getloadavg()[0], 2),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m benchmarks [--quick] [--only a,b] [--out DIR]``."""
    parser = argparse.ArgumentParser(description="Run the benchmark suite (issue 11).")
    parser.add_argument("--quick", action="store_true", help="everything small, about a minute")
    parser.add_argument("--only", default="", help=f"comma-separated parts of {sorted(PARTS)}")
    parser.add_argument("--out", default="benchmarks/results", help="folder for the JSON files")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(PARTS)
    unknown = sorted(set(names) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts {unknown}; known: {sorted(PARTS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    load_before = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    runs = {name: _run_part(name, args.quick, out) for name in names}
    seconds = round(time.monotonic() - started, 1)
    command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    summary = {
        "command": command.strip(),
        "quick": args.quick,
        "seconds": seconds,
        "load_average_before": load_before,
        "parts": runs,
    }
    (out / "suite.json").write_text(json.dumps(summary, indent=2))
    failed = [n for n, run in runs.items() if run["returncode"] != 0]
    print(f"\n{command.strip()}: {len(runs) - len(failed)}/{len(runs)} parts ran; figures in {out}")
    times = ", ".join(f"{n} {r['seconds']} s (CPU {r['cpu_seconds']} s)" for n, r in runs.items())
    print(f"{seconds} s in all (load average {load_before} before): {times}")
    if failed:
        print(f"failed parts: {failed}", file=sys.stderr)
        return 1
    return 0
