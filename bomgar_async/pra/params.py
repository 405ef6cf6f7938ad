"""Privileged Remote Access report parameters: validate Python values and build each report's
query (pure); bad input raises ``BomgarValidationError`` before anything is sent.

Time ranges follow the Remote Support reports exactly (``since``/``until`` as dates or aware
datetimes, ``by="start"`` or ``"end"``; see :mod:`bomgar_async.reporting.params`), so these
builders reuse them and only name PRA's reports: ``AccessSession``, ``AccessSessionListing``,
``AccessSessionSummary`` (``report_type=user``, the only value PRA accepts), ``Team``,
``VaultAccountActivity`` and the recordings ``AccessSessionRecording`` and
``CommandShellRecording``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType

from .._http.request import Params
from .._xml import validate as check
from ..errors import BomgarValidationError
from ..reporting import params as rs

__all__ = [
    "RECORDING_KINDS",
    "access_session",
    "access_session_listing",
    "access_session_summary",
    "access_sessions",
    "recording",
    "team_activity",
    "vault_account_activity",
]

TimeBound = date | datetime
RECORDING_KINDS: Mapping[str, str] = MappingProxyType(
    {"access_session": "AccessSessionRecording", "command_shell": "CommandShellRecording"}
)
_VAULT_LIMIT = re.compile(r"all|(?:rep|account):[1-9][0-9]{0,17}")


def _renamed(params: Params, report: str) -> Params:
    """``params`` with ``generate_report`` set to ``report``."""
    return tuple((k, report if k == "generate_report" else v) for k, v in params)


def access_sessions(
    since: TimeBound | None = None,
    until: TimeBound | None = None,
    *,
    by: str = "start",
    lsids: Iterable[str] | None = None,
) -> Params:
    """``AccessSession`` over a time range, or for several ``lsids``.

    Raises:
        BomgarValidationError: no range and no ids, both, or a bad range or id.
    """
    if since is None and lsids is None:
        raise BomgarValidationError("AccessSession needs since (a time range) or lsids")
    return _renamed(rs.support_sessions(since, until, by=by, lsids=lsids), "AccessSession")


def access_session(lsid: str) -> Params:
    """``AccessSession`` for one session.

    Raises:
        BomgarValidationError: ``lsid`` is empty or not a session id.
    """
    return (("generate_report", "AccessSession"), ("lsid", check.lsid(lsid)))


def access_session_listing(
    since: TimeBound, until: TimeBound | None = None, *, by: str = "start"
) -> Params:
    """``AccessSessionListing`` over a time range.

    Raises:
        BomgarValidationError: a bad range or ``by``.
    """
    return _renamed(rs.support_session_listing(since, until, by=by), "AccessSessionListing")


def access_session_summary(
    since: TimeBound, until: TimeBound | None = None, *, by: str = "start"
) -> Params:
    """``AccessSessionSummary`` over a time range, per user (``report_type=user``).

    Raises:
        BomgarValidationError: a bad range or ``by``.
    """
    return (
        ("generate_report", "AccessSessionSummary"),
        *rs.time_range(since, until, by=by),
        ("report_type", "user"),
    )


def team_activity(since: TimeBound, until: TimeBound | None = None, *, by: str = "start") -> Params:
    """``Team``: the activity of PRA's teams over a time range.

    Raises:
        BomgarValidationError: a bad range or ``by``.
    """
    return (("generate_report", "Team"), *rs.time_range(since, until, by=by))


def vault_account_activity(
    since: TimeBound,
    until: TimeBound | None = None,
    *,
    by: str = "start",
    limit: str | None = None,
) -> Params:
    """``VaultAccountActivity``: Vault account events over a time range.

    Args:
        limit: ``all``, ``rep:ID`` (events performed by a user) or ``account:ID`` (events
            of one Vault account).

    Raises:
        BomgarValidationError: a bad range, ``by`` or ``limit``.
    """
    params = [("generate_report", "VaultAccountActivity"), *rs.time_range(since, until, by=by)]
    if limit is not None:
        if not isinstance(limit, str) or not _VAULT_LIMIT.fullmatch(limit):
            raise BomgarValidationError(
                f"limit {limit!r} is not one of all, rep:ID, account:ID (ID a positive int)"
            )
        params.append(("limit", limit))
    return tuple(params)


def recording(lsid: str, *, kind: str = "access_session", instance: int | None = None) -> Params:
    """A recording download: ``AccessSessionRecording`` or ``CommandShellRecording`` (which
    needs ``instance``, from the session report; 0 is the first).

    Raises:
        BomgarValidationError: an unknown kind, a bad lsid, a missing or unexpected instance.
    """
    report = RECORDING_KINDS.get(kind) if isinstance(kind, str) else None
    if report is None:
        raise BomgarValidationError(f"kind must be one of {', '.join(RECORDING_KINDS)}")
    params = [("generate_report", report), ("lsid", check.lsid(lsid))]
    if kind == "command_shell":
        if isinstance(instance, bool) or not isinstance(instance, int) or instance < 0:
            raise BomgarValidationError(
                "kind='command_shell' needs instance, an integer from 0 (the first recording)"
            )
        params.append(("instance", str(instance)))
    elif instance is not None:
        raise BomgarValidationError(f"kind={kind!r} takes no instance")
    return tuple(params)
