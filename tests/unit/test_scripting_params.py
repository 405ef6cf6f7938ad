"""Client Scripting API parameters and URLs (pure: nothing is sent)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomgar_async import BomgarValidationError
from bomgar_async.scripting import params as sp

HEAD = (("type", "rep"), ("operation", "generate"))


def test_the_guides_query_examples() -> None:
    assert sp.client_script_url(
        "support.example.com", "start_pinned_client_session", search_string="ABCDEFG02"
    ) == (
        "https://support.example.com/api/client_script.ns?type=rep&operation=generate"
        "&action=start_pinned_client_session&search_string=ABCDEFG02"
    )
    assert sp.client_script_url(
        "https://support.example.com/",
        "start_pinned_client_session",
        search_string="Example Co",
    ).endswith("&search_string=Example%20Co")
    assert sp.client_script_url(
        "support.example.com",
        "start_vpro_session",
        target="ABCDEFGHG02.example.com",
        jumpoint="ABC01",
        external_key="BMC0000001275",
    ) == (
        "https://support.example.com/api/client_script.ns?type=rep&operation=generate"
        "&action=start_vpro_session&target=ABCDEFGHG02.example.com&jumpoint=ABC01"
        "&session.custom.external_key=BMC0000001275"
    )


@pytest.mark.parametrize(
    ("action", "kwargs", "expected"),
    [
        (
            "start_pinned_client_session",
            {"external_key": "K", "search_string": "192.168.9.14"},
            (("search_string", "192.168.9.14"), ("session.custom.external_key", "K")),
        ),
        ("generate_session_key", {}, ()),
        (
            "generate_session_key",
            {"public_portal_hostname": "remote.example.com", "external_key": "K"},
            (
                ("session.custom.external_key", "K"),
                ("public_portal_hostname", "remote.example.com"),
            ),
        ),
        ("push_and_start_local", {"hostname": "ABCDEFGH02"}, (("hostname", "ABCDEFGH02"),)),
        (
            "push_and_start_local",
            {"hostname": "h", "session.custom.external_key": "K"},
            (("hostname", "h"), ("session.custom.external_key", "K")),
        ),
        (
            "start_vpro_session",
            {"jumpoint": "My Jumpoint", "target": "10.0.0.5"},
            (("target", "10.0.0.5"), ("jumpoint", "My Jumpoint")),
        ),
        ("login", {}, ()),
        ("login", {"username": None, "password": None}, ()),
        ("delete_script_file", {}, ()),
        ("generate_session_key", {"external_key": None}, ()),
    ],
)
def test_client_script_params(
    action: str, kwargs: dict[str, object], expected: tuple[tuple[str, str], ...]
) -> None:
    assert sp.client_script_params(action, **kwargs) == (*HEAD, ("action", action), *expected)


def test_action_params_login_adds_the_mechanism() -> None:
    assert sp.action_params("login", username="admin", password="pw") == (
        ("mechanism", "username_password"),
        ("username", "admin"),
        ("password", "pw"),
    )
    assert sp.action_params("login", mechanism="username_password", username="u", password="p") == (
        ("mechanism", "username_password"),
        ("username", "u"),
        ("password", "p"),
    )


@pytest.mark.parametrize(
    "host",
    ["MY_PC", "ABCDEFGH02", "my pc", "fe80::1%eth0", "192.168.9.14", "pc.example.com.", "PC-é"],
)
def test_push_and_start_local_takes_any_machine_name(host: str) -> None:
    # The guide only limits the hostname to 255 characters: NetBIOS names, IPs and FQDNs pass.
    assert sp.action_params("push_and_start_local", hostname=host) == (("hostname", host),)
    assert sp.client_script_url("support.example.com", "push_and_start_local", hostname=host)


def test_limits_are_inclusive() -> None:
    assert sp.action_params("start_pinned_client_session", search_string="s" * 1024)
    assert sp.action_params("generate_session_key", external_key="k" * 1024)
    host = ".".join(["a" * 63] * 3 + ["b" * 63])  # 255 characters
    assert sp.action_params("push_and_start_local", hostname=host) == (("hostname", host),)
    assert sp.action_params("push_and_start_local", hostname="M" * 255)
    assert sp.action_params("start_vpro_session", target="t" * 255, jumpoint="j" * 1024)


@pytest.mark.parametrize(
    ("action", "kwargs", "match"),
    [
        ("jump", {}, "unknown client-scripting action 'jump'"),
        ("", {}, "unknown client-scripting action"),
        (None, {}, "unknown client-scripting action"),
        ("start_pinned_client_session", {}, "requires search_string"),
        ("start_pinned_client_session", {"search_string": None}, "requires search_string"),
        ("start_pinned_client_session", {"search_string": ""}, "must not be empty"),
        ("start_pinned_client_session", {"search_string": "s" * 1025}, "maximum is 1024"),
        ("start_pinned_client_session", {"search_string": 5}, "must be a string"),
        ("start_pinned_client_session", {"search_string": "a\x00b"}, "control characters"),
        (
            "start_pinned_client_session",
            {"search_string": "s", "external_key": "k" * 1025},
            "maximum is 1024",
        ),
        (
            "start_pinned_client_session",
            {"search_string": "s", "external_key": "a", "session.custom.external_key": "b"},
            "given twice",
        ),
        ("start_pinned_client_session", {"search_string": "s", "hostname": "h"}, "not take"),
        ("generate_session_key", {"public_portal_hostname": "a" * 256}, "hostname"),
        ("generate_session_key", {"public_portal_hostname": "not a host"}, "hostname"),
        ("generate_session_key", {"queue": "general"}, "does not take 'queue'"),
        ("push_and_start_local", {}, "requires hostname"),
        ("push_and_start_local", {"hostname": "a" * 256}, "hostname"),
        ("push_and_start_local", {"hostname": ""}, "must not be empty"),
        ("push_and_start_local", {"hostname": "   "}, "must not be empty"),
        ("push_and_start_local", {"hostname": "MY_PC\nX"}, "control characters"),
        ("push_and_start_local", {"hostname": "MY\tPC"}, "control characters"),
        ("push_and_start_local", {"hostname": "MY\x00PC"}, "control characters"),
        ("push_and_start_local", {"hostname": "MY\x85PC"}, "control characters"),
        ("push_and_start_local", {"hostname": "MY\ud800PC"}, "surrogate"),
        ("push_and_start_local", {"hostname": 5}, "must be a string"),
        ("start_vpro_session", {"target": "pc\r\n1", "jumpoint": "j"}, "control characters"),
        ("start_vpro_session", {"target": "t"}, "requires jumpoint"),
        ("start_vpro_session", {"jumpoint": "j"}, "requires target"),
        ("start_vpro_session", {"target": "t" * 256, "jumpoint": "j"}, "maximum is 255"),
        ("start_vpro_session", {"target": "t", "jumpoint": "j" * 1025}, "maximum is 1024"),
        ("login", {"mechanism": "kerberos"}, "mechanism must be 'username_password'"),
        ("login", {"mechanism": "username_password"}, "needs both username and password"),
        ("login", {"username": "u"}, "missing: password"),
        ("delete_script_file", {"now": "1"}, "it takes no parameters"),
    ],
)
def test_action_params_reject(action: str, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(BomgarValidationError, match=match):
        sp.action_params(action, **kwargs)
    with pytest.raises(BomgarValidationError, match=match):
        sp.client_script_url("support.example.com", action, **kwargs)


def test_a_login_password_is_never_put_in_a_url() -> None:
    with pytest.raises(BomgarValidationError, match="never be sent in a URL") as caught:
        sp.client_script_url("support.example.com", "login", username="u", password="hunter2")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(BomgarValidationError, match="never be sent in a URL"):
        sp.client_script_params("login", password="hunter2")


def test_password_errors_do_not_echo_the_password() -> None:
    with pytest.raises(BomgarValidationError) as caught:
        sp.action_params("login", username="u", password="p" * 1025)
    assert "ppp" not in str(caught.value)
    assert "password is too long" in str(caught.value)


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("support.example.com", "https://support.example.com/api/client_script.ns"),
        ("support.example.com:8443", "https://support.example.com:8443/api/client_script.ns"),
        (
            "https://support.example.com/prefix/",
            "https://support.example.com/prefix/api/client_script.ns",
        ),
        ("http://10.0.0.1", "http://10.0.0.1/api/client_script.ns"),
    ],
)
def test_base_urls(base: str, url: str) -> None:
    built = sp.client_script_url(base, "delete_script_file")
    assert built == f"{url}?type=rep&operation=generate&action=delete_script_file"


@pytest.mark.parametrize(
    "base", ["", "ftp://support.example.com", "https://u:p@host", "https://host/?q=1", "https://"]
)
def test_bad_base_urls(base: str) -> None:
    with pytest.raises(BomgarValidationError):
        sp.client_script_url(base, "delete_script_file")
    with pytest.raises(BomgarValidationError):
        sp.normalize_base_url(base)


def test_api_url_without_parameters_has_no_question_mark() -> None:
    assert sp.api_url("h.example.com", "/api/x", ()) == "https://h.example.com/api/x"


# --- property: every URL round-trips through urlsplit + parse_qsl ------------------------

_value = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=1024
).filter(str.strip)
_label = st.from_regex(r"\A[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?\Z")
_host = st.lists(_label, min_size=1, max_size=4).map(".".join)


@st.composite
def _calls(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    key = st.none() | _value
    action = draw(st.sampled_from(sorted(sp.ACTIONS)))
    kwargs: dict[str, str | None] = {
        "start_pinned_client_session": {"search_string": draw(_value), "external_key": draw(key)},
        "generate_session_key": {
            "external_key": draw(key),
            "public_portal_hostname": draw(st.none() | _host),
        },
        "push_and_start_local": {"hostname": draw(_host), "external_key": draw(key)},
        "start_vpro_session": {
            "target": draw(_value.filter(lambda t: len(t) <= 255)),
            "jumpoint": draw(_value),
            "external_key": draw(key),
        },
        "login": {},
        "delete_script_file": {},
    }[action]
    return action, {k: v for k, v in kwargs.items() if v is not None}


@settings(deadline=None, max_examples=200)
@given(call=_calls())
def test_every_client_script_url_round_trips(call: tuple[str, dict[str, str]]) -> None:
    action, kwargs = call
    params = sp.client_script_params(action, **kwargs)
    url = sp.client_script_url("https://support.example.com:8443", action, **kwargs)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "support.example.com:8443",
        "/api/client_script.ns",
    )
    assert tuple(parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)) == params
    assert params[:3] == (*HEAD, ("action", action))
    assert sorted(value for _, value in params[3:]) == sorted(kwargs.values())
