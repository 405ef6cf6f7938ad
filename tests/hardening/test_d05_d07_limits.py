"""Defects 5 and 7: what an answer can cost is bounded: nesting depth (every parser, refused
cheaply), the size of a buffered answer (after decompression), one text node in a stream."""

from __future__ import annotations

import gzip
import time

import pytest
from aiohttp import web

from bomgar_async import BomgarProtocolError
from bomgar_async._xml.core import MAX_DEPTH, parse_document
from bomgar_async.command.parse import parse_api_info, parse_connected_clients
from bomgar_async.reporting.session_stream import SessionStreamParser

from .servers import app_server, client_for

DEEP = 100_000


def nested(depth: int, name: bytes = b"a") -> bytes:
    return (b"<" + name + b">") * depth + (b"</" + name + b">") * depth


def deep_document(depth: int) -> bytes:
    return b"<api_information>" + b"<x>" * depth + b"</x>" * depth + b"</api_information>"


def test_deep_nesting_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(BomgarProtocolError, match="nested deeper than 64"):
        parse_api_info(deep_document(DEEP))
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parse_connected_clients(
            b"<connected_clients>" + b"<x>" * DEEP + b"</x>" * DEEP + b"</connected_clients>"
        )
    assert time.perf_counter() - started < 2.0  # was 13-75 s


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert MAX_DEPTH == 64
    inner = MAX_DEPTH - 1
    root, node = parse_document(b"<r>" + b"<x>" * inner + b"</x>" * inner + b"</r>")
    assert root == "r"
    for _level in range(inner):
        node = node["x"]
    assert node is None
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parse_document(b"<r>" + b"<x>" * (inner + 1) + b"</x>" * (inner + 1) + b"</r>")


def test_the_session_stream_refuses_deep_nesting_quickly() -> None:
    parser = SessionStreamParser()
    started = time.perf_counter()
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parser.feed(b"<session_list><session lsid='1'>" + b"<x>" * DEEP)
    assert time.perf_counter() - started < 2.0  # was 13-75 s
    with pytest.raises(BomgarProtocolError):
        parser.close()


def test_the_session_stream_caps_one_text_node() -> None:
    parser = SessionStreamParser()
    parser.feed(b"<session_list><session lsid='1'><primary_customer>")
    with pytest.raises(BomgarProtocolError, match="text node"):
        for _ in range(40):  # 40 MiB of text in one element
            parser.feed(b"y" * (1 << 20))


@pytest.mark.parametrize("compressed", [False, True])
async def test_a_buffered_answer_is_capped_after_decompression(compressed: bool) -> None:
    body = b"<api_information>" + b" " * (3 << 20) + b"</api_information>"

    async def big(_request: web.Request) -> web.Response:
        if compressed:
            return web.Response(
                body=gzip.compress(body),
                headers={"Content-Encoding": "gzip", "Content-Type": "text/xml"},
            )
        return web.Response(body=body, content_type="text/xml")

    async with app_server({"/api/command.ns": big}) as url:
        async with client_for(url, max_response_bytes=1 << 20) as bg:
            with pytest.raises(BomgarProtocolError, match="max_response_bytes") as info:
                await bg.command.get_api_info()
        assert not info.value.retryable
        async with client_for(url, max_response_bytes=4 << 20) as bg:
            assert (await bg.command.get_api_info()).api_version is None
