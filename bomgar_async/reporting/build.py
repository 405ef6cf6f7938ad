"""Session-report models built straight from parsed elements (pure).

The streaming parsers hand over one ``<session>`` element at a time (see
:mod:`bomgar_async._xml.records`); the functions here read it once, by local names, into
the same models — equal field for field — that the models' ``from_node`` build from a
parsed node, without building the node first. Rare parts (system information tables,
custom attributes) go through :func:`~bomgar_async._xml.tree.node_of` and ``from_node``.
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
    own_text,
)
from .._xml.values import to_bool, to_datetime, to_int, to_timedelta
from ..errors import BomgarProtocolError
from .models import (
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
    SupportSession,
    SurveyQuestion,
    SystemInfoCategory,
)
from .models.events import chat_body
from .models.jump import custom_attributes_of

__all__ = ["common_session_fields", "support_session"]

_DIGITS = re.compile(r"[0-9]{1,18}")
_duration = functools.lru_cache(maxsize=4096)(to_timedelta)
Kids = dict[str, Element]


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    text = element.text
    if len(element):
        return own_text(element)
    if text:
        return text.strip() or None
    return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _stripped(value: str | None) -> str | None:
    return (value or "").strip() or None


def _datetime(element: Element | None) -> Any:
    """As ``datetime_of``: the ``ts`` or ``timestamp`` attribute, else the text."""
    if element is None:
        return None
    for name in ("ts", "timestamp"):
        parsed = to_datetime(attr_of(element, name))
        if parsed is not None:
            return parsed
    return to_datetime(_text(element))


def _party(element: Element | None) -> EventParty | None:
    if element is None:
        return None
    gsnumber = element.get("gsnumber")
    kind = element.get("type")
    if gsnumber is None or kind is None:
        if is_blank_element(element):
            return None
        gsnumber, kind = attr_of(element, "gsnumber"), attr_of(element, "type")
    if len(element):
        name = own_text(element)
    else:
        name = element.text
        name = (name.strip() or None) if name else None
    return EventParty(
        gsnumber=_int(gsnumber), type=(kind.strip() or None) if kind else None, name=name
    )


def _named(element: Element | None) -> NamedRef | None:
    if is_blank_element(element):
        return None
    return NamedRef(id=_int(attr_of(element, "id")), name=_text(element))


def _participant(element: Element | None) -> ParticipantRef | None:
    if is_blank_element(element):
        return None
    return ParticipantRef(
        name=_text(element),
        id=_int(attr_of(element, "id")),
        gsnumber=_int(attr_of(element, "gsnumber")),
    )


def _jump_group(element: Element | None) -> JumpGroup | None:
    if is_blank_element(element):
        return None
    return JumpGroup(
        type=_stripped(attr_of(element, "type")),
        id=_int(attr_of(element, "id")),
        name=_text(element),
    )


def _info(element: Element | None) -> CustomerInfo | None:
    if not is_mapping_element(element):
        return None
    kids = first_children(element)
    issue = _text(kids.get("issue"))
    return CustomerInfo(
        name=_text(kids.get("name")),
        company=_text(kids.get("company")),
        company_code=_text(kids.get("company_code")),
        issue=int(issue) if issue is not None and _DIGITS.fullmatch(issue) else None,
        details=_text(kids.get("details")),
        issue_text=issue,
    )


def _customer(element: Element) -> SessionCustomer:
    kids = first_children(element)
    return SessionCustomer(
        gsnumber=_int(attr_of(element, "gsnumber")),
        username=_text(kids.get("username")),
        public_ip=_text(kids.get("public_ip")),
        private_ip=_text(kids.get("private_ip")),
        hostname=_text(kids.get("hostname")),
        os=_text(kids.get("os")),
        primary_cust=to_bool(_text(kids.get("primary_cust"))),
        info=_info(kids.get("info")),
    )


def _rep(element: Element) -> SessionRepresentative:
    kids = first_children(element)
    return SessionRepresentative(
        gsnumber=_int(attr_of(element, "gsnumber")),
        id=_int(attr_of(element, "id")),
        username=_text(kids.get("username")),
        display_name=_text(kids.get("display_name")),
        public_display_name=_text(kids.get("public_display_name")),
        private_display_name=_text(kids.get("private_display_name")),
        display_number=to_int(_text(kids.get("display_number"))),
        public_ip=_text(kids.get("public_ip")),
        private_ip=_text(kids.get("private_ip")),
        hostname=_text(kids.get("hostname")),
        os=_text(kids.get("os")),
        session_owner=to_bool(_text(kids.get("session_owner"))),
        primary_rep=to_bool(_text(kids.get("primary_rep"))),
        seconds_involved=to_int(_text(kids.get("seconds_involved"))),
        embassy=to_bool(_text(kids.get("embassy"))) is True,
        invited=to_bool(_text(kids.get("invited"))) is True,
    )


def _team(element: Element) -> SessionTeam:
    return SessionTeam(
        id=_int(attr_of(element, "id")),
        name=_text(element),
        primary_team=to_bool(attr_of(element, "primary_team")),
    )


def _category(element: Element) -> SystemInfoCategory:
    """As ``SystemInfoCategory.from_node``."""
    kids = first_children(element)
    header = children_named(kids.get("description"), "field")
    rows = children_named(kids.get("data"), "row")
    return SystemInfoCategory(
        name=_stripped(attr_of(element, "name")) or _text(kids.get("name")),
        description=tuple(_text(f) for f in header),
        rows=tuple(tuple(_text(f) for f in children_named(r, "field")) for r in rows),
    )


_EVENT_PARTS = frozenset(
    {
        "performed_by",
        "destination",
        "body",
        "encoded_body",
        "filename",
        "filesize",
        "files",
        "data",
        "system_information",
    }
)


def _event(element: Element) -> SessionEvent:
    """As ``SessionEvent.from_node``, in one pass over the event's children."""
    parts: Kids = {}
    for child in element:
        tag = child.tag
        if tag[0] == "{":
            tag = tag[tag.index("}") + 1 :]
        if tag in _EVENT_PARTS and tag not in parts:
            parts[tag] = child
    get = parts.get
    stamp = element.get("timestamp")
    event_type = element.get("event_type")
    if stamp is None or event_type is None:
        stamp, event_type = attr_of(element, "timestamp"), attr_of(element, "event_type")
    body = encoded = filesize = None
    files: tuple[EventFile, ...] = ()
    data: tuple[tuple[str, str | None], ...] = ()
    categories: tuple[SystemInfoCategory, ...] = ()
    if "body" in parts or "encoded_body" in parts:
        body, encoded = chat_body(_text(get("body")), _text(get("encoded_body")))
    if "filesize" in parts:
        filesize = to_int(_text(get("filesize")))
    if "files" in parts:
        files = tuple(
            EventFile(name=attr_of(f, "name"), size=_int(attr_of(f, "size")))
            for f in children_named(get("files"), "file")
        )
    if "data" in parts:
        data = tuple(
            (attr_of(v, "name") or "", attr_of(v, "value"))
            for v in children_named(get("data"), "value")
            if not is_blank_element(v)
        )
    if "system_information" in parts:
        found = children_named(get("system_information"), "category")
        categories = tuple(_category(c) for c in found)
    return SessionEvent(
        timestamp=to_datetime(stamp),
        event_type=event_type,
        performed_by=_party(get("performed_by")),
        destination=_party(get("destination")),
        body=body,
        encoded_body=encoded,
        filename=_text(get("filename")),
        filesize=filesize,
        files=files,
        data=data,
        system_information=categories,
    )


