"""Client ergonomics: ``with_options`` views (own timeouts and retries; shared connections,
cache and credentials), ``proxy=`` and ``trust_env``, the FakeTransport handler types, and
short reprs of big models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from bomgar_async import (
    BomgarClient,
    BomgarClientClosed,
    BomgarConfigError,
    BomgarHTTPError,
    BomgarTimeoutError,
    SessionKey,
    SupportSession,
)
from bomgar_async.simulator import Fault, Simulator
from bomgar_async.testing import FakeTransport, Handler, Request, Response, xml_response


def admin(sim: Simulator, **options: object) -> BomgarClient:
    return BomgarClient(
        sim.url,
        username="admin",
        password="s3cret-admin",
        allow_http=True,
        retry_backoff=0.01,
        **options,  # type: ignore[arg-type]
    )


async def test_a_view_has_its_own_timeout_and_retries() -> None:
    async with Simulator(seed=1) as sim, admin(sim) as bg:
        sim.add_fault(Fault("latency", action="check_health", delay=0.5, times=1))
        with pytest.raises(BomgarTimeoutError):
            await bg.with_options(timeout=0.1, retries=0).command.check_health()
        assert (await bg.command.check_health()).success  # the client's own 30 s

        sim.add_fault(Fault("http_status", action="get_appliances", status=503, times=1))
        before = len(sim.requests)
        with pytest.raises(BomgarHTTPError):
            await bg.with_options(retries=0).command.get_appliances()
        assert len(sim.requests) - before == 1
        sim.add_fault(Fault("http_status", action="get_appliances", status=503, times=1))
        assert await bg.command.get_appliances()  # the client retries (2 by default)


async def test_a_view_shares_the_cache_and_closes_with_its_client() -> None:
    async with Simulator(seed=1) as sim:
        bg = admin(sim)
        view = bg.with_options(timeout=5)
        reps = await bg.command.get_logged_in_reps()
        before = len(sim.requests)
        assert await view.command.get_logged_in_reps() == reps
        assert len(sim.requests) == before  # answered from the shared cache
        assert view.cache is bg.cache and view.timeout.total == 5

        await view.close()  # closes the view only
        with pytest.raises(BomgarClientClosed):
            await view.command.get_appliances()
        assert await bg.command.get_appliances()
        other = bg.with_options(retries=1)
        await bg.close()
        with pytest.raises(BomgarClientClosed):
            await other.command.get_appliances()


def test_with_options_checks_its_options() -> None:
    bg = BomgarClient("support.example.com", username="u", password="p")
    with pytest.raises(BomgarConfigError):
        bg.with_options(retries=-1)
    assert bg.with_options(download_timeout=timedelta(seconds=9).total_seconds())


@pytest_asyncio.fixture
async def forward_proxy() -> AsyncIterator[tuple[str, list[str]]]:
    """A minimal HTTP forward proxy on loopback; yields its URL and the URLs it forwarded."""
    seen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        target = str(request.url)
        seen.append(target)
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                target,
                data=await request.read(),
                headers={"Content-Type": request.headers.get("Content-Type", "")},
            ) as upstream,
        ):
            body = await upstream.read()
            return web.Response(status=upstream.status, body=body, headers={
                "Content-Type": upstream.headers.get("Content-Type", "text/xml")
            })  # fmt: skip

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_proxy_sends_every_request_through_the_proxy(forward_proxy) -> None:  # type: ignore[no-untyped-def]
    proxy_url, seen = forward_proxy
    async with Simulator(seed=1) as sim, admin(sim, proxy=proxy_url) as bg:
        assert (await bg.command.check_health()).success
        assert seen == [f"{sim.url}/api/command.ns"]
        assert "s3cret-admin" not in repr(bg)


async def test_trust_env_takes_the_proxy_from_the_environment(forward_proxy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    proxy_url, seen = forward_proxy
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    async with Simulator(seed=1) as sim:
        async with admin(sim) as bg:
            await bg.command.check_health()
        assert seen == []  # the environment is ignored by default
        async with admin(sim, trust_env=True) as bg:
            await bg.command.check_health()
        assert len(seen) == 1


@pytest.mark.parametrize(
    "options",
    [
        {"proxy": "socks5://127.0.0.1:1080"},
        {"proxy": 8080},
        {"trust_env": "yes"},
        {"proxy": "http://127.0.0.1:3128", "transport": FakeTransport(lambda r: xml_response(""))},
    ],
)
def test_bad_proxy_options_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(BomgarConfigError):
        BomgarClient("support.example.com", username="u", password="p", **options)  # type: ignore[arg-type]


async def test_fake_transport_handler_types_come_from_testing() -> None:
    def answer(request: Request) -> Response:
        assert request.path == "/api/command.ns"
        return xml_response("<logged_in_reps/>")

    handler: Handler = answer
    fake = FakeTransport(handler)
    async with BomgarClient(
        "support.example.com", username="u", password="p", transport=fake
    ) as bg:
        assert await bg.command.get_logged_in_reps() == []
    assert fake.requests[0].params()["action"] == "get_logged_in_reps"


def test_big_models_have_short_reprs() -> None:
    key = SessionKey(short_key="1234567", mail_body="Dear customer, " * 100)
    assert "Dear customer" not in repr(key) and "1234567" in repr(key)
    from bomgar_async.reporting.models.events import SessionEvent

    events = tuple(SessionEvent(event_type="Chat Message", body="hello " * 50) for _ in range(300))
    session = SupportSession(lsid="abc", events=events)
    assert repr(session) == (
        "SupportSession(lsid='abc', start_time=None, end_time=None, external_key=None, "
        "customers=0, reps=0, events=300)"
    )
    assert len(repr(session)) < 200


async def test_session_key_expires_is_an_aware_datetime_ttl_ahead() -> None:
    from datetime import datetime, timezone

    from bomgar_async import Queue

    async with Simulator(seed=1) as sim, admin(sim) as bg:
        before = datetime.now(timezone.utc).replace(microsecond=0)
        key = await bg.command.generate_session_key(Queue.team(7), ttl=3600)
    assert isinstance(key.expires, datetime) and key.expires.utcoffset() == timedelta(0)
    assert timedelta(seconds=3599) <= key.expires - before <= timedelta(seconds=3605)


async def test_a_view_keeps_the_paths_and_no_data_messages_of_its_client() -> None:
    async with BomgarClient(
        "support.example.com",
        username="u",
        password="p",
        api_paths="modern",
        no_data_messages=["nothing here, friend"],
    ) as bg:
        view = bg.with_options(timeout=5)
        assert view.reporting.path == bg.reporting.path == "/api/reporting"
        assert view.pra.path == "/api/reporting"
        assert view.backup.path == "/api/backup"
        assert view.command_path == "/api/command"
        assert view.reporting.no_data is bg.reporting.no_data
        assert view.pra is not bg.pra and view.reporting is not bg.reporting
