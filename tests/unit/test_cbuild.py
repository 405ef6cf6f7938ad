"""The compiled session builder (``reporting/_cbuild.pyx``) builds exactly what the
pure-Python builders build: generated sessions in every shape the readers distinguish
(namespaces, prefixed and ``xsi:`` attributes, CDATA next to text, mixed content, blank and
repeated elements, unknown elements, odd values), the nodes it leaves to Python, and its
refusals. The fixtures and simulator reports are compared in test_parse_equality.py."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bomgar_async._xml import tree
from bomgar_async._xml.parsing import parse_tree
from bomgar_async.errors import BomgarProtocolError
from bomgar_async.pra import parse as pra_parse
from bomgar_async.reporting import build

pytestmark = pytest.mark.skipif(
    build._CBUILD is None or "lxml" not in tree.BACKENDS,
    reason="the compiled builder is not built here (tests/unit/test_accel.py says why)",
)

TEXTS = (
    "",
    "  ",
    " x ",
    "Noah Lee",
    "a<![CDATA[ b ]]>c",
    "<![CDATA[]]>",
    "<![CDATA[ 7 ]]> ",
    "&amp; &lt;3",
    " 42 ",
    "1",
    "0",
    "true",
    "2023-10-15T22:13:20+00:00",
    "1697408000",
    "00:44:27",
    "x\u00e9\u4e2d",
    "SGVsbG8=",
    "t<k>u</k>v",
    "<k/>",
    "<k>in</k> tail ",
    "<ns:k>q</ns:k>",
)
ATTRIBUTES = (
    "",
    ' id="3"',
    ' id=" 3 "',
    ' ns:id="4"',
    ' xsi:nil="true"',
    ' gsnumber="21" type="customer"',
    ' gsnumber="x" type=" "',
    ' ns:gsnumber="5" type="rep"',
    ' timestamp="1697408000"',
    ' ts="1697408001" timestamp="x"',
    ' ns:timestamp="1697408002"',
    ' name="n" value="v"',
    ' name="n"',
    ' ns:name="m" ns:value="w"',
    ' instance="2"',
    ' type="shared" id="9"',
    ' primary_team="1" id="2"',
    ' code="1"',
)
SESSION_PARTS = (
    "session_type", "lseq", "start_time", "end_time", "duration", "public_site",
    "jump_group", "jumpoint", "external_key", "session_chat_view_url",
    "session_chat_download_url", "session_recording_view_url",
    "session_recording_download_url", "file_transfer_count", "file_move_count",
    "file_delete_count", "primary_customer", "primary_rep", "primary_team", "unknown",
)  # fmt: skip
CUSTOMER_PARTS = ("username", "public_ip", "hostname", "os", "primary_cust", "info", "x")
INFO_PARTS = ("name", "company", "company_code", "issue", "details")
REP_PARTS = (
    "username", "display_name", "display_number", "private_ip", "session_owner",
    "primary_rep", "seconds_involved", "embassy", "invited",
)  # fmt: skip
EVENT_PARTS = (
    "performed_by", "destination", "body", "encoded_body", "filename", "filesize", "other",
)  # fmt: skip
QUESTION_PARTS = ("name", "type", "label", "report_header")


def _element(draw: Any, name: str, parts: tuple[str, ...] = ()) -> str:
    """``<name ...>`` with drawn attributes and either drawn text or drawn children
    (``parts``: their names), sometimes namespaced or prefixed."""
    tag = draw(st.sampled_from((name, name, name, f"ns:{name}")))
    attributes = draw(st.sampled_from(ATTRIBUTES))
    if parts and draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(parts), max_size=6))
        inner = "".join(_element(draw, n) for n in names)
        inner = draw(st.sampled_from(("", " lead "))) + inner
    else:
        inner = draw(st.sampled_from(TEXTS))
    return f"<{tag}{attributes}>{inner}</{tag}>"


def _list(draw: Any, holder: str, item: str, make: Any) -> str:
    items = "".join(make() for _ in range(draw(st.integers(0, 3))))
    extra = draw(st.sampled_from(("", "<other>o</other>", " text ")))
    return f"<{holder}>{extra}{items}</{holder}>"


@st.composite
def sessions(draw: Any) -> bytes:
    """A ``<session_list>`` of one generated session."""
    parts = [_element(draw, n) for n in draw(st.lists(st.sampled_from(SESSION_PARTS), max_size=12))]

    def customer() -> str:
        return _element(draw, "customer", CUSTOMER_PARTS)

    def info_customer() -> str:
        info = _element(draw, "info", INFO_PARTS)
        return f'<customer gsnumber="1"><username>u</username>{info}</customer>'

    def rep() -> str:
        return _element(draw, "representative", REP_PARTS)

    def team() -> str:
        return _element(draw, "team")

    def event() -> str:
        choice = draw(st.integers(0, 4))
        if choice == 0:
            return _element(draw, "event")
        if choice == 1:
            data = _list(draw, "data", "value", lambda: _element(draw, "value"))
            return f'<event timestamp="1697408000" event_type="Data">{data}</event>'
        if choice == 2:
            files = '<files><file name="a" size="3"/><file name="b"/></files>'
            system = (
                '<system_information><category name="OS"><description><field>k</field>'
                "</description><data><row><field>v</field></row></data></category>"
                "</system_information>"
            )
            return f'<event timestamp="1" event_type="F">{files}{system}</event>'
        return _element(draw, "event", EVENT_PARTS)

    def recording() -> str:
        return _element(draw, "show_my_screen_recording", ("download_url", "view_url"))

    def question() -> str:
        answers = _list(draw, "answer_list", "answer", lambda: _element(draw, "answer"))
        inner = "".join(_element(draw, n) for n in draw(st.lists(st.sampled_from(QUESTION_PARTS))))
        return f'<question id="{draw(st.integers(0, 3))}">{inner}{answers}</question>'

    def survey() -> str:
        questions = "".join(question() for _ in range(draw(st.integers(0, 2))))
        if draw(st.booleans()):
            questions = f"<question_list>{questions}</question_list>"
        return f"<cust_exit_survey>{questions}</cust_exit_survey>"

    lists = {
        "customer_list": lambda: _list(
            draw, "customer_list", "customer", draw(st.sampled_from((customer, info_customer)))
        ),
        "rep_list": lambda: _list(draw, "rep_list", "representative", rep),
        "team_list": lambda: _list(draw, "team_list", "team", team),
        "session_details": lambda: _list(draw, "session_details", "event", event),
        "show_my_screen_recordings": lambda: _list(
            draw, "show_my_screen_recordings", "show_my_screen_recording", recording
        ),
        "cust_survey_list": lambda: _list(draw, "cust_survey_list", "cust_exit_survey", survey),
        "custom_attributes": lambda: (
            '<custom_attributes><custom_attribute code_name="c">v</custom_attribute>'
            "<ticket> 7 </ticket></custom_attributes>"
        ),
    }
    for name in draw(st.lists(st.sampled_from(sorted(lists)), max_size=8)):
        parts.append(lists[name]())
    parts = draw(st.permutations(parts))
    lsid = draw(st.sampled_from(('lsid="abc"', 'lsid=" abc "', 'ns:lsid="d"', 'lsid=" "', "")))
    namespace = draw(st.sampled_from(("", ' xmlns="urn:reporting"')))
    declarations = ' xmlns:ns="urn:other" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    return (
        f"<session_list{namespace}{declarations}><session {lsid}>{''.join(parts)}</session>"
        "</session_list>"
    ).encode()


def _both(body: bytes, build_one: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """What ``build_one`` gives for the session, compiled and pure Python (an error: its
    class and message)."""

    def outcome() -> Any:
        element = parse_tree(body, "lxml")[0]
        try:
            return build_one(element)
        except BomgarProtocolError as err:
            return type(err), str(err)

    compiled = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(build, "_CBUILD", None)
        python = outcome()
    return compiled, python


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body=sessions())
def test_generated_sessions_build_the_same_models(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled, python = _both(body, build.support_session, monkeypatch)
    assert compiled == python
    compiled, python = _both(body, pra_parse.access_session, monkeypatch)
    assert compiled == python


def test_the_generator_reaches_the_compiled_path() -> None:
    """Generated sessions are read by the compiled builder (not handed back to Python)."""
    body = (
        b'<session_list><session lsid="a"><session_details><event timestamp="1" '
        b'event_type="E"><performed_by gsnumber="1" type="rep">R</performed_by>'
        b"</event></session_details></session></session_list>"
    )
    fields = build._CBUILD.session_fields(parse_tree(body, "lxml")[0], True)
    assert fields is not None
    assert fields["lsid"] == "a"
    assert fields["events"][0].performed_by.name == "R"


def test_a_session_without_lsid_is_refused_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b"<session_list><session><lseq>1</lseq></session></session_list>"
    compiled, python = _both(body, build.support_session, monkeypatch)
    assert compiled == python == (BomgarProtocolError, "<session> has no lsid attribute")


def test_nodes_it_does_not_read_go_to_the_python_builders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A comment (the SDK's parser removes them; lxml's default keeps them) makes the
    compiled builder step aside; the session is still built, by the Python builders."""
    from lxml import etree

    body = (
        b'<session_list><session lsid="a"><rep_list><representative gsnumber="2">'
        b"<!-- note --><username>u</username></representative></rep_list>"
        b"</session></session_list>"
    )
    element = etree.fromstring(body)[0]
    assert build._CBUILD.session_fields(element, True) is None

    def outcome() -> Any:
        try:
            return build.support_session(element)
        except Exception as err:
            return type(err)

    compiled = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(build, "_CBUILD", None)
        assert outcome() == compiled


