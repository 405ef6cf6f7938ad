"""The lean happy path keeps its promises: a free slot is taken without waiting (and a pause or
a rate still makes callers wait), the form body the transport encodes itself is the one
aiohttp's ``FormData`` would send, read back by the server as the same fields (and the bodies it
keeps are bounded and dropped on close), and the flat path of a password adds what
``authorize`` adds."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from aiohttp import web

from bomgar_async._http.auth import PasswordAuth
from bomgar_async._http.limit import LocalLimit, LocalLimiter, RateBucket
from bomgar_async._http.request import Request, Response
from bomgar_async._http.transport import FORMS_KEPT, AiohttpTransport
from bomgar_async.errors import BomgarAuthError
from tests.hardening.servers import app_server, client_for


async def test_a_free_slot_is_taken_at_once_and_given_back() -> None:
    limit = LocalLimit(2, RateBucket(None, 2))
    assert await limit.acquire(5.0) == 5.0  # nothing waited: the whole timeout is left
    assert await limit.acquire(None) is None
    assert limit._slots.locked()  # both slots are held until released
    limit.release()
    limit.release()
    assert not limit._slots.locked()
    assert limit.counts.limiter_waits == 0
    assert limit.counts.rate_limit_waits == 0


async def test_a_pause_still_makes_the_next_caller_wait_within_its_timeout() -> None:
    limit = LocalLimit(2, RateBucket(None, 2))
    limit.pause(0.05)
    left = await limit.acquire(1.0)
    limit.release()
    assert left is not None and left < 1.0  # the wait counted against the timeout
    assert limit.counts.rate_limit_waits == 1


async def test_a_full_limit_waits_for_a_slot_and_counts_the_wait() -> None:
    limit = LocalLimiter(1).bind("https://h")
    assert await limit.acquire(1.0) == 1.0
    waiter = asyncio.create_task(limit.acquire(1.0))
    await asyncio.sleep(0.01)
    assert not waiter.done()
    limit.release()
    left = await waiter
    limit.release()
    assert left is not None and left < 1.0
    assert limit.counts.limiter_waits == 1


async def test_the_form_body_is_what_formdata_sends_and_the_server_reads_the_fields() -> None:
    seen: list[tuple[str | None, bytes, dict[str, str]]] = []

    async def record(request: web.Request) -> web.Response:
        raw = await request.read()
        form = await request.post()
        seen.append((request.content_type, raw, {k: str(v) for k, v in form.items()}))
        return web.Response(body=b"<api_information/>", content_type="text/xml")

    password = "p\u00e4ss w&rd=+/%\u2603"
    async with (
        app_server({"/api/command.ns": record}) as url,
        client_for(url, password=password) as bg,
    ):
        await bg.command.get_api_info()
    (content_type, raw, fields), *_ = seen
    assert content_type == "application/x-www-form-urlencoded"
    expected = (("username", "api"), ("password", password), ("action", "get_api_info"))
    assert raw == urlencode(expected, doseq=True, encoding="utf-8").encode()
    assert fields == dict(expected)


def test_the_encoded_forms_are_kept_bounded_and_dropped_on_close() -> None:
    transport = AiohttpTransport("https://h", user_agent="t")
    form = (("username", "api"), ("password", "p\u00e4ss&="), ("action", "get_api_info"))
    first = transport._encoded(form)
    assert first == urlencode(form, doseq=True, encoding="utf-8").encode()
    assert transport._encoded(tuple(form)) is first  # the kept body
    for n in range(FORMS_KEPT * 2):
        assert transport._encoded((("action", f"a{n}"),)) == f"action=a{n}".encode()
        assert len(transport._forms) <= FORMS_KEPT
    # only strings are kept: 1 == True, so neither may stand for the other
    assert transport._encoded((("flag", 1),)) == b"flag=1"  # type: ignore[arg-type]
    assert transport._encoded((("flag", True),)) == b"flag=True"  # type: ignore[arg-type]
    assert transport._encoded((("many", ["a", "b"]),)) == b"many=a&many=b"  # type: ignore[arg-type]
    assert all(type(v) is str for kept in transport._forms for _, v in kept)
    asyncio.run(transport.close())
    assert transport._forms == {}


async def test_the_flat_path_adds_what_authorize_adds_and_a_401_stays_final() -> None:
    auth = PasswordAuth("api", "pw")
    request = Request("POST", "/api/command.ns", form=(("action", "x"),), label="x")

    async def no_send(_request: Request) -> Response:
        raise AssertionError("a password needs no request")

    assert auth.with_credentials(request) == await auth.authorize(request, no_send)
    calls: list[str] = []

    async def refuse(request: web.Request) -> web.Response:
        calls.append((await request.post())["password"])  # type: ignore[arg-type]
        return web.Response(status=401)

    async with app_server({"/api/command.ns": refuse}) as url, client_for(url) as bg:
        with pytest.raises(BomgarAuthError, match="401"):
            await bg.command.get_api_info()
        assert calls == ["pw"]  # sent once: a password is not refreshed
        assert bg.stats().unauthorized_refreshes == 0
