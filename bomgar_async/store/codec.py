"""Sessions to rows and back: the one place that knows the models' fields.

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
import typing
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

import attrs

from ..errors import BomgarValidationError
from ..reporting.models import (
    CustomerInfo,
    EventFile,
    EventParty,
    NamedRef,
    ParticipantRef,
    RecordingInstance,
    SessionCustomer,
    SessionEvent,
    SessionRepresentative,
    SessionSurvey,
    SessionTeam,
    SupportSession,
    SurveyQuestion,
    SystemInfoCategory,
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


def _party_back(gsnumber: Any, type_: Any, name: Any) -> EventParty | None:
    if gsnumber is None and type_ is None and name is None:
        return None
    return EventParty(gsnumber=gsnumber, type=type_, name=name)


def _attributes(value: Any) -> list[tuple[Any, Any]]:
    """Custom attributes as ``(name, value)`` pairs (a mapping, pairs, or named objects)."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return list(value.items())
    return [item if isinstance(item, tuple) else _ref(item, "name", "value") for item in value]


def _field_class(model: type[Any], name: str) -> Any:
    """The declared type of field ``name`` of ``model`` (``None`` when it has none)."""
    if name not in attrs.fields_dict(model):
        return None
    return typing.get_type_hints(model)[name]


def _ref_back(kind: Any, id_: Any, name: Any, type_: Any) -> Any:
    if id_ is None and name is None and type_ is None:
        return None
    classes = [c for c in typing.get_args(kind) if attrs.has(c)] or [kind]
    cls = classes[0]
    given = {"id": id_, "name": name, "type": type_}
    return cls(**{k: v for k, v in given.items() if k in attrs.fields_dict(cls)})


class SupportSessionCodec:
    """Remote Support sessions (:class:`SupportSession`, product ``rs``).

    Args:
        model: the model class (a subclass of ``SupportSession`` with more fields works).
    """

    product = "rs"

    def __init__(self, model: type[SupportSession] = SupportSession) -> None:
        self.model = model
        self._jump_group = _field_class(model, "jump_group")
        self._attributes = _field_class(model, "custom_attributes")

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
            fields["jump_group"] = _ref_back(self._jump_group, jg_id, jg_name, jg_type)
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
            public_site=_named(site_id, site_name),
            jumpoint=_named(jp_id, jp_name),
            external_key=external_key,
            session_chat_view_url=chat_view,
            session_chat_download_url=chat_download,
            session_recording_view_url=rec_view,
            session_recording_download_url=rec_download,
            show_my_screen_recordings=_recordings(parts, lsid, "show_my_screen"),
            command_shell_recordings=_recordings(parts, lsid, "command_shell"),
            file_transfer_count=transfers,
            file_move_count=moves,
            file_delete_count=deletes,
            primary_customer=_participant(cust_name, cust_id, cust_gs),
            primary_rep=_participant(rep_name, rep_id, rep_gs),
            primary_team=_named(team_id, team_name),
            customers=tuple(_customer(r, bool_back) for r in parts.of("session_customers", lsid)),
            reps=tuple(_rep(r, bool_back) for r in parts.of("session_reps", lsid)),
            teams=tuple(
                SessionTeam(id=r[2], name=r[3], primary_team=bool_back(r[4]))
                for r in parts.of("session_teams", lsid)
            ),
            cust_surveys=_surveys(parts, lsid, "cust"),
            rep_surveys=_surveys(parts, lsid, "rep"),
            events=_events(parts, lsid, values),
            **fields,
        )


def _named(id_: Any, name: Any) -> NamedRef | None:
    return None if id_ is None and name is None else NamedRef(id=id_, name=name)


def _participant(name: Any, id_: Any, gsnumber: Any) -> ParticipantRef | None:
    if name is None and id_ is None and gsnumber is None:
        return None
    return ParticipantRef(name=name, id=id_, gsnumber=gsnumber)


def _customer(r: Row, bool_back: Any) -> SessionCustomer:
    info = None
    if bool_back(r[9]):
        info = CustomerInfo(
            name=r[10], company=r[11], company_code=r[12], issue=r[13], details=r[14]
        )
    return SessionCustomer(
        gsnumber=r[2],
        username=r[3],
        public_ip=r[4],
        private_ip=r[5],
        hostname=r[6],
        os=r[7],
        primary_cust=bool_back(r[8]),
        info=info,
    )


def _rep(r: Row, bool_back: Any) -> SessionRepresentative:
    return SessionRepresentative(
        gsnumber=r[2],
        id=r[3],
        username=r[4],
        display_name=r[5],
        public_display_name=r[6],
        private_display_name=r[7],
        display_number=r[8],
        public_ip=r[9],
        private_ip=r[10],
        hostname=r[11],
        os=r[12],
        session_owner=bool_back(r[13]),
        primary_rep=bool_back(r[14]),
        seconds_involved=r[15],
        embassy=bool(r[16]),
        invited=bool(r[17]),
    )


def _recordings(parts: Parts, lsid: str, kind: str) -> tuple[RecordingInstance, ...]:
    return tuple(
        RecordingInstance(instance=r[3], download_url=r[4], view_url=r[5])
        for r in parts.of("session_recordings", lsid)
        if r[1] == kind
    )


def _surveys(parts: Parts, lsid: str, kind: str) -> tuple[SessionSurvey, ...]:
    answers: dict[tuple[int, int], list[str]] = {}
    for r in parts.of("survey_answers", lsid):
        if r[1] == kind:
            answers.setdefault((r[2], r[3]), []).append(r[5])
    questions: dict[int, list[SurveyQuestion]] = {}
    for r in parts.of("survey_questions", lsid):
        if r[1] == kind:
            question = SurveyQuestion(
                id=r[4],
                name=r[5],
                type=r[6],
                label=r[7],
                report_header=r[8],
                answers=tuple(answers.get((r[2], r[3]), ())),
            )
            questions.setdefault(r[2], []).append(question)
    return tuple(
        SessionSurvey(questions=tuple(questions.get(r[2], ())))
        for r in parts.of("session_surveys", lsid)
        if r[1] == kind
    )


def _events(parts: Parts, lsid: str, values: Values) -> tuple[SessionEvent, ...]:
    files: dict[int, list[EventFile]] = {}
    for r in parts.of("event_files", lsid):
        files.setdefault(r[1], []).append(EventFile(name=r[3], size=r[4]))
    data: dict[int, list[tuple[str, str | None]]] = {}
    for r in parts.of("event_data", lsid):
        data.setdefault(r[1], []).append((r[3], r[4]))
    info: dict[int, list[SystemInfoCategory]] = {}
    for r in parts.of("event_system_info", lsid):
        description, table = _json(r[4]), _json(r[5])
        category = SystemInfoCategory(
            name=r[3],
            description=tuple(description),
            rows=tuple(tuple(row) for row in table),
        )
        info.setdefault(r[1], []).append(category)
    ts_back = values.ts_back
    return tuple(
        SessionEvent(
            timestamp=ts_back(r[2]),
            event_type=r[3],
            performed_by=_party_back(r[4], r[5], r[6]),
            destination=_party_back(r[7], r[8], r[9]),
            body=r[10],
            encoded_body=r[11],
            filename=r[12],
            filesize=r[13],
            files=tuple(files.get(r[1], ())),
            data=tuple(data.get(r[1], ())),
            system_information=tuple(info.get(r[1], ())),
        )
        for r in parts.of("session_events", lsid)
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


register_codec(SupportSessionCodec())
