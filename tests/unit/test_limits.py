"""The limits on one XML answer: depth counted as elements open (siblings do not add up), the
exact boundaries, the messages a user sees, and a streamed text node's cap."""

from __future__ import annotations

import pytest

from bomgar_async import BomgarProtocolError
from bomgar_async._xml.core import parse_document
from bomgar_async._xml.limits import (
    MAX_DEPTH,
    MAX_TEXT_BYTES,
    DepthLimitedExpat,
    too_deep,
    too_much_text,
)
from bomgar_async.reporting.session_stream import SessionStreamParser


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


def test_the_stand_in_module_behaves_as_expat() -> None:
    seen: list[tuple[str, str]] = []
    parser = DepthLimitedExpat.ParserCreate("utf-8", " ")
    parser.StartElementHandler = lambda name, _attrs: seen.append(("start", name))
    parser.EndElementHandler = lambda name: seen.append(("end", name))
    parser.CharacterDataHandler = lambda text: seen.append(("text", text))
    parser.Parse(b'<r xmlns="urn:n"><a>t</a></r>', True)
    assert seen == [
        ("start", "urn:n r"),
        ("start", "urn:n a"),
        ("text", "t"),
        ("end", "urn:n a"),
        ("end", "urn:n r"),
    ]
    assert parser.ErrorCode == 0
    with pytest.raises(DepthLimitedExpat.ExpatError):
        DepthLimitedExpat.ParserCreate().Parse(b"<r><unclosed></r>", True)


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


def test_the_stand_in_accepts_keyword_arguments_as_expat_does() -> None:
    names: list[str] = []
    parser = DepthLimitedExpat.ParserCreate(encoding="utf-8", namespace_separator="|")
    parser.StartElementHandler = lambda name, _attrs: names.append(name)
    parser.Parse(b'<r xmlns="urn:n"/>', True)
    assert names == ["urn:n|r"]
