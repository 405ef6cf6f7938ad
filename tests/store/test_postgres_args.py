"""PostgresSessionStore's arguments are checked before any connection, and its repr never
shows the DSN (which may hold a password). No server needed."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bomgar_async.errors import BomgarConfigError, BomgarValidationError
from bomgar_async.store import BomgarStoreError, PostgresSessionStore

SECRET_DSN = "postgresql://rep:s3cret-pw@db.example:5432/bomgar"


@pytest.mark.parametrize("dsn", [SECRET_DSN, "postgres://rep@db.example/bomgar", "postgresql://"])
def test_both_url_schemes_are_accepted(dsn: str) -> None:
    store = PostgresSessionStore(dsn)
    assert store.pool_size == 4


@pytest.mark.parametrize(
    "dsn",
    [
        "",
        "mysql://db/x",
        "POSTGRESQL://db/x",
        " postgresql://db/x",
        "db.example",
        b"postgresql://",
        None,
    ],
)
def test_anything_else_is_refused_by_name(dsn: object) -> None:
    with pytest.raises(BomgarValidationError) as info:
        PostgresSessionStore(dsn)  # type: ignore[arg-type]
    assert str(info.value) == "dsn must be a postgresql:// URL"


@pytest.mark.parametrize("size", [2, 3, 50])
def test_a_pool_of_two_or_more(size: int) -> None:
    assert PostgresSessionStore(SECRET_DSN, pool_size=size).pool_size == size


@pytest.mark.parametrize("size", [1, 0, -4, True, 2.0, "4", None])
def test_a_smaller_or_non_integer_pool_is_refused(size: object) -> None:
    with pytest.raises(BomgarValidationError) as info:
        PostgresSessionStore(SECRET_DSN, pool_size=size)  # type: ignore[arg-type]
    assert str(info.value) == "pool_size must be an integer of at least 2"


def test_the_repr_names_the_class_and_hides_the_dsn() -> None:
    store = PostgresSessionStore(SECRET_DSN)
    assert repr(store) == "PostgresSessionStore(<dsn>)"
    assert "s3cret" not in repr(store) and "s3cret" not in str(store)


async def test_no_server_is_a_store_error_naming_the_failure_not_the_dsn() -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = PostgresSessionStore(f"postgresql://rep:s3cret-pw@127.0.0.1:{port}/bomgar")
    with pytest.raises(BomgarStoreError) as info:
        await asyncio.wait_for(store.open(), 20)
    assert str(info.value) == "cannot connect to PostgreSQL: ConnectionRefusedError"
    assert info.value.__cause__ is None and info.value.__suppress_context__


async def test_without_asyncpg_opening_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # import asyncpg raises ImportError
    with pytest.raises(BomgarConfigError) as info:
        await PostgresSessionStore(SECRET_DSN).open()
    assert str(info.value) == (
        "PostgresSessionStore needs asyncpg: pip install 'bomgar_async[postgres]'"
    )
