"""Session Generation API: start_session.ns URLs, BG.start calls, Bomgar Button argv (pure)."""

from __future__ import annotations

import json
import re
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomgar_async import BomgarValidationError
from bomgar_async.start_session import (
    BrowserIssue,
    IssueForm,
    StartSessionURLs,
    bomgar_button_args,
    browser_set_site_js,
    browser_start_js,
    start_session_params,
)

SITE = StartSessionURLs("support.example.com")
PREFIX = "https://support.example.com/api/start_session.ns?"


# --- start_session.ns ---------------------------------------------------------------------


def test_the_guides_query_examples() -> None:
    assert SITE.url(rep_id=1, rep_name="Admin") == PREFIX + "id=1&name=Admin"
    assert SITE.url(short_key="1234567", external_key="1234") == (
        PREFIX + "short_key=1234567&external_key=1234"
    )
    assert SITE.url(
        issue_menu=True,
        issue_id=1,
        customer_name="John Doe",
        customer_company="Company Name",
        customer_company_code="1234",
        customer_desc="I need support",
        external_key="1234",
    ) == (
        PREFIX + "issue_menu=1&id=1&external_key=1234&customer_name=John%20Doe"
        "&customer_company=Company%20Name&customer_company_code=1234"
        "&customer_desc=I%20need%20support"
    )
    assert SITE.url(rep_id=1, rep_name="Admin", locale="en-us").endswith("&locale=en-us")
    assert SITE.url(rep_id=1, rep_name="Admin", platform="winNT-32").endswith("&platform=winNT-32")
    assert SITE.url(rep_id=12, rep_name="John", c2cjs=True) == PREFIX + "id=12&name=John&c2cjs=1"


def test_priority_and_skills() -> None:
    params = start_session_params(issue_menu=True, priority=1, skills="codename1, codename2")
    assert params == (
        ("issue_menu", "1"),
        ("session.priority", "1"),
        ("session.skills", "codename1,codename2"),
    )
    assert start_session_params(issue_menu=True, skills=["a", "b", "a"])[-1] == (
        "session.skills",
        "a,b",
    )


def test_issue_menu_without_an_id_goes_to_the_general_queue() -> None:
    assert start_session_params(issue_menu=True) == (("issue_menu", "1"),)


def test_limits_are_inclusive() -> None:
    params = dict(
        start_session_params(
            rep_id=3,
            rep_name="R",
            customer_name="n" * 100,
            customer_company="c" * 100,
            customer_company_code="d" * 100,
            customer_desc="e" * 1024,
            external_key="k" * 1024,
        )
    )
    assert len(params["customer_desc"]) == 1024 and len(params["external_key"]) == 1024


