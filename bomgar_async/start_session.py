"""Session Generation API: ``start_session.ns`` URLs, ``BG.start`` calls and Bomgar Button argv.

Pure: nothing here touches the network. A session starts by exactly one method:

* a representative: ``rep_id`` and ``rep_name`` (sent as ``id`` and ``name``);
* a session key: ``short_key``, seven digits;
* the issue submission survey: ``issue_menu=True`` (``issue_menu=1``), optionally with
  ``issue_id`` (``id``; without it the session goes to the general queue).

Optional parameters follow the guide's limits: ``customer_name``, ``customer_company`` and
``customer_company_code`` ≤100 characters, ``customer_desc`` and ``external_key`` ≤1024,
``locale`` a code like ``en-us``, ``priority`` 1-3 (``session.priority``), ``skills`` code names
(``session.skills``), ``c2cjs`` (``c2cjs=1``: click-to-chat), ``platform`` ``winNT-32`` or
``winNT-64``. When the public site prompts customers before the download
(``customer_prompting=True``), the guide allows only ``external_key`` beside a session key.
The guide sets no limit on a representative's name; 1024 is used as a sanity cap.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Literal

import attrs

from . import _validate as check
from .errors import BomgarValidationError
from .scripting_params import EXTERNAL_KEY, api_url, normalize_base_url

__all__ = [
    "PLATFORMS",
    "START_SESSION_PATH",
    "BrowserIssue",
    "StartSessionURLs",
    "bomgar_button_args",
    "browser_start_js",
    "start_session_params",
]

START_SESSION_PATH = "/api/start_session.ns"
START_SESSION_JS_PATH = "/api/start_session.js"
PLATFORMS = ("winNT-32", "winNT-64")
_SHORT_KEY = re.compile(r"[0-9]{7}")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}")
_NAME_MAX = 100
_FIELD_MAX = 1024

Params = tuple[tuple[str, str], ...]


def _short_key(value: object) -> str:
    if not isinstance(value, str) or not _SHORT_KEY.fullmatch(value):
        raise BomgarValidationError(f"short_key must be a string of seven digits, not {value!r}")
    return value


def _locale(value: object) -> str:
    if not isinstance(value, str) or not _LOCALE.fullmatch(value):
        raise BomgarValidationError(f"locale must be a locale code like 'en-us', not {value!r}")
    return value


def _name(value: object, name: str) -> str:
    return check.text(value, name, max_length=_NAME_MAX, allow_empty=False)


def _field(value: object, name: str) -> str:
    return check.text(value, name, max_length=_FIELD_MAX, allow_empty=False)


def start_session_params(
    *,
    rep_id: int | None = None,
    rep_name: str | None = None,
    short_key: str | None = None,
    issue_menu: bool = False,
    issue_id: int | None = None,
    customer_name: str | None = None,
    customer_company: str | None = None,
    customer_company_code: str | None = None,
    customer_desc: str | None = None,
    external_key: str | None = None,
    locale: str | None = None,
    priority: int | None = None,
    skills: Iterable[str] | str | None = None,
    c2cjs: bool = False,
    platform: str | None = None,
    customer_prompting: bool = False,
) -> Params:
    """The query of a ``start_session.ns`` request, validated.

    Args:
        rep_id: with ``rep_name``: start with this representative.
        rep_name: the representative's public display name.
        short_key: a seven-digit session key.
        issue_menu: start through the issue submission survey.
        issue_id: with ``issue_menu``: the chosen issue (or representative) id.
        customer_name: the customer's name (≤100).
        customer_company: the customer's company (≤100).
        customer_company_code: the company code (≤100).
        customer_desc: the problem description (≤1024).
        external_key: a help desk ticket key (≤1024).
        locale: the customer client's language, e.g. ``en-us``.
        priority: 1 (high), 2 (medium) or 3 (low).
        skills: skill code names, a list or a comma-separated string.
        c2cjs: answer with a click-to-chat page instead of the client download.
        platform: ``winNT-32`` or ``winNT-64``: download the client for this platform.
        customer_prompting: the public site prompts customers before the download, so only
            ``external_key`` may accompany a ``short_key``.

    Returns:
        ``((name, value), ...)``: the start method first, then the optional parameters.

    Raises:
        BomgarValidationError: not exactly one start method, ``rep_id`` without ``rep_name``
            (or the reverse), ``issue_id`` without ``issue_menu``, a bad or too long value,
            or parameters the prompting rule forbids.
    """
    for flag_name, flag_value in (
        ("issue_menu", issue_menu),
        ("c2cjs", c2cjs),
        ("customer_prompting", customer_prompting),
    ):
        check.flag(flag_value, flag_name)
    if (rep_id is None) != (rep_name is None):
        raise BomgarValidationError("rep_id and rep_name must be given together")
    if issue_id is not None and not issue_menu:
        raise BomgarValidationError("issue_id is only used with issue_menu=True")
    methods = [
        name
        for name, used in (
            ("rep_id/rep_name", rep_id is not None),
            ("short_key", short_key is not None),
            ("issue_menu", issue_menu),
        )
        if used
    ]
    if len(methods) != 1:
        raise BomgarValidationError(
            "give exactly one start method: rep_id and rep_name, short_key, or issue_menu=True"
            + (f" (got {' and '.join(methods)})" if methods else "")
        )
    params: list[tuple[str, str]] = []
    if rep_id is not None:
        params += [("id", str(check.positive_int(rep_id, "rep_id")))]
        params += [("name", _field(rep_name, "rep_name"))]
    elif short_key is not None:
        params.append(("short_key", _short_key(short_key)))
    else:
        params.append(("issue_menu", "1"))
        if issue_id is not None:
            params.append(("id", str(check.positive_int(issue_id, "issue_id"))))
    optional: list[tuple[str, str]] = []
    for name, value in (
        ("customer_name", customer_name),
        ("customer_company", customer_company),
        ("customer_company_code", customer_company_code),
    ):
        if value is not None:
            optional.append((name, _name(value, name)))
    if customer_desc is not None:
        optional.append(("customer_desc", _field(customer_desc, "customer_desc")))
    if locale is not None:
        optional.append(("locale", _locale(locale)))
    if priority is not None:
        optional.append(("session.priority", str(check.priority(priority))))
    if skills is not None:
        optional.append(("session.skills", check.skills(skills)))
    if platform is not None:
        if platform not in PLATFORMS:
            raise BomgarValidationError(f"platform must be winNT-32 or winNT-64, not {platform!r}")
        optional.append(("platform", platform))
    if c2cjs:
        optional.append(("c2cjs", "1"))
    if customer_prompting and short_key is not None and optional:
        names = ", ".join(name for name, _ in optional)
        raise BomgarValidationError(
            "the public site prompts customers before downloading the customer client, so only "
            f"external_key may be passed with short_key (the guide's rule); remove {names}"
        )
    if external_key is not None:
        params.append(("external_key", _field(external_key, "external_key")))
    return (*params, *optional)


@attrs.frozen
class StartSessionURLs:
    """Builds ``start_session.ns`` links for one appliance (``bg.start_session``).

    Args:
        base_url: the appliance: a hostname, ``host:port`` or ``https://`` URL; kept
            normalized (``support.example.com`` becomes ``https://support.example.com``).

    Raises:
        BomgarValidationError: a ``base_url`` that is not a usable URL.
    """

    base_url: str = attrs.field(converter=normalize_base_url)

    def url(
        self,
        *,
        rep_id: int | None = None,
        rep_name: str | None = None,
        short_key: str | None = None,
        issue_menu: bool = False,
        issue_id: int | None = None,
        customer_name: str | None = None,
        customer_company: str | None = None,
        customer_company_code: str | None = None,
        customer_desc: str | None = None,
        external_key: str | None = None,
        locale: str | None = None,
        priority: int | None = None,
        skills: Iterable[str] | str | None = None,
        c2cjs: bool = False,
        platform: str | None = None,
        customer_prompting: bool = False,
    ) -> str:
        """``<base_url>/api/start_session.ns?<query>``, percent-encoded (``%20``, not ``+``).

        Args:
            rep_id, rep_name, ...: as :func:`start_session_params`.

        Returns:
            e.g. ``https://support.example.com/api/start_session.ns?id=1&name=Admin``.

        Raises:
            BomgarValidationError: as :func:`start_session_params`.
        """
        params = start_session_params(
            rep_id=rep_id,
            rep_name=rep_name,
            short_key=short_key,
            issue_menu=issue_menu,
            issue_id=issue_id,
            customer_name=customer_name,
            customer_company=customer_company,
            customer_company_code=customer_company_code,
            customer_desc=customer_desc,
            external_key=external_key,
            locale=locale,
            priority=priority,
            skills=skills,
            c2cjs=c2cjs,
            platform=platform,
            customer_prompting=customer_prompting,
        )
        return api_url(self.base_url, START_SESSION_PATH, params)

    def script_url(self) -> str:
        """The ``start_session.js`` URL to reference in a page's ``<head>``."""
        return api_url(self.base_url, START_SESSION_JS_PATH, ())


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


_HTML_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _script_safe_json(value: object) -> str:
    # ensure_ascii already escapes U+2028/2029; the table keeps them safe either way.
    return json.dumps(value, ensure_ascii=True).translate(_HTML_UNSAFE)


def browser_start_js(
    start_type: Literal["browser", "chat"] = "browser",
    *,
    session_key: str | None = None,
    rep: tuple[int, str] | None = None,
    issue: BrowserIssue | int | str | None = None,
    locale: str | None = None,
    external_key: str | None = None,
    fallback_to_full_window: bool | None = None,
) -> str:
    """A ``BG.start(...)`` call for collaborative browser sharing or click-to-chat.

    The options object is JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped as
    ``\\uXXXX``, so it is safe inside an HTML ``<script>`` element; inside an event
    attribute (``onclick="..."``) HTML-escape the whole call (``html.escape``).

    Args:
        start_type: ``"browser"`` (``BG.START_TYPE.BROWSER``) or ``"chat"`` (``CHAT``).
        session_key: start with this seven-digit session key.
        rep: start with this representative, as ``(id, public display name)``.
        issue: start with this issue: a :class:`BrowserIssue`, an id or a code name.
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
        if not isinstance(issue, BrowserIssue):
            raise BomgarValidationError("issue must be a BrowserIssue, an issue id or a code name")
        options["issue"] = issue.to_js()
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
    return f"BG.start(BG.START_TYPE.{start_type.upper()}, {_script_safe_json(options)});"


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
