"""Session-report models built straight from parsed elements (pure).

The streaming parsers hand over one ``<session>`` element at a time (see
:mod:`bomgar_async._xml.records`); the functions here read it once, by local names, into
the same models — equal field for field — that the models' ``from_node`` build from a
parsed node, without building the node first (events: :mod:`.build_events`). The rare
custom attributes go through :func:`~bomgar_async._xml.tree.node_of` and the Command API's
reader.
"""

from __future__ import annotations

import re
from typing import Any

from .._xml.tree import (
    LOCAL_NAMES,
    Element,
    attr_of,
    first_children,
    is_blank_element,
    is_mapping_element,
    local,
    node_of,
    own_text,
)
from .._xml.values import element_datetime, to_bool, to_int
from ..errors import BomgarProtocolError
from . import accel
from .build_events import (
    attr_int,
    duration_of,
    element_text,
    events_of,
    named_children,
    stripped,
    texts_of,
)
from .build_refs import jump_group, named, participant, team
from .models import (
    CustomerInfo,
    RecordingInstance,
    SessionCustomer,
    SessionRepresentative,
    SessionSurvey,
    SupportSession,
    SurveyQuestion,
)
from .models.jump import custom_attributes_of

__all__ = ["common_session_fields", "session_fields", "support_session"]

_DIGITS = re.compile(r"[0-9]{1,18}")
#: The compiled builder (:mod:`.accel`), or ``None``: the functions below then build
#: every session themselves (tests set this to ``None`` to compare the two).
_CBUILD: Any = accel.cbuild
Kids = dict[str, Element]


_datetime = element_datetime


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


def _first_texts(element: Element) -> dict[str, str | None]:
    """``element_text`` of the first child of each local name, in one pass."""
    found: dict[str, str | None] = {}
    names = LOCAL_NAMES
    for child in element[:]:
        tag = child.tag
        name = names.get(tag) or local(tag)
        if name in found:
            continue
        if len(child):
            found[name] = own_text(child)
        else:
            text = child.text
            found[name] = (text.strip() or None) if text else None
    return found


def _customer(element: Element) -> SessionCustomer:
    texts = _first_texts(element).get
    info = named_children(element, "info")
    return SessionCustomer(
        gsnumber=attr_int(attr_of(element, "gsnumber")),
        username=texts("username"),
        public_ip=texts("public_ip"),
        private_ip=texts("private_ip"),
        hostname=texts("hostname"),
        os=texts("os"),
        primary_cust=to_bool(texts("primary_cust")),
        info=_info(info[0]) if info else None,
    )


def _rep(element: Element) -> SessionRepresentative:
    texts = _first_texts(element).get
    return SessionRepresentative(
        gsnumber=attr_int(attr_of(element, "gsnumber")),
        id=attr_int(attr_of(element, "id")),
        username=texts("username"),
        display_name=texts("display_name"),
        public_display_name=texts("public_display_name"),
        private_display_name=texts("private_display_name"),
        display_number=to_int(texts("display_number")),
        public_ip=texts("public_ip"),
        private_ip=texts("private_ip"),
        hostname=texts("hostname"),
        os=texts("os"),
        session_owner=to_bool(texts("session_owner")),
        primary_rep=to_bool(texts("primary_rep")),
        seconds_involved=to_int(texts("seconds_involved")),
        embassy=to_bool(texts("embassy")) is True,
        invited=to_bool(texts("invited")) is True,
    )


def _recordings(kids: Kids, kind: str) -> tuple[RecordingInstance, ...]:
    found = []
    for item in named_children(kids.get(f"{kind}_recordings"), f"{kind}_recording"):
        texts = _first_texts(item).get
        found.append(
            RecordingInstance(
                instance=attr_int(attr_of(item, "instance")),
                download_url=texts("download_url"),
                view_url=texts("view_url"),
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
    for survey in named_children(kids.get(f"{kind}_survey_list"), f"{kind}_exit_survey"):
        lists = named_children(survey, "question_list")[:1]
        questions = named_children(lists[0], "question") if lists else []
        if not questions:
            questions = named_children(survey, "question")
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
    customers = named_children(get("customer_list"), "customer")
    reps = named_children(get("rep_list"), "representative")
    teams = (team(t) for t in named_children(get("team_list"), "team"))
    duration = element_text(get("duration"))
    fields = {
        "lsid": lsid,
        "session_type": element_text(get("session_type")),
        "lseq": to_int(element_text(get("lseq"))),
        "start_time": _datetime(get("start_time")),
        "end_time": _datetime(get("end_time")),
        "duration": None if duration is None else duration_of(duration),
        "jump_group": jump_group(get("jump_group")),
        "jumpoint": named(get("jumpoint")),
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
        "primary_customer": participant(get("primary_customer")),
        "primary_rep": participant(get("primary_rep")),
        "primary_team": named(get("primary_team")),
        "customers": tuple(_customer(c) for c in customers if not is_blank_element(c)),
        "reps": tuple(_rep(r) for r in reps if not is_blank_element(r)),
        "teams": tuple(t for t in teams if t is not None),
        "events": events_of(get("session_details")),
    }
    return fields, kids


def session_fields(element: Element) -> dict[str, Any]:
    """The keyword arguments of a session model for the fields every session report
    shares (PRA's ``AccessSession`` has no others)."""
    if _CBUILD is not None:
        fields: dict[str, Any] | None = _CBUILD.session_fields(element, False)
        if fields is not None:
            return fields
    return common_session_fields(element)[0]


def support_session(element: Element) -> SupportSession:
    """A :class:`SupportSession` from its ``<session>`` element (through the compiled
    builder when it is there and ``element`` is lxml's)."""
    if _CBUILD is not None:
        made: SupportSession | None = _CBUILD.support_session(element)
        if made is not None:
            return made
    fields, kids = common_session_fields(element)
    return SupportSession(
        **fields,
        public_site=named(kids.get("public_site")),
        show_my_screen_recordings=_recordings(kids, "show_my_screen"),
        cust_surveys=_surveys(kids, "cust"),
        rep_surveys=_surveys(kids, "rep"),
    )
