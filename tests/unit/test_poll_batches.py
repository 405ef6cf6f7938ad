"""Polling connected clients (issue 11, goal 4): each batch's answer is parsed once, as soon
as it arrives (while other batches are still in flight), and the clients come out in request
order whatever order the answers arrive in; a failing batch cancels the others."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bomgar_async import BomgarAPIError, BomgarClient
from bomgar_async._http.request import Request, Response
from bomgar_async.command import parse
from bomgar_async.models import ConnectedClient
from bomgar_async.testing import FakeTransport, xml_response

pytestmark = pytest.mark.timeout(30)

NS = 'xmlns="http://www.bomgar.com/namespaces/API/command"'
KINDS = ("connected_push_agent", "connected_support_customer", "connected_presentation_attendee")
IDS = [str(n) for n in range(1000, 1250)]  # three batches: 100, 100, 50


def form(request: Request) -> dict[str, str]:
    return dict(request.form or request.query)


def listing() -> Response:
    refs = "".join(f'<connected_client type="push_agent" id="{i}"/>' for i in IDS)
    return xml_response(f"<connected_client_list {NS}>{refs}</connected_client_list>")


def details(ids: list[str]) -> Response:
    items = "".join(
        f'<{KINDS[int(i) % 3]} id="{i}"><name>n{i}</name></{KINDS[int(i) % 3]}>' for i in ids
    )
    return xml_response(f"<connected_clients {NS}>{items}</connected_clients>")


def client(answer: Callable[[Request], Awaitable[Response]], concurrency: int) -> BomgarClient:
    return BomgarClient(
        "support.example.com",
        username="api",
        password="s3cret",
        transport=FakeTransport(answer),
        max_concurrency=concurrency,
        retries=0,
    )


def recording(monkeypatch: pytest.MonkeyPatch, after_two: asyncio.Event | None = None) -> list[str]:
    """Record the first id of every body parse_connected_clients parses (and set
    ``after_two`` once two bodies are parsed)."""
    seen: list[str] = []
    real = parse.parse_connected_clients

    def wrapped(body: bytes) -> list[ConnectedClient]:
        clients = real(body)
        seen.append(clients[0].id)
        if after_two is not None and len(seen) >= 2:
            after_two.set()
        return clients

    monkeypatch.setattr(parse, "parse_connected_clients", wrapped)
    return seen


async def test_each_batch_is_parsed_as_it_arrives(monkeypatch: pytest.MonkeyPatch) -> None:
    others_parsed = asyncio.Event()
    parsed = recording(monkeypatch, others_parsed)
    held_back: list[bool] = []

    async def answer(request: Request) -> Response:
        ids = form(request)["id"].split(",")
        if ids[0] == IDS[0]:  # the first batch answers only once the other two are parsed
            try:
                await asyncio.wait_for(others_parsed.wait(), 5)
            except TimeoutError:
                held_back.append(False)
            else:
                held_back.append(True)
        return details(ids)

    async with client(answer, concurrency=3) as bg:
        clients = await bg.command.get_connected_clients(IDS)
    assert held_back == [True]
    assert sorted(parsed[:2]) == [IDS[100], IDS[200]] and parsed[2:] == [IDS[0]]
    assert [c.id for c in clients] == IDS  # request order, not arrival order


async def test_a_poll_keeps_the_listed_order_whatever_the_arrival_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed = recording(monkeypatch)

    async def answer(request: Request) -> Response:
        if form(request)["action"] == "get_connected_client_list":
            return listing()
        ids = form(request)["id"].split(",")
        await asyncio.sleep(0.05 * (3 - IDS.index(ids[0]) // 100))  # the last batch first
        return details(ids)

    async with client(answer, concurrency=8) as bg:
        polls = bg.poll_connected_clients(interval=0.01)
        first = await anext(polls)
        second = await anext(polls)
        await polls.aclose()
    assert parsed[:3] == [IDS[200], IDS[100], IDS[0]]  # parsed in arrival order
    assert [c.id for c in first.clients] == IDS
    assert [type(c).__name__ for c in first.clients[:3]] == [
        "ConnectedSupportCustomer",
        "ConnectedPresentationAttendee",
        "ConnectedPushAgent",
    ]
    assert first.added == first.clients and first.ok
    assert second.clients == first.clients and second.added == () and second.removed == ()


async def test_a_failing_batch_cancels_the_others() -> None:
    cancelled: list[str] = []

    async def answer(request: Request) -> Response:
        ids = form(request)["id"].split(",")
        if ids[0] == IDS[100]:
            return xml_response(f"<error {NS}>Invalid client id.</error>")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(ids[0])
            raise
        return details(ids)

    async with client(answer, concurrency=3) as bg:
        with pytest.raises(BomgarAPIError, match="Invalid client id"):
            await bg.command.get_connected_clients(IDS)
    assert sorted(cancelled) == [IDS[0], IDS[200]]
