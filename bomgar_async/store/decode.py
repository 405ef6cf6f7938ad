"""Rows back into models: the parts of the codecs' ``decode`` that rebuild the fields every
product shares (references, Jump Group, participants, events, recordings, custom attributes)
and Remote Support's exit surveys (rows as the tables of :mod:`~bomgar_async.store.schema`
hold them, in stored order)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from ..reporting.models import (
    CustomerInfo,
    EventFile,
    EventParty,
    JumpGroup,
    NamedRef,
    ParticipantRef,
    RecordingInstance,
    SessionCustomer,
    SessionEvent,
    SessionRepresentative,
    SessionSurvey,
    SessionTeam,
    SurveyQuestion,
    SystemInfoCategory,
)
from ..reporting.models.jump import CustomAttribute
from .rows import Parts, Row, Values

__all__ = [
    "common_fields",
    "customer_of",
    "events_of",
    "named_of",
    "participant_of",
    "party_back_of",
    "recordings_of",
    "rep_of",
    "surveys_of",
]


T = TypeVar("T")

# Column runs of the tables, as the model fields they hold (in row order).
_PARTY = ("gsnumber", "type", "name")
_NAMED = ("id", "name")
_PARTICIPANT = ("name", "id", "gsnumber")
_JUMP_GROUP = ("id", "name", "type")
_CUSTOMER = ("gsnumber", "username", "public_ip", "private_ip", "hostname", "os")
_CUSTOMER_INFO = ("name", "company", "company_code", "issue", "details", "issue_text")
_REP = (
    "gsnumber",
    "id",
    "username",
    "display_name",
    "public_display_name",
    "private_display_name",
    "display_number",
    "public_ip",
    "private_ip",
    "hostname",
    "os",
)


def _fields(names: tuple[str, ...], values: Sequence[Any]) -> dict[str, Any]:
    """Keyword arguments: ``names`` paired with a run of ``values``."""
    return dict(zip(names, values, strict=True))


def _ref_of(model: Callable[..., T], names: tuple[str, ...], values: Sequence[Any]) -> T | None:
    """``model`` of a run of columns, or ``None`` when all of them are (the element was
    missing)."""
    if all(value is None for value in values):
        return None
    return model(**_fields(names, values))


def party_back_of(gsnumber: Any, type_: Any, name: Any) -> EventParty | None:
    return _ref_of(EventParty, _PARTY, (gsnumber, type_, name))


def named_of(id_: Any, name: Any) -> NamedRef | None:
    return _ref_of(NamedRef, _NAMED, (id_, name))


def participant_of(name: Any, id_: Any, gsnumber: Any) -> ParticipantRef | None:
    return _ref_of(ParticipantRef, _PARTICIPANT, (name, id_, gsnumber))


def customer_of(r: Row, bool_back: Any) -> SessionCustomer:
    info = CustomerInfo(**_fields(_CUSTOMER_INFO, r[10:16])) if bool_back(r[9]) else None
    return SessionCustomer(**_fields(_CUSTOMER, r[2:8]), primary_cust=bool_back(r[8]), info=info)


def rep_of(r: Row, bool_back: Any) -> SessionRepresentative:
    return SessionRepresentative(
        **_fields(_REP, r[2:13]),
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


def common_fields(row: Row, parts: Parts, values: Values) -> dict[str, Any]:
    """The model fields every product shares, from one ``sessions`` row and its parts."""
    (lsid, _product, session_type, lseq, start, end, duration) = row[:7]
    (jp_id, jp_name) = row[9:11]
    (external_key, chat_view, chat_download, rec_view, rec_download) = row[14:19]
    (transfers, moves, deletes) = row[19:22]
    (cust_name, cust_id, cust_gs, rep_name, rep_id, rep_gs, team_id, team_name) = row[22:30]
    ts_back, bool_back = values.ts_back, values.bool_back
    return {
        "lsid": lsid,
        "session_type": session_type,
        "lseq": lseq,
        "start_time": ts_back(start),
        "end_time": ts_back(end),
        "duration": None if duration is None else timedelta(seconds=duration),
        "jump_group": _ref_of(JumpGroup, _JUMP_GROUP, row[11:14]),
        "jumpoint": named_of(jp_id, jp_name),
        "external_key": external_key,
        "custom_attributes": tuple(
            CustomAttribute(code_name=r[2], display_name=r[3], value=r[4])
            for r in parts.of("session_attributes", lsid)
        ),
        "session_chat_view_url": chat_view,
        "session_chat_download_url": chat_download,
        "session_recording_view_url": rec_view,
        "session_recording_download_url": rec_download,
        "command_shell_recordings": recordings_of(parts, lsid, "command_shell"),
        "file_transfer_count": transfers,
        "file_move_count": moves,
        "file_delete_count": deletes,
        "primary_customer": participant_of(cust_name, cust_id, cust_gs),
        "primary_rep": participant_of(rep_name, rep_id, rep_gs),
        "primary_team": named_of(team_id, team_name),
        "customers": tuple(customer_of(r, bool_back) for r in parts.of("session_customers", lsid)),
        "reps": tuple(rep_of(r, bool_back) for r in parts.of("session_reps", lsid)),
        "teams": tuple(
            SessionTeam(id=r[2], name=r[3], primary_team=bool_back(r[4]))
            for r in parts.of("session_teams", lsid)
        ),
        "events": events_of(parts, lsid, values),
    }
