"""The parsers of issue 11 build exactly what the parsers before it built: every fixture
(tests/fixtures/**, the real recordings included) through every parse function, and
simulator-generated reports of both products (every event type, several seeds, light and
event-heavy) through the streams, old path (tests/reference/old_xml.py) against new path,
with each XML backend available here."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.reports import report
from bomgar_async._xml import core
from bomgar_async.command import parse as command_parse
from bomgar_async.errors import BomgarError
from bomgar_async.pra import parse as pra_parse
from bomgar_async.pra.models import AccessSession
from bomgar_async.reporting import parse as reporting_parse
from bomgar_async.reporting.models import SupportSession
from bomgar_async.reporting.parse import (
    EXIT_SURVEY_LIST_PATHS,
    SESSION_LIST_PATHS,
    TEAM_ACTIVITY_PATHS,
)
from bomgar_async.reporting.session_stream import RecordStreamParser
from bomgar_async.simulator.history_events_extra import SESSION_EVENT_TYPES
from tests.builders import WAYS, use
from tests.reference import old_clients, old_command
from tests.reference.old_xml import OldRecordStreamParser, old_parse_document

FIXTURES = Path(__file__).parents[1] / "fixtures"
BODIES = {str(p.relative_to(FIXTURES)): p.read_bytes() for p in sorted(FIXTURES.rglob("*.xml"))}
BODIES["inline/vault_account_activity.xml"] = (  # no recorded one
    b'<vault_account_activity_list xmlns="http://www.beyondtrust.com/sra/namespaces/API/reporting">'
    b'<vault_account_activity timestamp="1700000000" event_type=" Password Rotated " account="5">'
    b'<account id="6">svc</account><performed_by type="User" id="2">John Doe</performed_by>'
    b"<data> rotated </data><endpoint>host1</endpoint></vault_account_activity>"
    b'<vault_account_activity timestamp="x"/></vault_account_activity_list>'
)
MODULES = (command_parse, reporting_parse, pra_parse)
PARSERS = {
    f"{module.__name__.rsplit('.', 2)[-2]}.{name}": (module, name)
    for module in MODULES
    for name, fn in vars(module).items()
    if name.startswith("parse_") and inspect.isfunction(fn) and fn.__module__ == module.__name__
}
ALL_PATHS = (
    *SESSION_LIST_PATHS,
    *EXIT_SURVEY_LIST_PATHS,
    *TEAM_ACTIVITY_PATHS,
    "rep",
    "permission",
)


@pytest.fixture(params=WAYS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    return use(str(request.param), monkeypatch)


def outcome(call: Callable[[], Any]) -> Any:
    """The result, or the error's class and message (parsers word syntax errors their way,
    so only the kind of a syntax error is compared)."""
    try:
        return call()
    except BomgarError as err:
        message = str(err)
        kind = re.search(r"truncated|malformed|cannot be decoded|refused|nested deeper", message)
        if kind and "XML" in message:
            return type(err), kind.group(0)
        return type(err), message, getattr(err, "code", None)


def run(module: Any, name: str, body: bytes) -> Any:
    fn = getattr(module, name)
    if name == "parse_success":
        return outcome(lambda: fn(body, "join_session"))
    return outcome(lambda: fn(body))


def run_old(module: Any, name: str, body: bytes, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The parser before issue 11 on nodes from the xmltodict-based ``old_parse_document``:
    the Command API's, which no longer read nodes, from tests/reference/old_command.py and
    old_clients.py; the others with ``parse_document`` replaced in their module."""
    if module is not command_parse:
        monkeypatch.setattr(module, "parse_document", old_parse_document)
        return run(module, name, body)
    reference = getattr(old_command, "old_" + name, None) or getattr(old_clients, "old_" + name)
    if name == "parse_success":
        return outcome(lambda: reference(body, "join_session", parse=old_parse_document))
    return outcome(lambda: reference(body, parse=old_parse_document))


def test_every_parser_is_compared() -> None:
    assert len(PARSERS) >= 20, sorted(PARSERS)
    assert len(BODIES) >= 60
    assert any(name.startswith("real/") for name in BODIES)


@pytest.mark.parametrize("parser", sorted(PARSERS))
def test_every_fixture_gives_the_same_models(
    parser: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, name = PARSERS[parser]
    new = {fixture: run(module, name, body) for fixture, body in BODIES.items()}
    old = {fixture: run_old(module, name, body, monkeypatch) for fixture, body in BODIES.items()}
    for fixture in BODIES:
        assert new[fixture] == old[fixture], fixture
    assert any(not isinstance(value, tuple) for value in new.values())  # some parsed


@pytest.mark.parametrize("fixture", sorted(BODIES))
def test_every_fixture_gives_the_same_nodes(fixture: str, backend: str) -> None:
    body = BODIES[fixture]
    new = outcome(lambda: core.parse_document(body, list_paths=ALL_PATHS))
    old = outcome(lambda: old_parse_document(body, list_paths=ALL_PATHS))
    assert new == old


def _old_stream(build: Callable[[Any], Any], action: str) -> OldRecordStreamParser[Any]:
    return OldRecordStreamParser(
        build, root="session_list", item="session", list_paths=SESSION_LIST_PATHS, action=action
    )


def _stream(parser: Any, body: bytes, size: int) -> Any:
    def go() -> list[Any]:
        out: list[Any] = []
        for start in range(0, len(body), size):
            out += parser.feed(body[start : start + size])
        return out + parser.close()

    return outcome(go)


STREAMS: dict[str, tuple[Callable[[], RecordStreamParser[Any]], Callable[[Any], Any], str]] = {
    "SupportSession": (
        lambda: reporting_parse_stream(),
        SupportSession.from_node,
        "SupportSession",
    ),
    "AccessSession": (pra_parse.access_session_parser, AccessSession.from_node, "AccessSession"),
}


def reporting_parse_stream() -> RecordStreamParser[SupportSession]:
    from bomgar_async.reporting.session_stream import SessionStreamParser

    return SessionStreamParser()


@pytest.mark.parametrize("stream", sorted(STREAMS))
@pytest.mark.parametrize("fixture", sorted(n for n in BODIES if "session_list" in n))
@pytest.mark.parametrize("size", [1, 61, 4096])
def test_session_fixtures_stream_to_the_same_models(
    stream: str, fixture: str, size: int, backend: str
) -> None:
    new_parser, build, action = STREAMS[stream]
    body = BODIES[fixture]
    assert _stream(new_parser(), body, size) == _stream(_old_stream(build, action), body, size)


@pytest.mark.parametrize("product", ["rs", "pra"])
@pytest.mark.parametrize("kind", ["light", "heavy"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulator_reports_stream_to_the_same_models(
    product: str, kind: str, seed: int, backend: str
) -> None:
    body = report(250_000, kind, product=product, seed=seed)
    stream = "AccessSession" if product == "pra" else "SupportSession"
    new_parser, build, action = STREAMS[stream]
    new = _stream(new_parser(), body, 65536)
    assert isinstance(new, list) and len(new) >= 15
    assert new == _stream(_old_stream(build, action), body, 4093)
    if product == "rs":
        assert new == outcome(lambda: reporting_parse.parse_session_list(body))
    else:
        assert new == outcome(lambda: pra_parse.parse_access_sessions(body))


def test_the_simulator_reports_hold_every_event_type() -> None:
    seen = {
        match.decode()
        for seed in (1, 2, 3)
        for match in re.findall(rb'event_type="([^"]+)"', report(250_000, "light", seed=seed))
    }
    assert set(SESSION_EVENT_TYPES) <= seen
