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

``BG.start`` calls and Bomgar Button argv are built in :mod:`bomgar_async.start_session.js`
and re-exported by the package.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import urlsplit

import attrs

from .._xml import validate as check
from ..errors import BomgarValidationError
from ..scripting.params import (
    api_url,
    normalize_base_url,
)
from .js import (
    _NAME_MAX,
    BrowserIssue,
    IssueForm,
    _field,
    _locale,
    _short_key,
    bomgar_button_args,
    browser_set_site_js,
    browser_start_js,
)

__all__ = [
    "PLATFORMS",
    "START_SESSION_PATH",
    "BrowserIssue",
    "IssueForm",
    "StartSessionURLs",
    "bomgar_button_args",
    "browser_set_site_js",
    "browser_start_js",
    "start_session_params",
]

START_SESSION_PATH = "/api/start_session.ns"
START_SESSION_JS_PATH = "/api/start_session.js"
PLATFORMS = ("winNT-32", "winNT-64")

Params = tuple[tuple[str, str], ...]


def _name(value: object, name: str) -> str:
    return check.text(value, name, max_length=_NAME_MAX, allow_empty=False)


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

    def head_html(self) -> str:
        """The guide's two ``<script>`` elements for a page's ``<head>``: load
        ``start_session.js``, then ``BG.setSite("<host>")`` (:func:`browser_set_site_js`).

        Returns:
            e.g. ``<script type="text/javascript"
            src="https://support.example.com/api/start_session.js"></script>`` and
            ``<script type="text/javascript">BG.setSite("support.example.com");</script>``,
            on two lines; the URL is HTML-escaped, the host a script-safe JSON string.
        """
        site = urlsplit(self.base_url).netloc
        src = html.escape(self.script_url(), quote=True)
        return (
            f'<script type="text/javascript" src="{src}"></script>\n'
            f'<script type="text/javascript">{browser_set_site_js(site)}</script>'
        )
