"""The standard-library backend's quiet event reading (``_xml/etree_items.py``): items are
handed over the moment they end, nesting is refused at the exact limit, and the stream
falls back to reading every event where the parser's internals differ."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

import pytest

from bomgar_async._xml import records
from bomgar_async._xml.etree_items import deeper_than, quiet_events
from bomgar_async._xml.limits import MAX_DEPTH
from bomgar_async._xml.records import ElementStream
from bomgar_async.errors import BomgarAPIError, BomgarProtocolError


def _nested(levels: int) -> str:
    return "<a>" * levels + "</a>" * levels


def test_deeper_than_counts_levels_below_the_element() -> None:
    element = fromstring(_nested(5))  # noqa: S314 - a literal
    assert deeper_than(element, 4)
    assert not deeper_than(element, 5)
    assert not deeper_than(fromstring("<a/>"), 1)  # noqa: S314 - a literal
    assert deeper_than(fromstring("<a><b/><c><d/></c></a>"), 2)  # noqa: S314 - a literal


def test_the_standard_library_backend_reads_quietly_here() -> None:
    stream = ElementStream(root="r", item="i", action="x", backend="expat")
    assert stream._quiet is not None
    assert quiet_events(object()) is None


def _items(stream: ElementStream, body: bytes) -> list[list[str]]:
    """The items' ids handed over after each byte."""
    handed = [[e.get("id") for e in stream.feed(body[n : n + 1])] for n in range(len(body))]
    return [*handed, [e.get("id") for e in stream.close()]]


@pytest.mark.parametrize("quiet", [True, False])
def test_items_are_handed_over_when_their_end_tag_is_read(
    quiet: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not quiet:
        monkeypatch.setattr(records, "quiet_events", lambda _parser: None)
    body = (
        b"<?xml version='1.0'?><n:list xmlns:n='urn:x'> <n:i id='1'><i id='in'/>t</n:i>"
        b"<other/><i id='2'/>\n<i id='3'>x<b>y</b></i></n:list>"
    )
    handed = _items(ElementStream(root="list", item="i", action="x", backend="expat"), body)
    at = {ids[0]: n for n, ids in enumerate(handed) if ids}
    assert sorted(at) == ["1", "2", "3"] and all(len(ids) <= 1 for ids in handed)
    assert at["1"] == body.index(b"</n:i>") + len(b"</n:i>") - 1
    assert at["2"] == body.index(b"id='2'/>") + len(b"id='2'/>") - 1
    assert at["3"] == body.rindex(b"</i>") + len(b"</i>") - 1


@pytest.mark.parametrize("chunk", [1, 7, 1 << 16])
def test_nesting_is_refused_at_the_limit(chunk: int) -> None:
    for levels, refused in ((MAX_DEPTH - 1, False), (MAX_DEPTH, True)):
        body = f"<list><i>{_nested(levels - 1)}</i></list>".encode()  # root + i + levels - 1
        stream = ElementStream(root="list", item="i", action="x", backend="expat")
        if refused:
            with pytest.raises(BomgarProtocolError, match="nested deeper"):
                for n in range(0, len(body), chunk):
                    stream.feed(body[n : n + chunk])
                stream.close()
        else:
            got = [e for n in range(0, len(body), chunk) for e in stream.feed(body[n : n + chunk])]
            assert len(got + stream.close()) == 1


def test_errors_keep_their_order() -> None:
    stream = ElementStream(root="list", item="i", action="x", backend="expat")
    with pytest.raises(BomgarAPIError, match="boom"):
        stream.feed(b"<list><i/><error code='3'>boom</error><i></list>")
    broken = ElementStream(root="list", item="i", action="x", backend="expat")
    assert [e.tag for e in broken.feed(b"<list><i/><i>")] == ["i"]
    with pytest.raises(BomgarProtocolError, match="malformed"):
        broken.feed(b"</j>")


def test_an_error_root_is_read_whole() -> None:
    stream = ElementStream(root="list", item="i", action="x", backend="expat")
    with pytest.raises(BomgarAPIError, match="no data") as caught:
        stream.feed(b"<error code='7'>no data</error>")
    assert caught.value.code == "7"
