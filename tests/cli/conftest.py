"""Fixtures for the command-line tests: a started simulator, the environment pointing the
CLI at it, and ``invoke`` (``main(argv)`` run in a worker thread, stdout/stderr captured)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import attrs
import pytest
import pytest_asyncio

from bomgar_async.cli.main import main
from bomgar_async.simulator import Simulator

ROOT = Path(__file__).resolve().parents[2]


@attrs.frozen
class Result:
    """What one run of the command line did."""

    code: int
    out: str
    err: str


Invoke = Callable[..., Awaitable[Result]]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A started simulator (seed 1)."""
    async with Simulator(seed=1) as simulator:
        yield simulator


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[Simulator], None]:
    """Point the command line at a simulator through BOMGAR_* variables."""

    def configure(simulator: Simulator, password: str = "s3cret-admin") -> None:
        for name in list(os.environ):
            if name.startswith("BOMGAR_"):
                monkeypatch.delenv(name)
        monkeypatch.setenv("BOMGAR_HOST", simulator.url)
        monkeypatch.setenv("BOMGAR_USERNAME", "admin")
        monkeypatch.setenv("BOMGAR_PASSWORD", password)
        monkeypatch.setenv("BOMGAR_ALLOW_HTTP", "1")

    return configure


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str]) -> Invoke:
    """Run ``main(argv)`` in a worker thread (it runs its own event loop) while the test's
    loop keeps serving the simulator; returns the exit code and the captured output."""

    async def run(*argv: str) -> Result:
        capsys.readouterr()
        code = await asyncio.to_thread(main, list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def subprocess_env(simulator: Simulator | None = None, **extra: str) -> dict[str, str]:
    """The environment for a ``python -m bomgar_async`` child."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOMGAR_")}
    env["PYTHONPATH"] = str(ROOT)
    if simulator is not None:
        env.update(
            BOMGAR_HOST=simulator.url,
            BOMGAR_USERNAME="admin",
            BOMGAR_PASSWORD="s3cret-admin",
            BOMGAR_ALLOW_HTTP="1",
        )
    env.update(extra)
    return env


async def run_child(
    argv: Sequence[str], env: dict[str, str], timeout: float = 50
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bomgar_async ARGV`` without blocking the test's event loop."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bomgar_async", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
