"""Measurement runs in worker processes (for parts that report each run's peak RSS).

A worker is ``python -m <part module> --serve``: it imports what its runs need, says it is
ready, then reads one JSON request per line on stdin (the arguments of the part's run
function), runs it and writes one JSON answer per line on stdout, until stdin closes.

:class:`Workers` gives each run a worker. ``fresh=True`` (the full runs) starts a new worker
for every run: each run is cold and its peak RSS is its own. ``fresh=False`` (``--quick``)
keeps one worker per key (a variant) for all its runs: the start-up (the interpreter and the
imports, about half a second of CPU) is paid once instead of once per run, and ``ru_maxrss``
then reads the largest of that variant's runs, which is the figure the tables show. Workers
are started and ready (imports done) before a run is timed, so no run pays another's start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Workers", "serve"]

_READY = "ready"
ROOT = Path(__file__).resolve().parents[1]


def serve(run: Callable[..., dict[str, Any]]) -> None:
    """The worker's loop (``--serve``): ``run(*request)`` for each line of stdin."""
    print(_READY, flush=True)
    for line in sys.stdin:
        print(json.dumps(run(*json.loads(line))), flush=True)


class _Worker:
    def __init__(self, module: str, args: Iterable[str]) -> None:
        self._module = module
        self._process = subprocess.Popen(
            [sys.executable, "-m", module, "--serve", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self._ready = False

    def _line(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait(timeout=60)
            raise RuntimeError(f"the {self._module} worker stopped (exit {code})")
        return line

    def wait_ready(self) -> None:
        if not self._ready:
            if self._line().strip() != _READY:
                raise RuntimeError(f"the {self._module} worker did not start")
            self._ready = True

    def ask(self, request: list[Any]) -> dict[str, Any]:
        self.wait_ready()
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return json.loads(self._line())  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            if self._process.stdin is not None:
                self._process.stdin.close()  # the worker's loop ends
        except BrokenPipeError:
            pass  # it has stopped already
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


class Workers:
    """Workers of ``module`` (``python -m module --serve ARGS``): a new one per run when
    ``fresh``, else one per key, started together by :meth:`start`."""

    def __init__(self, module: str, *, fresh: bool) -> None:
        self._module, self._fresh = module, fresh
        self._kept: dict[str, _Worker] = {}

    def start(self, keys: dict[str, list[str]]) -> None:
        """Unless fresh: start a worker per key (with its ``--serve`` arguments), all at once,
        and wait until every one is ready."""
        if self._fresh:
            return
        for key, args in keys.items():
            if key not in self._kept:
                self._kept[key] = _Worker(self._module, args)
        for worker in self._kept.values():
            worker.wait_ready()

    def run(self, key: str, args: list[str], request: list[Any]) -> dict[str, Any]:
        """``request`` answered by ``key``'s worker (a new one when fresh)."""
        if not self._fresh:
            self.start({key: args})
            return self._kept[key].ask(request)
        worker = _Worker(self._module, args)
        try:
            return worker.ask(request)
        finally:
            worker.close()

    def close(self) -> None:
        """Stop the kept workers."""
        kept, self._kept = self._kept, {}
        for worker in kept.values():
            worker.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