def test_customer_prompting_allows_only_the_external_key_with_a_session_key() -> None:
    assert start_session_params(
        short_key="7654321", external_key="T-1", customer_prompting=True
    ) == (("short_key", "7654321"), ("external_key", "T-1"))
    # The rule is about session keys only.
    assert start_session_params(
        rep_id=1, rep_name="A", customer_name="Bo", customer_prompting=True
    ) == (("id", "1"), ("name", "A"), ("customer_name", "Bo"))
    # Without prompting, anything may accompany the session key.
    assert start_session_params(short_key="7654321", locale="de", c2cjs=True) == (
        ("short_key", "7654321"),
        ("locale", "de"),
        ("c2cjs", "1"),
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"customer_name": "Bo"},
        {"customer_desc": "help"},
        {"locale": "en-us"},
        {"priority": 2},
        {"skills": "x"},
        {"c2cjs": True},
        {"platform": "winNT-64"},
    ],
)
def test_customer_prompting_rejects_more_than_the_external_key(extra: dict[str, Any]) -> None:
    with pytest.raises(BomgarValidationError, match="only external_key may be passed") as caught:
        start_session_params(short_key="7654321", customer_prompting=True, **extra)
    assert next(iter(extra)).replace("priority", "session.priority").replace(
        "skills", "session.skills"
    ) in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "exactly one start method"),
        ({"rep_id": 1, "rep_name": "A", "short_key": "1234567"}, "got rep_id/rep_name and short"),
        ({"short_key": "1234567", "issue_menu": True}, "exactly one start method"),
        ({"rep_id": 1, "rep_name": "A", "issue_menu": True}, "exactly one start method"),
        ({"rep_id": 1}, "rep_id and rep_name must be given together"),
        ({"rep_name": "A"}, "rep_id and rep_name must be given together"),
        ({"rep_id": 0, "rep_name": "A"}, "rep_id must be a positive integer"),
        ({"rep_id": True, "rep_name": "A"}, "rep_id must be a positive integer"),
        ({"rep_id": "1", "rep_name": "A"}, "rep_id must be a positive integer"),
        ({"rep_id": 1, "rep_name": ""}, "rep_name must not be empty"),
        ({"rep_id": 1, "rep_name": "a" * 1025}, "maximum is 1024"),
        ({"short_key": "123456"}, "seven digits"),
        ({"short_key": "12345678"}, "seven digits"),
        ({"short_key": "12345a7"}, "seven digits"),
        ({"short_key": "\uff11" * 7}, "seven digits"),  # fullwidth digits
        ({"short_key": 1234567}, "seven digits"),
        ({"issue_id": 3}, "issue_id is only used with issue_menu=True"),
        ({"issue_menu": True, "issue_id": -1}, "issue_id must be a positive integer"),
        ({"issue_menu": 1}, "issue_menu must be True or False"),
        ({"issue_menu": True, "c2cjs": "1"}, "c2cjs must be True or False"),
        ({"issue_menu": True, "customer_prompting": None}, "customer_prompting must be True"),
        ({"issue_menu": True, "customer_name": "n" * 101}, "maximum is 100"),
        ({"issue_menu": True, "customer_company": "c" * 101}, "maximum is 100"),
        ({"issue_menu": True, "customer_company_code": "d" * 101}, "maximum is 100"),
        ({"issue_menu": True, "customer_desc": "e" * 1025}, "maximum is 1024"),
        ({"issue_menu": True, "external_key": "k" * 1025}, "maximum is 1024"),
        ({"issue_menu": True, "customer_name": "a\x07"}, "control characters"),
        ({"issue_menu": True, "customer_name": " "}, "must not be empty"),
        ({"issue_menu": True, "locale": "english"}, "locale code"),
        ({"issue_menu": True, "locale": "en_US"}, "locale code"),
        ({"issue_menu": True, "locale": ""}, "locale code"),
        ({"issue_menu": True, "priority": 0}, "priority must be 1, 2 or 3"),
        ({"issue_menu": True, "priority": 4}, "priority must be 1, 2 or 3"),
        ({"issue_menu": True, "skills": []}, "at least one skill"),
        ({"issue_menu": True, "skills": "a b"}, "not a valid code name"),
        ({"issue_menu": True, "platform": "win64"}, "winNT-32 or winNT-64"),
        ({"issue_menu": True, "platform": "winnt-32"}, "winNT-32 or winNT-64"),
    ],
)
def test_start_session_params_reject(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(BomgarValidationError, match=match):
        start_session_params(**kwargs)
    with pytest.raises(BomgarValidationError, match=match):
        SITE.url(**kwargs)


def test_start_session_urls_normalize_the_base_url() -> None:
    assert StartSessionURLs("https://support.example.com:8443/").base_url == (
        "https://support.example.com:8443"
    )
    assert StartSessionURLs("support.example.com").script_url() == (
        "https://support.example.com/api/start_session.js"
    )
    with pytest.raises(BomgarValidationError, match="scheme"):
        StartSessionURLs("ftp://support.example.com")
    with pytest.raises(BomgarValidationError):
        StartSessionURLs("")


# --- property: every URL round-trips --------------------------------------------------------

_text = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1).filter(
    str.strip
)
_code = st.from_regex(r"\A[A-Za-z0-9_.-]{1,20}\Z")


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def _start_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(["rep", "short_key", "issue"]))
    kwargs: dict[str, Any] = {}
    if method == "rep":
        kwargs["rep_id"] = draw(st.integers(1, 10**9))
        kwargs["rep_name"] = draw(_text.filter(lambda s: len(s) <= 1024))
    elif method == "short_key":
        kwargs["short_key"] = draw(st.from_regex(r"\A[0-9]{7}\Z"))
    else:
        kwargs["issue_menu"] = True
        kwargs["issue_id"] = draw(_opt(st.integers(1, 10**9)))
    prompting = method == "short_key" and draw(st.booleans())
    kwargs["external_key"] = draw(_opt(_text.filter(lambda s: len(s) <= 1024)))
    if not prompting:
        kwargs.update(
            customer_name=draw(_opt(_text.filter(lambda s: len(s) <= 100))),
            customer_company=draw(_opt(_text.filter(lambda s: len(s) <= 100))),
            customer_company_code=draw(_opt(_text.filter(lambda s: len(s) <= 100))),
            customer_desc=draw(_opt(_text.filter(lambda s: len(s) <= 1024))),
            locale=draw(_opt(st.sampled_from(["en-us", "de", "pt-br", "zh-hans", "es-la"]))),
            priority=draw(_opt(st.integers(1, 3))),
            skills=draw(_opt(st.lists(_code, min_size=1, max_size=4))),
            c2cjs=draw(st.booleans()),
            platform=draw(_opt(st.sampled_from(["winNT-32", "winNT-64"]))),
        )
    kwargs["customer_prompting"] = prompting
    return kwargs


