"""Secrets: a distinctive password and OAuth secret, POST and GET mode, every logger at DEBUG,
hostile answers that echo them. Nothing may show any form of them: log records, str/repr of
every exception with its whole chain and formatted traceback, model reprs, Redis contents."""

from __future__ import annotations

import asyncio
import base64
import logging
import traceback
import uuid
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import pytest

from bomgar_async import BomgarClient, BomgarError, Timeout

from .leaks import find_leaks, renderings
from .servers import raw_server

PASSWORD = "Zq9 pw/sec+ret&%41é?"
CLIENT_ID = "oauth-client-7"
SECRET = "Oa7 s3c/ret+&%42ü="
TOKEN = "tok-Very/Secret+Token=="
BASIC = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()


def http(status: str, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", "Connection: close", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def appliance(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (
            int(h.split(b":")[1])
            for h in head.split(b"\r\n")
            if h.lower().startswith(b"content-length")
        ),
        0,
    )
    body = await reader.readexactly(length) if length else b""
    target = head.split(b" ")[1].decode()
    path, _, query = target.partition("?")
    params = dict(parse_qsl(query)) | dict(parse_qsl(body.decode()))
    echo = escape(f"{params.get('password', '')} {head.decode(errors='replace')}").encode()
    action = params.get("action", "")
    if path == "/oauth2/token":
        answer = http("200 OK", b'{"access_token": "%s", "expires_in": 3600}' % TOKEN.encode())
    elif path == "/api/backup.ns" or path == "/api/reporting.ns":
        answer = http("200 OK", b"<?xml version='1.0'?><error>refused " + echo + b"</error>")
    elif action == "get_api_info":
        answer = http(
            "200 OK", b"<api_information><api_version>1.19</api_version></api_information>"
        )
    elif action == "get_logged_in_reps":
        answer = http("200 OK", b"<error>Bad login: " + echo + b"</error>")
    elif action == "get_support_teams":
        answer = http("503 Busy", b"", f"X-Echo: {params.get('password', '')}")
    elif action == "check_health":
        answer = b"HTTP/1.1 OK-ISH\r\n\r\n"
    elif action == "get_appliances":
        answer = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    else:  # get_connected_client_list: silence until the client times out
        await asyncio.sleep(5)
        return
    writer.write(answer)
    await writer.drain()


async def scenarios(bg: BomgarClient, dest: Path) -> list[BaseException]:
    raised: list[BaseException] = []
    calls: list[Any] = [
        bg.command.get_api_info,
        bg.command.get_logged_in_reps,
        bg.command.get_support_teams,
        bg.command.get_support_teams,  # again: the cache's failure record answers
        bg.command.check_health,
        bg.command.get_appliances,
        bg.command.get_connected_client_list,
        lambda: bg.backup.download(dest),
        lambda: anext(bg.reporting.support_sessions(date(2024, 1, 1), date(2024, 1, 2))),
    ]
    for call in calls:
        try:
            await call()
        except BomgarError as err:
            raised.append(err)
    return raised


@pytest.mark.timeout(30)
@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("auth", ["password", "oauth"])
async def test_no_secret_anywhere(
    method: str, auth: str, redis_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bomgar_async.cache import RedisCache
    from bomgar_async.fleet import RedisLimiter, RedisTokenStore

    caplog.set_level(logging.DEBUG)
    for name in ("bomgar_async", "aiohttp", "asyncio", "redis"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    credentials: dict[str, Any] = (
        {"username": "api", "password": PASSWORD}
        if auth == "password"
        else {"client_id": CLIENT_ID, "client_secret": SECRET}
    )
    prefix = f"secrets-{uuid.uuid4().hex}"
    cache = RedisCache(redis_url, prefix=prefix, cooldown=30)
    limiter = RedisLimiter(redis_url, prefix=prefix, rate=100)
    tokens = RedisTokenStore(redis_url, prefix=prefix)  # OAuth: the token, sealed, in Redis
    texts: list[str] = []
    async with raw_server(appliance) as url:
        async with BomgarClient(
            url,
            **credentials,
            allow_http=True,
            method=method,
            cache=cache,
            limiter=limiter,
            token_store=tokens,
            retries=1,
            retry_backoff=0.01,
            timeout=Timeout(total=0.5, connect=0.5),
            download_timeout=Timeout(total=0.5, connect=0.5),
        ) as bg:
            raised = await scenarios(bg, tmp_path / "backup.nsb")
            texts += [repr(bg), repr(bg.cache), repr(await bg.command.get_api_info())]
            texts += [repr(limiter), repr(tokens)]
    assert len(raised) >= 8  # every hostile scenario failed, typed
    texts += [renderings(err) for err in raised]
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append("".join(traceback.format_exception(*record.exc_info)))
    import redis.asyncio

    raw = redis.asyncio.Redis.from_url(redis_url)
    keys = [k async for k in raw.scan_iter(match=f"{prefix}*")]
    stored: list[bytes] = []
    for key in keys:
        kind = await raw.type(key)
        texts.append(repr(key))
        if kind == b"string":
            stored.append(await raw.get(key))
        elif kind == b"hash":
            stored += [v for pair in (await raw.hgetall(key)).items() for v in pair]
        elif kind == b"zset":
            stored += await raw.zrange(key, 0, -1)
    texts += [repr(value) for value in stored]
    texts += [value.decode("latin-1") for value in stored]  # raw bytes, any encoding
    if auth == "oauth":  # the token is in Redis (sealed), so the search above saw it
        assert any(b":token:" in key and not key.endswith(b":lease") for key in keys)
    await raw.aclose()
    await cache.aclose()
    await limiter.aclose()
    await tokens.aclose()
    assert any("failure" in t or "cooldown" in t or "503" in t for t in texts)
    secrets = [PASSWORD, SECRET, TOKEN, BASIC]
    leaking = [t[:2000] for t in texts if find_leaks([t], secrets)]
    assert find_leaks(texts, secrets) == [], leaking
    assert any("***" in t for t in texts)  # the echoes were there, and redacted
