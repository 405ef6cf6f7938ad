"""Sessions to rows and back (with :mod:`~bomgar_async.store.decode`): where the models'
fields meet the tables.

A :class:`SessionCodec` maps one model class (a product's session) onto the tables of
:mod:`~bomgar_async.store.schema`; the stores only move rows. :class:`SupportSessionCodec`
maps Remote Support's :class:`~bomgar_async.reporting.models.SupportSession` (product
``rs``). Adding Privileged Remote Access is one more codec for its ``AccessSession``
(product ``pra``) registered with :func:`register_codec`: the tables already have the
product, jump group and custom-attribute columns.

Fields the model class may or may not have yet (``jump_group``, ``custom_attributes``) are
read when present and restored when the model class declares them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from ..errors import BomgarValidationError
from ..reporting.models import (
    EventParty,
    SessionTeam,
    SupportSession,
)
from .decode import (
    customer_of,
    events_of,
    field_class,
    named_of,
    participant_of,
    recordings_of,
    ref_back,
    rep_of,
    surveys_of,
)
from .rows import Parts, Row, Rows, Values

__all__ = ["SessionCodec", "SupportSessionCodec", "codec_for", "codec_of_product", "register_codec"]

M = TypeVar("M")
_RECORDING_KINDS = ("show_my_screen", "command_shell")
_SURVEY_KINDS = ("cust", "rep")


class SessionCodec(Protocol):
    """Maps one model class onto the session tables."""

    product: str
    model: type[Any]

    def encode(self, session: Any, rows: Rows, values: Values) -> None:
        """Append the rows of ``session`` to ``rows`` (the ``sessions`` row without its last
        two columns, ``revision`` and ``stored_at``, which the store sets)."""

    def decode(self, row: Row, parts: Parts, values: Values) -> Any:
        """The model of one ``sessions`` row and its parts."""


_CODECS: dict[type[Any], SessionCodec] = {}
_PRODUCTS: dict[str, SessionCodec] = {}


def register_codec(codec: SessionCodec) -> None:
    """Make ``codec`` the mapping of its model class and of its product."""
    _CODECS[codec.model] = codec
    _PRODUCTS[codec.product] = codec


def codec_for(session: object) -> SessionCodec:
    """The codec of ``session``'s class.

    Raises:
        BomgarValidationError: no codec maps that class.
    """
    codec = _CODECS.get(type(session))
    if codec is None:
        raise BomgarValidationError(f"no session store mapping for {type(session).__name__}")
    return codec


def codec_of_product(product: str) -> SessionCodec:
    """The codec of a stored ``product`` value."""
    try:
        return _PRODUCTS[product]
    except KeyError:
        raise BomgarValidationError(f"no session store mapping for product {product!r}") from None


def _ref(value: Any, *names: str) -> tuple[Any, ...]:
    return tuple(getattr(value, name, None) for name in names)


def _party(party: EventParty | None) -> tuple[Any, ...]:
    return (None, None, None) if party is None else (party.gsnumber, party.type, party.name)


def _attributes(value: Any) -> list[tuple[Any, Any]]:
    """Custom attributes as ``(name, value)`` pairs (a mapping, pairs, or named objects)."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return list(value.items())
    return [item if isinstance(item, tuple) else _ref(item, "name", "value") for item in value]


