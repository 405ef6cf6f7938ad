"""Argument checks at their edges: lengths, character sets, TTLs, flags, empty values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bomgar_async._xml import validate as check
from bomgar_async.command import params as build
from bomgar_async.command.queue import Queue
from bomgar_async.errors import BomgarValidationError

# -- session ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "c69a8e10bea9428f816cfababe9815fe",
        "a",
        "A-b_c.d:e",
        "0123456789",
        "x" * 128,
    ],
)
def test_lsid_accepts_tokens_of_letters_digits_and_separators(value: str) -> None:
    assert check.lsid(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "x" * 129,
        "abc\n",
        "\nabc",
        "ab c",
        " abc",
        "abc/def",
        "abc&x=1",
        "a,b",
        "a+b",
        "a=b",
        "caf\u00e9",
        "\u0663\u0664",  # Arabic-Indic digits are digits to str.isdigit, not to the appliance
    ],
)
def test_lsid_refuses_anything_else(value: str) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.lsid(value, "lsids item")
    assert str(info.value) == f"lsids item {value!r} is not a valid session id"


@pytest.mark.parametrize("value", ["", "   ", None, 42, b"abc"])
def test_lsid_must_be_a_non_empty_string(value: object) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.lsid(value)
    assert str(info.value) == "lsid must be a non-empty session id string"


# -- code names -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["ticket_id", "a", "Dept-2.b", "9", "x" * 255])
def test_code_names(value: str) -> None:
    assert check.code_name(value, "skill") == value


@pytest.mark.parametrize(
    "value", ["", "x" * 256, "a:b", "a b", "a,b", "ticket\n", "\u00e9t\u00e9", None, 5]
)
def test_code_names_refused(value: object) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.code_name(value, "custom field")
    assert str(info.value) == f"custom field {value!r} is not a valid code name"


# -- hostnames --------------------------------------------------------------------------------

LABEL_63 = "a" * 63
# 4 labels of 63 plus 3 dots is 255 characters: the longest the guide allows.
LONGEST = ".".join([LABEL_63] * 4)


@pytest.mark.parametrize(
    "value",
    [
        "remote.example.com",
        "remote.example.com.",
        "localhost",
        "a",
        "x1",
        "my-host.example",
        "a-b-c.d-e",
        "10.0.0.1",
        LABEL_63 + ".example.com",
        "www." + LABEL_63 + ".com",
        LONGEST,
    ],
)
def test_hostnames(value: str) -> None:
    assert len(LONGEST) == 255
    assert check.hostname(value, "url_hostname") == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        ".",
        "a" * 64 + ".example.com",
        "www." + "a" * 64 + ".com",
        "_host.example.com",
        "www._tcp.example.com",
        LONGEST + "a",
        LONGEST[:-1] + ".a",  # 256 characters, every label short enough
        "-host.example.com",
        "host-.example.com",
        "host.-example.com",
        "host.example-.com",
        "a..b",
        ".example.com",
        "example.com..",
        "under_score.example.com",
        "space host",
        "host.example.com\n",
        "host:443",
        "https://host",
        "b\u00fccher.example",
        None,
        42,
    ],
)
def test_hostnames_refused(value: object) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.hostname(value, "url_hostname")
    assert str(info.value) == f"url_hostname {value!r} is not a valid hostname"


# -- numbers, TTLs, priorities ------------------------------------------------------------------


def test_positive_int() -> None:
    assert check.positive_int(1, "rep_id") == 1
    assert check.positive_int(10**9, "rep_id") == 10**9
    for bad in (0, -1, True, False, 1.0, "1", None):
        with pytest.raises(BomgarValidationError) as info:
            check.positive_int(bad, "rep_id")
        assert str(info.value) == f"rep_id must be a positive integer, not {bad!r}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (timedelta(seconds=1), 1),
        (timedelta(minutes=5), 300),
        (timedelta(days=1), 86400),
        (timedelta(days=2, seconds=3), 172803),
        (3600, 3600),
    ],
)
def test_seconds(value: object, expected: int) -> None:
    result = check.seconds(value, "ttl")
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "value",
    [
        timedelta(0),
        timedelta(seconds=-1),
        timedelta(milliseconds=1500),
        timedelta(microseconds=1),
        timedelta(seconds=-0.5),
    ],
)
def test_seconds_refuses_timedeltas_that_are_not_whole_positive_seconds(value: timedelta) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.seconds(value, "ttl")
    assert str(info.value) == "ttl must be a positive whole number of seconds"


@pytest.mark.parametrize("value", [0, -5, 1.5, 1.0, True, "60", None])
def test_seconds_refuses_other_values(value: object) -> None:
    with pytest.raises(BomgarValidationError, match=r"^ttl must be a positive integer"):
        check.seconds(value, "ttl")


def test_session_key_ttl_edges() -> None:
    params = dict(
        build.session_key(
            "general",
            external_key=None,
            priority=None,
            skills=None,
            ttl=timedelta(seconds=1),
            url_hostname=None,
        )
    )
    assert params["ttl"] == "1"
    with pytest.raises(BomgarValidationError, match="ttl"):
        build.session_key(
            "general",
            external_key=None,
            priority=None,
            skills=None,
            ttl=timedelta(0),
            url_hostname=None,
        )


def test_priority() -> None:
    assert [check.priority(p) for p in (1, 2, 3)] == [1, 2, 3]
    for bad in (0, 4, -1, True, "1", 2.0, None):
        with pytest.raises(BomgarValidationError) as info:
            check.priority(bad)
        assert str(info.value) == f"priority must be 1, 2 or 3, not {bad!r}"


# -- flags --------------------------------------------------------------------------------------


def test_flags_are_real_bools() -> None:
    assert check.flag(True, "force") is True
    assert check.flag(False, "force") is False
    for bad in ("yes", "true", "1", "0", 1, 0, None):
        with pytest.raises(BomgarValidationError) as info:
            check.flag(bad, "force")
        assert str(info.value) == f"force must be True or False, not {bad!r}"


# -- text -----------------------------------------------------------------------------------------


def test_text_limit_is_inclusive_and_counts_characters() -> None:
    assert check.text("\u00e9" * 10, "note", max_length=10) == "\u00e9" * 10
    with pytest.raises(BomgarValidationError) as info:
        check.text("x" * 11, "note", max_length=10)
    assert str(info.value) == "note is 11 characters; the maximum is 10"


def test_text_may_be_empty_unless_refused() -> None:
    assert check.text("", "note", max_length=5) == ""
    assert check.text("  ", "note", max_length=5) == "  "
    for empty in ("", "   ", "\t\n"):
        with pytest.raises(BomgarValidationError) as info:
            check.text(empty, "note", max_length=5, allow_empty=False)
        assert str(info.value) == "note must not be empty"


@pytest.mark.parametrize("char", ["\t", "\n", "\r", " ", "~", "\u00a0", "\u20ac"])
def test_text_keeps_whitespace_and_printable_characters(char: str) -> None:
    assert check.text(f"a{char}b", "note", max_length=5) == f"a{char}b"


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f"]
)
def test_text_refuses_control_characters(char: str) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.text(f"a{char}b", "note", max_length=5)
    assert str(info.value) == "note contains control characters"


@pytest.mark.parametrize("value", [None, 5, b"abc", ["a"]])
def test_text_must_be_a_string(value: object) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check.text(value, "note", max_length=5)
    assert str(info.value) == f"note must be a string, not {type(value).__name__}"


# -- empty external keys and custom values ---------------------------------------------------


def test_an_empty_external_key_is_sent_to_clear_it() -> None:
    params = build.session_attributes("abc123", external_key="", custom=None)
    assert params == (("lsid", "abc123"), ("custom.external_key", ""))


def test_an_empty_custom_value_is_sent_to_clear_it() -> None:
    params = build.session_attributes("abc123", external_key=None, custom={"ticket_id": ""})
    assert params == (("lsid", "abc123"), ("session.custom.ticket_id", ""))


def test_an_empty_custom_mapping_sets_nothing_and_is_refused() -> None:
    with pytest.raises(BomgarValidationError, match="external_key or custom"):
        build.session_attributes("abc123", external_key=None, custom={})


def test_custom_values_have_the_external_keys_limit() -> None:
    params = build.session_attributes("abc123", external_key=None, custom={"t": "x" * 1024})
    assert params[1] == ("session.custom.t", "x" * 1024)
    with pytest.raises(BomgarValidationError, match=r"custom\['t'\] is 1025 characters"):
        build.session_attributes("abc123", external_key=None, custom={"t": "x" * 1025})


def test_an_empty_external_key_in_a_session_key_is_sent_as_given() -> None:
    params = build.session_key(
        "general", external_key="", priority=None, skills=None, ttl=None, url_hostname=None
    )
    assert ("external_key", "") in params


# -- lists -----------------------------------------------------------------------------------


def test_skills() -> None:
    assert check.skills("a, b ,a") == "a,b"
    assert check.skills(["x", "y", "x"]) == "x,y"
    assert check.skills(("only",)) == "only"
    with pytest.raises(BomgarValidationError) as info:
        check.skills([])
    assert str(info.value) == "skills must name at least one skill"
    with pytest.raises(BomgarValidationError, match="skill '' is not a valid code name"):
        check.skills("")
    with pytest.raises(BomgarValidationError, match="skill 'a b' is not a valid code name"):
        check.skills(["a b"])
    with pytest.raises(BomgarValidationError) as info:
        check.skills(5)
    assert str(info.value) == "skills must be a list of code names or a comma-separated string"


def test_identifier() -> None:
    assert check.identifier(7, "client id") == "7"
    assert check.identifier("abc-1", "client id") == "abc-1"
    for bad in ("", "a b", "a,b", "a&b", "a=b", "a\n", True, None, 1.5):
        with pytest.raises(BomgarValidationError) as info:
            check.identifier(bad, "client id")
        assert str(info.value) == f"client id {bad!r} is not a valid id"


def test_client_types() -> None:
    assert check.client_types(None) is None
    assert check.client_types("all") == "all"
    assert check.client_types(["push_agent", "representative", "push_agent"]) == (
        "push_agent,representative"
    )
    assert check.client_types(tuple(check.CLIENT_TYPES)) == ",".join(check.CLIENT_TYPES)
    with pytest.raises(BomgarValidationError) as info:
        check.client_types([])
    assert str(info.value) == "types must name at least one client type"
    with pytest.raises(BomgarValidationError) as info:
        check.client_types(["rep"])
    assert str(info.value) == (
        "unknown client type 'rep'; expected one of all, representative, support_customer,"
        " presentation_attendee, push_agent"
    )
    with pytest.raises(BomgarValidationError) as info:
        check.client_types(5)
    assert str(info.value) == "types must be a client type or a list of them"
    with pytest.raises(BomgarValidationError) as info:
        check.client_types(["representative", 5])
    assert str(info.value) == "types must be a client type name or a list of names"


# -- a trailing newline is not part of a valid name --------------------------------------------


def test_a_rep_username_queue_refuses_a_trailing_newline() -> None:
    assert str(Queue.rep_username("bob")) == "rep_username:bob"
    with pytest.raises(BomgarValidationError, match="invalid username"):
        Queue.rep_username("bob\n")
