"""The Command API's small-answer parsers, which build their models straight from the parsed
elements (issue 11, goal 3), build exactly what they built before from nodes
(tests/reference/old_command.py, on nodes from today's ``parse_document`` and from the
xmltodict-based one before issue 11): on every fixture (the real recordings included), on
hand-made edge cases and on thousands of random documents made of the elements and attributes
each parser reads (namespaces, prefixes, ``xsi:`` and clashing attributes, mixed content, blank
and repeated elements, errors); with each XML backend. The simulator's answers go through
``tests/integration/test_command_simulator.py``."""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from bomgar_async.command import parse
from bomgar_async.command.appliance import ApiInfo
from bomgar_async.errors import BomgarAPIError, BomgarError, BomgarProtocolError
from tests.reference import old_command
from tests.reference.old_xml import old_parse_document

pytestmark = pytest.mark.timeout(300)

FIXTURES = Path(__file__).parents[1] / "fixtures"
BODIES = {str(p.relative_to(FIXTURES)): p.read_bytes() for p in sorted(FIXTURES.rglob("*.xml"))}
REAL = Path("/work/shared/samples/real")
if REAL.is_dir():  # the shared recordings, when this machine has them (tests/fixtures/real too)
    BODIES.update({f"shared/{p.name}": p.read_bytes() for p in sorted(REAL.glob("*.xml"))})
NS = 'xmlns="http://www.bomgar.com/namespaces/API/command"'
XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
EDGES = {
    "api info: permissions in every place": (
        f"<api_information {NS}><api_version> 1.11 </api_version>"
        '<timestamp ts="x" timestamp="1700000000">2020-01-01T00:00:00Z</timestamp>'
        '<permissions a="1"> text <permission name="perm_a">1</permission><perm_b> full </perm_b>'
        '<permission name="perm_b">0</permission><permission>nameless</permission>'
        "<perm_a>ignored</perm_a><perm_c/><perm_d><x/>mixed<y/> tail </perm_d>"
        '<permission name="">blank name</permission></permissions>'
        '<permission name="perm_root"> read_only </permission><permissions>'
        '<permission name="second">no</permission></permissions>'
        "<user_id> 7 </user_id><company_name/></api_information>"
    ),
    "api info: clashing and namespaced attributes": (
        f'<api_information {XSI} xmlns:a="urn:a" xmlns:b="urn:b"><permissions>'
        '<permission a:name="first" b:name="last">1</permission>'
        '<permission name="plain" a:name="later">1</permission>'
        '<permission xsi:name="hidden">1</permission>'
        '<permission a:name="n" name="plain wins? no, the last">1</permission>'
        '</permissions><timestamp xsi:ts="5" b:ts="1700000000"/></api_information>'
    ),
    "api info: text-only root": "<get_api_info> nothing </get_api_info>",
    "health: shared ips as text": (
        "<health_check><appliance xmlns:a='urn:a' a:id=' G1 '> host<x/>name </appliance>"
        "<enabled_shared_ips>10.0.0.1, 10.0.0.2;10.0.0.3</enabled_shared_ips>"
        "<success>yes</success><last_data_sync_time>1700000000</last_data_sync_time>"
        "</health_check>"
    ),
    "health: blank ips and an attribute holder": (
        "<check_health><enabled_shared_ips src='x'>1.1.1.1<ip> </ip><ip>2.2.2.2</ip>"
        "<ip/></enabled_shared_ips><appliance/></check_health>"
    ),
    "health: only blank ips": (
        "<check_health><enabled_shared_ips><ip/><ip> </ip></enabled_shared_ips></check_health>"
    ),
    "teams: blank, text-only and attribute-only issues": (
        '<support_teams><support_team id="1"><issues><issue/><issue> </issue>'
        '<issue xsi:nil="true" {XSI}/><issue id="4"><title> T </title></issue></issues>'
        '<issues><issue id="9"/></issues><members/><embassy>1</embassy></support_team>'
        "</support_teams>"
    ).replace("{XSI}", XSI),
    "teams: a team without id before a bad issue": (
        "<support_teams><support_team><issues><issue>x</issue></issues></support_team>"
        "</support_teams>"
    ),
    "teams: a text-only issue": (
        '<support_teams><support_team id="2"><issues><issue>x</issue></issues></support_team>'
        "</support_teams>"
    ),
    "teams: a non-numeric member": (
        '<support_teams><support_team id="2"><members><representative id="x"/></members>'
        "</support_team></support_teams>"
    ),
    "reps: clashing ids": (
        '<logged_in_reps xmlns:a="urn:a"><rep a:id="1" id="2"><display_name>A</display_name>'
        '<logged_in_since timestamp="1700000000"/></rep><rep id=" 3 "><type/></rep>'
        "</logged_in_reps>"
    ),
    "session key: nested": (
        "<generate_session_key><session_key><short_key>1</short_key>"
        '<queue available="1" id="3">rep</queue><expires>1575045211</expires>'
        "</session_key></generate_session_key>"
    ),
    "session key: nested text-only": (
        "<generate_session_key><session_key>abc</session_key><short_key>2</short_key>"
        "</generate_session_key>"
    ),
    "attributes: every form": (
        '<get_session_attributes><custom_attributes code_name="outer"><custom_attribute '
        'code_name="a" display_name="A">  v  </custom_attribute><custom_attribute>'
        "<code_name>b</code_name><value> w <x/> </value><value>second</value>"
        "</custom_attribute><custom_attribute code_name=''><code_name>c</code_name>"
        "<display_name>C</display_name></custom_attribute></custom_attributes>"
        "</get_session_attributes>"
    ),
    "attributes: a nameless one": (
        "<custom_attributes><custom_attribute>v</custom_attribute></custom_attributes>"
    ),
    "success: a child, mixed content": (
        "<join_session>x<success> done <b/>! </success></join_session>"
    ),
    "success: none": "<join_session><ok/></join_session>",
    "appliances: blank id": '<appliances><appliance id=" "/></appliances>',
    "an error child": f'<support_teams {NS}><error code="3"> Nope </error></support_teams>',
    "too deep": "<api_information>" + "<x>" * 80 + "</x>" * 80 + "</api_information>",
}
BODIES.update({f"edge/{name}": body.encode() for name, body in EDGES.items()})


