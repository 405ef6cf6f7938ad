"""The benchmarks start the simulator in its own process and read its URL from what
``bomgar-async serve`` prints: if the CLI's wording changes, this test notices."""

from __future__ import annotations

import signal
import urllib.request

from benchmarks.serve import start_simulator


def test_the_benchmarks_find_the_simulators_url() -> None:
    server, url = start_simulator("--seed", "2")
    try:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/api/command.ns", timeout=10) as answer:  # noqa: S310
            assert b"<error" in answer.read()  # no credentials: the appliance's <error>
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
