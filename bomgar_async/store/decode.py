"""Rows back into Remote Support models: the parts of :class:`SupportSessionCodec`'s
``decode`` that rebuild references, participants, surveys, recordings and events (rows as
the tables of :mod:`~bomgar_async.store.schema` hold them, in stored order)."""

from __future__ import annotations

import json
import typing
from typing import Any

import attrs

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
    SurveyQuestion,
    SystemInfoCategory,
)
from .rows import Parts, Row, Values

__all__ = [
    "customer_of",
    "events_of",
    "field_class",
    "named_of",
    "participant_of",
    "party_back_of",
    "recordings_of",
    "ref_back",
    "rep_of",
    "surveys_of",
]


def party_back_of(gsnumber: Any, type_: Any, name: Any) -> EventParty | None:
    if gsnumber is None and type_ is None and name is None:
        return None
    return EventParty(gsnumber=gsnumber, type=type_, name=name)


def named_of(id_: Any, name: Any) -> NamedRef | None:
    return None if id_ is None and name is None else NamedRef(id=id_, name=name)


def participant_of(name: Any, id_: Any, gsnumber: Any) -> ParticipantRef | None:
    if name is None and id_ is None and gsnumber is None:
        return None
    return ParticipantRef(name=name, id=id_, gsnumber=gsnumber)


def customer_of(r: Row, bool_back: Any) -> SessionCustomer:
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


def rep_of(r: Row, bool_back: Any) -> SessionRepresentative:
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


def recordings_of(parts: Parts, lsid: str, kind: str) -> tuple[RecordingInstance, ...]:
    return tuple(
        RecordingInstance(instance=r[3], download_url=r[4], view_url=r[5])
        for r in parts.of("session_recordings", lsid)
        if r[1] == kind
    )


def surveys_of(parts: Parts, lsid: str, kind: str) -> tuple[SessionSurvey, ...]:
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


def events_of(parts: Parts, lsid: str, values: Values) -> tuple[SessionEvent, ...]:
    files: dict[int, list[EventFile]] = {}
    for r in parts.of("event_files", lsid):
        files.setdefault(r[1], []).append(EventFile(name=r[3], size=r[4]))
    data: dict[int, list[tuple[str, str | None]]] = {}
    for r in parts.of("event_data", lsid):
        data.setdefault(r[1], []).append((r[3], r[4]))
    info: dict[int, list[SystemInfoCategory]] = {}
    for r in parts.of("event_system_info", lsid):
        description, table = json_value(r[4]), json_value(r[5])
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
            performed_by=party_back_of(r[4], r[5], r[6]),
            destination=party_back_of(r[7], r[8], r[9]),
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


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def field_class(model: type[Any], name: str) -> Any:
    """The declared type of field ``name`` of ``model`` (``None`` when it has none)."""
    if name not in attrs.fields_dict(model):
        return None
    return typing.get_type_hints(model)[name]


def ref_back(kind: Any, id_: Any, name: Any, type_: Any) -> Any:
    if id_ is None and name is None and type_ is None:
        return None
    classes = [c for c in typing.get_args(kind) if attrs.has(c)] or [kind]
    cls = classes[0]
    given = {"id": id_, "name": name, "type": type_}
    return cls(**{k: v for k, v in given.items() if k in attrs.fields_dict(cls)})