def outcome(call: Callable[[], Any]) -> Any:
    """The result, or the error's class and message (syntax errors: their kind only)."""
    try:
        return call()
    except BomgarError as err:
        message = str(err)
        kind = re.search(r"truncated|malformed|cannot be decoded|refused|nested deeper", message)
        if kind and "XML" in message:
            return type(err), kind.group(0)
        return type(err), message, getattr(err, "code", None)


NAMES = (
    "api_info",
    "check_health",
    "logged_in_reps",
    "support_teams",
    "session_key",
    "success",
    "session_attributes",
    "appliances",
)


def new_and_old(name: str) -> tuple[Callable[[bytes], Any], Callable[..., Any]]:
    if name == "success":
        return (
            lambda body: parse.parse_success(body, "join_session"),
            lambda body, **kw: old_command.old_parse_success(body, "join_session", **kw),
        )
    return getattr(parse, f"parse_{name}"), getattr(old_command, f"old_parse_{name}")


def same(name: str, body: bytes) -> Any:
    """The new parser's outcome, checked equal to both old paths'."""
    new_parse, old_parse = new_and_old(name)
    new = outcome(lambda: new_parse(body))
    assert new == outcome(lambda: old_parse(body)), body
    assert new == outcome(lambda: old_parse(body, parse=old_parse_document)), body
    return new


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_gives_the_same_models(name: str, backend: str) -> None:
    parsed = [same(name, body) for body in BODIES.values()]
    assert any(not isinstance(result, tuple) for result in parsed)  # some parsed
    assert any(key.startswith(("real/", "shared/")) for key in BODIES)


