"""The client's pipeline over a real loopback aiohttp server: credentials placement, one
connection per call, retries only where allowed, timeouts, statuses, OAuth, secrecy."""

from __future__ import annotations

import asyncio
import logging
import traceback
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from bomgar_async import (
    BomgarAuthError,
    BomgarClient,
    BomgarClientClosed,
    BomgarConfigError,
    BomgarHTTPError,
    BomgarProtocolError,
    BomgarTimeoutError,
    BomgarTransportError,
    InsecureTLSWarning,
)
from bomgar_async.testing import FakeTransport, Request, Response, xml_response

PASSWORD = "pa ss&word=1%"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Server:
    """A loopback server with a swappable handler that records what it received."""

    def __init__(self) -> None:
        self.handler: Handler = self.ok
        self.seen: list[dict[str, Any]] = []
        self.connections: dict[int, int] = {}  # connection number -> requests it carried
        # Keyed weakly by the transport object: id() values are reused once freed.
        self._numbers: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
        self._opened = 0
        self.url = ""
        self._runner: web.AppRunner | None = None

    @staticmethod
    async def ok(_request: web.Request) -> web.Response:
        return web.Response(body=b"<success>ok</success>", content_type="text/xml")

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        form = dict(await request.post()) if request.method == "POST" else {}
        assert request.transport is not None
        if request.transport not in self._numbers:
            self._opened += 1
            self._numbers[request.transport] = self._opened
        conn = self._numbers[request.transport]
        self.connections[conn] = self.connections.get(conn, 0) + 1
        self.seen.append(
            {
                "method": request.method,
                "url": str(request.rel_url),
                "form": form,
                "headers": dict(request.headers),
                "connection": conn,
            }
        )
        return await self.handler(request)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()
    await srv.start()
    yield srv
    await srv.stop()


def client(server: Server, **options: Any) -> BomgarClient:
    options.setdefault("retry_backoff", 0.0)
    return BomgarClient(server.url, username="api", password=PASSWORD, allow_http=True, **options)


async def test_post_sends_credentials_in_the_body_only(server: Server) -> None:
    async with client(server) as bg:
        body = await bg.command_call("get_api_info", read_only=True)
    assert body == b"<success>ok</success>"
    seen = server.seen[0]
    assert seen["method"] == "POST"
    assert seen["form"] == {"action": "get_api_info", "username": "api", "password": PASSWORD}
    assert "password" not in seen["url"] and "pa" not in seen["url"].split("?")[-1]
    assert seen["url"] == "/api/command.ns"


async def test_get_puts_credentials_in_the_query_when_asked(server: Server) -> None:
    async with client(server, method="GET", command_path="/api/command") as bg:
        await bg.command_call("get_logged_in_reps", read_only=True)
    seen = server.seen[0]
    assert seen["method"] == "GET"
    assert seen["url"].startswith("/api/command?")
    assert "action=get_logged_in_reps" in seen["url"]


async def test_every_call_uses_its_own_connection(server: Server) -> None:
    async with client(server) as bg:
        for _ in range(5):
            await bg.command_call("get_api_info", read_only=True)
        await asyncio.gather(*(bg.command_call("get_api_info", read_only=True) for _ in range(5)))
    assert len(server.seen) == 10
    assert len(server.connections) == 10
    assert set(server.connections.values()) == {1}
    assert all(s["headers"].get("Connection", "").lower() == "close" for s in server.seen)


