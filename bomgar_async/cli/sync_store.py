"""``bomgar-async sync --to sqlite:///path`` or ``--to postgresql://...``: the sessions into a
session store (:mod:`bomgar_async.store`), exactly once.

Each batch's sessions and its checkpoint are written in one transaction by the store, so a
run killed at any point resumes from the stored checkpoint and repeats nothing. Both
products sync into the same database (told apart by its ``product`` column; checkpoints
``rs`` and ``pra``). The URL's password is never shown: the summary names the target with
:func:`redact_url`, and an error that would quote it is replaced by one that does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from ..store import PostgresSessionStore, SessionStore, SQLiteSessionStore, SyncProgress
from ..store.errors import BomgarStoreError
from .exits import CLIError

if TYPE_CHECKING:
    from ..client import BomgarClient
    from .sync import OnBatch, SyncOptions, SyncSummary

__all__ = ["StoreTarget", "open_store", "redact_url"]

STORE_SCHEMES = ("sqlite", "postgresql", "postgres")


def _secrets(url: str) -> tuple[str, ...]:
    """The passwords in ``url`` (in its user part or a ``password=`` parameter), as written
    and decoded."""
    parts = urlsplit(url)
    found = [parts.password or ""]
    found += [value for key, value in parse_qsl(parts.query) if key.lower() == "password"]
    found += [unquote(text) for text in found]
    return tuple(sorted({text for text in found if text}, key=len, reverse=True))


def redact_url(url: str) -> str:
    """``url`` with its passwords (user part, ``password=`` parameter) replaced by ``***``."""
    if not _secrets(url):
        return url
    parts = urlsplit(url)
    if parts.password is not None:
        user, _, host = parts.netloc.rpartition("@")
        parts = parts._replace(netloc=f"{user.partition(':')[0]}:***@{host}")
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        hidden = [(k, "***" if k.lower() == "password" else v) for k, v in pairs]
        parts = parts._replace(query=urlencode(hidden, safe="*"))
    return urlunsplit(parts)


def open_store(url: str) -> StoreTarget:
    """The store ``url`` names: ``sqlite:///path`` or ``postgresql://`` / ``postgres://``.

    Raises:
        CLIError: an SQLite URL without a path, or PostgreSQL without asyncpg installed.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    shown = redact_url(url)
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path or path.endswith("/"):
            raise CLIError(
                f"--to {shown}: name a file, e.g. sqlite:///sessions.db (relative) or "
                "sqlite:////var/lib/sessions.db (absolute)"
            )
        # sqlite:///sessions.db -> "sessions.db"; sqlite:////abs/x.db -> "/abs/x.db"
        return StoreTarget(SQLiteSessionStore(path[1:]), shown)
    try:
        import asyncpg  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise CLIError(
            f"--to {scheme}://...: PostgreSQL needs asyncpg: pip install 'bomgar_async[postgres]'"
        ) from None
    return StoreTarget(PostgresSessionStore(url), shown, secrets=_secrets(url))


class StoreTarget:
    """Sessions into ``store`` (opened and closed by each run, so ``--follow`` reopens it).

    Args:
        store: an unopened session store.
        shown: how the summary names the target (no password in it).
        secrets: passwords that no error may repeat.
    """

    def __init__(
        self, store: SessionStore, shown: str | None = None, *, secrets: tuple[str, ...] = ()
    ) -> None:
        self.store = store
        self.shown = shown if shown is not None else repr(store)
        self._secrets = secrets

    async def run(self, bg: BomgarClient, options: SyncOptions, on_batch: OnBatch) -> SyncSummary:
        """Run one store sync to the present; ``on_batch`` gets each batch's new sessions."""
        from .sync import SyncSummary, session_sync

        done = 0

        def progress(state: SyncProgress) -> None:
            nonlocal done
            on_batch(state.sessions - done)
            done = state.sessions

        try:
            async with self.store:
                result = await self.store.sync(
                    session_sync(bg, options), catch_up=options.catch_up, progress=progress
                )
        except Exception as err:
            if any(secret in str(err) for secret in self._secrets):
                raise BomgarStoreError(
                    f"the session store failed ({type(err).__name__}; details withheld: "
                    "they quote the URL's password)"
                ) from None
            raise
        checkpoint = result.checkpoint
        return SyncSummary(
            target=self.shown,
            product=options.product,
            batches=result.batches,
            sessions=result.sessions,
            cursor=checkpoint.cursor if checkpoint is not None else None,
        )
