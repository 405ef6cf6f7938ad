"""The compiled builder's shared strings (short values that repeat on every event, decoded
once: event types, party numbers, kinds and names, data value names) give the same models
as the pure-Python builders, for values of every length and far more distinct values than
its table has slots; and text read without ``strip()`` (printable ASCII at both ends) is
what ``strip()`` would have left."""

from __future__ import annotations

import pytest

from bomgar_async._xml import tree
from bomgar_async._xml.parsing import parse_tree
from bomgar_async.reporting import build

pytestmark = pytest.mark.skipif(
    build._CBUILD is None or "lxml" not in tree.BACKENDS,
    reason="the compiled builder is not built here (tests/unit/test_accel.py says why)",
)

#: values around the table's 31-byte limit, non-ASCII, blank-edged and empty
VALUES = ("", " ", "r", "x" * 30, "y" * 31, "z" * 32, "é" * 16, "\u4e2d" * 11, " pad ", "a\tb")


def _event(n: int, value: str) -> str:
    return (
        f'<event timestamp="{1_700_000_000 + n}" event_type="{value}{n % 3}">'
        f'<performed_by gsnumber="{n % 7}" type="{value}">{value}{n}</performed_by>'
        f'<destination gsnumber="{value}" type="rep">{value}</destination>'
        f'<data><value name="{value}{n % 5}" value="{n}"/></data></event>'
    )


def _report(events: list[str]) -> bytes:
    body = "".join(events)
    return (
        f'<session_list><session lsid="s"><session_details>{body}</session_details>'
        "</session></session_list>"
    ).encode()


def _both(body: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    element = parse_tree(body, "lxml")[0]
    compiled = build.support_session(element)
    with monkeypatch.context() as patch:
        patch.setattr(build, "_CBUILD", None)
        python = build.support_session(parse_tree(body, "lxml")[0])
    return compiled, python


@pytest.mark.timeout(60)
def test_values_of_every_length_build_the_same_models(monkeypatch: pytest.MonkeyPatch) -> None:
    events = [_event(n, value) for n, value in enumerate(VALUES * 3)]
    compiled, python = _both(_report(events), monkeypatch)
    assert compiled == python
    assert len(compiled.events) == len(VALUES) * 3  # type: ignore[attr-defined]


@pytest.mark.timeout(60)
def test_more_distinct_values_than_slots_build_the_same_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 3,000 distinct event types and party names: slots are replaced many times over
    events = [_event(n, f"v{n}") for n in range(3000)]
    for _ in range(2):  # the second pass reads values the table may still hold
        compiled, python = _both(_report(events), monkeypatch)
        assert compiled == python


@pytest.mark.timeout(60)
def test_a_repeated_short_value_is_one_string() -> None:
    body = _report([_event(n, "rep") for n in (0, 3, 6)])
    events = build.support_session(parse_tree(body, "lxml")[0]).events
    assert events[0].event_type == "rep0"
    assert events[0].event_type is events[1].event_type is events[2].event_type
    assert events[0].destination is not None and events[1].destination is not None
    assert events[0].destination.type is events[1].destination.type


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    ["plain", "a b", " lead", "trail ", "\u00a0nbsp", "end\u3000", "\x85nel", "nel\x85", "~!", "x"],
)
def test_text_is_stripped_exactly_as_python_strips_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        f'<session_list><session lsid="s"><external_key>{text}</external_key>'
        "</session></session_list>"
    ).encode()
    compiled, python = _both(body, monkeypatch)
    assert compiled == python
    assert compiled.external_key == text.strip()  # type: ignore[attr-defined]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "attributes",
    [
        'timestamp="5" event_type="E"',
        'timestamp="5" ns:event_type="E"',
        'ns:timestamp="5" event_type="E"',
        'timestamp="5"',
        'event_type="E"',
        'timestamp="x5" ns:event_type="E"',
        'timestamp="12345678901" event_type="E"',
        'timestamp="" event_type="E"',
    ],
)
def test_event_attributes_in_any_namespace_build_the_same_models(
    attributes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        '<session_list xmlns:ns="urn:n"><session lsid="s"><session_details>'
        f"<event {attributes}/><event {attributes}><body>b</body></event>"
        "</session_details></session></session_list>"
    ).encode()
    compiled, python = _both(body, monkeypatch)
    assert compiled == python
    assert compiled.events[1].body == "b"  # type: ignore[attr-defined]
