"""Whole XML answers at their edges (``_xml.parsing``), on each XML backend available here:
the exact messages a user sees, the backend a caller asks for, encodings that cannot be
decoded, what an external DTD or entity may not do, comments and processing instructions,
and depth counted as elements open."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bomgar_async import BomgarProtocolError
from bomgar_async._xml import tree
from bomgar_async._xml.core import parse_document
from bomgar_async._xml.limits import MAX_DEPTH
from bomgar_async._xml.parsing import doctype_error, parse_tree, syntax_error


def refusal(body: bytes, backend: str) -> str:
    with pytest.raises(BomgarProtocolError) as info:
        parse_tree(body, backend)
    return str(info.value)


def tower(depth: int) -> bytes:
    return b"<x>" * depth + b"</x>" * depth


# (?!None\)) : the parser's own reason follows, not a placeholder
TRUNCATED = r"the appliance sent a truncated XML body \((?!None\)).*line 1.*\)"
MALFORMED = r"the appliance sent a malformed XML body \((?!None\)).*line 1.*\)"


def test_truncated_and_malformed_bodies_say_so_and_where(backend: str) -> None:
    assert re.fullmatch(TRUNCATED, refusal(b"<r><a>", backend))
    assert re.fullmatch(TRUNCATED, refusal(b"<r><a", backend))  # cut inside a tag
    assert re.fullmatch(MALFORMED, refusal(b"<r><a></b></r>", backend))
    # bytes that are not UTF-8 are malformed on both backends, not an unknown encoding
    assert re.fullmatch(MALFORMED, refusal(b"<r>\xff</r>", backend))


@pytest.mark.parametrize("encoding", [b"x-bogus", b"EUC-JP", b"Shift_JIS"])
def test_an_encoding_the_parser_cannot_read_is_a_decoding_error(
    backend: str, encoding: bytes
) -> None:
    body = b"<?xml version='1.0' encoding='" + encoding + b"'?><r><a>1</a></r>"
    if backend == "lxml" and encoding != b"x-bogus":
        assert tree.local(parse_tree(body, backend).tag) == "r"  # libxml2 reads these
        return
    # (expat reads no multi-byte encoding: was a bare ValueError, not a BomgarError)
    message = refusal(body, backend)
    assert message.startswith("the appliance's XML cannot be decoded: ")
    assert encoding.decode().lower() in message.lower() or "multi-byte" in message


def test_the_syntax_messages_word_what_a_parser_said() -> None:
    unknown = syntax_error("unknown encoding: line 1, column 30")
    assert (
        str(unknown) == "the appliance's XML cannot be decoded: unknown encoding: line 1, column 30"
    )
    unsupported = str(syntax_error("Unsupported encoding: x-bogus"))
    assert unsupported == "the appliance's XML cannot be decoded: Unsupported encoding: x-bogus"
    assert str(syntax_error("no element found: line 3")) == (
        "the appliance sent a truncated XML body (no element found: line 3)"
    )
    assert str(syntax_error("mismatched tag", truncated=True)) == (
        "the appliance sent a truncated XML body (mismatched tag)"
    )
    assert str(syntax_error("no element found", truncated=False)) == (
        "the appliance sent a malformed XML body (no element found)"
    )
    assert str(syntax_error("Excessive depth in document: 2049")) == (
        f"the appliance's XML is nested deeper than {MAX_DEPTH} levels"
    )


def test_the_doctype_messages() -> None:
    html = (
        "the appliance answered with an HTML page, not XML "
        "(is the XML API enabled, and is this the right host and path?)"
    )
    assert str(doctype_error("<!DOCTYPE html>")) == html
    assert str(doctype_error("<!doctype HTML PUBLIC")) == html
    assert str(doctype_error("<!DOCTYPE r SYSTEM 'x.dtd'>")) == (
        "the appliance's XML was refused: DTDs are disabled"
    )


def test_declared_entities_are_refused_with_their_message(backend: str) -> None:
    body = b'<!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>'
    assert refusal(body, backend) == "the appliance's XML was refused: entities are disabled"


def test_an_external_entity_is_never_read(backend: str, tmp_path: Path) -> None:
    # a file whose content would break the parse if it were read and expanded
    target = tmp_path / "secret.txt"
    target.write_text("<not xml")
    body = f'<!DOCTYPE r [<!ENTITY x SYSTEM "{target.as_uri()}">]><r>&x;</r>'.encode()
    assert refusal(body, backend) == "the appliance's XML was refused: entities are disabled"


def test_an_external_dtd_is_never_loaded(backend: str, tmp_path: Path) -> None:
    # a whole answer may name a DTD (harmless as long as nothing is read): a broken file
    # at that path must not matter
    dtd = tmp_path / "broken.dtd"
    dtd.write_text("<!ELEMENT r (#PCDATA")
    root = parse_tree(f'<!DOCTYPE r SYSTEM "{dtd.as_uri()}"><r>a</r>'.encode(), backend)
    assert (tree.local(root.tag), root.text) == ("r", "a")


def test_comments_and_processing_instructions_are_not_data(backend: str) -> None:
    plain = parse_document(b"<r><a>xy</a><b><c>1</c></b></r>")
    noisy = parse_document(
        b"<?xml version='1.0'?><!-- head --><r><!-- c --><a>x<!-- in text -->y</a>"
        b"<?pi data?><b><?pi2 more?><c>1</c><!-- last --></b></r><!-- tail -->"
    )
    assert noisy == plain == ("r", {"a": "xy", "b": {"c": "1"}})


def test_the_backend_asked_for_is_used(backend: str) -> None:
    body = b"<r><a>1</a></r>"
    assert isinstance(parse_tree(body, "expat"), ET.Element)
    assert isinstance(parse_tree(body), ET.Element) is (backend == "expat")
    if "lxml" in tree.BACKENDS:
        assert not isinstance(parse_tree(body, "lxml"), ET.Element)
        assert hasattr(parse_tree(body, "lxml"), "getparent")


def test_a_closed_element_gives_back_exactly_one_level(backend: str) -> None:
    # r=1, a=2, b=3 closes (back to 2), then MAX_DEPTH - 1 more levels: one too deep
    body = b"<r><a><b/>" + tower(MAX_DEPTH - 1) + b"</a></r>"
    assert refusal(body, backend) == f"the appliance's XML is nested deeper than {MAX_DEPTH} levels"
    fits = b"<r><a><b/>" + tower(MAX_DEPTH - 2) + b"</a></r>"
    assert tree.local(parse_tree(fits, backend).tag) == "r"


def test_a_document_far_deeper_than_libxml2_allows_is_refused_as_too_deep(backend: str) -> None:
    body = b"<r>" + tower(5000) + b"</r>"
    assert refusal(body, backend) == f"the appliance's XML is nested deeper than {MAX_DEPTH} levels"
