"""Fuzzing (hypothesis): every parser, fed generated and mutated documents, raises only
``BomgarError``; every validator and parameter builder, fed arbitrary input, raises only
``BomgarValidationError``."""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable
from datetime import timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bomgar_async import BomgarError, BomgarProtocolError, BomgarValidationError
from bomgar_async._http.request import Response
from bomgar_async._http.status import check_status
from bomgar_async._xml import validate
from bomgar_async._xml.core import parse_document
from bomgar_async.brcs import _parse as brcs_parse
from bomgar_async.command import params as command_params
from bomgar_async.command import parse as command_parse
from bomgar_async.pra import parse as pra_parse
from bomgar_async.reporting import params as reporting_params
from bomgar_async.reporting import parse as reporting_parse
from bomgar_async.reporting.session_stream import SessionStreamParser
from bomgar_async.reporting.time_range import iter_windows, time_range
from bomgar_async.scripting import params as scripting_params
from bomgar_async.start_session import urls as start_session_urls

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEEDS = sorted(p.read_bytes() for p in FIXTURES.rglob("*.xml"))
NAMES = sorted({n.decode() for seed in SEEDS for n in re.findall(rb"<([a-z_]+)[ >/]", seed)})


def _stream(body: bytes, cut: int) -> object:
    parser = SessionStreamParser()
    out = parser.feed(body[:cut]) + parser.feed(body[cut:])
    return out + parser.close()


def _records(parser: Any, body: bytes) -> object:
    return (
        parser.feed(body[: len(body) // 2]) + parser.feed(body[len(body) // 2 :]) + parser.close()
    )


def _retry_after(body: bytes) -> object:
    value = body.decode("latin-1")
    return check_status(Response(503, {"Retry-After": value}, b""), "x")


def _exported(module: object) -> dict[str, Any]:
    """The module's names in ``__all__`` when it has one (not helpers a tool such as mutmut
    adds beside them), else every name."""
    names = vars(module)
    exported = getattr(module, "__all__", None)
    return names if exported is None else {n: names[n] for n in exported if n in names}


PARSERS: dict[str, Callable[[bytes], object]] = {
    **{
        name: fn
        for name, fn in _exported(command_parse).items()
        if name.startswith("parse_") and name != "parse_success" and callable(fn)
    },
    "parse_success": lambda b: command_parse.parse_success(b, "terminate_session"),
    **{
        name: fn
        for name, fn in _exported(reporting_parse).items()
        if name.startswith("parse_") and callable(fn) and fn.__module__ == reporting_parse.__name__
    },
    **{
        f"pra.{name}": fn
        for name, fn in _exported(pra_parse).items()
        if name.startswith("parse_") and callable(fn) and fn.__module__ == pra_parse.__name__
    },
    "pra_stream": lambda b: _records(pra_parse.access_session_parser(), b),
    "parse_document": lambda b: parse_document(b, list_paths=("rep", "a/b")),
    "stream_whole": lambda b: _stream(b, len(b)),
    "stream_split": lambda b: _stream(b, len(b) // 3),
    "brcs": lambda b: brcs_parse.parse(b.decode("utf-8", "replace")),
    "retry_after": _retry_after,
}


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(body)))
        op = draw(st.sampled_from(["cut", "flip", "insert", "delete", "dup", "rename"]))
        if op == "cut":
            del body[where:]
        elif op == "flip" and where < len(body):
            body[where] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            body[where:where] = draw(
                st.sampled_from(
                    [
                        b"<",
                        b">",
                        b"</",
                        b"&",
                        b"&amp;",
                        b"<error>x</error>",
                        b"\x00",
                        b"\xff\xfe",
                        b"<!DOCTYPE x>",
                        b"<![CDATA[",
                        b"]]>",
                        b"'",
                        b'"',
                    ]
                )
                | st.binary(max_size=8)
            )
        elif op == "delete":
            del body[where : where + draw(st.integers(1, 20))]
        elif op == "dup":
            body[where:where] = body[max(0, where - 40) : where]
        elif op == "rename":
            old, new = draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES))
            body = bytearray(bytes(body).replace(old.encode(), new.encode(), 1))
    return bytes(body)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_attrs = st.dictionaries(
    st.sampled_from(["id", "lsid", "timestamp", "gsnumber", "type"]),
    _text.map(lambda t: t.replace('"', "")),
    max_size=2,
)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(name: str, attrs: dict[str, str], kids: list[str], text: str) -> str:
        shown = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
        return f"<{name}{shown}>{escape(text)}{''.join(kids)}</{name}>"

    return st.builds(render, st.sampled_from(NAMES), _attrs, st.lists(children, max_size=4), _text)


