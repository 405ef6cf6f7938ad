"""The simulated appliance in its own process for the benchmarks (``bomgar-async serve``)."""

from __future__ import annotations

import re
import subprocess
import sys

__all__ = ["start_simulator"]

_URL = re.compile(r"https?://127\.0\.0\.1:[0-9]+")


def start_simulator(*args: str, lines: int = 10) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m bomgar_async serve *args``; the process and the URL it printed.

    ``serve`` prints a sentence naming its URL (and an ``export`` line); the URL is taken
    from the first of ``lines`` lines that holds one.
    """
    server = subprocess.Popen(
        [sys.executable, "-m", "bomgar_async", "serve", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    seen: list[str] = []
    for _ in range(lines):
        line = server.stdout.readline()
        seen.append(line)
        found = _URL.search(line)
        if found:
            return server, found.group(0)
    server.terminate()
    server.wait(timeout=10)
    raise RuntimeError(f"bomgar-async serve printed no URL: {seen!r}")
