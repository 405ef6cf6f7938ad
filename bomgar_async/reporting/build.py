"""Session-report models built straight from parsed elements (pure).

The streaming parsers hand over one ``<session>`` element at a time (see
:mod:`bomgar_async._xml.records`); the functions here read it once, by local names, into
the same models — equal field for field — that the models' ``from_node`` build from a
parsed node, without building the node first (events: :mod:`.build_events`). The rare
custom attributes go through :func:`~bomgar_async._xml.tree.node_of` and the Command API's
reader.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .._xml.tree import (
    Element,
    attr_of,
    children_named,
    first_children,
    is_blank_element,
    is_mapping_element,
    node_of,
)
from .._xml.values import element_datetime, to_bool, to_int, to_timedelta
from ..errors import BomgarProtocolError
from .build_events import attr_int, element_text, events_of, stripped, texts_of
from .models import (
    CustomerInfo,
    JumpGroup,
    NamedRef,
    ParticipantRef,
    RecordingInstance,
    SessionCustomer,
    SessionRepresentative,
    SessionSurvey,
    SessionTeam,
    SupportSession,
    SurveyQuestion,
)
from .models.jump import custom_attributes_of

__all__ = ["common_session_fields", "support_session"]

_DIGITS = re.compile(r"[0-9]{1,18}")
_duration = functools.lru_cache(maxsize=4096)(to_timedelta)
Kids = dict[str, Element]


_datetime = element_datetime


def _named(element: Element | None) -> NamedRef | None:
    if is_blank_element(element):
        return None
    return NamedRef(id=attr_int(attr_of(element, "id")), name=element_text(element))


def _participant(element: Element | None) -> ParticipantRef | None:
    if is_blank_element(element):
        return None
    return ParticipantRef(
        name=element_text(element),
        id=attr_int(attr_of(element, "id")),
        gsnumber=attr_int(attr_of(element, "gsnumber")),
    )


def _jump_group(element: Element | None) -> JumpGroup | None:
    if is_blank_element(element):
        return None
    return JumpGroup(
        type=stripped(attr_of(element, "type")),
        id=attr_int(attr_of(element, "id")),
        name=element_text(element),
    )


def _info(element: Element | None) -> CustomerInfo | None:
    if not is_mapping_element(element):
        return None
    kids = first_children(element)
    issue = element_text(kids.get("issue"))
    return CustomerInfo(
        name=element_text(kids.get("name")),
        company=element_text(kids.get("company")),
        company_code=element_text(kids.get("company_code")),
        issue=int(issue) if issue is not None and _DIGITS.fullmatch(issue) else None,
        details=element_text(kids.get("details")),
        issue_text=issue,
    )


def _customer(element: Element) -> SessionCustomer:
    kids = first_children(element)
    return SessionCustomer(
        gsnumber=attr_int(attr_of(element, "gsnumber")),
        username=element_text(kids.get("username")),
        public_ip=element_text(kids.get("public_ip")),
        private_ip=element_text(kids.get("private_ip")),
        hostname=element_text(kids.get("hostname")),
        os=element_text(kids.get("os")),
        primary_cust=to_bool(element_text(kids.get("primary_cust"))),
        info=_info(kids.get("info")),
    )


def _rep(element: Element) -> SessionRepresentative:
    kids = first_children(element)
    return SessionRepresentative(
        gsnumber=attr_int(attr_of(element, "gsnumber")),
        id=attr_int(attr_of(element, "id")),
        username=element_text(kids.get("username")),
        display_name=element_text(kids.get("display_name")),
        public_display_name=element_text(kids.get("public_display_name")),
        private_display_name=element_text(kids.get("private_display_name")),
        display_number=to_int(element_text(kids.get("display_number"))),
        public_ip=element_text(kids.get("public_ip")),
        private_ip=element_text(kids.get("private_ip")),
        hostname=element_text(kids.get("hostname")),
        os=element_text(kids.get("os")),
        session_owner=to_bool(element_text(kids.get("session_owner"))),
        primary_rep=to_bool(element_text(kids.get("primary_rep"))),
        seconds_involved=to_int(element_text(kids.get("seconds_involved"))),
        embassy=to_bool(element_text(kids.get("embassy"))) is True,
        invited=to_bool(element_text(kids.get("invited"))) is True,
    )


def _team(element: Element) -> SessionTeam:
    return SessionTeam(
        id=attr_int(attr_of(element, "id")),
        name=element_text(element),
        primary_team=to_bool(attr_of(element, "primary_team")),
    )


def _recordings(kids: Kids, kind: str) -> tuple[RecordingInstance, ...]:
    found = []
    for item in children_named(kids.get(f"{kind}_recordings"), f"{kind}_recording"):
        inner = first_children(item)
        found.append(
            RecordingInstance(
                instance=attr_int(attr_of(item, "instance")),
                download_url=element_text(inner.get("download_url")),
                view_url=element_text(inner.get("view_url")),
            )
        )
    return tuple(found)


def _question(element: Element) -> SurveyQuestion:
    kids = first_children(element)
    answers = texts_of(kids.get("answer_list"), "answer")
    return SurveyQuestion(
        id=attr_int(attr_of(element, "id")),
        name=element_text(kids.get("name")),
        type=element_text(kids.get("type")),
        label=element_text(kids.get("label")),
        report_header=element_text(kids.get("report_header")),
        answers=tuple(a for a in answers if a is not None),
    )


def _surveys(kids: Kids, kind: str) -> tuple[SessionSurvey, ...]:
    found = []
    for survey in children_named(kids.get(f"{kind}_survey_list"), f"{kind}_exit_survey"):
        lists = [q for q in children_named(survey, "question_list")][:1]
        questions = list(children_named(lists[0], "question")) if lists else []
        if not questions:
            questions = list(children_named(survey, "question"))
        found.append(
            SessionSurvey(
                questions=tuple(_question(q) for q in questions if not is_blank_element(q))
            )
        )
    return tuple(found)


def _custom_attributes(holder: Element | None) -> Any:
    if holder is None:
        return ()
    return custom_attributes_of({"custom_attributes": node_of(holder)})


def common_session_fields(element: Element) -> tuple[dict[str, Any], Kids]:
    """The fields every session report shares (as ``models.session.common_session_fields``)
    and the session's first child of each name."""
    lsid = stripped(attr_of(element, "lsid"))
    if lsid is None:
        raise BomgarProtocolError("<session> has no lsid attribute")
    kids = first_children(element)
    get = kids.get
    customers = children_named(get("customer_list"), "customer")
    reps = children_named(get("rep_list"), "representative")
    teams = children_named(get("team_list"), "team")
    duration = element_text(get("duration"))
    fields = {
        "lsid": lsid,
        "session_type": element_text(get("session_type")),
        "lseq": to_int(element_text(get("lseq"))),
        "start_time": _datetime(get("start_time")),
        "end_time": _datetime(get("end_time")),
        "duration": None if duration is None else _duration(duration),
        "jump_group": _jump_group(get("jump_group")),
        "jumpoint": _named(get("jumpoint")),
        "external_key": element_text(get("external_key")),
        "custom_attributes": _custom_attributes(get("custom_attributes")),
        "session_chat_view_url": element_text(get("session_chat_view_url")),
        "session_chat_download_url": element_text(get("session_chat_download_url")),
        "session_recording_view_url": element_text(get("session_recording_view_url")),
        "session_recording_download_url": element_text(get("session_recording_download_url")),
        "command_shell_recordings": _recordings(kids, "command_shell"),
        "file_transfer_count": to_int(element_text(get("file_transfer_count"))),
        "file_move_count": to_int(element_text(get("file_move_count"))),
        "file_delete_count": to_int(element_text(get("file_delete_count"))),
        "primary_customer": _participant(get("primary_customer")),
        "primary_rep": _participant(get("primary_rep")),
        "primary_team": _named(get("primary_team")),
        "customers": tuple(_customer(c) for c in customers if not is_blank_element(c)),
        "reps": tuple(_rep(r) for r in reps if not is_blank_element(r)),
        "teams": tuple(_team(t) for t in teams if not is_blank_element(t)),
        "events": events_of(get("session_details")),
    }
    return fields, kids


def support_session(element: Element) -> SupportSession:
    """A :class:`SupportSession` from its ``<session>`` element."""
    fields, kids = common_session_fields(element)
    return SupportSession(
        **fields,
        public_site=_named(kids.get("public_site")),
        show_my_screen_recordings=_recordings(kids, "show_my_screen"),
        cust_surveys=_surveys(kids, "cust"),
        rep_surveys=_surveys(kids, "rep"),
    )
