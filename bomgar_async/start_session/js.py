"""Session Generation from a web page or an installed Bomgar Button (pure, no network).

:func:`browser_start_js` writes a ``BG.start(...)`` call (collaborative browser sharing or
click-to-chat) for a page that loads ``start_session.js``; :func:`bomgar_button_args` gives the
argv starting a session from an embedded Bomgar Button. Both are re-exported by
:mod:`bomgar_async.start_session`, which also uses the value checks defined here.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from typing import Literal

import attrs

from .._xml import validate as check
from ..errors import BomgarValidationError
from ..scripting.params import EXTERNAL_KEY

__all__ = [
    "BrowserIssue",
    "IssueForm",
    "bomgar_button_args",
    "browser_set_site_js",
    "browser_start_js",
]

_SHORT_KEY = re.compile(r"[0-9]{7}")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}")
_NAME_MAX = 100
_FIELD_MAX = 1024
_HTML_SPACE = frozenset(" \t\n\f\r")
_PORT = re.compile(r"[0-9]{1,5}")


def _short_key(value: object) -> str:
    if not isinstance(value, str) or not _SHORT_KEY.fullmatch(value):
        raise BomgarValidationError(f"short_key must be a string of seven digits, not {value!r}")
    return value


def _locale(value: object) -> str:
    if not isinstance(value, str) or not _LOCALE.fullmatch(value):
        raise BomgarValidationError(f"locale must be a locale code like 'en-us', not {value!r}")
    return value


def _field(value: object, name: str) -> str:
    return check.text(value, name, max_length=_FIELD_MAX, allow_empty=False)


@attrs.frozen(kw_only=True)
class BrowserIssue:
    """The ``issue`` option of ``BG.start``: an issue by ``id`` or by ``code_name``.

    Attributes:
        id: the issue's id (exclusive with ``code_name``).
        code_name: the issue's code name.
        customer_name, company_name, company_code: ≤100 characters each.
        details: the problem description, ≤1024 characters.
    """

    id: int | None = None
    code_name: str | None = None
    customer_name: str | None = None
    company_name: str | None = None
    company_code: str | None = None
    details: str | None = None

    def to_js(self) -> dict[str, object]:
        """The validated JavaScript object, with the guide's property names.

        Raises:
            BomgarValidationError: not exactly one of ``id`` and ``code_name``, or a bad value.
        """
        if (self.id is None) == (self.code_name is None):
            raise BomgarValidationError("an issue needs exactly one of id and code_name")
        out: dict[str, object] = {}
        if self.id is not None:
            out["id"] = check.positive_int(self.id, "issue id")
        else:
            out["codeName"] = check.code_name(self.code_name, "issue code_name")
        for key, value, limit in (
            ("customerName", self.customer_name, _NAME_MAX),
            ("companyName", self.company_name, _NAME_MAX),
            ("companyCode", self.company_code, _NAME_MAX),
            ("details", self.details, _FIELD_MAX),
        ):
            if value is not None:
                out[key] = check.text(value, f"issue {key}", max_length=limit, allow_empty=False)
        return out


@attrs.frozen
class IssueForm:
    """The ``issue`` option of ``BG.start`` as a form of the page: ``issue:
    document.getElementById('formID')`` in the guide.

    The form's inputs carry the issue (named ``id`` or ``codeName``, and optionally
    ``customerName``, ``companyName``, ``companyCode``, ``details``); the browser reads them
    when the call runs, so nothing about the issue is checked here.

    Attributes:
        element_id: the form's HTML ``id``: 1 to 1024 characters, no whitespace (HTML's rule
            for ids) and no control characters.

    Raises:
        BomgarValidationError: an element id that breaks those rules.
    """

    element_id: str

    def __attrs_post_init__(self) -> None:
        value = self.element_id
        if not isinstance(value, str) or not value:
            raise BomgarValidationError("an issue form's element_id must be a non-empty string")
        if _HTML_SPACE.intersection(value):
            raise BomgarValidationError("an HTML element id holds no whitespace")
        check.text(value, "issue form element_id", max_length=_FIELD_MAX)

    def js_expression(self) -> str:
        """The JavaScript expression: ``document.getElementById("formID")`` (escaped)."""
        return f"document.getElementById({_script_safe_json(self.element_id)})"


_HTML_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _script_safe_json(value: object) -> str:
    # ensure_ascii already escapes U+2028/2029; the table keeps them safe either way.
    return json.dumps(value, ensure_ascii=True).translate(_HTML_UNSAFE)


def _options_js(options: dict[str, object]) -> str:
    """The options object; an :class:`IssueForm` is written as its expression, not as data."""
    members = (
        f"{_script_safe_json(key)}: "
        + (value.js_expression() if isinstance(value, IssueForm) else _script_safe_json(value))
        for key, value in options.items()
    )
    return "{" + ", ".join(members) + "}"


def _ipv6(literal: str, site: str) -> None:
    try:
        ipaddress.IPv6Address(literal)
    except ValueError as err:
        raise BomgarValidationError(f"site {site!r} holds an invalid IPv6 address") from err


def _site(value: object) -> str:
    """``host`` or ``host:port``, without a protocol (the guide's ``BG.setSite`` argument)."""
    if not isinstance(value, str):
        raise BomgarValidationError(f"site must be a string, not {type(value).__name__}")
    if "://" in value:
        raise BomgarValidationError(
            f"site {value!r} must be a hostname without the protocol, e.g. support.example.com"
        )
    if value.startswith("["):  # [IPv6] or [IPv6]:port, as in a URL
        literal, _, rest = value[1:].partition("]")
        _ipv6(literal, value)
        sep, port = rest[:1], rest[1:]
        if rest and sep != ":":
            raise BomgarValidationError(f"site {value!r} is not host[:port]")
    else:
        host, sep, port = value.partition(":")
        check.hostname(host, "site")
    if sep and not (_PORT.fullmatch(port) and 0 < int(port) < 65536):
        raise BomgarValidationError(f"site {value!r} has an invalid port")
    return value


def browser_set_site_js(site: str) -> str:
    """The ``BG.setSite(...)`` call the guide places in the page head after loading
    ``https://<site>/api/start_session.js``; it names the host the JavaScript and its other
    resources load from.

    Args:
        site: the appliance's hostname without the protocol (``support.example.com``),
            optionally with ``:port``.

    Returns:
        e.g. ``BG.setSite("support.example.com");`` (a JSON string, safe in ``<script>``).

    Raises:
        BomgarValidationError: a protocol, a path or anything else that is not a hostname.
    """
    return f"BG.setSite({_script_safe_json(_site(site))});"


def browser_start_js(
    start_type: Literal["browser", "chat"] = "browser",
    *,
    session_key: str | None = None,
    rep: tuple[int, str] | None = None,
    issue: BrowserIssue | IssueForm | int | str | None = None,
    locale: str | None = None,
    external_key: str | None = None,
    fallback_to_full_window: bool | None = None,
) -> str:
    """A ``BG.start(...)`` call for collaborative browser sharing or click-to-chat.

    The options object is JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 written as
    ``\\u003c``-style escapes, so it is safe inside an HTML ``<script>`` element; inside an event
    attribute (``onclick="..."``) HTML-escape the whole call (``html.escape``).

    Args:
        start_type: ``"browser"`` (``BG.START_TYPE.BROWSER``) or ``"chat"`` (``CHAT``).
        session_key: start with this seven-digit session key.
        rep: start with this representative, as ``(id, public display name)``.
        issue: start with this issue: a :class:`BrowserIssue`, an id, a code name, or an
            :class:`IssueForm` (the page's form, read by the browser when the call runs).
        locale: the customer client's language, e.g. ``en-us``.
        external_key: ``attributes.externalKey`` (≤1024), only with ``session_key``.
        fallback_to_full_window: ``uiOptions.fallbackToFullWindow``, only for ``"chat"``.

    Returns:
        e.g. ``BG.start(BG.START_TYPE.BROWSER, {"sessionKey": "1728331"});``.

    Raises:
        BomgarValidationError: not exactly one of session_key, rep and issue, an option
            used where the guide does not allow it, or a bad value.
    """
    if start_type not in ("browser", "chat"):
        raise BomgarValidationError(f"start_type must be 'browser' or 'chat', not {start_type!r}")
    if sum(v is not None for v in (session_key, rep, issue)) != 1:
        raise BomgarValidationError("give exactly one start method: session_key, rep or issue")
    options: dict[str, object] = {}
    if session_key is not None:
        options["sessionKey"] = _short_key(session_key)
    elif rep is not None:
        if not isinstance(rep, tuple) or len(rep) != 2:
            raise BomgarValidationError("rep must be a (rep id, public display name) tuple")
        options["rep"] = {
            "id": check.positive_int(rep[0], "rep id"),
            "name": _field(rep[1], "rep name"),
        }
    else:
        if isinstance(issue, int) and not isinstance(issue, bool):
            issue = BrowserIssue(id=issue)
        elif isinstance(issue, str):
            issue = BrowserIssue(code_name=issue)
        if isinstance(issue, IssueForm):
            options["issue"] = issue
        elif isinstance(issue, BrowserIssue):
            options["issue"] = issue.to_js()
        else:
            raise BomgarValidationError(
                "issue must be a BrowserIssue, an IssueForm, an issue id or a code name"
            )
    if locale is not None:
        options["locale"] = _locale(locale)
    if external_key is not None:
        if session_key is None:
            raise BomgarValidationError("external_key is only available with session_key")
        options["attributes"] = {"externalKey": _field(external_key, "external_key")}
    if fallback_to_full_window is not None:
        if start_type != "chat":
            raise BomgarValidationError("fallback_to_full_window is only for click-to-chat")
        flag = check.flag(fallback_to_full_window, "fallback_to_full_window")
        options["uiOptions"] = {"fallbackToFullWindow": flag}
    return f"BG.start(BG.START_TYPE.{start_type.upper()}, {_options_js(options)});"


def bomgar_button_args(
    cb_executable: str | os.PathLike[str],
    cbdir: str | os.PathLike[str],
    *,
    external_key: str | None = None,
    issue_code_name: str | None = None,
    present_front_end_survey: bool = False,
) -> list[str]:
    """argv starting a session from an embedded (pre-installed, Windows-only) Bomgar Button.

    ``cb_executable`` is the program from the ``cb-install-cmdline`` registry value. For one
    command-line string, join the list with :func:`bomgar_async.brcs.windows_command_line`.

    Args:
        cb_executable: the Bomgar Button's executable.
        cbdir: its install directory (``--cbdir``, required by the guide).
        external_key: ``--session-value session.custom.external_key <value>`` (≤1024).
        issue_code_name: ``--issue-code-name``: start on this issue, skipping the survey.
        present_front_end_survey: show the issue submission form with the issue preselected
            (``--present-front-end-survey``); only with ``issue_code_name``.

    Returns:
        The argv list, for ``subprocess`` without a shell.

    Raises:
        BomgarValidationError: an empty executable or directory, a bad value, or the survey
            flag without an issue code name.
    """
    paths = []
    for name, path in (("cb_executable", cb_executable), ("cbdir", cbdir)):
        value = os.fspath(path) if isinstance(path, (str, os.PathLike)) else path
        if not isinstance(value, str) or not value:
            raise BomgarValidationError(f"{name} must be a non-empty path")
        paths.append(value)
    args = [paths[0], "--cbdir", paths[1]]
    if external_key is not None:
        args += ["--session-value", EXTERNAL_KEY, _field(external_key, "external_key")]
    if issue_code_name is not None:
        args += ["--issue-code-name", check.code_name(issue_code_name, "issue_code_name")]
    if check.flag(present_front_end_survey, "present_front_end_survey"):
        if issue_code_name is None:
            raise BomgarValidationError("present_front_end_survey needs an issue_code_name")
        args.append("--present-front-end-survey")
    return args


# Public home: bomgar_async.start_session (tracebacks, pickles and help() name it, as before).
for _public in (BrowserIssue, IssueForm, browser_set_site_js, browser_start_js, bomgar_button_args):
    _public.__module__ = "bomgar_async.start_session"
del _public
