"""``_xml.records.ElementStream`` at its edges, on each XML backend available here: what an
``<error>`` answer raises (whole text, code, nothing handed over), a wrong root refused as
it begins, only items handed over and at once, the message after the root closed, depth
counted as elements open, the exact text cap of a completed item, and memory."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Iterable

import pytest

from bomgar_async import BomgarAPIError, BomgarProtocolError
from bomgar_async._xml import tree
from bomgar_async._xml.limits import MAX_DEPTH, MAX_TEXT_BYTES
from bomgar_async._xml.records import ElementStream

MIB = 1 << 20


@pytest.fixture(params=tree.BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def stream_of(backend: str) -> ElementStream:
    return ElementStream(root="r", item="i", action="get_things", backend=backend)


def keys(elements: Iterable[object]) -> list[str | None]:
    return [tree.attr_of(e, "k") for e in elements]


def run(backend: str, chunks: Iterable[bytes]) -> list[str | None]:
    stream = stream_of(backend)
    out: list[str | None] = []
    for chunk in chunks:
        out += keys(stream.feed(chunk))
    return out + keys(stream.close())


def pieces(body: bytes, size: int = MIB) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def tower(depth: int) -> bytes:
    return b"<x>" * depth + b"</x>" * depth


def test_an_error_root_fed_in_pieces_raises_its_whole_text_and_code(backend: str) -> None:
    stream = stream_of(backend)
    with pytest.raises(BomgarAPIError) as info:
        stream.feed(b"<error code='bad_request'>")
        stream.feed(b"Invalid <b>time</b> range</error>")
        stream.close()
    assert str(info.value) == "get_things: Invalid time range"
    assert info.value.code == "bad_request"


def test_an_empty_error_says_so(backend: str) -> None:
    with pytest.raises(BomgarAPIError) as info:
        run(backend, [b"<r><i k='a'/><error code='42'/></r>"])
    assert (str(info.value), info.value.code) == ("get_things: unspecified error", "42")


def test_no_item_of_an_error_answer_is_handed_over(backend: str) -> None:
    stream = stream_of(backend)
    handed: list[str | None] = []
    with pytest.raises(BomgarAPIError, match="Login failed"):
        handed += keys(stream.feed(b"<error>Login failed<i k='a'/><i k='b'/>"))
        handed += keys(stream.feed(b"<error>inner</error></error>"))
        stream.close()
    assert handed == []


def test_a_wrong_root_named_like_an_item_is_refused_as_it_begins(backend: str) -> None:
    stream = stream_of(backend)
    with pytest.raises(BomgarProtocolError) as info:
        stream.feed(b"<i k='a'><x>")  # not closed: refused before the body ends
    assert str(info.value) == "get_things: expected <r>, got <i>"


def test_only_items_are_handed_over(backend: str) -> None:
    body = b"<r><summary>3</summary><i k='a'/><other><i k='nested'/></other><i k='b'/></r>"
    assert run(backend, [body]) == ["a", "b"]
    assert run(backend, [bytes([c]) for c in body]) == ["a", "b"]


def test_items_holding_names_of_the_root_items_or_errors_are_handed_over_at_once(
    backend: str,
) -> None:
    stream = stream_of(backend)
    got = stream.feed(b"<r><i k='a'><x><i k='in'/><r/><error>e</error></x></i><i k='b'>")
    assert keys(got) == ["a"]
    assert [tree.local(e.tag) for e in got[0].iter()] == ["i", "x", "i", "r", "error"]
    assert keys(stream.feed(b"<x/></i><i k='c'>")) == ["b"]
    assert keys(stream.feed(b"</i></r>")) + keys(stream.close()) == ["c"]


def test_a_body_cut_after_the_root_began_is_truncated_and_says_where(backend: str) -> None:
    for body in (b"<r><i k='a'/><i", b"<r><i k='a'/>"):
        stream = stream_of(backend)
        with pytest.raises(BomgarProtocolError) as info:
            stream.feed(body)
            stream.close()
        assert re.fullmatch(
            r"the appliance sent a truncated XML body \((?!None\)).*line 1.*\)", str(info.value)
        ), body


def test_anything_after_the_root_closed_is_malformed_not_truncated(backend: str) -> None:
    for tail in (b"<", b"<!-- x", b"junk"):
        stream = stream_of(backend)
        with pytest.raises(BomgarProtocolError) as info:
            stream.feed(b"<r><i k='a'/></r>" + tail)
            stream.close()
        assert str(info.value).startswith("the appliance sent a malformed XML body ("), tail


def test_a_closed_element_gives_back_exactly_one_level(backend: str) -> None:
    # r=1, i=2, p=3 closes (back to 2): MAX_DEPTH - 2 more levels fit, one more does not
    fits = b"<r><i k='a'><p/>" + tower(MAX_DEPTH - 2) + b"</i></r>"
    assert run(backend, [fits]) == ["a"]
    too_deep = b"<r><i k='a'><p/>" + tower(MAX_DEPTH - 1) + b"</i></r>"
    with pytest.raises(BomgarProtocolError, match=f"nested deeper than {MAX_DEPTH} levels"):
        run(backend, [too_deep])


def test_a_deep_element_beside_the_items_is_refused_before_the_report_ends(
    backend: str,
) -> None:
    stream = stream_of(backend)
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        stream.feed(b"<r><other>" + tower(MAX_DEPTH) + b"</other><i k='a'/><i k='b'/>")
        stream.feed(b"<i k='c'/>")


def test_a_long_stretch_between_items_streams(backend: str) -> None:
    # more than the 256 KiB between depth checks with no item in progress
    body = b"<r><i k='a'/>" + b" " * MIB + b"<other>" + b"t" * MIB + b"</other><i k='b'/></r>"
    assert run(backend, pieces(body, 300_000)) == ["a", "b"]
    before_the_first = b"<r>" + b" " * MIB + b"<i k='a'/></r>"
    assert run(backend, pieces(before_the_first, 300_000)) == ["a"]


def big_item(first: int, second: int, *, between: bytes = b"<!---->") -> bytes:
    """An item whose <a> holds ``first`` + ``second`` characters of text, split by
    ``between`` (so no run of bytes without markup reaches the cap), then a sibling."""
    return (
        b"<r><i k='a'><a>" + b"y" * first + between + b"y" * second + b"</a><z/></i><i k='b'/></r>"
    )


def test_a_text_node_may_hold_exactly_the_limit_in_a_completed_item(backend: str) -> None:
    half = MAX_TEXT_BYTES // 2
    assert run(backend, pieces(big_item(half, MAX_TEXT_BYTES - half))) == ["a", "b"]


def test_a_text_node_over_the_limit_is_refused_when_its_item_completes(backend: str) -> None:
    half = MAX_TEXT_BYTES // 2
    with pytest.raises(BomgarProtocolError) as info:
        run(backend, pieces(big_item(half, MAX_TEXT_BYTES - half + 1)))
    assert str(info.value) == (
        f"the appliance's XML has a text node of more than {MAX_TEXT_BYTES} characters"
    )


def test_an_elements_own_text_around_its_children_counts_as_one(backend: str) -> None:
    half = MAX_TEXT_BYTES // 2 + 1
    with pytest.raises(BomgarProtocolError, match="text node of more than"):
        run(backend, pieces(big_item(half, half, between=b"<c/>")))


def test_large_items_with_text_under_the_limit_in_each_node_stream(backend: str) -> None:
    half = MAX_TEXT_BYTES // 2 + 1
    body = b"<r><i k='a'><a>" + b"y" * half + b"</a><b>" + b"y" * half + b"</b></i></r>"
    assert run(backend, pieces(body)) == ["a"]


def test_handed_over_items_are_detached_so_memory_holds_one_item(backend: str) -> None:
    item = b"<i k='%d'><t>" + b"lorem ipsum " * 5000 + b"</t></i>"
    stream = stream_of(backend)
    count, handed = 400, 0  # about 24 MB of items
    tracemalloc.start()
    try:
        stream.feed(b"<r>")
        for first in range(0, count, 8):  # 8 items a chunk
            chunk = b"".join(item % number for number in range(first, first + 8))
            for element in stream.feed(chunk):
                handed += 1
                if backend == "lxml":
                    assert element.getparent() is None
        handed += len(stream.feed(b"</r>") + stream.close())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert handed == count
    assert peak < 4 * MIB, peak


@pytest.mark.parametrize(
    ("doctype", "message"),
    [
        (b'<!DOCTYPE r [<!ENTITY e "x">]>', "the appliance's XML was refused: DTDs are disabled"),
        (b'<!DOCTYPE r SYSTEM "x.dtd">', "the appliance's XML was refused: DTDs are disabled"),
        (b"<!DOCTYPE html>", "the appliance answered with an HTML page, not XML"),
    ],
)
def test_a_doctype_after_a_long_prolog_is_refused(
    backend: str, doctype: bytes, message: str
) -> None:
    # more than the 64 KiB the stream holds back: the expat backend took the DOCTYPE and
    # expanded its entities (k='x'), lxml named an HTML page a DTD
    body = b"<!--" + b"p" * 70_000 + b"-->" + doctype + b"<r><i k='&e;'/><i k='b'/></r>"
    with pytest.raises(BomgarProtocolError) as info:
        run(backend, pieces(body, 1000))
    assert str(info.value).startswith(message)


def test_a_long_prolog_without_doctype_streams(backend: str) -> None:
    body = b"<?xml version='1.0'?><!--" + b"p" * 70_000 + b"--><r><i k='a'/></r>"
    assert run(backend, pieces(body, 1000)) == ["a"]
    with pytest.raises(BomgarProtocolError, match="truncated"):
        run(backend, pieces(body[:50_000], 1000))
    with pytest.raises(BomgarProtocolError, match="truncated"):
        run(backend, pieces(body[:70_020], 1000))


def test_a_deep_tower_in_an_unfinished_item_is_refused_before_the_item_ends(
    backend: str,
) -> None:
    # deeper than MAX_DEPTH, far below libxml2's own limit: found while the item streams
    stream = stream_of(backend)
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        stream.feed(b"<r><i k='a'>" + b"<x>" * (MAX_DEPTH + 10))
        for _ in range(4):
            stream.feed(b"t" * (100 << 10))


def test_an_encoding_the_parser_cannot_read_is_a_decoding_error(backend: str) -> None:
    for encoding in (b"x-bogus", b"EUC-JP"):
        body = b"<?xml version='1.0' encoding='" + encoding + b"'?><r><i k='a'/></r>"
        if backend == "lxml" and encoding == b"EUC-JP":
            assert run(backend, [body]) == ["a"]
            continue
        with pytest.raises(BomgarProtocolError) as info:
            run(backend, [body])
        assert str(info.value).startswith("the appliance's XML cannot be decoded: ")


def test_a_doctype_the_prolog_probe_cannot_read_is_still_refused(backend: str) -> None:
    # the expat probe reads no multi-byte encoding: lxml's own check refuses the DOCTYPE
    body = b"<?xml version='1.0' encoding='EUC-JP'?><!DOCTYPE r [<!ENTITY e 'x'>]><r/>"
    with pytest.raises(BomgarProtocolError) as info:
        run(backend, [body])
    expected = {"lxml": "DTDs are disabled", "expat": "cannot be decoded"}[backend]
    assert expected in str(info.value)


def test_a_deep_element_after_the_last_item_is_refused_at_close(backend: str) -> None:
    body = b"<r><i k='a'/><other>" + tower(MAX_DEPTH) + b"</other><tail/></r>"
    with pytest.raises(BomgarProtocolError, match=f"nested deeper than {MAX_DEPTH} levels"):
        run(backend, [body])
    assert run(backend, [b"<r><i k='a'/><other>" + tower(MAX_DEPTH - 2) + b"</other></r>"]) == ["a"]


def fill(stream: ElementStream, size: int) -> None:
    while size > 0:
        stream.feed(b"y" * min(size, MIB))
        size -= MIB


def exact_run(backend: str, start: list[bytes], size: int) -> None:
    """After ``start``, ``size`` more bytes of text fill the run to exactly the cap; one more
    byte is refused as it arrives."""
    stream = stream_of(backend)
    for chunk in start:
        stream.feed(chunk)
    fill(stream, size)  # exactly MAX_TEXT_BYTES: accepted
    with pytest.raises(BomgarProtocolError, match="text node of more than"):
        stream.feed(b"y")


def test_the_run_of_text_starts_after_a_tag_split_across_chunks(backend: str) -> None:
    # "<a" | ">" + text: the run starts after the ">" that began the chunk
    exact_run(backend, [b"<r><i k='a'>", b"<a", b">"], MAX_TEXT_BYTES)


def test_a_tag_at_the_start_of_a_chunk_ends_the_run(backend: str) -> None:
    stream = stream_of(backend)
    stream.feed(b"<r><i k='a'><a>")
    fill(stream, 10 * MIB)
    stream.feed(b"<b/>")
    fill(stream, 10 * MIB)  # 20 MiB of text in all, never 16 MiB in one run


def test_a_greater_than_sign_in_text_does_not_end_the_run(backend: str) -> None:
    # right after a tag in the same chunk, and in chunks of text after it
    exact_run(backend, [b"<r><i k='a'><a>>" + b"y" * 10], MAX_TEXT_BYTES - 11)
    stream = stream_of(backend)
    stream.feed(b"<r><i k='a'><a>")
    with pytest.raises(BomgarProtocolError, match="text node of more than"):
        for _ in range(17):
            stream.feed(b"y" * (MIB // 2) + b">" + b"y" * (MIB // 2 - 1))


def test_a_huge_attribute_counts_as_a_run(backend: str) -> None:
    # inside a tag the run counts from the "<" (here "a v='": 5 bytes)
    exact_run(backend, [b"<r><i k='a'><a v='"], MAX_TEXT_BYTES - 5)
    # and the run starts again after the tag's ">"
    exact_run(backend, [b"<r><i k='a'><a v='", b"v" * MIB, b"'/>"], MAX_TEXT_BYTES)


def test_a_long_error_root_keeps_the_text_of_its_dropped_children(backend: str) -> None:
    stream = stream_of(backend)
    body = b"<error code='x'>A" + b"<b>b</b>c" * 3000 + b"</error>"
    with pytest.raises(BomgarAPIError) as info:
        for chunk in pieces(body, 100):
            stream.feed(chunk)
        stream.close()
    assert str(info.value) == "get_things: A" + "bc" * 3000
