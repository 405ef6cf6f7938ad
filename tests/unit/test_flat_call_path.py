"""The flat call path keeps every promise: the limiter's slots are served in order (a slot
handed to a caller cancelled meanwhile goes to the next one), a free slot is taken without
waiting unless a rate or a pause holds calls, a repeated call reuses one request with the
credentials added once (different values never share one), a call to a server that never
answers times out with the typed error leaving no task behind, and the depth limit's cheap
check only skips the full check where a body cannot be too deep."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from aiohttp import web

from bomgar_async import BomgarClient
from bomgar_async._http.limit import LocalLimit, RateBucket
from bomgar_async._http.pipeline import AUTHED_KEPT
from bomgar_async._http.slots import Slots
from bomgar_async._http.transport import AiohttpTransport
from bomgar_async._xml import parsing
from bomgar_async._xml.core import parse_document
from bomgar_async._xml.limits import MAX_DEPTH
from bomgar_async.client.calls import REQUESTS_KEPT
from bomgar_async.errors import BomgarProtocolError, BomgarTimeoutError
from bomgar_async.testing import FakeTransport, Request, Response, xml_response
from tests.hardening.servers import app_server, client_for, raw_server, read_request

API_INFO = "<api_information><api_version>1.11.0</api_version></api_information>"


async def test_slots_serve_waiters_in_order_and_hand_each_release_to_the_next() -> None:
    slots = Slots(1)
    assert slots.try_take()
    assert slots.locked()
    assert not slots.try_take()
    order: list[int] = []

    async def wait(n: int) -> None:
        await slots.acquire()
        order.append(n)

    tasks = [asyncio.create_task(wait(n)) for n in range(3)]
    await asyncio.sleep(0)
    assert order == []
    for expected in ([0], [0, 1], [0, 1, 2]):
        slots.release()  # handed to the first waiter, not freed
        await asyncio.sleep(0)
        assert order == expected
        assert not slots.try_take()
    await asyncio.gather(*tasks)
    slots.release()
    assert not slots.locked()
    assert slots.try_take()


async def test_a_slot_handed_to_a_cancelled_waiter_goes_to_the_next_one() -> None:
    slots = Slots(1)
    assert slots.try_take()
    first = asyncio.create_task(slots.acquire())
    second = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0)
    slots.release()  # handed to ``first``...
    first.cancel()  # ...which is cancelled before it runs
    assert (await asyncio.gather(first, return_exceptions=True))[0].__class__ is (
        asyncio.CancelledError
    )
    await asyncio.wait_for(second, 1.0)  # the slot went on to ``second``
    assert slots.locked()
    slots.release()
    assert not slots.locked()


async def test_a_waiter_cancelled_before_its_turn_loses_no_slot() -> None:
    slots = Slots(2)
    assert slots.try_take()
    assert slots.try_take()
    waiter = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    slots.release()
    slots.release()
    assert slots.try_take()
    assert slots.try_take()
    assert not slots.try_take()


def test_try_acquire_takes_a_free_slot_only_when_nothing_holds_the_call() -> None:
    limit = LocalLimit(1, RateBucket(None, 1))
    assert limit.try_acquire()
    assert not limit.try_acquire()  # full
    limit.release()
    limit.pause(30.0)
    assert not limit.try_acquire()  # the appliance asked for a pause
    rated = LocalLimit(1, RateBucket(5.0, 1))
    assert not rated.try_acquire()  # a rate: the turn must be reserved (and maybe awaited)


async def test_a_repeated_call_reuses_one_request_with_the_credentials() -> None:
    fake = FakeTransport(lambda _request: xml_response(API_INFO))
    secret = "s3cr3t-Kept"
    async with BomgarClient(
        "https://h.example", username="u", password=secret, cache=None, transport=fake
    ) as bg:
        await bg.command.get_api_info()
        await bg.command.get_api_info()
        await bg.command_call("get_session_attributes", (("lsid", "a"),), read_only=True)
        await bg.command_call("get_session_attributes", (("lsid", "b"),), read_only=True)
        kept = repr(bg._requests) + repr(bg._pipeline._authed) + repr(bg)
    first, again, lsid_a, lsid_b = (r.request for r in fake.requests)
    assert again is first
    assert dict(first.form or ()) == {"username": "u", "password": secret, "action": "get_api_info"}
    assert first.secrets == (secret,)
    assert "get_api_info" in kept
    assert secret not in kept  # what is kept never shows the password
    assert dict(lsid_a.form or ())["lsid"] == "a"
    assert dict(lsid_b.form or ())["lsid"] == "b"  # other values: another request


async def test_only_string_values_share_a_request_and_the_kept_ones_are_bounded() -> None:
    fake = FakeTransport(lambda _request: xml_response("<ok/>"))
    async with BomgarClient(
        "https://h.example", username="u", password="pw", cache=None, transport=fake
    ) as bg:
        # 1 == True: neither may stand for the other
        await bg.command_call("x", (("n", 1),), read_only=True)  # type: ignore[arg-type]
        await bg.command_call("x", (("n", True),), read_only=True)  # type: ignore[arg-type]
        for n in range(REQUESTS_KEPT * 2):
            await bg.command_call("x", (("n", str(n)),), read_only=True)
            assert len(bg._requests) <= REQUESTS_KEPT
            assert len(bg._pipeline._authed) <= AUTHED_KEPT
    sent = [dict(r.request.form or ())["n"] for r in fake.requests]
    assert sent[:2] == [1, True]
    assert sent[2:] == [str(n) for n in range(REQUESTS_KEPT * 2)]


async def test_concurrent_calls_send_one_kept_payload_whole() -> None:
    seen: list[bytes] = []

    async def record(request: web.Request) -> web.Response:
        seen.append(await request.read())
        await asyncio.sleep(0.01)  # the calls overlap
        return web.Response(body=API_INFO.encode(), content_type="text/xml")

    async with (
        app_server({"/api/command.ns": record}) as url,
        client_for(url, max_concurrency=8) as bg,
    ):
        infos = await asyncio.gather(*(bg.command.get_api_info() for _ in range(8)))
        transport = bg._transport
        assert isinstance(transport, AiohttpTransport)
        assert len(transport._forms) == 1  # one body and payload, sent by all eight
    assert {info.api_version for info in infos} == {"1.11.0"}
    form = (("username", "api"), ("password", "pw"), ("action", "get_api_info"))
    assert seen == [urlencode(form).encode()] * 8


async def test_a_server_that_never_answers_times_out_with_the_typed_error() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await reader.read()  # nothing is answered; returns when the client hangs up

    async with raw_server(silent) as url, client_for(url, timeout=0.3) as bg:
        before = asyncio.all_tasks()
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(BomgarTimeoutError, match="get_api_info"):
            await bg.command.get_api_info()
        assert loop.time() - started < 3.0
        for _ in range(100):  # the server's task ends once the client closed the connection
            left = {t for t in asyncio.all_tasks() - before if not t.done()}
            if not left:
                break
            await asyncio.sleep(0.01)
        assert not left
        assert bg._limit._slots._free == bg.max_concurrency  # the slot was given back


async def test_a_failing_transport_gives_the_slot_back() -> None:
    def fail(_request: Request) -> Response:
        raise BomgarTimeoutError("timed out: POST /api/command.ns")

    async with BomgarClient(
        "https://h.example",
        username="u",
        password="pw",
        cache=None,
        retries=0,
        max_concurrency=1,
        transport=FakeTransport(fail),
    ) as bg:
        for _ in range(3):  # with one slot, a slot kept would make the next call wait
            with pytest.raises(BomgarTimeoutError):
                await asyncio.wait_for(bg.command.get_api_info(), 1.0)
        assert not bg._limit._slots.locked()


def test_the_cheap_depth_check_skips_only_bodies_that_cannot_be_too_deep() -> None:
    # 64 levels: 128 "<" (an element that holds another opens and closes with one each)
    at_limit = b"<a>" * (MAX_DEPTH - 1) + b"<a/>" + b"</a>" * (MAX_DEPTH - 1)
    assert at_limit.count(b"<") == 2 * MAX_DEPTH - 1
    assert parsing._shallow(at_limit, "UTF-8")
    assert parsing._shallow(at_limit + b"<!---->", "utf-8")  # 128 "<"
    deeper = b"<a>" * MAX_DEPTH + b"<a/>" + b"</a>" * MAX_DEPTH  # 65 levels, 129 "<"
    assert not parsing._shallow(deeper, "UTF-8")
    assert not parsing._shallow(at_limit, "UTF-7")  # "<" may be written without 0x3C
    assert not parsing._shallow(at_limit, "IBM037")  # EBCDIC: "<" is 0x4C
    assert not parsing._shallow(at_limit, None)
    assert parsing.parse_tree(at_limit).tag == "a"  # 64 levels: allowed
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parsing.parse_tree(deeper)
    # an encoding outside the short list still gets the full check, and parses
    latin2 = b'<?xml version="1.0" encoding="ISO-8859-2"?><a><b>\xb1</b></a>'
    assert parsing.parse_tree(latin2).findtext("b") == "\u0105"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE HTML><html/>",
        b"<HTML><body/></HTML>",
        b"\xef\xbb\xbf<html/>",
        b" <!doctype html>",
    ],
)
def test_an_html_page_is_recognised_whether_or_not_it_starts_with_the_tag(body: bytes) -> None:
    with pytest.raises(BomgarProtocolError, match="HTML page"):
        parse_document(body)
