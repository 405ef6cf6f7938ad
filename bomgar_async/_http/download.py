"""Streaming a response body to disk safely: the file appears at ``dest`` complete or not at all.

The body is written in chunks to a temporary file beside ``dest`` (memory does not grow with
the file), hashed (SHA-256) and counted on the way, checked against ``Content-Length`` when
one was sent, flushed to disk (fsync) and only then renamed over ``dest`` (atomic on POSIX
and Windows). On any failure, cancellation included, the temporary file is removed and an
existing ``dest`` is left as it was.

Appliances answer errors with HTTP 200 and an XML ``<error>`` body (an expired recording,
bad credentials): the first bytes are buffered (at least 16 past a BOM and whitespace, at
most 512) before deciding, so a body that starts like XML or HTML where a file was expected,
however it is split into chunks, is read (bounded) and raised as ``BomgarAPIError`` /
``BomgarProtocolError``, and nothing is written. An empty (or whitespace-only) body is never
a file either.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import attrs

from .._xml.core import parse_document
from ..errors import (
    BomgarProtocolError,
    BomgarValidationError,
)
from .interface import StreamedResponse
from .redact import redact_error_text
from .tempfiles import HAS_FLOCK, create_locked, sweep_stale

__all__ = ["DownloadResult", "check_destination", "stream_to_file"]

CHUNK_SIZE = 1 << 16
_TEMP_EXTRA = len(".") + len(".12345678.part")  # what the temp file adds to the name
_MAX_ERROR_BODY = 1 << 20  # an <error> answer is small; never buffer more than this
_MARKUP_STARTS = (b"<?xml", b"<error", b"<!doctype", b"<html")
_BLANK = b"\xef\xbb\xbf \t\r\n"
_HEAD_WANTED = 16  # bytes past a BOM and whitespace needed to tell a file from a page
_HEAD_MAX = 512  # never buffer more than this before deciding

OpenStream = Callable[[], AbstractAsyncContextManager[StreamedResponse]]


@attrs.frozen
class DownloadResult:
    """A completed download.

    Attributes:
        path: where the file now is.
        size: its size in bytes.
        sha256: the hex SHA-256 of its content.
        content_type: the ``Content-Type`` the appliance sent, if any.
    """

    path: Path
    size: int
    sha256: str
    content_type: str | None = None


def check_destination(dest: str | os.PathLike[str]) -> Path:
    """``dest`` as a Path whose folder exists and which is not itself a folder.

    Raises:
        BomgarValidationError: before any request is sent.
    """
    if not isinstance(dest, str | os.PathLike) or not os.fspath(dest):
        raise BomgarValidationError("dest must be a file path")
    try:
        path = Path(dest).expanduser()
        if "\x00" in str(path):
            raise ValueError("embedded null byte")
        if path.is_dir():
            raise BomgarValidationError(f"dest {str(path)!r} is a directory; name a file")
        if not path.parent.is_dir():
            raise BomgarValidationError(f"the folder of dest {str(path.parent)!r} does not exist")
        name_max = _name_max(path.parent)
    except (ValueError, OSError) as err:
        if isinstance(err, BomgarValidationError):
            raise
        raise BomgarValidationError(f"dest is not a usable file path: {err}") from None
    if len(os.fsencode(path.name)) + _TEMP_EXTRA > name_max:
        raise BomgarValidationError(
            f"the file name of dest is too long: at most {name_max - _TEMP_EXTRA} bytes"
        )
    return path


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, ValueError, OSError):
        return 255


async def _read_head(chunks: AsyncIterator[bytes]) -> bytes:
    """The first bytes of the body: enough to decide, or all of it when it is shorter."""
    head = b""
    while len(head) < _HEAD_MAX and len(head.lstrip(_BLANK)) < _HEAD_WANTED:
        try:
            head += await chunks.__anext__()
        except StopAsyncIteration:
            break
    return head


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(_BLANK)[:9].lower()
    return any(start.startswith(m) or m.startswith(start) for m in _MARKUP_STARTS)


async def _raise_markup(
    first: bytes, chunks: AsyncIterator[bytes], label: str, secrets: tuple[str, ...]
) -> None:
    body = bytearray(first)
    async for chunk in chunks:
        body += chunk
        if len(body) > _MAX_ERROR_BODY:
            raise BomgarProtocolError(
                f"{label}: the appliance sent a document of more than {_MAX_ERROR_BODY} bytes "
                "that starts like XML/HTML instead of a file"
            )
    parse_document(
        redact_error_text(bytes(body), secrets).lstrip(_BLANK), action=label
    )  # raises: <error>, HTML, junk
    raise BomgarProtocolError(f"{label}: the appliance sent an XML document instead of a file")


def _expected_size(headers: Mapping[str, str]) -> int | None:
    """The announced size of the body as received, when it can be checked.

    Downloads ask for ``Accept-Encoding: identity``; a server that compresses anyway sends
    the compressed size, which the transport (not this count) checks, so it is skipped.
    """
    encoding = headers.get("Content-Encoding", "identity").strip().lower()
    value = headers.get("Content-Length", "").strip()
    if encoding not in ("", "identity") or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def _replace_durably(temp: Path, dest: Path) -> None:
    os.replace(temp, dest)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(dest.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


async def stream_to_file(
    open_stream: OpenStream,
    dest: Path,
    *,
    label: str,
    chunk_size: int = CHUNK_SIZE,
    allow_markup: bool = False,
    validate: Callable[[Path], None] | None = None,
    secrets: tuple[str, ...] = (),
) -> DownloadResult:
    """Stream the body of ``open_stream()``'s response into ``dest`` (see the module docstring).

    Args:
        open_stream: opens the (authorized) request and yields the streamed response; the
            caller has already checked its status.
        dest: the final path (see :func:`check_destination`).
        label: the action or report, for error messages.
        allow_markup: accept a body that starts like XML/HTML (text files such as BRCS).
        validate: called with the complete temporary file before it is renamed into place;
            whatever it raises aborts the download (nothing appears at ``dest``).
        secrets: credentials to redact from an ``<error>`` answer's text.

    Raises:
        BomgarAPIError: the appliance answered ``<error>`` instead of a file.
        BomgarProtocolError: an HTML page instead of a file, or the body was cut short or
            differs from ``Content-Length``.
        BomgarTransportError: the connection failed.
    """
    async with (
        open_stream() as response,
        contextlib.aclosing(response.iter_chunks(chunk_size)) as chunks,
    ):
        first = await _read_head(chunks)
        if not first.lstrip(_BLANK):
            if len(first) < _HEAD_MAX:
                raise BomgarProtocolError(f"{label}: the appliance sent an empty body, not a file")
            raise BomgarProtocolError(  # never buffered further: refused, and said why
                f"{label}: the appliance's answer starts with more than {_HEAD_MAX - 1} blank "
                "bytes, not a file"
            )
        if not allow_markup and _looks_like_markup(first):
            await _raise_markup(first, chunks, label, secrets)
        await asyncio.to_thread(sweep_stale, dest.parent, ".part")
        # Created synchronously: a cancellation cannot land between creating the file and
        # the try block that removes it (to_thread would leave it, and its fd, behind).
        fd, temp = create_locked(dest, ".part")
        digest = hashlib.sha256()
        size = 0
        try:
            chunk = first
            while True:
                if chunk:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view) :]
                    digest.update(chunk)
                    size += len(chunk)
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    break
            expected = _expected_size(response.headers)
            if expected is not None and expected != size:
                error = BomgarProtocolError(
                    f"{label}: received {size} bytes of the {expected} announced"
                )
                error.retryable = True
                raise error
            await asyncio.to_thread(os.fsync, fd)
            if not HAS_FLOCK:  # Windows cannot rename an open file
                os.close(fd)
                fd = -1
            if validate is not None:
                await asyncio.to_thread(validate, temp)
            await asyncio.to_thread(_replace_durably, temp, dest)
            if fd != -1:  # closed (and unlocked) only once renamed: never swept meanwhile
                os.close(fd)
                fd = -1
        except BaseException:
            if fd != -1:
                os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        content_type = response.headers.get("Content-Type")
    return DownloadResult(
        path=dest, size=size, sha256=digest.hexdigest(), content_type=content_type
    )