@settings(deadline=None, max_examples=200)
@given(kwargs=_start_kwargs())
def test_every_start_session_url_round_trips(kwargs: dict[str, Any]) -> None:
    params = start_session_params(**kwargs)
    url = SITE.url(**kwargs)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "support.example.com",
        "/api/start_session.ns",
    )
    assert tuple(parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)) == params
    names = [name for name, _ in params]
    assert len(names) == len(set(names))
    if kwargs.get("external_key") is not None:
        assert ("external_key", kwargs["external_key"]) in params


# --- BG.start -------------------------------------------------------------------------------

_CALL = re.compile(r"\ABG\.start\(BG\.START_TYPE\.(BROWSER|CHAT), (\{.*\})\);\Z", re.DOTALL)


def _options(js: str) -> tuple[str, Any]:
    match = _CALL.match(js)
    assert match is not None, js
    return match.group(1), json.loads(match.group(2))


def test_browser_start_js_the_guides_examples() -> None:
    assert browser_start_js(session_key="1728331") == (
        'BG.start(BG.START_TYPE.BROWSER, {"sessionKey": "1728331"});'
    )
    assert _options(browser_start_js(rep=(30, "Admin"))) == (
        "BROWSER",
        {"rep": {"id": 30, "name": "Admin"}},
    )
    assert _options(browser_start_js(session_key="8679485", external_key="abc123")) == (
        "BROWSER",
        {"sessionKey": "8679485", "attributes": {"externalKey": "abc123"}},
    )
    assert _options(browser_start_js(session_key="8679485", locale="en-us"))[1] == {
        "sessionKey": "8679485",
        "locale": "en-us",
    }
    issue = BrowserIssue(
        id=12,
        customer_name="Customer",
        company_name="Company",
        company_code="Code",
        details="Issue Details",
    )
    assert _options(browser_start_js(issue=issue))[1] == {
        "issue": {
            "id": 12,
            "customerName": "Customer",
            "companyName": "Company",
            "companyCode": "Code",
            "details": "Issue Details",
        }
    }
    by_code = BrowserIssue(code_name="Other", customer_name="Customer")
    assert _options(browser_start_js(issue=by_code))[1] == {
        "issue": {"codeName": "Other", "customerName": "Customer"}
    }
    assert _options(browser_start_js("chat", session_key="8347482")) == (
        "CHAT",
        {"sessionKey": "8347482"},
    )
    assert _options(browser_start_js("chat", session_key="7683902", fallback_to_full_window=False))[
        1
    ] == {"sessionKey": "7683902", "uiOptions": {"fallbackToFullWindow": False}}


def test_browser_start_js_issue_shortcuts() -> None:
    assert _options(browser_start_js(issue=12))[1] == {"issue": {"id": 12}}
    assert _options(browser_start_js(issue="Other"))[1] == {"issue": {"codeName": "Other"}}


@settings(deadline=None, max_examples=200)
@given(name=st.text(min_size=1, max_size=1024).filter(str.strip))
def test_browser_start_js_is_safe_inside_a_script_element(name: str) -> None:
    try:
        js = browser_start_js(rep=(1, name))
    except BomgarValidationError:
        return  # control characters are refused, as everywhere
    assert not set(js) & set("<>&\u2028\u2029")
    assert js.isascii()
    assert _options(js)[1]["rep"]["name"] == name


