"""Fixtures shared by every test directory: a real Redis server for the ``RedisCache`` tests
and a real PostgreSQL server for the ``PostgresSessionStore`` tests.

``redis_url`` is ``$REDIS_URL`` when set; otherwise a throw-away ``redis-server`` (no
persistence) is started once per session on a free loopback port. Tests that need it are
skipped, saying why, when there is neither. ``redis_server_factory`` starts private servers
that a test may stop and restart (outages). ``prefix`` is a fresh key namespace per test and
``raw`` a plain redis-py client that deletes the keys under it afterwards. ``postgres_dsn`` is
``$DATABASE_URL`` or a throw-away cluster (``initdb`` + ``postgres`` as ``nobody`` when run as
root) on a free loopback port; ``postgres_db`` gives each test a fresh database on it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

NO_REDIS = (
    "no Redis server: set REDIS_URL or install redis-server (apt-get install redis-server); "
    ".ci/run installs it"
)


def free_port() -> int:
    """A TCP port nothing listens on at the moment, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """A ``redis-server`` child process on 127.0.0.1: no RDB snapshots, no AOF."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary = binary
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start it and wait until it answers PING."""
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += ["--loglevel", "warning", "--logfile", ""]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start (port {self.port} taken?)")
            if self._answers():
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not answer PING in time")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL) and reap the process."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _redis_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(NO_REDIS)
    return binary


def _check_answers(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as err:
        pytest.fail(f"REDIS_URL is set but Redis does not answer there: {err}", pytrace=False)
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a Redis server for this test session (see the module docstring)."""
    pytest.importorskip("redis", reason="redis-py is missing: pip install 'bomgar_async[redis]'")
    configured = os.environ.get("REDIS_URL")
    if configured:
        _check_answers(configured)
        yield configured
        return
    server = RedisServer(_redis_binary())
    for _attempt in range(3):  # another process may grab the free port first
        try:
            server.start()
            break
        except RuntimeError:
            server = RedisServer(server.binary)
    else:
        pytest.fail("could not start redis-server")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_server_factory() -> Iterator[Callable[[int | None], RedisServer]]:
    """``start(port=None)``: a new private, started ``redis-server``; all stopped afterwards."""
    pytest.importorskip("redis", reason="redis-py is missing: pip install 'bomgar_async[redis]'")
    binary = _redis_binary()
    servers: list[RedisServer] = []

    def start(port: int | None = None) -> RedisServer:
        server = RedisServer(binary, port)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def prefix() -> str:
    """A Redis key namespace of this test's own."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def raw(redis_url: str, prefix: str) -> AsyncIterator[Any]:
    """A plain redis-py client; deletes every key of the test's prefix afterwards."""
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    names = [name async for name in client.scan_iter(match=f"{prefix}*")]
    if names:
        await client.delete(*names)
    await client.aclose()


# -- PostgreSQL ------------------------------------------------------------------------------

NO_POSTGRES = (
    "no PostgreSQL: set DATABASE_URL or install the server (apt-get install postgresql); "
    ".ci/run installs it"
)


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    return None


class PostgresServer:
    """A throw-away PostgreSQL cluster (``initdb`` + ``postgres``) on 127.0.0.1, run as an
    unprivileged user (``nobody`` when the tests run as root: the server refuses root)."""

    def __init__(self, initdb: str, postgres: str, root: Path) -> None:
        self.initdb, self.postgres, self.root = initdb, postgres, root
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._as: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root without runuser to drop privileges")
            self._as = [runuser, "-u", "nobody", "--"]

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 30.0) -> PostgresServer:
        data = self.root / "data"
        subprocess.run(
            # -N: no fsync of the new files (a throw-away cluster; about 2 s saved)
            [*self._as, self.initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-N"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
        command = [*self._as, self.postgres, "-D", str(data), "-p", str(self.port)]
        command += [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.root}",
        ]
        command += ["-c", "fsync=off", "-c", "max_connections=200"]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"postgres exited at start (port {self.port} taken?)")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    time.sleep(0.3)  # accepting TCP comes just before accepting logins
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("postgres did not start in time")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()  # SIGTERM: smart shutdown; the cluster is thrown away anyway
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def postgres_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The DSN of a PostgreSQL server for this test session: ``$DATABASE_URL``, or a
    throw-away cluster started here (skipped, saying why, when there is neither)."""
    pytest.importorskip(
        "asyncpg", reason="asyncpg is missing: pip install 'bomgar_async[postgres]'"
    )
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    if initdb is None or postgres is None:
        pytest.skip(NO_POSTGRES)
    root = Path(tempfile.mkdtemp(prefix="bomgar-pg-"))
    server = None
    try:
        os.chmod(root, 0o755)  # noqa: S103 - the unprivileged server user must reach it
        for attempt in range(3):  # another process may grab the free port first
            try:
                server = PostgresServer(initdb, postgres, root / f"cluster{attempt}")
            except RuntimeError as err:
                pytest.skip(f"{NO_POSTGRES} ({err})")
            server.root.mkdir()
            if os.geteuid() == 0:
                os.chown(server.root, 65534, 65534)
            try:
                server.start()
                break
            except RuntimeError:
                server.stop()
        else:
            pytest.fail("could not start a PostgreSQL cluster")
        yield server.dsn
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
async def postgres_db(postgres_dsn: str) -> AsyncIterator[str]:
    """The DSN of a fresh, empty database on the test session's server (dropped after)."""
    import asyncpg

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield postgres_dsn.rsplit("/", 1)[0] + f"/{name}"
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
