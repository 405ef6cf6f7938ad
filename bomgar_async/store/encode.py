"""Sessions into rows: the parts of the codecs' ``encode`` every product shares (the
``sessions`` row, participants, events, recordings, custom attributes) and Remote Support's
exit surveys; row layouts as the tables of :mod:`~bomgar_async.store.schema` hold them."""

from __future__ import annotations

import json
from typing import Any

from ..reporting.models import SessionEvent, SessionSurvey
from .rows import Rows, Values

__all__ = ["encode_common", "encode_surveys", "session_row"]


def _ref(value: Any, *names: str) -> tuple[Any, ...]:
    return tuple(getattr(value, name, None) for name in names)


def session_row(s: Any, product: str, public_site: Any, values: Values) -> tuple[Any, ...]:
    """The ``sessions`` row of ``s`` without ``revision`` and ``stored_at`` (the store's)."""
    ts = values.ts
    return (
        s.lsid,
        product,
        s.session_type,
        s.lseq,
        ts(s.start_time),
        ts(s.end_time),
        None if s.duration is None else s.duration.total_seconds(),
        *_ref(public_site, "id", "name"),
        *_ref(s.jumpoint, "id", "name"),
        *_ref(s.jump_group, "id", "name", "type"),
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


def encode_common(s: Any, rows: Rows, values: Values, recording_kinds: tuple[str, ...]) -> None:
    """Append the child rows every product has: customers, reps, teams, events, the
    recordings of ``recording_kinds`` and the custom attributes."""
    lsid, tables = s.lsid, rows.tables
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
                *_ref(info, "name", "company", "company_code", "issue", "details", "issue_text"),
            )
        )
    tables["session_reps"].extend(
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
        for i, r in enumerate(s.reps)
    )
    tables["session_teams"].extend(
        (lsid, i, t.id, t.name, t.primary_team) for i, t in enumerate(s.teams)
    )
    _encode_events(lsid, s.events, rows, values)
    for kind in recording_kinds:
        tables["session_recordings"].extend(
            (lsid, kind, i, r.instance, r.download_url, r.view_url)
            for i, r in enumerate(getattr(s, f"{kind}_recordings"))
        )
    tables["session_attributes"].extend(
        (lsid, i, a.code_name, a.display_name, a.value) for i, a in enumerate(s.custom_attributes)
    )


def encode_surveys(lsid: str, kind: str, surveys: tuple[SessionSurvey, ...], rows: Rows) -> None:
    """Append the rows of the exit surveys of one ``kind`` (``cust`` / ``rep``)."""
    tables = rows.tables
    for i, survey in enumerate(surveys):
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


def _encode_events(
    lsid: str, session_events: tuple[SessionEvent, ...], rows: Rows, values: Values
) -> None:
    # The hot loop of encoding (about 15 events a session): parties unpacked inline, the
    # row built as one flat tuple.
    tables, ts = rows.tables, values.ts
    events, files = tables["session_events"], tables["event_files"]
    data, info = tables["event_data"], tables["event_system_info"]
    for i, e in enumerate(session_events):
        by, to = e.performed_by, e.destination
        if by is None:
            by_gsnumber = by_type = by_name = None
        else:
            by_gsnumber, by_type, by_name = by.gsnumber, by.type, by.name
        if to is None:
            to_gsnumber = to_type = to_name = None
        else:
            to_gsnumber, to_type, to_name = to.gsnumber, to.type, to.name
        events.append(
            (
                lsid,
                i,
                ts(e.timestamp),
                e.event_type,
                by_gsnumber,
                by_type,
                by_name,
                to_gsnumber,
                to_type,
                to_name,
                e.body,
                e.encoded_body,
                e.filename,
                e.filesize,
            )
        )
        if e.files:
            files.extend([(lsid, i, f, x.name, x.size) for f, x in enumerate(e.files)])
        if e.data:
            data.extend([(lsid, i, d, n, v) for d, (n, v) in enumerate(e.data)])
        if e.system_information:
            info.extend(
                [
                    (
                        lsid,
                        i,
                        c,
                        category.name,
                        json.dumps(category.description),
                        json.dumps(category.rows),
                    )
                    for c, category in enumerate(e.system_information)
                ]
            )
