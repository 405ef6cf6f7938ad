"""Models of Privileged Remote Access reports.

An :class:`AccessSession` (``/session_list/session`` of an ``AccessSession`` report) holds the
fields PRA shares with Remote Support's ``SupportSession`` (built by the same code: Jump
Group, Jumpoint, custom attributes, customers, users, events), without the Remote Support
parts PRA does not have (public site, Show My Screen, exit surveys). Listing entries,
summaries and team activity have Remote Support's shapes and reuse its models
(``SessionListingEntry``, ``SessionSummary``, ``TeamActivityReport``).
:class:`VaultAccountActivity` is one event of a ``VaultAccountActivity`` report.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from .._xml.common import is_blank
from .._xml.core import (
    Node,
    attr,
    child,
)
from .._xml.values import (
    str_of,
    to_datetime,
    to_int,
)
from ..reporting.models import (
    JumpGroup,
    NamedRef,
    ParticipantRef,
    RecordingInstance,
    SessionCustomer,
    SessionEvent,
    SessionRepresentative,
    SessionTeam,
)
from ..reporting.models.jump import CustomAttribute
from ..reporting.models.parts import own_text
from ..reporting.models.session import common_session_fields

__all__ = ["AccessSession", "VaultAccountActivity", "VaultActor"]


@attrs.frozen(kw_only=True)
class AccessSession:
    """A PRA access session with everything its report holds.

    ``reps`` are the users who took part (PRA calls them users; the report keeps Remote
    Support's ``<rep_list>``), ``customers`` the endpoints' side, ``events`` the session's
    events in order. ``end_time`` is ``None`` while the session is in progress.
    """

    lsid: str
    session_type: str | None = None
    lseq: int | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration: timedelta | None = None
    jump_group: JumpGroup | None = None
    jumpoint: NamedRef | None = None
    external_key: str | None = None
    custom_attributes: tuple[CustomAttribute, ...] = ()
    session_chat_view_url: str | None = None
    session_chat_download_url: str | None = None
    session_recording_view_url: str | None = None
    session_recording_download_url: str | None = None
    command_shell_recordings: tuple[RecordingInstance, ...] = ()
    file_transfer_count: int | None = None
    file_move_count: int | None = None
    file_delete_count: int | None = None
    primary_customer: ParticipantRef | None = None
    primary_rep: ParticipantRef | None = None
    primary_team: NamedRef | None = None
    customers: tuple[SessionCustomer, ...] = ()
    reps: tuple[SessionRepresentative, ...] = ()
    teams: tuple[SessionTeam, ...] = ()
    events: tuple[SessionEvent, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> AccessSession:
        return cls(**common_session_fields(node))


@attrs.frozen(kw_only=True)
class VaultActor:
    """Who performed a Vault event (``<performed_by type="User" id="2">John Doe``);
    ``type`` is e.g. ``User``, ``API Account`` or ``System``."""

    type: str | None = None
    id: int | None = None
    name: str | None = None

    @classmethod
    def of(cls, node: Node) -> VaultActor | None:
        """The actor, or ``None`` when the element is absent or entirely empty."""
        if is_blank(node):
            return None
        return cls(
            type=(attr(node, "type") or "").strip() or None,
            id=to_int(attr(node, "id")),
            name=own_text(node),
        )


@attrs.frozen(kw_only=True)
class VaultAccountActivity:
    """One Vault account event (``/vault_account_activity_list/vault_account_activity``).

    ``account_id`` is the Vault account's id (the ``account`` attribute), ``account_name``
    its name when the appliance sends an ``<account>`` element; ``data`` is the event's
    message (e.g. why a rotation failed), ``endpoint`` the system it happened on, when sent.
    """

    timestamp: datetime | None = None
    event_type: str | None = None
    account_id: int | None = None
    account_name: str | None = None
    performed_by: VaultActor | None = None
    data: str | None = None
    endpoint: str | None = None

    @classmethod
    def from_node(cls, node: Node) -> VaultAccountActivity:
        account = child(node, "account")
        account_id = to_int(attr(node, "account"))
        if account_id is None:
            account_id = to_int(attr(account, "id"))
        return cls(
            timestamp=to_datetime(attr(node, "timestamp")),
            event_type=(attr(node, "event_type") or "").strip() or None,
            account_id=account_id,
            account_name=own_text(account),
            performed_by=VaultActor.of(child(node, "performed_by")),
            data=str_of(node, "data"),
            endpoint=str_of(node, "endpoint"),
        )
