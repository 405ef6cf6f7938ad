"""Client Scripting API parameters: the actions a BRCS file can hold and their arguments (pure).

``client_script.ns`` answers ``type=rep&operation=generate&action=<command>&<parameters>``
with a BRCS file (see :mod:`bomgar_async.brcs`). This module owns the table of documented
actions, their parameters under the guide's names and their length limits, so that the
Client Scripting API query and the ``Command`` helpers of :mod:`bomgar_async.brcs` validate
alike. Python keyword names map onto the guide's names: ``external_key`` is sent as
``session.custom.external_key``; every other keyword is the guide's own name, which is also
accepted as is (``**{"session.custom.external_key": "T-1"}``).

===========================  ================================================================
action                       parameters (required first)
===========================  ================================================================
start_pinned_client_session  search_string (≤1024), external_key (≤1024)
generate_session_key         external_key (≤1024), public_portal_hostname (hostname, ≤255)
push_and_start_local         hostname (machine name, ≤255), external_key (≤1024)
start_vpro_session           target (machine name, ≤255), jumpoint (≤1024), external_key (≤1024)
login                        none (saved credentials), or username and password
                             (``mechanism=username_password`` is added; BRCS files only:
                             a password is never put in a URL)
delete_script_file           none
===========================  ================================================================

The guide gives no limit for ``target`` (a hostname or IP address, hence 255), ``jumpoint``,
``username`` and ``password`` (1024, the guide's largest field). Every function raises
:class:`~bomgar_async.errors.BomgarValidationError` before anything is built.

A *machine name* (``push_and_start_local``'s ``hostname``, ``start_vpro_session``'s ``target``)
is only limited to 255 characters by the guide: the console resolves it on the local network,
so NetBIOS names such as ``MY_PC``, IPv6 addresses and FQDNs all pass. What is still refused is
what no machine name holds and what cannot travel safely: an empty or blank value, control
characters (Unicode category Cc, tab and newline included: a line break would split the
console's ``--run-script`` line) and lone surrogates (not encodable as UTF-8, so not
percent-encodable). ``public_portal_hostname`` names one of the appliance's own public sites
and stays a strict DNS hostname.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from urllib.parse import quote, urlencode

import attrs

from .._http.config import base_url as _normalize_base_url
from .._xml import validate as check
from ..errors import (
    BomgarConfigError,
    BomgarValidationError,
)

__all__ = [
    "ACTIONS",
    "CLIENT_SCRIPT_PATH",
    "EXTERNAL_KEY",
    "MECHANISM",
    "ActionSpec",
    "action_params",
    "api_url",
    "client_script_params",
    "client_script_url",
    "normalize_base_url",
]

CLIENT_SCRIPT_PATH = "/api/client_script.ns"
EXTERNAL_KEY = "session.custom.external_key"
MECHANISM = "username_password"
_MAX_FIELD = 1024
_MAX_HOST = 255

Params = tuple[tuple[str, str], ...]
_Check = Callable[[object, str], str]


def _text(max_length: int) -> _Check:
    def run(value: object, name: str) -> str:
        return check.text(value, name, max_length=max_length, allow_empty=False)

    return run


def _machine_name(value: object, name: str) -> str:
    """A computer the representative console resolves: ≤255 characters, nothing unsafe."""
    if not isinstance(value, str):
        raise BomgarValidationError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise BomgarValidationError(f"{name} must not be empty")
    if len(value) > _MAX_HOST:
        raise BomgarValidationError(
            f"{name} is {len(value)} characters; the maximum is {_MAX_HOST}"
        )
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc":
            raise BomgarValidationError(f"{name} contains control characters")
        if category == "Cs":
            raise BomgarValidationError(f"{name} contains a lone surrogate (not valid UTF-8)")
    return value


def _secret(value: object, name: str) -> str:
    # Like _text, but never echoes the value and allows any character a password may hold.
    if not isinstance(value, str) or not value:
        raise BomgarValidationError(f"{name} must be a non-empty string")
    if len(value) > _MAX_FIELD:
        raise BomgarValidationError(f"{name} is too long; the maximum is {_MAX_FIELD} characters")
    return value


@attrs.frozen
class ActionSpec:
    """One client-scripting action: its parameters in the guide's order.

    Attributes:
        name: the action, as sent in ``action=``.
        params: ``(guide_name, python_name, required, check)`` per parameter.
    """

    name: str
    params: tuple[tuple[str, str, bool, _Check], ...] = ()

    def python_names(self) -> list[str]:
        """The keyword names the action accepts (its Python names, then its guide names)."""
        names = [python for _, python, _, _ in self.params]
        return names + [guide for guide, python, _, _ in self.params if guide != python]


_EXTERNAL = (EXTERNAL_KEY, "external_key", False, _text(_MAX_FIELD))
ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec(
            "start_pinned_client_session",
            (("search_string", "search_string", True, _text(_MAX_FIELD)), _EXTERNAL),
        ),
        ActionSpec(
            "generate_session_key",
            (
                _EXTERNAL,
                ("public_portal_hostname", "public_portal_hostname", False, check.hostname),
            ),
        ),
        ActionSpec(
            "push_and_start_local",
            (("hostname", "hostname", True, _machine_name), _EXTERNAL),
        ),
        ActionSpec(
            "start_vpro_session",
            (
                ("target", "target", True, _machine_name),
                ("jumpoint", "jumpoint", True, _text(_MAX_FIELD)),
                _EXTERNAL,
            ),
        ),
        ActionSpec(
            "login",
            (
                ("mechanism", "mechanism", False, _text(_MAX_FIELD)),
                ("username", "username", False, _text(_MAX_FIELD)),
                ("password", "password", False, _secret),
            ),
        ),
        ActionSpec("delete_script_file"),
    )
}


def _check_login(values: dict[str, str]) -> None:
    if not values:
        return  # the console logs in with saved credentials
    mechanism = values.setdefault("mechanism", MECHANISM)
    if mechanism != MECHANISM:
        raise BomgarValidationError(
            f"login mechanism must be {MECHANISM!r} (the only one the guide supports)"
        )
    missing = [name for name in ("username", "password") if name not in values]
    if missing:
        raise BomgarValidationError(
            f"login with mechanism={MECHANISM} needs both username and password "
            f"(missing: {', '.join(missing)}); give neither to use saved credentials"
        )


def action_params(action: str, /, **params: object) -> Params:
    """The validated parameters of one client-scripting action, in the guide's order.

    Args:
        action: one of :data:`ACTIONS`.
        **params: the action's parameters by Python name (``external_key``) or guide name
            (``session.custom.external_key``); ``None`` values are left out.

    Returns:
        ``((guide_name, value), ...)`` without the ``action`` pair itself.

    Raises:
        BomgarValidationError: unknown action or parameter, a parameter given twice (by both
            names), a required one missing, a value of the wrong type, empty or too long.
    """
    spec = ACTIONS.get(action) if isinstance(action, str) else None
    if spec is None:
        raise BomgarValidationError(
            f"unknown client-scripting action {action!r}; expected one of {', '.join(ACTIONS)}"
        )
    by_name = {python: guide for guide, python, _, _ in spec.params}
    by_name.update({guide: guide for guide, _, _, _ in spec.params})
    given: dict[str, object] = {}
    for name, value in params.items():
        if name not in by_name:
            allowed = ", ".join(spec.python_names()) or "no parameters"
            raise BomgarValidationError(f"{action} does not take {name!r}; it takes {allowed}")
        if value is None:
            continue
        guide = by_name[name]
        if guide in given:
            raise BomgarValidationError(f"{action}: {guide} is given twice")
        given[guide] = value
    values: dict[str, str] = {}
    for guide, python, required, run in spec.params:
        if guide in given:
            values[guide] = run(given[guide], python)
        elif required:
            raise BomgarValidationError(f"{action} requires {python}")
    if action == "login":
        _check_login(values)
    return tuple((guide, values[guide]) for guide, _, _, _ in spec.params if guide in values)


def client_script_params(action: str, /, **params: object) -> Params:
    """The Client Scripting API query: ``type=rep``, ``operation=generate``, the action.

    Args:
        action: the command to put in the generated BRCS file (see :data:`ACTIONS`).
        **params: the action's parameters, as for :func:`action_params`.

    Returns:
        ``(("type", "rep"), ("operation", "generate"), ("action", action), ...)``.

    Raises:
        BomgarValidationError: as :func:`action_params`; also for a login password, which
            must never travel in a URL (build that command locally with
            ``brcs.Command.login(username, password)``).
    """
    if action == "login" and params.get("password") is not None:
        raise BomgarValidationError(
            "a password must never be sent in a URL; build the login command locally "
            "with brcs.Command.login(username, password)"
        )
    pairs = action_params(action, **params)
    return (("type", "rep"), ("operation", "generate"), ("action", action), *pairs)


def normalize_base_url(base_url: str) -> str:
    """The appliance as ``scheme://host[:port][/prefix]`` (``https://`` unless given).

    Args:
        base_url: a hostname, ``host:port`` or URL; ``http://`` is accepted, as these URLs
            are handed to browsers and never carry credentials.

    Returns:
        The normalized URL, without a trailing ``/``.

    Raises:
        BomgarValidationError: no hostname, a bad scheme or port, credentials, a query or
            a fragment.
    """
    try:
        return _normalize_base_url(base_url, allow_http=True)
    except BomgarConfigError as err:
        raise BomgarValidationError(str(err)) from err


def api_url(base_url: str, path: str, params: Sequence[tuple[str, str]]) -> str:
    """``base_url + path + "?" + query``, every parameter percent-encoded (RFC 3986).

    Args:
        base_url: the appliance (see :func:`normalize_base_url`).
        path: the API path, starting with ``/``.
        params: the query's pairs, in order.

    Returns:
        The URL; spaces become ``%20`` (``quote``), not ``+``.

    Raises:
        BomgarValidationError: ``base_url`` is not a usable URL.
    """
    root = normalize_base_url(base_url)
    query = urlencode(list(params), quote_via=quote)
    return f"{root}{path}?{query}" if query else f"{root}{path}"


def client_script_url(base_url: str, action: str, /, **params: object) -> str:
    """The ``client_script.ns`` URL that downloads a BRCS file holding one ``action``.

    Args:
        base_url: the appliance (see :func:`api_url`).
        action: the command (see :data:`ACTIONS`).
        **params: its parameters, as for :func:`action_params`.

    Returns:
        e.g. ``https://support.example.com/api/client_script.ns?type=rep&operation=generate&
        action=start_pinned_client_session&search_string=ABCDEFG02``.

    Raises:
        BomgarValidationError: a bad base URL, action or parameter.
    """
    return api_url(base_url, CLIENT_SCRIPT_PATH, client_script_params(action, **params))
