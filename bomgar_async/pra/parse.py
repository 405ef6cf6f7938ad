"""Parsers of Privileged Remote Access reports: raw body bytes in, models out (pure, no I/O).

They read by local element names (PRA cloud sites answer in the
``http://www.beyondtrust.com/sra/namespaces/API/reporting`` namespace) and raise, as the
Remote Support parsers do, ``BomgarAPIError`` for an ``<error>`` (the no-data answer
included: ``bg.pra`` turns that one into an empty result) and ``BomgarProtocolError`` for
anything that is not the report's XML. ``AccessSession`` reports are streamed by
:func:`access_session_parser`, the Remote Support stream parser building
:class:`~bomgar_async.pra.models.AccessSession`.
"""

from __future__ import annotations

from typing import Any

from .._xml.core import (
    children,
    parse_document,
)
from ..reporting import parse as reporting_parse
from ..reporting.build import session_fields
from ..reporting.models import (
    SessionListingEntry,
    SessionSummary,
    TeamActivityReport,
)
from ..reporting.session_stream import RecordStreamParser
from .models import (
    AccessSession,
    VaultAccountActivity,
)

__all__ = [
    "access_session",
    "access_session_parser",
    "parse_access_session_listing",
    "parse_access_session_summary",
    "parse_access_sessions",
    "parse_team_activity",
    "parse_vault_account_activity",
]


def access_session(element: Any) -> AccessSession:
    """An :class:`AccessSession` from its ``<session>`` element."""
    return AccessSession(**session_fields(element))


def access_session_parser(backend: str | None = None) -> RecordStreamParser[AccessSession]:
    """A fresh incremental parser of an ``AccessSession`` report (``<session_list>``)."""
    return RecordStreamParser(
        access_session,
        root="session_list",
        item="session",
        action="AccessSession",
        backend=backend,
    )


def parse_access_sessions(body: bytes) -> list[AccessSession]:
    """Parse an ``AccessSession`` report held in memory (root ``<session_list>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML, or a session has no lsid.
    """
    return reporting_parse.read_sessions(body, AccessSession.from_node, action="AccessSession")


def parse_access_session_listing(body: bytes) -> list[SessionListingEntry]:
    """Parse an ``AccessSessionListing`` report (root ``<session_summary_list>``, as Remote
    Support's ``SupportSessionListing``)."""
    return reporting_parse.parse_session_listing(body, action="AccessSessionListing")


def parse_access_session_summary(body: bytes) -> list[SessionSummary]:
    """Parse an ``AccessSessionSummary`` report (root ``<summary_list>``, one ``<summary>``
    per user, as Remote Support's ``SupportSessionSummary``)."""
    return reporting_parse.parse_session_summary(body, action="AccessSessionSummary")


def parse_team_activity(body: bytes) -> TeamActivityReport:
    """Parse a ``Team`` report (root ``<team_activity_list>``, as Remote Support's
    ``SupportTeam``)."""
    return reporting_parse.parse_team_activity(body, action="Team")


def parse_vault_account_activity(body: bytes) -> list[VaultAccountActivity]:
    """Parse a ``VaultAccountActivity`` report (root ``<vault_account_activity_list>``).

    Raises:
        BomgarAPIError: the appliance answered with an ``<error>``.
        BomgarProtocolError: the body is not the expected XML.
    """
    _, root = parse_document(
        body,
        list_paths=("vault_account_activity_list/vault_account_activity",),
        expected_roots=("vault_account_activity_list",),
        action="VaultAccountActivity",
    )
    items = children(root, "vault_account_activity")
    return [VaultAccountActivity.from_node(node) for node in items]