def test_elements_of_the_standard_library_are_left_to_python() -> None:
    body = b'<session_list><session lsid="a"/></session_list>'
    assert build._CBUILD.session_fields(parse_tree(body, "expat")[0], True) is None
    assert build.support_session(parse_tree(body, "expat")[0]).lsid == "a"


def test_text_split_over_several_nodes_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's parser merges CDATA into text; a tree that keeps it (lxml's
    ``strip_cdata=False``) has several text nodes in a row, read as one text."""
    from lxml import etree

    body = (
        b'<session_list><session lsid="a"><external_key>a<![CDATA[ b ]]>c</external_key>'
        b"<primary_team>x<![CDATA[y]]></primary_team>"
        b'<session_details><event timestamp="1" event_type="E"><body>p<![CDATA[q]]>'
        b"<k/>r<![CDATA[s]]></body></event></session_details></session></session_list>"
    )
    element = etree.fromstring(body, etree.XMLParser(strip_cdata=False))[0]
    compiled = build.support_session(element)
    assert compiled.external_key == "a b c"
    with monkeypatch.context() as patch:
        patch.setattr(build, "_CBUILD", None)
        assert build.support_session(element) == compiled


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stamps=st.lists(
        st.one_of(
            st.integers(0, 9_999_999_999).map(str),
            st.integers(0, 99_999).map(lambda n: f"{n:010d}"),
            st.text("0123456789 -.:T+Z\u0663", max_size=12),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_event_timestamps_are_the_same_datetimes(stamps: list[str]) -> None:
    """Whole UNIX seconds are converted by the compiled builder itself (the calendar
    arithmetic), anything else by the Python builders: the same aware datetimes."""
    from xml.sax.saxutils import quoteattr

    events = "".join(f"<event timestamp={quoteattr(s)} event_type='E'/>" for s in stamps)
    body = f"<session_list><session lsid='a'><session_details>{events}</session_details>"
    element = parse_tree(f"{body}</session></session_list>".encode(), "lxml")[0]
    compiled = build._CBUILD.support_session(element)
    python = build.common_session_fields(element)[0]["events"]
    assert compiled.events == python
    assert [e.timestamp.tzinfo for e in compiled.events if e.timestamp] == [
        e.timestamp.tzinfo for e in python if e.timestamp
    ]


def test_built_models_are_left_out_of_the_cycle_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The compiled builder's models and tuples are untracked by the cyclic garbage
    collector (they cannot form cycles), so a report held in memory costs full collections
    nothing; they stay equal to the tracked models of the Python builders and survive a
    collection while held."""
    import gc
    import pickle

    body = (
        b'<session_list><session lsid="a"><customer_list><customer gsnumber="1"><username>u'
        b"</username><info><name>n</name></info></customer></customer_list>"
        b'<team_list><team id="2">T</team></team_list><session_details>'
        b'<event timestamp="1" event_type="E"><performed_by gsnumber="1" type="rep">'
        b'only-in-this-test</performed_by><data><value name="k" value="v"/></data>'
        b'<files><file name="f"/>'
        b"</files></event></session_details></session></session_list>"
    )
    element = parse_tree(body, "lxml")[0]
    compiled = build.support_session(element)
    event = compiled.events[0]
    # (the party is new to the shared cache: a name no other test uses)
    held = [compiled, event, event.performed_by, event.data, event.data[0], event.files[0]]
    held += [compiled.events, compiled.customers[0], compiled.customers[0].info]
    assert [gc.is_tracked(made) for made in held] == [False] * len(held)
    gc.collect()
    with monkeypatch.context() as patch:
        patch.setattr(build, "_CBUILD", None)
        python = build.support_session(element)
    assert gc.is_tracked(python)
    assert compiled == python and hash(compiled.events) == hash(python.events)
    assert pickle.loads(pickle.dumps(compiled)) == compiled  # noqa: S301 (pickled just above)
