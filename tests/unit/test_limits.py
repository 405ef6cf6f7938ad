"""The limits on one XML answer: depth counted as elements open (siblings do not add up), the
exact boundaries, the messages a user sees, and a streamed text node's cap, on each XML backend
available here (whole answers and streamed reports); and a DOCTYPE refused in any encoding."""

from __future__ import annotations

import pytest

from bomgar_async import BomgarProtocolError
from bomgar_async._xml import tree
from bomgar_async._xml.core import parse_document
from bomgar_async._xml.limits import MAX_DEPTH, MAX_TEXT_BYTES, too_deep, too_much_text
from bomgar_async._xml.parsing import parse_tree
from bomgar_async.reporting.session_stream import SessionStreamParser
from tests.builders import WAYS, use


@pytest.fixture(params=WAYS, autouse=True)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    return use(str(request.param), monkeypatch)


def tower(depth: int) -> bytes:
    return b"<x>" * depth + b"</x>" * depth


def test_the_limits_and_their_messages() -> None:
    assert MAX_DEPTH == 64
    assert MAX_TEXT_BYTES == 16 * 1024 * 1024
    assert str(too_deep()) == "the appliance's XML is nested deeper than 64 levels"
    assert str(too_much_text()) == (
        "the appliance's XML has a text node of more than 16777216 characters"
    )


def test_depth_is_counted_as_elements_open_not_elements_seen() -> None:
    # 300 sibling towers 63 levels high under the root: 18,900 elements, depth 64 at most
    root, node = parse_document(b"<r>" + tower(MAX_DEPTH - 1) * 300 + b"</r>")
    assert root == "r"
    assert len(node["x"]) == 300


def test_the_root_is_level_one() -> None:
    root, _ = parse_document(b"<r>" + tower(MAX_DEPTH - 1) + b"</r>")
    assert root == "r"
    with pytest.raises(BomgarProtocolError, match="nested deeper than 64 levels"):
        parse_document(b"<r>" + tower(MAX_DEPTH) + b"</r>")


def test_namespaced_elements_are_counted_and_parsed_by_local_name() -> None:
    ns = b' xmlns="http://www.bomgar.com/namespaces/API/reporting"'
    root, node = parse_document(b"<r" + ns + b"><a>1</a></r>")
    assert (root, node["a"]) == ("r", "1")
    deep = b"<r" + ns + b">" + tower(MAX_DEPTH) + b"</r>"
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parse_document(deep)


def test_parsers_read_namespaced_elements_by_local_name_and_refuse_malformed_bodies() -> None:
    # (was: the depth-limited stand-in for expat; the same behaviour through today's parsers)
    root, node = parse_document(b'<r xmlns="urn:n"><a>t</a><p:b xmlns:p="urn:p">u</p:b></r>')
    assert (root, node) == ("r", {"a": "t", "b": "u"})
    with pytest.raises(BomgarProtocolError, match="malformed"):
        parse_document(b"<r><unclosed></r>")
    parser = SessionStreamParser()
    ns = b' xmlns="http://www.bomgar.com/namespaces/API/reporting"'
    sessions = parser.feed(b"<session_list" + ns + b"><session lsid='a1'/></session_list>")
    sessions += parser.close()
    assert [s.lsid for s in sessions] == ["a1"]
    with pytest.raises(BomgarProtocolError, match="malformed"):
        broken = SessionStreamParser()
        broken.feed(b"<session_list><session lsid='a1'><x></session></session_list>")
        broken.close()


def test_a_streamed_report_counts_depth_from_its_root() -> None:
    def report(depth: int) -> bytes:
        # the root is level 1, the session level 2: depth - 2 more levels inside it
        inner = tower(depth - 2)
        return b"<session_list><session lsid='a1'>" + inner + b"</session></session_list>"

    parser = SessionStreamParser()
    sessions = parser.feed(report(MAX_DEPTH)) + parser.close()
    assert [s.lsid for s in sessions] == ["a1"]
    with pytest.raises(BomgarProtocolError, match="nested deeper than 64 levels"):
        too_deep_parser = SessionStreamParser()
        too_deep_parser.feed(report(MAX_DEPTH + 1))
        too_deep_parser.close()


def test_a_streamed_text_node_may_hold_exactly_the_limit() -> None:
    parser = SessionStreamParser()
    parser.feed(b"<session_list><session lsid='1'><primary_customer>")
    chunk = b"y" * (1 << 20)
    for _ in range(16):
        parser.feed(chunk)  # exactly MAX_TEXT_BYTES
    with pytest.raises(BomgarProtocolError, match="text node of more than 16777216"):
        parser.feed(b"y")


def test_closing_an_element_gives_back_one_level() -> None:
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parse_document(b"<r><a/><b><c/></b>" + tower(MAX_DEPTH) + b"</r>")


def test_a_deep_tower_inside_a_session_is_refused_before_the_report_ends() -> None:
    parser = SessionStreamParser()
    parser.feed(b"<session_list><session lsid='a1'>")
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        for _ in range(8):
            parser.feed(b"<x>" * 100_000)
        parser.close()


def utf16(text: str, *, bom: bool = True) -> bytes:
    return text.encode("utf-16" if bom else "utf-16-le")


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf16_doctype_is_refused_by_the_stream(bom: bool) -> None:
    declaration = '<?xml version="1.0" encoding="UTF-16"?>'
    body = declaration + '<!DOCTYPE session_list [<!ENTITY e "x">]><session_list/>'
    parser = SessionStreamParser()
    with pytest.raises(BomgarProtocolError, match="DTDs are disabled"):
        parser.feed(utf16(body, bom=bom))
        parser.close()
    html = SessionStreamParser()
    with pytest.raises(BomgarProtocolError, match="HTML page"):
        html.feed(utf16(declaration + "<!DOCTYPE html><html><body/></html>", bom=bom))
        html.close()


def test_a_utf16_doctype_fed_byte_by_byte_is_refused() -> None:
    parser = SessionStreamParser()
    with pytest.raises(BomgarProtocolError, match="DTDs are disabled"):
        for byte in utf16("<!DOCTYPE session_list SYSTEM 'x.dtd'><session_list/>"):
            parser.feed(bytes([byte]))
        parser.close()


def test_a_utf16_body_declaring_entities_is_refused_whole(backend: str) -> None:
    bomb = '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>'
    with pytest.raises(BomgarProtocolError, match="entities are disabled"):
        parse_tree(utf16(bomb), backend)
    # a DOCTYPE without entities stays harmless in a whole answer, in any encoding
    root = parse_tree(utf16("<!DOCTYPE r><r><a>1</a></r>"), backend)
    assert (tree.local(root.tag), root[0].text) == ("r", "1")
    # parse_document itself takes only ASCII-compatible answers (as the appliance sends)
    with pytest.raises(BomgarProtocolError, match="not XML"):
        parse_document(utf16("<r/>"))


def test_a_utf16_report_without_doctype_streams() -> None:
    parser = SessionStreamParser()
    body = utf16("<session_list><session lsid='a1'/><session lsid='b2'/></session_list>")
    sessions = parser.feed(body) + parser.close()
    assert [s.lsid for s in sessions] == ["a1", "b2"]