def test_the_edge_cases_parse_as_expected() -> None:
    info = parse.parse_api_info(BODIES["edge/api info: permissions in every place"])
    assert dict(info.permissions) == {
        "perm_a": "1",
        "perm_b": "0",
        "perm_root": "read_only",
        "perm_c": "",
        "perm_d": "mixed tail",
    }
    assert list(info.permissions) == ["perm_a", "perm_b", "perm_root", "perm_c", "perm_d"]
    assert (info.api_version, info.user_id, info.timestamp.year) == ("1.11", 7, 2023)  # type: ignore[union-attr]
    clash = parse.parse_api_info(BODIES["edge/api info: clashing and namespaced attributes"])
    assert set(clash.permissions) == {"last", "later", "plain wins? no, the last"}
    assert clash.timestamp is not None and clash.timestamp.year == 2023
    assert parse.parse_api_info(BODIES["edge/api info: text-only root"]) == ApiInfo()
    health = parse.parse_check_health(BODIES["edge/health: shared ips as text"])
    assert health.enabled_shared_ips == ("10.0.0.1", "10.0.0.2", "10.0.0.3")
    assert (health.appliance_id, health.hostname) == (" G1 ", "hostname")
    (team,) = parse.parse_support_teams(
        BODIES["edge/teams: blank, text-only and attribute-only issues"]
    )
    assert [i.id for i in team.issues] == [4] and team.members_included and team.embassy
    with pytest.raises(BomgarProtocolError, match="<support_team> has no id"):
        parse.parse_support_teams(BODIES["edge/teams: a team without id before a bad issue"])
    (rep, _) = parse.parse_logged_in_reps(BODIES["edge/reps: clashing ids"])
    assert rep.id == 2
    key = parse.parse_session_key(BODIES["edge/session key: nested"])
    assert (key.short_key, key.queue, key.queue_available) == ("1", "rep", True)
    attributes = parse.parse_session_attributes(BODIES["edge/attributes: every form"])
    assert dict(attributes.values) == {"a": "v", "b": "w", "c": None}
    assert parse.parse_success(BODIES["edge/success: a child, mixed content"], "x") == "done !"
    with pytest.raises(BomgarAPIError, match="Nope"):
        parse.parse_support_teams(BODIES["edge/an error child"])
    with pytest.raises(BomgarProtocolError, match="nested deeper"):
        parse.parse_api_info(BODIES["edge/too deep"])


# -- random documents ------------------------------------------------------------------

VOCABULARY: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # parser: (roots, names of the elements it reads, at any level)
    "api_info": (
        ("api_information", "get_api_info"),
        (
            "api_version",
            "timestamp",
            "permissions",
            "permission",
            "user_id",
            "company_name",
            "perm_x",
            "perm_y",
        ),
    ),
    "check_health": (
        ("health_check", "check_health"),
        (
            "appliance",
            "enabled_shared_ips",
            "ip",
            "version",
            "success",
            "error_message",
            "failover_role",
            "last_data_sync_time",
            "last_data_sync_status",
        ),
    ),
    "logged_in_reps": (
        ("logged_in_reps",),
        (
            "rep",
            "display_name",
            "type",
            "logged_in_since",
            "presentation_count",
            "showing_on_rep_list",
            "support_session_count",
        ),
    ),
    "support_teams": (
        ("support_teams",),
        (
            "support_team",
            "name",
            "issues",
            "issue",
            "title",
            "members",
            "representative",
            "username",
            "embassy",
            "support_session_count",
        ),
    ),
    "session_key": (
        ("session_key", "generate_session_key"),
        (
            "session_key",
            "type",
            "ttl",
            "expires",
            "queue",
            "queue_id",
            "short_key",
            "key_url",
            "mail_body",
        ),
    ),
    "success": (("success", "join_session", "terminate_session"), ("success", "message")),
    "session_attributes": (
        ("custom_attributes", "get_session_attributes"),
        ("custom_attributes", "custom_attribute", "code_name", "display_name", "value"),
    ),
    "appliances": (
        ("appliances",),
        ("appliance", "name", "public_hostname", "accepting_connections", "timezone_offset"),
    ),
}
ATTRIBUTES = ("id", "name", "ts", "timestamp", "available", "code_name", "display_name", "x")
TEXTS = (
    "",
    " ",
    "1",
    " 2 ",
    "0",
    "x",
    "true",
    "no",
    "1700000000",
    "2024-01-02T03:04:05Z",
    "10.0.0.1, 10.0.0.2",
    "Unknown",
    "-5",
    "&amp;&lt;",
)
PREFIXES = ("", "", "", "c:", "{ns}")


IDENTIFIED = ("rep", "support_team", "issue", "representative", "appliance")


def _attributes(rng: random.Random, name: str = "") -> str:
    out = []
    if name in IDENTIFIED and rng.random() < 0.9:  # most carry an id, mostly a number
        value = rng.choice(("1", " 2 ", "3", "4", "5", "6", "x", ""))
        out.append(f' {rng.choice(("", "", "a:"))}id="{value}"')
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        name = rng.choice(ATTRIBUTES)
        prefix = rng.choice(("", "", "a:", "b:", "xsi:"))
        out.append(f' {prefix}{name}="{rng.choice(TEXTS)}"')
    unique = {re.sub(r"=.*", "", item): item for item in out}  # one value per qualified name
    return "".join(unique.values())


