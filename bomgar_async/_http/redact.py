"""Keeping credentials out of URLs shown to people, log records and exception chains."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

from yarl import URL

from ..errors import BomgarAPIError

__all__ = [
    "RedactedError",
    "redact",
    "redact_bytes",
    "redact_error_in_place",
    "redact_error_text",
    "scrub_exception",
    "secret_forms",
]

MASK = "***"


def secret_forms(secret: str) -> tuple[str, ...]:
    """A secret as it may appear in text: raw, URL-encoded (``quote``, ``quote_plus`` and
    yarl's query encoding, which aiohttp puts in its error messages) and XML-escaped."""
    if not secret:
        return ()
    yarl_query = URL("http://h/").with_query({"s": secret}).raw_query_string[2:]
    found = (
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret, safe=""),
        quote_plus(secret),
        yarl_query,
        escape(secret),
        escape(secret, {'"': "&quot;", "'": "&apos;"}),
    )
    return tuple(dict.fromkeys(found))


def redact_bytes(body: bytes, secrets: Iterable[str]) -> bytes:
    """``body`` with every form of every secret (UTF-8) replaced by ``***`` (longest first)."""
    forms = sorted(
        {f.encode() for s in secrets if s for f in secret_forms(s)}, key=len, reverse=True
    )
    for form in forms:
        if form in body:
            body = body.replace(form, MASK.encode())
    return body


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ``***`` (longest first)."""
    forms = sorted({f for s in secrets for f in secret_forms(s)}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, MASK)
    return text


_ERROR_ELEMENT = re.compile(rb"(<(?:[\w.-]+:)?error\b[^>]*>)(.*?)(</(?:[\w.-]+:)?error\s*>)", re.S)


def redact_error_text(body: bytes, secrets: Iterable[str]) -> bytes:
    """``body`` with the secrets redacted inside the text of its ``<error>`` elements only
    (the rest of a document is data and stays byte for byte as sent)."""
    if b"error" not in body:  # the common case, checked first: one scan in C
        return body
    secrets = tuple(s for s in secrets if s)
    if not secrets:
        return body
    return _ERROR_ELEMENT.sub(lambda m: m[1] + redact_bytes(m[2], secrets) + m[3], body)


class RedactedError(Exception):
    """Stands in for a lower-level exception whose text contained a secret.

    Attributes:
        original_type: the qualified name of the exception it replaces.
    """

    def __init__(self, original_type: str, message: str) -> None:
        super().__init__(f"{original_type}: {message}")
        self.original_type = original_type


def redact_error_in_place(err: BomgarAPIError, secrets: tuple[str, ...]) -> None:
    """Replace the credentials an appliance echoed in its ``<error>`` text by ``***`` in
    ``err`` itself (a new exception would keep the original as its ``__context__``)."""
    err.message = redact(err.message, secrets)
    err.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in err.args)


def _chain(err: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _leaks(err: BaseException, secrets: tuple[str, ...]) -> bool:
    forms = [f for s in secrets for f in secret_forms(s)]
    for link in _chain(err):
        rendered = f"{link!s} {link!r} {link.args!r}"
        if any(form in rendered for form in forms):
            return True
    return False


def scrub_exception(err: BaseException, secrets: Iterable[str]) -> BaseException:
    """``err`` itself when no secret appears anywhere in its chain, else a RedactedError."""
    secrets = tuple(s for s in secrets if s)
    if not secrets or not _leaks(err, secrets):
        return err
    kind = f"{type(err).__module__}.{type(err).__qualname__}"
    return RedactedError(kind, redact(str(err), secrets))