def _events(details: Element | None) -> tuple[SessionEvent, ...]:
    if details is None:
        return ()
    found = []
    for child in details:
        tag = child.tag
        if tag == "event" or (tag[0] == "{" and tag.endswith("}event")):
            found.append(_event(child))
    return tuple(found)


def _recordings(kids: Kids, kind: str) -> tuple[RecordingInstance, ...]:
    found = []
    for item in children_named(kids.get(f"{kind}_recordings"), f"{kind}_recording"):
        inner = first_children(item)
        found.append(
            RecordingInstance(
                instance=_int(attr_of(item, "instance")),
                download_url=_text(inner.get("download_url")),
                view_url=_text(inner.get("view_url")),
            )
        )
    return tuple(found)


def _question(element: Element) -> SurveyQuestion:
    kids = first_children(element)
    answers = (_text(a) for a in children_named(kids.get("answer_list"), "answer"))
    return SurveyQuestion(
        id=_int(attr_of(element, "id")),
        name=_text(kids.get("name")),
        type=_text(kids.get("type")),
        label=_text(kids.get("label")),
        report_header=_text(kids.get("report_header")),
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
    lsid = _stripped(attr_of(element, "lsid"))
    if lsid is None:
        raise BomgarProtocolError("<session> has no lsid attribute")
    kids = first_children(element)
    get = kids.get
    customers = children_named(get("customer_list"), "customer")
    reps = children_named(get("rep_list"), "representative")
    teams = children_named(get("team_list"), "team")
    duration = _text(get("duration"))
    fields = {
        "lsid": lsid,
        "session_type": _text(get("session_type")),
        "lseq": to_int(_text(get("lseq"))),
        "start_time": _datetime(get("start_time")),
        "end_time": _datetime(get("end_time")),
        "duration": None if duration is None else _duration(duration),
        "jump_group": _jump_group(get("jump_group")),
        "jumpoint": _named(get("jumpoint")),
        "external_key": _text(get("external_key")),
        "custom_attributes": _custom_attributes(get("custom_attributes")),
        "session_chat_view_url": _text(get("session_chat_view_url")),
        "session_chat_download_url": _text(get("session_chat_download_url")),
        "session_recording_view_url": _text(get("session_recording_view_url")),
        "session_recording_download_url": _text(get("session_recording_download_url")),
        "command_shell_recordings": _recordings(kids, "command_shell"),
        "file_transfer_count": to_int(_text(get("file_transfer_count"))),
        "file_move_count": to_int(_text(get("file_move_count"))),
        "file_delete_count": to_int(_text(get("file_delete_count"))),
        "primary_customer": _participant(get("primary_customer")),
        "primary_rep": _participant(get("primary_rep")),
        "primary_team": _named(get("primary_team")),
        "customers": tuple(_customer(c) for c in customers if not is_blank_element(c)),
        "reps": tuple(_rep(r) for r in reps if not is_blank_element(r)),
        "teams": tuple(_team(t) for t in teams if not is_blank_element(t)),
        "events": _events(get("session_details")),
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