def _element(rng: random.Random, names: tuple[str, ...], depth: int) -> str:
    name = rng.choice(names)
    prefix = rng.choice(PREFIXES)
    tag = f"c:{name}" if prefix == "c:" else name
    namespace = ' xmlns="urn:other"' if prefix == "{ns}" else ""
    inner = rng.choice(TEXTS)
    if depth < 4 and rng.random() < 0.6:
        for _ in range(rng.randint(1, 4)):
            inner += _element(rng, names, depth + 1) + rng.choice(("", "", " t "))
    if rng.random() < 0.02:
        inner += '<error code="7"> no </error>'
    return f"<{tag}{namespace}{_attributes(rng, name)}>{inner}</{tag}>"


def random_body(rng: random.Random, parser: str) -> bytes:
    roots, names = VOCABULARY[parser]
    root = rng.choice(roots)
    spaces = 'xmlns:c="urn:c" xmlns:a="urn:a" xmlns:b="urn:b" ' + XSI
    if rng.random() < 0.5:
        spaces += " " + NS
    kids = "".join(_element(rng, names, 2) for _ in range(rng.randint(0, 6)))
    return f"<{root} {spaces}{_attributes(rng)}>{kids}</{root}>".encode()


@pytest.mark.parametrize("name", NAMES)
def test_random_documents_give_the_same_models(name: str, backend: str) -> None:
    rng = random.Random(f"{name}-{backend}")
    results = [same(name, random_body(rng, name)) for _ in range(400)]
    built = [r for r in results if not isinstance(r, tuple)]
    assert len(built) >= 200  # most documents made models, not errors
    assert sum(bool(r) for r in built) >= 20  # and many of them held data


def test_the_written_out_api_info_builder_reads_every_field() -> None:
    # api_info_of names ApiInfo's fields one by one (no from_kids): a new field must be read
    # there too, or it would stay at its default where from_node reads it.
    fields = [field.name for field in attrs.fields(ApiInfo)]
    assert fields == ["api_version", "timestamp", "permissions", "user_id", "company_name"]
    body = (
        b"<api_information><api_version>1</api_version><timestamp>5</timestamp><permissions>"
        b'<permission name="p">1</permission></permissions><user_id>2</user_id>'
        b"<company_name>C</company_name></api_information>"
    )
    info = parse.parse_api_info(body)
    assert all(getattr(info, name) not in (None, {}) for name in fields)
    assert info == old_command.old_parse_api_info(body)


# -- api_info_of's own paths (mutation check, issue 16) -------------------------------


def test_permissions_alone_in_their_holder_read_like_the_reference(backend: str) -> None:
    # <permissions> holding only <permission> elements (lxml reads them through its C
    # matcher): padded, empty, blank and mixed-content grants.
    body = (
        b'<api_information><permissions><permission name="padded"> full </permission>'
        b'<permission name="empty"/><permission name="blank">   </permission>'
        b'<permission name="mixed">read<note/> only <b/>!</permission></permissions>'
        b"</api_information>"
    )
    info = parse.parse_api_info(body)
    assert dict(info.permissions) == {
        "padded": "full",
        "empty": "",
        "blank": "",
        "mixed": "read only !",
    }
    assert info == old_command.old_parse_api_info(body)
    assert info == old_command.old_parse_api_info(body, parse=old_parse_document)


def test_an_empty_permission_beside_other_children_reads_as_empty(backend: str) -> None:
    body = (
        b'<api_information><permissions><permission name="empty"/><perm_x> 1 </perm_x>'
        b'<permission name="set"> yes </permission></permissions></api_information>'
    )
    info = parse.parse_api_info(body)
    assert dict(info.permissions) == {"empty": "", "set": "yes", "perm_x": "1"}
    assert info == old_command.old_parse_api_info(body)


def test_an_answer_in_a_namespace_never_seen_before_is_read_whole(backend: str) -> None:
    # Tag names are looked up in a cache of those seen so far: the first answer in a new
    # namespace (every tag new) must read the same as any later one.
    namespace = f"urn:test:{uuid.uuid4().hex}"
    body = (
        f'<api_information xmlns="{namespace}"><api_version>1.11</api_version>'
        "<user_id> 7 </user_id><company_name>ACME</company_name><permissions>"
        '<permission name="perm_a">full</permission><perm_b> read </perm_b>'
        '</permissions><permission name="perm_root">1</permission></api_information>'
    ).encode()
    for _ in range(2):  # every tag new, then every tag seen
        info = parse.parse_api_info(body)
        assert (info.api_version, info.user_id, info.company_name) == ("1.11", 7, "ACME")
        assert dict(info.permissions) == {"perm_a": "full", "perm_root": "1", "perm_b": "read"}
        assert info == old_command.old_parse_api_info(body)
