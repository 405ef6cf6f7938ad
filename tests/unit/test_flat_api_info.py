"""The flat ``get_api_info`` reader (``command/flat_api_info.py``, issue 11 goal 3): every body
it reads gives the model the general path (element tree, ``api_info_of``) and the reference
(``from_node``) give, with each XML backend; every other body is left to the general path
(errors, refusals and the depth limit included); its work stays bounded on hostile input."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from bomgar_async._xml.core import parse_element
from bomgar_async.command import parse
from bomgar_async.command.build_models import api_info_of
from bomgar_async.command.flat_api_info import MAX_FLAT_BYTES, flat_api_info
from bomgar_async.errors import BomgarAPIError, BomgarError, BomgarProtocolError
from tests.reference import old_command

pytestmark = pytest.mark.timeout(300)

NS = 'xmlns="http://www.bomgar.com/namespaces/API/command"'
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# The simulator's answer (one line) and a pretty-printed one with a child the model skips.
SIMULATOR = (
    f"{DECLARATION}<api_information {NS}><api_version>1.11.0</api_version>"
    "<timestamp>1795687536</timestamp><permissions>"
    '<permission name="perm_use_command_api">1</permission>'
    '<permission name="perm_view_reports">all_sessions</permission>'
    '<permission name="perm_command">full_access</permission></permissions>'
    "<user_id>1</user_id><company_name>Example Corp</company_name></api_information>"
)
PRETTY = (
    f"{DECLARATION}<api_information {NS}>\r\n  <api_version> 1.19.1 </api_version>\n"
    "  <timestamp>2024-06-01T12:00:00Z</timestamp>\n  <permissions>\n"
    '    <permission name="perm_admin"> 1 </permission>\n'
    '    <permission name="perm_ecm"></permission>\n  </permissions>\n'
    "  <user_id>42</user_id>\n  <company_name>Société Générale ✓</company_name>\n"
    "  <company_id>example</company_id>\n</api_information>\n"
)


def outcome(call: Callable[[], Any]) -> Any:
    """The result, or the error's class (and message for errors the appliance sent)."""
    try:
        return call()
    except BomgarAPIError as err:
        return type(err), str(err), err.code
    except BomgarError as err:
        return type(err)


def general(body: bytes) -> Any:
    """The general path's model (element tree, then ``api_info_of``)."""
    _, root = parse_element(
        body, expected_roots=("api_information", "get_api_info"), action="get_api_info"
    )
    return api_info_of(root)


def check(body: bytes) -> bool:
    """``parse_api_info``'s outcome equals the general path's and the reference's; whether
    the flat reader read ``body``."""
    flat = flat_api_info(body)
    result = outcome(lambda: parse.parse_api_info(body))
    assert result == outcome(lambda: general(body)), body
    assert result == outcome(lambda: old_command.old_parse_api_info(body)), body
    if flat is not None:
        assert flat == result, body
    return flat is not None


def test_the_usual_answers_are_read_flat_and_equal(backend: str) -> None:
    for body in (SIMULATOR, PRETTY):
        assert check(body.encode())
    info = parse.parse_api_info(PRETTY.encode())
    assert info.api_version == "1.19.1"
    assert info.user_id == 42
    assert info.company_name == "Société Générale ✓"
    assert dict(info.permissions) == {"perm_admin": "1", "perm_ecm": ""}
    assert info.timestamp is not None and info.timestamp.year == 2024


@pytest.mark.parametrize(
    ("why", "body"),
    [
        ("error child", '<api_information><error code="3"> Nope </error></api_information>'),
        ("error root", "<error>Login failed</error>"),
        ("plain error child", "<api_information><error>Login failed</error></api_information>"),
        ("late error child", "<api_information><user_id>1</user_id><error/></api_information>"),
        ("entity", "<api_information><company_name>A &amp; B</company_name></api_information>"),
        ("CDATA", "<api_information><api_version><![CDATA[1]]></api_version></api_information>"),
        ("comment", "<api_information><!-- x --><user_id>1</user_id></api_information>"),
        (
            "prefix",
            '<c:api_information xmlns:c="urn:c"><c:user_id>1</c:user_id></c:api_information>',
        ),
        ("attribute", '<api_information><user_id x="1">1</user_id></api_information>'),
        ("grant at root", '<api_information><permission name="p">1</permission></api_information>'),
        (
            "other in holder",
            "<api_information><permissions><perm_x>1</perm_x></permissions></api_information>",
        ),
        ("nested", "<api_information><company_name><b>x</b></company_name></api_information>"),
        (
            "out of order",
            "<api_information><user_id>1</user_id><api_version>1</api_version></api_information>",
        ),
        ("other first", "<api_information><x>1</x><api_version>1</api_version></api_information>"),
        ("twice", "<api_information><user_id>1</user_id><user_id>2</user_id></api_information>"),
        ("carriage return", "<api_information><company_name>a\rb</company_name></api_information>"),
        (
            "tab in a name",
            '<api_information><permissions><permission name="a\tb">1</permission>'
            "</permissions></api_information>",
        ),
        (
            "control character",
            "<api_information><company_name>a\x01b</company_name></api_information>",
        ),
        (
            "non-character",
            "<api_information><company_name>a\ufffeb</company_name></api_information>",
        ),
        ("greater-than", "<api_information><company_name>a ]]> b</company_name></api_information>"),
        ("latin-1 declared", '<?xml version="1.0" encoding="ISO-8859-1"?><api_information/>'),
        ("XML 1.1", '<?xml version="1.1"?><api_information><user_id>1</user_id></api_information>'),
        ("doctype", '<!DOCTYPE api_information [<!ENTITY e "x">]><api_information/>'),
        ("other root", "<get_api_info><user_id>1</user_id></get_api_info>"),
        ("unclosed", "<api_information><user_id>1</user_id>"),
        ("mismatched", "<api_information><user_id>1</user_idx></api_information>"),
        ("text in root", "<api_information> words <user_id>1</user_id></api_information>"),
        ("unicode space", "<api_information>\u2003<user_id>1</user_id></api_information>"),
        ("after the root", "<api_information></api_information>\u2003"),
        ("two holders", "<api_information><permissions/><permissions/></api_information>"),
        ("html", "<!DOCTYPE html><html><body>nope</body></html>"),
        ("empty", ""),
    ],
)
def test_other_bodies_take_the_general_path(why: str, body: str, backend: str) -> None:
    assert flat_api_info(body.encode()) is None, why
    assert not check(body.encode())