async def test_read_only_calls_retry_on_5xx_then_succeed(server: Server) -> None:
    calls = 0

    async def flaky(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls < 3:
            return web.Response(status=503, text="busy")
        return await Server.ok(request)

    server.handler = flaky
    async with client(server, retries=2) as bg:
        assert await bg.command_call("get_api_info", read_only=True)
    assert calls == 3


async def test_retries_are_bounded(server: Server) -> None:
    async def down(_request: web.Request) -> web.Response:
        return web.Response(status=500, text="down")

    server.handler = down
    async with client(server, retries=2) as bg:
        with pytest.raises(BomgarHTTPError) as info:
            await bg.command_call("get_api_info", read_only=True)
    assert info.value.status == 500
    assert len(server.seen) == 3


async def test_state_changing_calls_are_never_retried(server: Server) -> None:
    async def down(_request: web.Request) -> web.Response:
        return web.Response(status=503, text="down")

    server.handler = down
    async with client(server, retries=5) as bg:
        with pytest.raises(BomgarHTTPError):
            await bg.command_call("generate_session_key", read_only=False)
    assert len(server.seen) == 1


async def test_429_retry_after_is_honoured(server: Server) -> None:
    calls = 0

    async def limited(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return web.Response(status=429, headers={"Retry-After": "0"})
        return await Server.ok(request)

    server.handler = limited
    async with client(server) as bg:
        await bg.command_call("get_api_info", read_only=True)
    assert calls == 2


async def test_4xx_is_not_retried(server: Server) -> None:
    async def missing(_request: web.Request) -> web.Response:
        return web.Response(status=404)

    server.handler = missing
    async with client(server, retries=3) as bg:
        with pytest.raises(BomgarHTTPError) as info:
            await bg.command_call("get_api_info", read_only=True)
    assert info.value.status == 404
    assert len(server.seen) == 1


async def test_timeouts_raise_typed_errors_and_are_retried(server: Server) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return await Server.ok(request)

    server.handler = slow
    async with client(server, timeout=0.2, retries=1) as bg:
        with pytest.raises(BomgarTimeoutError):
            await bg.command_call("get_api_info", read_only=True)
    assert len(server.seen) == 2


async def test_dropped_connection_is_a_transport_error(server: Server) -> None:
    async def drop(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        raise asyncio.CancelledError

    server.handler = drop
    async with client(server, retries=1) as bg:
        with pytest.raises(BomgarTransportError):
            await bg.command_call("get_api_info", read_only=True)
    assert len(server.seen) == 2


async def test_truncated_body_is_a_protocol_error(server: Server) -> None:
    async def truncated(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "1000"})
        await response.prepare(request)
        await response.write(b"<logged_in_reps><rep id='1'>")
        assert request.transport is not None
        request.transport.close()
        return response

    server.handler = truncated
    async with client(server, retries=0) as bg:
        with pytest.raises(BomgarProtocolError, match="cut short"):
            await bg.command_call("get_logged_in_reps", read_only=True)


async def test_refused_connection(unused_tcp_port: int) -> None:
    bg = BomgarClient(
        f"http://127.0.0.1:{unused_tcp_port}",
        username="api",
        password=PASSWORD,
        allow_http=True,
        retries=0,
    )
    async with bg:
        with pytest.raises(BomgarTransportError) as info:
            await bg.command_call("get_api_info", read_only=True)
    assert PASSWORD not in str(info.value)


async def test_password_never_in_errors_logs_or_repr_even_with_get(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return await Server.ok(request)

    server.handler = slow
    caplog.set_level(logging.DEBUG, logger="bomgar_async")
    bg = client(server, method="GET", timeout=0.1, retries=1)
    with pytest.raises(BomgarTimeoutError) as info:
        await bg.command_call("get_api_info", read_only=True)
    await bg.close()
    rendered = "".join(traceback.format_exception(info.value))
    chain: list[BaseException] = []
    link: BaseException | None = info.value
    while link is not None:
        chain.append(link)
        link = link.__cause__ or link.__context__
    texts = [rendered, repr(bg), caplog.text] + [repr(e) + str(e) for e in chain]
    for text in texts:
        for form in (PASSWORD, "pa+ss%26word%3D1%25", "pa%20ss%26word%3D1%25"):
            assert form not in text
    # The message names the action but never carries the query string at all.
    assert "get_api_info" in str(info.value)
    assert "?" not in str(info.value)


async def test_non_2xx_errors_carry_status(server: Server) -> None:
    async def forbidden(_request: web.Request) -> web.Response:
        return web.Response(status=403, text="<html>forbidden</html>")

    server.handler = forbidden
    async with client(server) as bg:
        with pytest.raises(BomgarHTTPError) as info:
            await bg.command_call("get_api_info", read_only=True)
    assert info.value.status == 403


async def test_max_concurrency_limits_calls_in_flight(server: Server) -> None:
    in_flight = 0
    peak = 0

    async def counted(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return await Server.ok(request)

    server.handler = counted
    async with client(server, max_concurrency=3) as bg:
        await asyncio.gather(*(bg.command_call("get_api_info", read_only=True) for _ in range(12)))
    assert peak == 3
    assert len(server.seen) == 12


async def test_closed_client_refuses_calls(server: Server) -> None:
    bg = client(server)
    await bg.close()
    with pytest.raises(BomgarClientClosed):
        await bg.command_call("get_api_info", read_only=True)
    with pytest.raises(BomgarClientClosed):
        await bg.command.get_api_info()
    assert server.seen == []
    assert "closed" in repr(bg)


def test_configuration_errors() -> None:
    with pytest.raises(BomgarConfigError, match="allow_http"):
        BomgarClient("http://x.example.com", username="a", password="b")
    with pytest.raises(BomgarConfigError):
        BomgarClient("x.example.com", username="a")
    with pytest.raises(BomgarConfigError, match="not both"):
        BomgarClient("x.example.com", username="a", password="b", client_id="c", client_secret="d")
    with pytest.raises(BomgarConfigError):
        BomgarClient("x.example.com", username="a", password="b", method="PUT")  # type: ignore[arg-type]
    with pytest.raises(BomgarConfigError):
        BomgarClient("x.example.com", username="a", password="b", command_path="/api/x")
    with pytest.raises(BomgarConfigError):
        BomgarClient("x.example.com", username="a", password="b", max_concurrency=0)
    with pytest.raises(BomgarConfigError):
        BomgarClient("x.example.com", username="a", password="b", timeout=0)


def test_ssl_false_warns_and_repr_hides_secrets() -> None:
    with pytest.warns(InsecureTLSWarning):
        bg = BomgarClient("x.example.com", username="api", password=PASSWORD, ssl=False)
    assert PASSWORD not in repr(bg)
    assert "api" in repr(bg)


# -- OAuth 2 client credentials --------------------------------------------------------


class OAuthServer:
    def __init__(self, server: Server, *, expires_in: int = 3600) -> None:
        self.server = server
        self.expires_in = expires_in
        self.tokens_issued = 0
        self.valid: set[str] = set()
        server.handler = self.handle

    async def handle(self, request: web.Request) -> web.Response:
        if request.path == "/oauth2/token":
            if request.headers.get("Authorization") != "Basic Y2lkOnNlY3JldC0x":  # cid:secret-1
                return web.json_response({"error": "invalid_client"}, status=401)
            await asyncio.sleep(0.05)
            self.tokens_issued += 1
            token = f"tok{self.tokens_issued}"
            self.valid.add(token)
            return web.json_response(
                {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
            )
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer not in self.valid:
            return web.Response(status=401)
        return await Server.ok(request)


def oauth_client(server: Server, secret: str = "secret-1") -> BomgarClient:
    return BomgarClient(
        server.url, client_id="cid", client_secret=secret, allow_http=True, retry_backoff=0.0
    )


async def test_oauth_token_is_fetched_once_for_many_waiters(server: Server) -> None:
    oauth = OAuthServer(server)
    async with oauth_client(server) as bg:
        await asyncio.gather(*(bg.command_call("get_api_info", read_only=True) for _ in range(20)))
    assert oauth.tokens_issued == 1
    calls = [s for s in server.seen if s["url"].startswith("/api/")]
    assert len(calls) == 20
    assert all(s["headers"]["Authorization"] == "Bearer tok1" for s in calls)
    assert all("password" not in s["form"] and "username" not in s["form"] for s in calls)


async def test_oauth_401_fetches_a_new_token_once(server: Server) -> None:
    oauth = OAuthServer(server)
    async with oauth_client(server) as bg:
        await bg.command_call("get_api_info", read_only=True)
        oauth.valid.clear()  # the appliance forgets the token (expired early)
        await bg.command_call("get_api_info", read_only=True)
    assert oauth.tokens_issued == 2


async def test_oauth_persistent_401_raises_auth_error(server: Server) -> None:
    async def always_401(request: web.Request) -> web.Response:
        if request.path == "/oauth2/token":
            return web.json_response({"access_token": "t", "expires_in": 60})
        return web.Response(status=401)

    server.handler = always_401
    async with oauth_client(server) as bg:
        with pytest.raises(BomgarAuthError):
            await bg.command_call("get_api_info", read_only=True)
    assert sum(1 for s in server.seen if s["url"].startswith("/api/")) == 2


async def test_oauth_bad_client_secret(server: Server) -> None:
    OAuthServer(server)
    async with oauth_client(server, secret="wrong-secret") as bg:
        with pytest.raises(BomgarAuthError) as info:
            await bg.command_call("get_api_info", read_only=True)
    assert "wrong-secret" not in str(info.value)
    assert "wrong-secret" not in repr(bg)


async def test_oauth_expired_token_is_refreshed_before_use(server: Server) -> None:
    oauth = OAuthServer(server, expires_in=1)  # margin makes it stale almost at once
    async with oauth_client(server) as bg:
        await bg.command_call("get_api_info", read_only=True)
        await asyncio.sleep(1.0)
        await bg.command_call("get_api_info", read_only=True)
    assert oauth.tokens_issued == 2


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"access_token": "t", "expires_in": NaN}',
        b'{"access_token": "t", "expires_in": Infinity}',
        b'{"access_token": "t", "expires_in": -5}',
        b'{"access_token": "t", "expires_in": "soon"}',
        b'{"expires_in": 60}',
    ],
)
async def test_unusable_token_answers_are_protocol_errors(body: bytes) -> None:
    def answer(request: Request) -> Response:
        return Response(200, {"Content-Type": "application/json"}, body)

    async with BomgarClient(
        "support.example.com", client_id="id", client_secret="sec", transport=FakeTransport(answer)
    ) as bg:
        with pytest.raises(BomgarProtocolError, match="token answer"):
            await bg.command.get_api_info()


async def test_a_huge_expires_in_is_taken_as_a_year() -> None:
    def answer(request: Request) -> Response:
        if request.path == "/oauth2/token":
            return Response(200, {}, b'{"access_token": "t", "expires_in": 1e300}')
        return xml_response("<api_information><api_version>1.19.0</api_version></api_information>")

    fake = FakeTransport(answer)
    async with BomgarClient(
        "support.example.com", client_id="id", client_secret="sec", transport=fake, cache=None
    ) as bg:
        assert (await bg.command.get_api_info()).api_version == "1.19.0"
        await bg.command.get_api_info()
        assert bg.stats().tokens_fetched == 1
