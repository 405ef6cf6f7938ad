"""BRCS files: building, rendering, parsing and the guide's grammar (pure)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomgar_async import (
    BomgarValidationError,
    brcs,
)
from bomgar_async.brcs import (
    BRCSError,
    BRCSScriptError,
    BRCSSyntaxError,
    Command,
    Script,
)

# --- building and rendering -------------------------------------------------------------


def test_the_guides_examples_render_exactly() -> None:
    script = Script(
        [
            Command("push_and_start_local", {"hostname": "ABCDEFGH02"}),
            Command.of("start_pinned_client_session", search_string="ABCDEFG02"),
        ]
    )
    assert script.render() == (
        "BRCS1.0\n"
        "action=push_and_start_local&hostname=ABCDEFGH02\n"
        "action=start_pinned_client_session&search_string=ABCDEFG02"
    )
    assert script.render("\r\n").split("\r\n")[0] == "BRCS1.0"


def test_keys_and_values_are_percent_encoded_except_unreserved() -> None:
    command = Command("x y", [("k&=", "a b&c=d/é~-._+%")])
    assert command.render() == "action=x%20y&k%26%3D=a%20b%26c%3Dd%2F%C3%A9~-._%2B%25"
    assert brcs.parse_command(command.render()) == command


def test_command_accepts_a_mapping_or_pairs_and_keeps_order() -> None:
    by_mapping = Command("a", {"z": "1", "y": "2"})
    by_pairs = Command("a", (("z", "1"), ("y", "2")))
    assert by_mapping == by_pairs
    assert by_mapping.params == (("z", "1"), ("y", "2"))
    assert Command.of("a", z="1", y="2") == by_mapping
    assert Command("delete_script_file").render() == "action=delete_script_file"


@pytest.mark.parametrize(
    ("action", "params", "match"),
    [
        ("", {}, "non-empty"),
        ("a", {"": "v"}, "is empty"),
        ("a", {"action": "v"}, "repeats the action"),
        ("a", [("k", "1"), ("k", "2")], "repeats"),
        ("a", {"k": 1}, "must be strings"),
        ("a", [("k",)], r"\(key, value\) pairs"),
        ("a", {"k": "\ud800"}, "UTF-8"),
        ("\udfff", {}, "UTF-8"),
    ],
)
def test_command_rejects(action: str, params: object, match: str) -> None:
    with pytest.raises(BRCSScriptError, match=match):
        Command(action, params)  # type: ignore[arg-type]


def test_helpers_build_the_guides_parameters() -> None:
    assert Command.start_pinned_client_session("Example Co", external_key="BMC1").params == (
        ("search_string", "Example Co"),
        ("session.custom.external_key", "BMC1"),
    )
    assert Command.generate_session_key().params == ()
    assert Command.generate_session_key("123456789", "remote.example.com").params == (
        ("session.custom.external_key", "123456789"),
        ("public_portal_hostname", "remote.example.com"),
    )
    assert Command.push_and_start_local("ABCDEFGH02").render() == (
        "action=push_and_start_local&hostname=ABCDEFGH02"
    )
    assert Command.push_and_start_local("MY_PC").render() == (
        "action=push_and_start_local&hostname=MY_PC"
    )
    assert Command.start_vpro_session("pc.example.com", "My Jumpoint", "K").render() == (
        "action=start_vpro_session&target=pc.example.com&jumpoint=My%20Jumpoint"
        "&session.custom.external_key=K"
    )
    assert Command.login().render() == "action=login"
    assert Command.login("admin", "s3cret").render() == (
        "action=login&mechanism=username_password&username=admin&password=s3cret"
    )
    assert Command.delete_script_file() == Command("delete_script_file")


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Command.start_pinned_client_session(""), "search_string must not be empty"),
        (lambda: Command.start_pinned_client_session("x" * 1025), "maximum is 1024"),
        (lambda: Command.start_pinned_client_session("x", "k" * 1025), "maximum is 1024"),
        (lambda: Command.generate_session_key(public_portal_hostname="a" * 256), "hostname"),
        (lambda: Command.generate_session_key(public_portal_hostname="bad host"), "hostname"),
        (lambda: Command.push_and_start_local("a" * 256), "hostname"),
        (lambda: Command.push_and_start_local("MY\nPC"), "control characters"),
        (lambda: Command.start_vpro_session("", "jp"), "target must not be empty"),
        (lambda: Command.start_vpro_session("t", ""), "jumpoint must not be empty"),
        (lambda: Command.login("admin"), "needs both username and password"),
        (lambda: Command.login(password="pw"), "needs both username and password"),
    ],
)
def test_helpers_reject_before_building(build: object, match: str) -> None:
    with pytest.raises(BRCSScriptError, match=match):
        build()  # type: ignore[operator]


def test_errors_are_validation_errors_and_value_errors() -> None:
    assert issubclass(BRCSSyntaxError, BRCSError)
    assert issubclass(BRCSScriptError, BRCSError)
    assert issubclass(BRCSError, BomgarValidationError)
    with pytest.raises(ValueError, match="header"):
        brcs.parse("nope")


def test_password_never_appears_in_repr_but_is_rendered() -> None:
    login = Command.login("admin", "hunter2-secret")
    script = Script([login, Command.delete_script_file()])
    for text in (repr(login), repr(script), str(script)):
        assert "hunter2-secret" not in text
        assert "'***'" in text
    assert "password=hunter2-secret" in script.render()
    assert repr(Command.of("a", k="v")) == "Command(action='a', params=(('k', 'v'),))"


def test_password_is_not_echoed_by_parse_errors() -> None:
    line = "action=login&username=a&password=top secret"
    with pytest.raises(BRCSSyntaxError) as caught:
        brcs.parse("BRCS1.0\n" + line)
    assert "top" not in str(caught.value) and "secret" not in str(caught.value)
    column = line.index(" ") + 1
    assert str(caught.value) == (
        f"line 2: value 2 has a character at column {column} that must be percent-encoded"
    )


# --- Script rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commands", "version", "match"),
    [
        ([], "1.0", "1 to 10 commands, not 0"),
        ([Command("a")] * 11, "1.0", "1 to 10 commands, not 11"),
        ([Command("a"), Command.login()], "1.0", "login is command 2"),
        ([Command.login(), Command.login()], "1.0", "login is command 2"),
        ([Command("a")], "10.0", "version"),
        ([Command("a")], "1", "version"),
        ([Command("a")], "1.0\n", "version"),
        ([Command("a")], "\u0661.\u0660", "version"),  # Arabic-Indic digits are not ASCII
        (["action=a"], "1.0", "not a Command"),
    ],
)
def test_script_rejects(commands: list[Command], version: str, match: str) -> None:
    with pytest.raises(BRCSScriptError, match=match):
        Script(commands, version=version)


def test_script_accepts_ten_commands_and_a_first_login() -> None:
    script = Script([Command.login(), *[Command("a")] * 9], version="2.7")
    assert len(script.commands) == 10
    assert script.render().startswith("BRCS2.7\naction=login\n")


def test_script_commands_must_be_an_iterable_of_commands() -> None:
    with pytest.raises(BRCSScriptError, match="iterable of Command"):
        Script(Command("a"))  # type: ignore[arg-type]


def test_render_refuses_other_newlines() -> None:
    with pytest.raises(BRCSSyntaxError, match="newline"):
        Script([Command("a")]).render("\r")


# --- parsing ----------------------------------------------------------------------------


def test_parse_the_guides_format() -> None:
    text = (
        "BRCS1.0\r\n"
        "action=login&mechanism=username_password&username=admin&password=p%40ss\r\n"
        "action=start_pinned_client_session&search_string=Example%20Co\r\n"
        "action=delete_script_file"
    )
    script = brcs.parse(text)
    assert script.version == "1.0"
    assert [c.action for c in script.commands] == [
        "login",
        "start_pinned_client_session",
        "delete_script_file",
    ]
    assert script.commands[0].params[-1] == ("password", "p@ss")
    assert script.commands[1].params == (("search_string", "Example Co"),)
    assert script.render("\r\n") == text.replace("p%40ss", "p%40ss")


def test_parse_accepts_raw_rfc3986_query_characters_and_lowercase_escapes() -> None:
    command = brcs.parse("BRCS1.0\naction=a&k=x!$'()*+,;:@/?%7e%c3%a9").commands[0]
    assert command.params == (("k", "x!$'()*+,;:@/?~é"),)
    assert command.render() == "action=a&k=x%21%24%27%28%29%2A%2B%2C%3B%3A%40%2F%3F~%C3%A9"


def test_parse_accepts_mixed_newlines_and_one_final_newline() -> None:
    script = brcs.parse("BRCS1.0\r\naction=a\naction=b\r\n")
    assert [c.action for c in script.commands] == ["a", "b"]
    assert brcs.parse("BRCS1.0\naction=a\n") == brcs.parse("BRCS1.0\naction=a")


@pytest.mark.parametrize(
    ("text", "error", "line", "match"),
    [
        ("", BRCSSyntaxError, 1, "header"),
        ("BRCS\naction=a", BRCSSyntaxError, 1, "header"),
        ("BRCS1\naction=a", BRCSSyntaxError, 1, "header"),
        ("BRCS10.0\naction=a", BRCSSyntaxError, 1, "header"),
        ("BRCS1.10\naction=a", BRCSSyntaxError, 1, "header"),
        ("brcs1.0\naction=a", BRCSSyntaxError, 1, "header"),
        (" BRCS1.0\naction=a", BRCSSyntaxError, 1, "header"),
        ("\ufeffBRCS1.0\naction=a", BRCSSyntaxError, 1, "header"),
        ("BRCS1.0 \naction=a", BRCSSyntaxError, 1, "header"),
        ("BRCS1.0\raction=a", BRCSSyntaxError, 1, "header"),
        ("BRCS1.0\r", BRCSSyntaxError, 1, "header"),
        ("BRCS1.0", BRCSScriptError, 1, "at least one command"),
        ("BRCS1.0\n", BRCSScriptError, 1, "at least one command"),
        ("BRCS1.0\r\n", BRCSScriptError, 1, "at least one command"),
        ("BRCS1.0\n\n", BRCSSyntaxError, 2, "empty line"),
        ("BRCS1.0\n\naction=a", BRCSSyntaxError, 2, "empty line"),
        ("BRCS1.0\naction=a\n\naction=b", BRCSSyntaxError, 3, "empty line"),
        ("BRCS1.0\naction=a\n\n", BRCSSyntaxError, 3, "empty line"),
        ("BRCS1.0\naction=a\r", BRCSSyntaxError, 2, "carriage return"),
        ("BRCS1.0\naction=a\rb", BRCSSyntaxError, 2, "carriage return"),
        ("BRCS1.0\nhostname=x", BRCSSyntaxError, 2, "start with 'action='"),
        ("BRCS1.0\nAction=a", BRCSSyntaxError, 2, "start with 'action='"),
        ("BRCS1.0\n%61ction=a", BRCSSyntaxError, 2, "start with 'action='"),
        ("BRCS1.0\naction", BRCSSyntaxError, 2, "start with 'action='"),
        ("BRCS1.0\naction=", BRCSScriptError, 2, "non-empty"),
        ("BRCS1.0\naction=a&", BRCSSyntaxError, 2, "parameter 1 has no '='"),
        ("BRCS1.0\naction=a&k=v&&x=y", BRCSSyntaxError, 2, "parameter 2 has no '='"),
        ("BRCS1.0\naction=a&k", BRCSSyntaxError, 2, "no '='"),
        ("BRCS1.0\naction=a&=v", BRCSScriptError, 2, "is empty"),
        ("BRCS1.0\naction=a&k=1&k=2", BRCSScriptError, 2, "repeats"),
        ("BRCS1.0\naction=a&action=b", BRCSScriptError, 2, "repeats the action"),
        ("BRCS1.0\naction=a&k=v=w", BRCSSyntaxError, 2, "column 13 that must be"),
        ("BRCS1.0\naction=a b", BRCSSyntaxError, 2, "the action has a character at column 9"),
        ("BRCS1.0\naction=a&k=é", BRCSSyntaxError, 2, "value 1 has a character"),
        ("BRCS1.0\naction=a&k#=v", BRCSSyntaxError, 2, "key 1 has a character"),
        ("BRCS1.0\naction=a&k=%", BRCSSyntaxError, 2, "malformed percent escape"),
        ("BRCS1.0\naction=a&k=%4", BRCSSyntaxError, 2, "malformed percent escape"),
        ("BRCS1.0\naction=a&k=%G1", BRCSSyntaxError, 2, "malformed percent escape at column 12"),
        ("BRCS1.0\naction=a&k=%%41", BRCSSyntaxError, 2, "malformed percent escape"),
        ("BRCS1.0\naction=a&k%2=v", BRCSSyntaxError, 2, "key 1 has a malformed"),
        ("BRCS1.0\naction=a&k=%FF", BRCSSyntaxError, 2, "not UTF-8"),
        ("BRCS1.0\naction=a&k=%ED%A0%80", BRCSSyntaxError, 2, "not UTF-8"),
        ("BRCS1.0\naction=a\naction=login", BRCSScriptError, 3, "login may only be the first"),
        ("BRCS1.0\naction=login\naction=login", BRCSScriptError, 3, "login may only"),
        ("BRCS1.0" + "\naction=a" * 11, BRCSScriptError, 12, "at most 10 commands"),
        ("BRCS1.0" + "\naction=a" * 12, BRCSScriptError, 12, "at most 10 commands"),
    ],
)
def test_parse_rejects_with_the_line_number(
    text: str, error: type[BRCSError], line: int, match: str
) -> None:
    with pytest.raises(error, match=match) as caught:
        brcs.parse(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")


def test_parse_accepts_exactly_ten_commands() -> None:
    assert len(brcs.parse("BRCS9.9" + "\naction=a" * 10).commands) == 10


def test_parse_refuses_bytes() -> None:
    with pytest.raises(BRCSSyntaxError, match="must be text"):
        brcs.parse(b"BRCS1.0\naction=a")  # type: ignore[arg-type]


# --- property tests ---------------------------------------------------------------------

_texts = st.text()  # arbitrary unicode; hypothesis leaves out lone surrogates
_keys = st.text(min_size=1).filter(lambda key: key != "action")
_plain_actions = st.text(min_size=1).filter(lambda action: action != "login")


@st.composite
def _commands(draw: st.DrawFn, actions: st.SearchStrategy[str]) -> Command:
    keys = draw(st.lists(_keys, max_size=5, unique=True))
    return Command(draw(actions), [(key, draw(_texts)) for key in keys])


@st.composite
def _scripts(draw: st.DrawFn) -> Script:
    first = draw(_commands(st.one_of(_plain_actions, st.just("login"))))
    rest = draw(st.lists(_commands(_plain_actions), max_size=brcs.MAX_COMMANDS - 1))
    version = draw(st.from_regex(r"\A[0-9]\.[0-9]\Z"))
    return Script([first, *rest], version=version)


@settings(deadline=None, max_examples=200)
@given(script=_scripts(), newline=st.sampled_from(["\n", "\r\n"]))
def test_parse_inverts_render(script: Script, newline: str) -> None:
    text = script.render(newline)
    assert text.isascii()
    assert len(text.split(newline)) == 1 + len(script.commands)
    assert brcs.parse(text) == script
    assert brcs.parse(text + newline) == script


@settings(deadline=None, max_examples=200)
@given(command=_commands(st.text(min_size=1)))
def test_a_rendered_command_holds_only_unreserved_characters_and_delimiters(
    command: Command,
) -> None:
    line = command.render()
    assert set(line) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%&=")
    assert line.count("&") == len(command.params)
    assert brcs.parse_command(line) == command


# --- command lines ----------------------------------------------------------------------


def test_run_script_args_match_the_guides_example() -> None:
    command = Command.generate_session_key(external_key="123456789")
    assert brcs.run_script_args(command, console="bomgar-rep-x64.exe") == [
        "bomgar-rep-x64.exe",
        "--run-script",
        "action=generate_session_key&session.custom.external_key=123456789",
    ]
    assert brcs.run_script_args(Script([command]))[0] == "bomgar-rep"
    assert brcs.run_script_args(Script([command]))[2] == command.render()


def test_run_script_args_refuse_scripts_of_several_commands_and_bad_input() -> None:
    with pytest.raises(BRCSScriptError, match="--run-script-file"):
        brcs.run_script_args(Script([Command("a"), Command("b")]))
    with pytest.raises(BRCSScriptError, match="Command or Script"):
        brcs.run_script_args("action=a")  # type: ignore[arg-type]
    with pytest.raises(BRCSScriptError, match="console"):
        brcs.run_script_args(Command("a"), console="")


def test_run_script_file_args() -> None:
    assert brcs.run_script_file_args("my_script_file.brcs-beta60") == [
        "bomgar-rep",
        "--run-script-file",
        "my_script_file.brcs-beta60",
    ]
    assert brcs.run_script_file_args(Path("dir") / "s.brcs-x", console="rep.exe") == [
        "rep.exe",
        "--run-script-file",
        str(Path("dir") / "s.brcs-x"),
    ]
    with pytest.raises(BRCSScriptError, match="non-empty"):
        brcs.run_script_file_args("")


@pytest.mark.parametrize(
    ("arg", "quoted"),
    [
        ("plain", "plain"),
        ("", '""'),
        ("a&b=c", '"a&b=c"'),
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("C:\\dir with space\\", '"C:\\dir with space\\\\"'),
        ("C:\\no_space\\", "C:\\no_space\\"),
        ('a\\"b', '"a\\\\\\"b"'),
    ],
)
def test_quote_windows(arg: str, quoted: str) -> None:
    assert brcs.quote_windows(arg) == quoted


@settings(deadline=None, max_examples=200)
@given(arg=st.text(alphabet=st.characters(codec="ascii"), min_size=1).map(lambda s: s + " "))
def test_quote_windows_agrees_with_the_standard_library_where_both_quote(arg: str) -> None:
    # list2cmdline implements the same Microsoft C runtime rules but only quotes on spaces.
    assert brcs.quote_windows(arg) == subprocess.list2cmdline([arg])


def test_windows_command_line_for_the_guides_example() -> None:
    args = brcs.run_script_args(
        Command.generate_session_key("123456789"), console="C:\\Program Files\\rep.exe"
    )
    assert brcs.windows_command_line(args) == (
        '"C:\\Program Files\\rep.exe" --run-script '
        '"action=generate_session_key&session.custom.external_key=123456789"'
    )