def test_errors_are_raised_as_before() -> None:
    body = b'<api_information><error code="3"> Nope </error></api_information>'
    with pytest.raises(BomgarAPIError) as caught:
        parse.parse_api_info(body)
    assert caught.value.code == "3"
    with pytest.raises(BomgarProtocolError):
        parse.parse_api_info(b"<api_information><user_id>1</user_id>")
    with pytest.raises(BomgarProtocolError):
        parse.parse_api_info(
            b"<api_information><company_name>\xff</company_name></api_information>"
        )


def test_large_bodies_take_the_general_path() -> None:
    grants = "".join(f'<permission name="p{n}">1</permission>' for n in range(600))
    body = f"<api_information><permissions>{grants}</permissions></api_information>".encode()
    assert len(body) > MAX_FLAT_BYTES
    assert flat_api_info(body) is None
    assert len(parse.parse_api_info(body).permissions) == 600


def test_hostile_bodies_within_the_size_are_refused_quickly() -> None:
    room = MAX_FLAT_BYTES - 100
    hostile = [
        "<api_information>" + " " * room,
        "<api_information>" + " " * room + "<",
        "<api_information><permissions>" + " " * room + "</api_information>",
        "<api_information>" + "<x></x>" * (room // 7) + "<",
        "<api_information><permissions>"
        + '<permission name="a">1</permission>' * (room // 36)
        + "<permission",
        "<api_information><company_name>" + "a " * (room // 2),
    ]
    for body in hostile:
        started = time.perf_counter()
        assert flat_api_info(body.encode()) is None
        assert time.perf_counter() - started < 0.5


# -- random documents near the flat shape ----------------------------------------------

NAMES = ("api_version", "timestamp", "user_id", "company_name", "company_id", "x.y", "error")
PLAIN = ("", " ", "1", " 2 ", "1700000000", "2024-01-02T03:04:05Z", "x", "Ünïcödé ✓", "-5")
TRICKY = ("\u00a0 padded \u00a0", "a\nb", "a\tb", "a\rb", "&amp;", "a>b", "\x85", "a]]>")
SPACES = ("", "", "", " ", "\n  ", "\r\n", "\t")
GRANT_NAMES = ("perm_admin", "perm_command", "", " spaced ", "perm_admin", "é")


def _pick(rng: random.Random, usual: tuple[str, ...], odd: tuple[str, ...]) -> str:
    """Mostly one of ``usual``, now and then one of ``odd``."""
    return rng.choice(odd if rng.random() < 0.03 else usual)


def _text(rng: random.Random) -> str:
    return _pick(rng, PLAIN, TRICKY)


def _space(rng: random.Random) -> str:
    return _pick(rng, SPACES, ("\u2003", "\x85", " x "))


def _child(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    if rng.random() < 0.1:
        return f"<{name}/>"
    inner = f"<b>{_text(rng)}</b>" if rng.random() < 0.03 else _text(rng)
    return f"<{name}>{inner}</{name}{rng.choice(('', '', ' '))}>"


def _grants(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "<permissions/>"
    items = []
    for _ in range(rng.randint(0, 5)):
        name = _pick(rng, GRANT_NAMES, ("a\tb", "a&amp;b", "a\nb"))
        if rng.random() < 0.04:
            items.append(f"<perm_x>{_text(rng)}</perm_x>")
        elif rng.random() < 0.04:
            items.append(f"<permission name='{name}'>1</permission>")
        else:
            items.append(f'<permission name="{name}">{_text(rng)}</permission>')
    return "<permissions>" + _space(rng).join(items) + "</permissions>"


def random_body(rng: random.Random) -> bytes:
    usual = ["api_version", "timestamp", "permissions", "user_id", "company_name"]
    kids = [
        _grants(rng) if name == "permissions" else f"<{name}>{_text(rng)}</{name}>"
        for name in usual
        if rng.random() < 0.85
    ]
    for _ in range(rng.choice((0, 0, 0, 1, 2))):  # extra children, mostly at the end
        kids.insert(rng.choice((len(kids), len(kids), rng.randint(0, len(kids)))), _child(rng))
    if rng.random() < 0.05:
        rng.shuffle(kids)
    head = _pick(rng, (DECLARATION, "", '<?xml version="1.0"?>'), ("\ufeff", " "))
    namespace = _pick(rng, ("", f" {NS}"), (' xmlns:c="urn:c"', ' xmlns=""'))
    joined = "".join(_space(rng) + kid for kid in kids) + _space(rng)
    return f"{head}<api_information{namespace}>{joined}</api_information>\n".encode()


def test_random_documents_read_the_same(backend: str) -> None:
    rng = random.Random(f"flat-{backend}")
    flat = [check(random_body(rng)) for _ in range(3000)]
    assert sum(flat) >= 600  # many took the flat path...
    assert len(flat) - sum(flat) >= 600  # ...and many the general one