def test_browser_start_js_escapes_a_closing_script_tag() -> None:
    js = browser_start_js(session_key="1234567", external_key="</script><b>&amp;\u2028\u2029")
    assert "</script>" not in js
    assert "\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\\u2028\\u2029" in js
    assert _options(js)[1]["attributes"]["externalKey"] == "</script><b>&amp;\u2028\u2029"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((), {}, "exactly one start method"),
        ((), {"session_key": "1234567", "rep": (1, "A")}, "exactly one start method"),
        ((), {"rep": (1, "A"), "issue": 3}, "exactly one start method"),
        (("popup",), {"session_key": "1234567"}, "start_type must be 'browser' or 'chat'"),
        ((), {"session_key": "123"}, "seven digits"),
        ((), {"rep": (0, "A")}, "rep id must be a positive integer"),
        ((), {"rep": (1, "")}, "rep name must not be empty"),
        ((), {"rep": [1, "A"]}, r"\(rep id, public display name\) tuple"),
        ((), {"rep": (1,)}, r"\(rep id, public display name\) tuple"),
        ((), {"issue": BrowserIssue()}, "exactly one of id and code_name"),
        ((), {"issue": BrowserIssue(id=1, code_name="x")}, "exactly one of id and code_name"),
        ((), {"issue": 0}, "issue id must be a positive integer"),
        ((), {"issue": True}, "BrowserIssue, an IssueForm, an issue id or a code name"),
        ((), {"issue": IssueForm("f"), "external_key": "k"}, "only available with session_key"),
        ((), {"issue": IssueForm("f"), "rep": (1, "A")}, "exactly one start method"),
        ((), {"issue": "not valid"}, "not a valid code name"),
        ((), {"issue": BrowserIssue(id=1, customer_name="n" * 101)}, "maximum is 100"),
        ((), {"issue": BrowserIssue(id=1, company_name="n" * 101)}, "maximum is 100"),
        ((), {"issue": BrowserIssue(id=1, company_code="n" * 101)}, "maximum is 100"),
        ((), {"issue": BrowserIssue(id=1, details="d" * 1025)}, "maximum is 1024"),
        ((), {"rep": (1, "A"), "external_key": "k"}, "only available with session_key"),
        ((), {"issue": 3, "external_key": "k"}, "only available with session_key"),
        ((), {"session_key": "1234567", "external_key": "k" * 1025}, "maximum is 1024"),
        ((), {"session_key": "1234567", "locale": "xx_YY"}, "locale code"),
        ((), {"session_key": "1234567", "fallback_to_full_window": True}, "only for click-to"),
        (("chat",), {"session_key": "1234567", "fallback_to_full_window": 1}, "True or False"),
    ],
)
def test_browser_start_js_rejects(
    args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(BomgarValidationError, match=match):
        browser_start_js(*args, **kwargs)


# --- issue as a form element, BG.setSite -----------------------------------------------------

_FORM_CALL = re.compile(
    r'\ABG\.start\(BG\.START_TYPE\.(BROWSER|CHAT), \{"issue": '
    r"document\.getElementById\((\"(?:[^\"\\]|\\.)*\")\)(.*)\}\);\Z",
    re.DOTALL,
)


def test_browser_start_js_with_the_guides_issue_form() -> None:
    # The guide: BG.start(BG.START_TYPE.BROWSER, {issue: document.getElementById('formID')});
    assert browser_start_js(issue=IssueForm("formID")) == (
        'BG.start(BG.START_TYPE.BROWSER, {"issue": document.getElementById("formID")});'
    )
    assert browser_start_js("chat", issue=IssueForm("formID"), locale="en-us") == (
        'BG.start(BG.START_TYPE.CHAT, {"issue": document.getElementById("formID"), '
        '"locale": "en-us"});'
    )


@settings(deadline=None, max_examples=300)
@given(element_id=st.text(min_size=1, max_size=200))
def test_an_issue_form_id_cannot_inject_code(element_id: str) -> None:
    try:
        js = browser_start_js(issue=IssueForm(element_id))
    except BomgarValidationError:
        assert set(element_id) & set(" \t\n\f\r") or any(
            ord(ch) < 32 or ord(ch) == 127 for ch in element_id
        )
        return
    assert js.isascii()
    assert not set(js) & set("<>&\u2028\u2029")
    match = _FORM_CALL.match(js)
    assert match is not None, js
    assert json.loads(match.group(2)) == element_id  # one string literal, the id intact
    assert match.group(3) == ""


@pytest.mark.parametrize("bad", ["", "form id", "a\tb", "a\x00b", "x" * 1025, 5, None])
def test_issue_form_rejects(bad: object) -> None:
    with pytest.raises(BomgarValidationError):
        IssueForm(bad)  # type: ignore[arg-type]


def test_browser_set_site_js_the_guides_snippet() -> None:
    assert browser_set_site_js("support.example.com") == 'BG.setSite("support.example.com");'
    assert browser_set_site_js("support.example.com:8443") == (
        'BG.setSite("support.example.com:8443");'
    )
    assert browser_set_site_js("[::1]:8443") == 'BG.setSite("[::1]:8443");'


@pytest.mark.parametrize(
    ("site", "match"),
    [
        ("https://support.example.com", "without the protocol"),
        ("support.example.com/path", "not a valid hostname"),
        ('x");alert(1);("', "not a valid hostname"),
        ("</script>", "not a valid hostname"),
        ("support.example.com:0", "invalid port"),
        ("support.example.com:99999", "invalid port"),
        ("support.example.com:", "invalid port"),
        ("[::g]", "invalid IPv6"),
        ("[::1]x", "not host"),
        ("", "not a valid hostname"),
        (None, "must be a string"),
    ],
)
def test_browser_set_site_js_rejects(site: object, match: str) -> None:
    with pytest.raises(BomgarValidationError, match=match):
        browser_set_site_js(site)  # type: ignore[arg-type]


def test_head_html_is_the_guides_head() -> None:
    assert SITE.head_html() == (
        '<script type="text/javascript" '
        'src="https://support.example.com/api/start_session.js"></script>\n'
        '<script type="text/javascript">BG.setSite("support.example.com");</script>'
    )
    local = StartSessionURLs("http://127.0.0.1:8080/bomgar").head_html()
    assert 'src="http://127.0.0.1:8080/bomgar/api/start_session.js"' in local
    assert 'BG.setSite("127.0.0.1:8080");' in local


# --- embedded Bomgar Button -----------------------------------------------------------------

EXE = "C:\\Users\\admin\\AppData\\Local\\bomgar-scc-cb\\support.example.com\\bomgar-cb-w0dc.exe"
CBDIR = "C:\\Users\\admin\\AppData\\Local\\bomgar-scc-cb\\support.example.com\\"


def test_bomgar_button_args_the_guides_example() -> None:
    assert bomgar_button_args(
        EXE,
        CBDIR,
        external_key="abc123",
        issue_code_name="install_update",
        present_front_end_survey=True,
    ) == [
        EXE,
        "--cbdir",
        CBDIR,
        "--session-value",
        "session.custom.external_key",
        "abc123",
        "--issue-code-name",
        "install_update",
        "--present-front-end-survey",
    ]


def test_bomgar_button_args_minimal_and_with_paths() -> None:
    assert bomgar_button_args(PureWindowsPath(EXE), PureWindowsPath(CBDIR)) == [
        EXE,
        "--cbdir",
        CBDIR.rstrip("\\"),
    ]
    assert bomgar_button_args("cb.exe", "d", issue_code_name="vpn")[-2:] == [
        "--issue-code-name",
        "vpn",
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("", CBDIR), {}, "cb_executable must be a non-empty path"),
        ((EXE, ""), {}, "cbdir must be a non-empty path"),
        ((EXE, None), {}, "cbdir must be a non-empty path"),
        ((EXE, CBDIR), {"present_front_end_survey": True}, "needs an issue_code_name"),
        ((EXE, CBDIR), {"present_front_end_survey": "yes"}, "True or False"),
        ((EXE, CBDIR), {"issue_code_name": "two words"}, "not a valid code name"),
        ((EXE, CBDIR), {"external_key": "k" * 1025}, "maximum is 1024"),
        ((EXE, CBDIR), {"external_key": ""}, "must not be empty"),
    ],
)
def test_bomgar_button_args_reject(
    args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(BomgarValidationError, match=match):
        bomgar_button_args(*args, **kwargs)
