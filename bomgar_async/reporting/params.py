"""Reporting API parameters: validate Python values and build each report's query
parameters (pure). Every function raises ``BomgarValidationError`` for bad input, so
nothing is sent.

Time ranges are ``since`` / ``until``: two ``date`` objects become ``start_date`` (or
``end_date``) plus a ``duration`` in days, ``until`` excluded (May 1 to June 1 is the 31
days of May); two aware ``datetime`` objects become ``start_time`` (or ``end_time``), UNIX
seconds, plus a ``duration`` in seconds, widened to whole seconds (``since`` rounded down,
``until`` up) so no session at the edges is missed. ``until=None`` is ``duration=0``: up to
the present. ``by="start"`` selects sessions that began in the range, ``by="end"`` closed
sessions that ended in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType

from .._http.request import Params
from .._xml import validate as check
from ..errors import BomgarValidationError
from .time_range import (
    split_windows,
    time_range,
)

__all__ = [
    "GROUP_BY",
    "LIMIT_FORMS",
    "RECORDING_KINDS",
    "customer_exit_surveys",
    "license_usage",
    "recording",
    "rep_exit_surveys",
    "split_windows",
    "support_session",
    "support_session_listing",
    "support_session_summary",
    "support_sessions",
    "team_activity",
    "time_range",
]

GROUP_BY = ("hour", "day", "month")
LIMIT_FORMS = ("all", "rep:ID", "team:all", "team:ID", "members:ID", "site:ID")
RECORDING_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "support_session": "SupportSessionRecording",
        "show_my_screen": "ShowMyScreenRecording",
        "command_shell": "CommandShellRecording",
        "presentation": "PresentationRecording",
    }
)
_INSTANCE_KINDS = ("show_my_screen", "command_shell")
_LIMIT = re.compile(r"all|team:all|(?:rep|team|members|site):[1-9][0-9]{0,17}")


def _lsids(lsids: object) -> str:
    if isinstance(lsids, (str, bytes)) or not isinstance(lsids, Iterable):
        raise BomgarValidationError("lsids must be a list of session ids (use lsid= for one)")
    items = [check.lsid(item, "lsids item") for item in lsids]
    if not items:
        raise BomgarValidationError("lsids must name at least one session")
    return ",".join(dict.fromkeys(items))


def _limit(limit: object) -> str:
    if not isinstance(limit, str) or not _LIMIT.fullmatch(limit):
        forms = ", ".join(LIMIT_FORMS)
        raise BomgarValidationError(f"limit {limit!r} is not one of {forms} (ID a positive int)")
    return limit


def _choice(value: object, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise BomgarValidationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def support_sessions(
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    *,
    by: str = "start",
    lsid: str | None = None,
    lsids: Iterable[str] | None = None,
    limit: str | None = None,
) -> Params:
    """``SupportSession``: a time range, or one ``lsid``, or several ``lsids``.

    Args:
        since: start of the range (see :func:`time_range`); not with ``lsid``/``lsids``.
        until: end of the range, excluded; ``None`` for the present.
        by: ``"start"`` or ``"end"``.
        lsid: one session id.
        lsids: several session ids (sent once each, in order).
        limit: ``all``, ``rep:ID``, ``team:all``, ``team:ID``, ``members:ID`` or ``site:ID``.

    Returns:
        The query parameters, ``generate_report`` first.

    Raises:
        BomgarValidationError: no range and no ids, a range with ids, ``lsid`` with
            ``lsids``, ``limit`` with ids, an empty or invalid id, a bad range or limit.
    """
    params: list[tuple[str, str]] = [("generate_report", "SupportSession")]
    if lsid is not None or lsids is not None:
        if lsid is not None and lsids is not None:
            raise BomgarValidationError("give lsid or lsids, not both")
        if since is not None or until is not None:
            raise BomgarValidationError("give a time range or session ids, not both")
        if limit is not None:
            raise BomgarValidationError("limit cannot be combined with lsid or lsids")
        if lsid is not None:
            params.append(("lsid", check.lsid(lsid)))
        else:
            params.append(("lsids", _lsids(lsids)))
        return tuple(params)
    if since is None:
        raise BomgarValidationError("SupportSession needs since (a time range), lsid or lsids")
    params.extend(time_range(since, until, by=by))
    if limit is not None:
        params.append(("limit", _limit(limit)))
    return tuple(params)


def support_session(lsid: str) -> Params:
    """``SupportSession`` for one session.

    Raises:
        BomgarValidationError: ``lsid`` is empty or not a session id.
    """
    return (("generate_report", "SupportSession"), ("lsid", check.lsid(lsid)))


def support_session_listing(
    since: date | datetime, until: date | datetime | None = None, *, by: str = "start"
) -> Params:
    """``SupportSessionListing`` over a time range (see :func:`time_range`).

    Raises:
        BomgarValidationError: a bad range or ``by``.
    """
    return (("generate_report", "SupportSessionListing"), *time_range(since, until, by=by))


def support_session_summary(
    since: date | datetime,
    until: date | datetime | None = None,
    *,
    by: str = "start",
    report_type: str = "rep",
) -> Params:
    """``SupportSessionSummary`` over a time range, by ``rep``, ``team`` or ``site``.

    Raises:
        BomgarValidationError: a bad range, ``by`` or ``report_type``.
    """
    kind = _choice(report_type, "report_type", ("rep", "team", "site"))
    return (
        ("generate_report", "SupportSessionSummary"),
        *time_range(since, until, by=by),
        ("report_type", kind),
    )


def _exit_surveys(
    report: str,
    since: date | datetime,
    until: date | datetime | None,
    by: str,
    report_type: str,
    id: int | str,
    site_id: int | None,
) -> Params:
    kind = _choice(report_type, "report_type", ("rep", "team"))
    if id != "all":
        id = check.positive_int(id, "id")
    params = [("generate_report", report), *time_range(since, until, by=by)]
    params += [("report_type", kind), ("id", str(id))]
    if site_id is not None:
        params.append(("site_id", str(check.positive_int(site_id, "site_id"))))
    return tuple(params)


def customer_exit_surveys(
    since: date | datetime,
    until: date | datetime | None = None,
    *,
    by: str = "start",
    report_type: str = "rep",
    id: int | str = "all",
    site_id: int | None = None,
) -> Params:
    """``SupportCustExitSurvey``: customer exit surveys by ``rep`` or ``team``.

    Args:
        since: start of the range (see :func:`time_range`).
        until: end of the range, excluded; ``None`` for the present.
        by: ``"start"`` or ``"end"``.
        report_type: ``"rep"`` or ``"team"``.
        id: a representative or team id, or ``"all"``.
        site_id: only surveys of this public site (the appliance's default is site 1).

    Returns:
        The query parameters, ``generate_report`` first.

    Raises:
        BomgarValidationError: a bad range, ``by``, ``report_type``, ``id`` or ``site_id``.
    """
    return _exit_surveys("SupportCustExitSurvey", since, until, by, report_type, id, site_id)


def rep_exit_surveys(
    since: date | datetime,
    until: date | datetime | None = None,
    *,
    by: str = "start",
    report_type: str = "rep",
    id: int | str = "all",
    site_id: int | None = None,
) -> Params:
    """``SupportRepExitSurvey``: representative exit surveys; arguments as
    :func:`customer_exit_surveys`.

    Raises:
        BomgarValidationError: a bad range, ``by``, ``report_type``, ``id`` or ``site_id``.
    """
    return _exit_surveys("SupportRepExitSurvey", since, until, by, report_type, id, site_id)


def team_activity(
    since: date | datetime,
    until: date | datetime | None = None,
    *,
    by: str = "start",
    team_id: int | None = None,
) -> Params:
    """``SupportTeam``: team activity over a time range, optionally of one team.

    Raises:
        BomgarValidationError: a bad range, ``by`` or ``team_id``.
    """
    params = [("generate_report", "SupportTeam"), *time_range(since, until, by=by)]
    if team_id is not None:
        params.append(("team_id", str(check.positive_int(team_id, "team_id"))))
    return tuple(params)


def license_usage(
    since: date | datetime, until: date | datetime | None = None, *, group_by: str = "day"
) -> Params:
    """``LicenseUsage``: peak license usage from ``since`` (start times only), grouped by
    ``hour``, ``day`` or ``month``.

    Raises:
        BomgarValidationError: a bad range or ``group_by``.
    """
    grouping = _choice(group_by, "group_by", GROUP_BY)
    return (
        ("generate_report", "LicenseUsage"),
        *time_range(since, until, by="start"),
        ("group_by", grouping),
    )


def recording(lsid: str, *, kind: str = "support_session", instance: int | None = None) -> Params:
    """A recording download: ``SupportSessionRecording``, ``ShowMyScreenRecording``,
    ``CommandShellRecording`` or ``PresentationRecording``.

    Args:
        lsid: the session id.
        kind: ``support_session``, ``show_my_screen``, ``command_shell`` or ``presentation``.
        instance: which Show My Screen or command shell recording (0 for the first);
            required for those kinds, refused for the others.

    Returns:
        The query parameters, ``generate_report`` first.

    Raises:
        BomgarValidationError: an unknown kind, a bad lsid, a missing, negative or
            unexpected instance.
    """
    report = RECORDING_KINDS.get(kind) if isinstance(kind, str) else None
    if report is None:
        raise BomgarValidationError(f"kind must be one of {', '.join(RECORDING_KINDS)}")
    params = [("generate_report", report), ("lsid", check.lsid(lsid))]
    if kind in _INSTANCE_KINDS:
        if isinstance(instance, bool) or not isinstance(instance, int) or instance < 0:
            raise BomgarValidationError(
                f"kind={kind!r} needs instance, an integer from 0 (the first recording)"
            )
        params.append(("instance", str(instance)))
    elif instance is not None:
        raise BomgarValidationError(f"kind={kind!r} takes no instance")
    return tuple(params)