class SupportSessionCodec:
    """Remote Support sessions (:class:`SupportSession`, product ``rs``).

    Args:
        model: the model class (a subclass of ``SupportSession`` with more fields works).
    """

    product = "rs"

    def __init__(self, model: type[SupportSession] = SupportSession) -> None:
        self.model = model
        self._jump_group = field_class(model, "jump_group")
        self._attributes = field_class(model, "custom_attributes")

    def encode(self, session: Any, rows: Rows, values: Values) -> None:
        s: SupportSession = session
        lsid = s.lsid
        ts = values.ts
        tables = rows.tables
        rows.lsids.append(lsid)
        tables["sessions"].append(
            (
                lsid,
                self.product,
                s.session_type,
                s.lseq,
                ts(s.start_time),
                ts(s.end_time),
                None if s.duration is None else s.duration.total_seconds(),
                *_ref(s.public_site, "id", "name"),
                *_ref(s.jumpoint, "id", "name"),
                *_ref(getattr(s, "jump_group", None), "id", "name", "type"),
                s.external_key,
                s.session_chat_view_url,
                s.session_chat_download_url,
                s.session_recording_view_url,
                s.session_recording_download_url,
                s.file_transfer_count,
                s.file_move_count,
                s.file_delete_count,
                *_ref(s.primary_customer, "name", "id", "gsnumber"),
                *_ref(s.primary_rep, "name", "id", "gsnumber"),
                *_ref(s.primary_team, "id", "name"),
                len(s.customers),
                len(s.reps),
                len(s.teams),
                len(s.events),
            )
        )
        customers = tables["session_customers"]
        for i, c in enumerate(s.customers):
            info = c.info
            customers.append(
                (
                    lsid,
                    i,
                    c.gsnumber,
                    c.username,
                    c.public_ip,
                    c.private_ip,
                    c.hostname,
                    c.os,
                    c.primary_cust,
                    info is not None,
                    *_ref(info, "name", "company", "company_code", "issue", "details"),
                )
            )
        reps = tables["session_reps"]
        for i, r in enumerate(s.reps):
            reps.append(
                (
                    lsid,
                    i,
                    r.gsnumber,
                    r.id,
                    r.username,
                    r.display_name,
                    r.public_display_name,
                    r.private_display_name,
                    r.display_number,
                    r.public_ip,
                    r.private_ip,
                    r.hostname,
                    r.os,
                    r.session_owner,
                    r.primary_rep,
                    r.seconds_involved,
                    r.embassy,
                    r.invited,
                )
            )
        tables["session_teams"].extend(
            (lsid, i, t.id, t.name, t.primary_team) for i, t in enumerate(s.teams)
        )
        self._encode_events(s, rows, values)
        for kind in _SURVEY_KINDS:
            for i, survey in enumerate(getattr(s, f"{kind}_surveys")):
                tables["session_surveys"].append((lsid, kind, i))
                for q, question in enumerate(survey.questions):
                    tables["survey_questions"].append(
                        (
                            lsid,
                            kind,
                            i,
                            q,
                            question.id,
                            question.name,
                            question.type,
                            question.label,
                            question.report_header,
                        )
                    )
                    tables["survey_answers"].extend(
                        (lsid, kind, i, q, a, answer) for a, answer in enumerate(question.answers)
                    )
        for kind in _RECORDING_KINDS:
            tables["session_recordings"].extend(
                (lsid, kind, i, r.instance, r.download_url, r.view_url)
                for i, r in enumerate(getattr(s, f"{kind}_recordings"))
            )
        tables["session_attributes"].extend(
            (lsid, i, name, value)
            for i, (name, value) in enumerate(_attributes(getattr(s, "custom_attributes", None)))
        )

    def _encode_events(self, s: SupportSession, rows: Rows, values: Values) -> None:
        lsid, tables, ts = s.lsid, rows.tables, values.ts
        events, files = tables["session_events"], tables["event_files"]
        data, info = tables["event_data"], tables["event_system_info"]
        for i, e in enumerate(s.events):
            events.append(
                (
                    lsid,
                    i,
                    ts(e.timestamp),
                    e.event_type,
                    *_party(e.performed_by),
                    *_party(e.destination),
                    e.body,
                    e.encoded_body,
                    e.filename,
                    e.filesize,
                )
            )
            if e.files:
                files.extend((lsid, i, f, x.name, x.size) for f, x in enumerate(e.files))
            if e.data:
                data.extend((lsid, i, d, n, v) for d, (n, v) in enumerate(e.data))
            for c, category in enumerate(e.system_information):
                info.append(
                    (
                        lsid,
                        i,
                        c,
                        category.name,
                        json.dumps(category.description),
                        json.dumps(category.rows),
                    )
                )

    def decode(self, row: Row, parts: Parts, values: Values) -> Any:
        (lsid, _product, session_type, lseq, start, end, duration) = row[:7]
        (site_id, site_name, jp_id, jp_name, jg_id, jg_name, jg_type) = row[7:14]
        (external_key, chat_view, chat_download, rec_view, rec_download) = row[14:19]
        (transfers, moves, deletes) = row[19:22]
        (cust_name, cust_id, cust_gs, rep_name, rep_id, rep_gs, team_id, team_name) = row[22:30]
        ts_back, bool_back = values.ts_back, values.bool_back
        fields: dict[str, Any] = {}
        if self._jump_group is not None:
            fields["jump_group"] = ref_back(self._jump_group, jg_id, jg_name, jg_type)
        if self._attributes is not None:
            pairs = tuple((r[2], r[3]) for r in parts.of("session_attributes", lsid))
            mapping = "Mapping" in str(self._attributes)
            fields["custom_attributes"] = MappingProxyType(dict(pairs)) if mapping else pairs
        return self.model(
            lsid=lsid,
            session_type=session_type,
            lseq=lseq,
            start_time=ts_back(start),
            end_time=ts_back(end),
            duration=None if duration is None else timedelta(seconds=duration),
            public_site=named_of(site_id, site_name),
            jumpoint=named_of(jp_id, jp_name),
            external_key=external_key,
            session_chat_view_url=chat_view,
            session_chat_download_url=chat_download,
            session_recording_view_url=rec_view,
            session_recording_download_url=rec_download,
            show_my_screen_recordings=recordings_of(parts, lsid, "show_my_screen"),
            command_shell_recordings=recordings_of(parts, lsid, "command_shell"),
            file_transfer_count=transfers,
            file_move_count=moves,
            file_delete_count=deletes,
            primary_customer=participant_of(cust_name, cust_id, cust_gs),
            primary_rep=participant_of(rep_name, rep_id, rep_gs),
            primary_team=named_of(team_id, team_name),
            customers=tuple(customer_of(r, bool_back) for r in parts.of("session_customers", lsid)),
            reps=tuple(rep_of(r, bool_back) for r in parts.of("session_reps", lsid)),
            teams=tuple(
                SessionTeam(id=r[2], name=r[3], primary_team=bool_back(r[4]))
                for r in parts.of("session_teams", lsid)
            ),
            cust_surveys=surveys_of(parts, lsid, "cust"),
            rep_surveys=surveys_of(parts, lsid, "rep"),
            events=events_of(parts, lsid, values),
            **fields,
        )


register_codec(SupportSessionCodec())
