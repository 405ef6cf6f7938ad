"""The hostile servers of the fault matrix: one raw asyncio handler per fault, answering
each family (command call, streamed report, download) with its own good body when the
fault leaves the body intact. ``EXPECTED`` is the matrix itself (tests/README.md shows it)."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable

from bomgar_async import (
    BomgarAuthError,
    BomgarError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
)

from .servers import read_request

INFO = b"<api_information><api_version>1.19.0</api_version></api_information>"
SESSIONS = (
    b'<session_list><session lsid="s1"><start_time timestamp="1704067200">x</start_time>'
    b'</session><session lsid="s2"/></session_list>'
)
FILE = b"\x1f\x8bNSB" + bytes(range(256)) * 64

Raw = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
Outcome = type[BomgarError] | str  # an error class, or "ok"
FAMILIES = ("command", "stream", "download")


def good_body(head: bytes) -> bytes:
    if b"/api/reporting.ns" in head:
        return SESSIONS
    if b"/api/backup.ns" in head:
        return FILE
    return INFO


def http(status: str, body: bytes, *extra: str, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *extra]
    if length is not None or not any(h.lower().startswith("transfer-") for h in extra):
        lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answering(build: Callable[[bytes], bytes]) -> Raw:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_request(reader)
        if head.startswith(b"POST /oauth2/token"):
            token = b'{"access_token": "tok-123", "expires_in": 3600}'
            writer.write(http("200 OK", token, "Content-Type: application/json"))
        else:
            writer.write(build(head))
        await writer.drain()

    return handler


async def silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await asyncio.sleep(30)


async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    body = good_body(await read_request(reader))
    writer.write(http("200 OK", b"", length=len(body)))
    for byte in body:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.1)


async def reset_mid_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    body = good_body(await read_request(reader))
    writer.write(http("200 OK", body[: len(body) // 2], length=len(body)))
    await writer.drain()
    writer.transport.abort()


def chunked(body: bytes) -> bytes:
    parts = [body[i : i + 50] for i in range(0, len(body), 50)]
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
    return http("200 OK", encoded, "Transfer-Encoding: chunked")


def latin1_info(head: bytes) -> bytes:
    if b"/api/command.ns" not in head:
        return http("200 OK", good_body(head))
    body = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b"<api_information><api_version>1.19.0</api_version><n>\xe9</n></api_information>"
    )
    return http("200 OK", body, "Content-Type: text/xml; charset=UTF-8")


def gzipped(head: bytes) -> bytes:
    return http("200 OK", gzip.compress(good_body(head)), "Content-Encoding: gzip")


FAULTS: dict[str, Raw | None] = {
    "connection refused": None,
    "silent server": silent,
    "trickle past the timeout": trickle,
    "reset mid-body": reset_mid_body,
    "truncated XML": answering(lambda h: http("200 OK", good_body(h)[:-20])),
    "Content-Length short": answering(lambda h: http("200 OK", good_body(h), length=99_999)),
    "Content-Length long": answering(
        lambda h: http("200 OK", good_body(h) + b"<extra/>" * 9, length=len(good_body(h)))
    ),
    "503 + Retry-After": answering(lambda _h: http("503 Busy", b"", "Retry-After: 0")),
    "503": answering(lambda _h: http("503 Busy", b"")),
    "429 + Retry-After": answering(lambda _h: http("429 Slow down", b"", "Retry-After: 0")),
    "401 (OAuth)": answering(lambda _h: http("401 Unauthorized", b"")),
    "403": answering(lambda _h: http("403 Forbidden", b"")),
    "HTML with 200": answering(lambda _h: http("200 OK", b"<html><body>login</body></html>")),
    "empty body": answering(lambda _h: http("200 OK", b"")),
    "non-UTF-8": answering(lambda h: http("200 OK", good_body(h).replace(b"1", b"\xff"))),
    "wrong charset": answering(latin1_info),
    "gzip body": answering(gzipped),
    "chunked body": answering(lambda h: chunked(good_body(h))),
    "redirect": answering(lambda _h: http("302 Found", b"", "Location: http://127.0.0.1:9/x")),
    "TLS self-signed": None,
    "TLS wrong host": None,
}

R = 3  # attempts of a retried call: retries=2
P = BomgarProtocolError
EXPECTED: dict[str, dict[str, tuple[Outcome, int | None]]] = {
    "connection refused": {f: (BomgarTransportError, None) for f in FAMILIES},
    "silent server": {f: (BomgarTimeoutError, R) for f in FAMILIES},
    "trickle past the timeout": {f: (BomgarTimeoutError, R) for f in FAMILIES},
    "reset mid-body": {f: (P, R) for f in FAMILIES},
    "truncated XML": {"command": (P, 1), "stream": (P, 1), "download": ("ok: as announced", 1)},
    "Content-Length short": {"command": (P, R), "stream": (P, 1), "download": (P, R)},
    "Content-Length long": {f: (BomgarTransportError, R) for f in FAMILIES},
    "503 + Retry-After": {f: (BomgarHTTPError, R) for f in FAMILIES},
    "503": {f: (BomgarHTTPError, R) for f in FAMILIES},
    "429 + Retry-After": {f: (BomgarHTTPError, R) for f in FAMILIES},
    "401 (OAuth)": {f: (BomgarAuthError, 2) for f in FAMILIES},
    "403": {f: (BomgarHTTPError, 1) for f in FAMILIES},
    "HTML with 200": {f: (P, 1) for f in FAMILIES},
    "empty body": {f: (P, 1) for f in FAMILIES},
    "non-UTF-8": {"command": (P, 1), "stream": (P, 1), "download": ("ok", 1)},
    "wrong charset": {f: ("ok", 1) for f in FAMILIES},
    "gzip body": {f: ("ok", 1) for f in FAMILIES},
    "chunked body": {f: ("ok", 1) for f in FAMILIES},
    "redirect": {f: (BomgarHTTPError, 1) for f in FAMILIES},
    "TLS self-signed": {f: (BomgarTransportError, None) for f in FAMILIES},
    "TLS wrong host": {f: (BomgarTransportError, None) for f in FAMILIES},
}