generated = st.recursive(
    st.builds(
        lambda n, t: f"<{n}>{t}</{n}>",
        st.sampled_from(NAMES),
        _text.map(escape),
    ),
    _element,
    max_leaves=12,
).map(lambda doc: doc.encode())


def _only_bomgar_errors(parser: Callable[[bytes], object], body: bytes) -> None:
    with contextlib.suppress(BomgarError):
        parser(body)


FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@FUZZ
@given(st.sampled_from(sorted(PARSERS)), mutated())
def test_parsers_raise_only_bomgar_errors_on_mutated_documents(name: str, body: bytes) -> None:
    _only_bomgar_errors(PARSERS[name], body)


@settings(FUZZ, max_examples=400)
@given(st.sampled_from(sorted(PARSERS)), generated)
def test_parsers_raise_only_bomgar_errors_on_generated_documents(name: str, body: bytes) -> None:
    _only_bomgar_errors(PARSERS[name], body)


@settings(max_examples=300, deadline=None, database=None)
@given(st.sampled_from(sorted(PARSERS)), st.binary(max_size=300))
def test_parsers_raise_only_bomgar_errors_on_random_bytes(name: str, body: bytes) -> None:
    _only_bomgar_errors(PARSERS[name], body)


anything = st.deferred(
    lambda: st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.binary(max_size=10),
        st.dates(),
        st.datetimes(timezones=st.none() | st.just(timezone.utc)),
        st.timedeltas(),
        st.sampled_from(["all", "rep", "support_session", "1", "", "primary", "start", "a" * 300]),
        st.lists(st.text(max_size=5) | st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.just(object()),
    )
)


def _public_functions(module: object) -> dict[str, Callable[..., Any]]:
    return {
        f"{getattr(module, '__name__', '')}.{name}": fn
        for name, fn in _exported(module).items()
        if inspect.isfunction(fn)
        and not name.startswith("_")
        and fn.__module__ == getattr(module, "__name__", None)
    }


VALIDATORS: dict[str, Callable[..., Any]] = {
    **_public_functions(validate),
    **_public_functions(command_params),
    **_public_functions(reporting_params),
    **{
        name: fn
        for name, fn in _public_functions(scripting_params).items()
        if not name.endswith(".api_url")  # joins already validated parameters (internal)
    },
    **_public_functions(start_session_urls),
    "time_range": time_range,
    "split_windows": reporting_params.split_windows,
    "iter_windows": iter_windows,
}


INTERNAL: dict[str, Any] = {"name": "field", "max_length": 10, "allow_empty": True}


@settings(max_examples=1500, deadline=None, database=None)
@given(st.sampled_from(sorted(VALIDATORS)), st.data())
def test_validators_raise_only_validation_errors(name: str, data: st.DataObject) -> None:
    fn = VALIDATORS[name]
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(fn).parameters.values():
        if param.kind is param.VAR_KEYWORD:
            kwargs.update(
                data.draw(
                    st.dictionaries(
                        st.sampled_from(
                            [
                                "search_string",
                                "external_key",
                                "session.custom.x",
                                "id",
                                "priority",
                                "bogus",
                            ]
                        ),
                        anything,
                        max_size=2,
                    )
                )
            )
            continue
        if param.kind is param.VAR_POSITIONAL:
            continue
        if param.default is not param.empty and data.draw(st.booleans()):
            continue
        # a field name or length limit is the SDK's own constant, not user input
        value = INTERNAL[param.name] if param.name in INTERNAL else data.draw(anything)
        if param.kind is param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    try:
        result = fn(*args, **kwargs)
        if inspect.isgenerator(result) or hasattr(result, "__next__"):
            for _ in zip(range(3), result, strict=False):
                pass
    except BomgarValidationError:
        pass


def test_the_fuzzed_surface_is_wide() -> None:
    assert len(PARSERS) >= 18
    assert len(VALIDATORS) >= 35


@pytest.mark.parametrize("name", ["parse_api_info", "parse_document", "stream_whole"])
def test_an_unknown_encoding_is_a_protocol_error(name: str) -> None:  # found by fuzzing
    body = b'<?xml version="1.0" encoding="TTF-8"?><error>Invalid lsid.</error>'
    with pytest.raises(BomgarProtocolError, match="cannot be decoded"):
        PARSERS[name](body)
