"""Reporting API answers as XML text: one session, listing entry or exit survey at a time.

Reports can be hundreds of megabytes, so their elements are rendered as strings (fast, and
written out as they are made) rather than built as an ElementTree. The element names,
attributes and nesting are the guide's, as real appliances send them: ``<end_time>`` empty
while a session is in progress, chat text with characters XML cannot carry sent as
``<encoded_body>`` (base64 of the UTF-8), URLs with ``&amp;``.
"""

from __future__ import annotations

import base64
import re

from .history import (
    RecordEvent,
    RecordRep,
    SessionRecord,
    SurveyAnswer,
)
from .xml_text import escape_text, iso

__all__ = [
    "REPORTING_NS_BEYONDTRUST",
    "REPORTING_NS_BOMGAR",
    "REPORTING_NS_HTTPS",
    "body_xml",
    "close",
    "error_document",
    "esc",
    "exit_survey_xml",
    "hms",
    "iso",
    "listing_xml",
    "open_root",
    "participants_xml",
    "primaries_xml",
    "recording_urls_xml",
    "reporting_namespace",
    "session_event_xml",
    "session_head_xml",
    "session_xml",
    "timed",
    "transfers_xml",
]

REPORTING_NS_BOMGAR = "http://www.bomgar.com/namespaces/API/reporting"
"""The Reporting API namespace of Bomgar 14.1 and later."""
REPORTING_NS_BEYONDTRUST = "http://www.beyondtrust.com/sra/namespaces/API/reporting"
"""The Reporting API namespace of BeyondTrust-branded appliances."""
REPORTING_NS_HTTPS = "https://www.beyondtrust.com/namespaces/API/reporting"
"""The Reporting API namespace of the newest appliances."""

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def reporting_namespace(command_namespace: str | None) -> str | None:
    """The Reporting API namespace matching a Command API one (``.../command`` becomes
    ``.../reporting``; ``None`` stays ``None``)."""
    if command_namespace is None:
        return None
    stem, _, last = command_namespace.rstrip("/").rpartition("/")
    return f"{stem}/reporting" if last == "command" else command_namespace


def esc(value: object) -> str:
    """``value`` as XML text or attribute content."""
    text = escape_text(str(value))
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def hms(seconds: int) -> str:
    """Seconds as ``HH:MM:SS`` (hours may exceed 24)."""
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def timed(tag: str, ts: int) -> str:
    """``<tag timestamp="ts">ISO time</tag>``."""
    return f'<{tag} timestamp="{ts}">{iso(ts)}</{tag}>\n'


def open_root(tag: str, namespace: str | None) -> str:
    """The XML declaration and the root's start tag."""
    xmlns = f' xmlns="{esc(namespace)}"' if namespace is not None else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{tag}{xmlns}>\n'


def close(tag: str) -> str:
    """The root's end tag."""
    return f"</{tag}>\n"


def error_document(message: str, namespace: str | None, root: str | None = None) -> bytes:
    """A root ``<error>``, or (with ``root``) ``<root><error>...</error></root>``."""
    if root is None:
        xmlns = f' xmlns="{esc(namespace)}"' if namespace is not None else ""
        declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
        return f"{declaration}<error{xmlns}>{esc(message)}</error>\n".encode()
    body = f"{open_root(root, namespace)}<error>{esc(message)}</error>\n{close(root)}"
    return body.encode()


def body_xml(text: str) -> str:
    """A chat text as ``<body>``, or as ``<encoded_body>`` (base64, RFC 2045 lines) when it
    holds characters XML cannot carry."""
    if _INVALID.search(text):
        encoded = base64.encodebytes(text.encode()).decode().strip()
        return f"<encoded_body>{encoded}</encoded_body>\n"
    return f"<body>{esc(text)}</body>\n"


def _rep_xml(rep: RecordRep) -> str:
    extra = ("<embassy>1</embassy>\n" if rep.embassy else "") + (
        "<invited>1</invited>\n" if rep.invited else ""
    )
    return (
        f'<representative gsnumber="{rep.gsnumber}" id="{rep.id}">\n'
        f"<username>{esc(rep.username)}</username>\n"
        f"<display_name>{esc(rep.private_display_name)}</display_name>\n"
        f"<public_display_name>{esc(rep.public_display_name)}</public_display_name>\n"
        f"<private_display_name>{esc(rep.private_display_name)}</private_display_name>\n"
        f"<display_number>{rep.display_number}</display_number>\n"
        f"<public_ip>{esc(rep.public_ip)}</public_ip>\n"
        f"<private_ip>{esc(rep.private_ip)}</private_ip>\n"
        f"<hostname>{esc(rep.hostname)}</hostname>\n<os>{esc(rep.os)}</os>\n"
        f"<session_owner>{int(rep.session_owner)}</session_owner>\n"
        f"<primary_rep>{int(rep.primary_rep)}</primary_rep>\n"
        f"<seconds_involved>{rep.seconds_involved}</seconds_involved>\n{extra}"
        "</representative>\n"
    )


def participants_xml(record: SessionRecord) -> str:
    """``<customer_list>``, ``<rep_list>`` and ``<team_list>``."""
    c = record.customer
    info = f"<name>{esc(c.username)}</name>"
    for tag, value in (
        ("company", c.company),
        ("company_code", c.company_code),
        ("issue", c.issue),
        ("details", c.details),
    ):
        if value:
            info += f"<{tag}>{esc(value)}</{tag}>"
    customer = (
        f'<customer_list>\n<customer gsnumber="{c.gsnumber}">\n'
        f"<username>{esc(c.username)}</username>\n<public_ip>{esc(c.public_ip)}</public_ip>\n"
        f"<private_ip>{esc(c.private_ip)}</private_ip>\n<hostname>{esc(c.hostname)}</hostname>\n"
        f"<os>{esc(c.os)}</os>\n<primary_cust>1</primary_cust>\n<info>{info}</info>\n"
        "</customer>\n</customer_list>\n"
    )
    reps = "".join(_rep_xml(rep) for rep in record.reps)
    teams = "".join(
        f'<team id="{t.id}" primary_team="{int(t.primary)}">{esc(t.name)}</team>\n'
        for t in record.teams
    )
    return f"{customer}<rep_list>\n{reps}</rep_list>\n<team_list>\n{teams}</team_list>\n"


def primaries_xml(record: SessionRecord, *, customer_id: bool) -> str:
    c = record.customer
    who = 'id="0"' if customer_id else f'gsnumber="{c.gsnumber}"'
    out = f"<primary_customer {who}>{esc(c.username)}</primary_customer>\n"
    rep = record.primary_rep
    if rep is not None:
        who = "" if customer_id else f'gsnumber="{rep.gsnumber}" '
        out += f'<primary_rep {who}id="{rep.id}">{esc(rep.private_display_name)}</primary_rep>\n'
    team = record.primary_team
    if team is not None:
        out += f'<primary_team id="{team.id}">{esc(team.name)}</primary_team>\n'
    return out


def _questions(questions: tuple[SurveyAnswer, ...]) -> str:
    out = []
    for q in questions:
        answers = "".join(f"<answer>{esc(a)}</answer>" for a in q.answers) or "<answer></answer>"
        out.append(
            f'<question id="{q.id}">\n<name>{esc(q.name)}</name>\n<type>{q.type}</type>\n'
            f"<label>{esc(q.label)}</label>\n<report_header>{esc(q.report_header)}</report_header>\n"
            f"<answer_list>{answers}</answer_list>\n</question>\n"
        )
    return f"<question_list>\n{''.join(out)}</question_list>\n"


def session_event_xml(event: RecordEvent) -> str:
    out = [f'<event timestamp="{event.ts}" event_type="{esc(event.event_type)}">\n']
    for tag, party in (("performed_by", event.performed_by), ("destination", event.destination)):
        if party is not None:
            attrs = f'gsnumber="{party.gsnumber}" type="{party.type}"'
            out.append(f"<{tag} {attrs}>{esc(party.name)}</{tag}>\n")
    if event.body is not None:
        out.append(body_xml(event.body))
    if event.filename is not None:
        out.append(f"<filename>{esc(event.filename)}</filename>\n")
        out.append(f"<filesize>{event.filesize}</filesize>\n")
    if event.system_information:
        out.append("<system_information>\n")
        for category in event.system_information:
            header = "".join(f"<field>{esc(f)}</field>" for f in category.description)
            rows = "".join(
                "<row>" + "".join(f"<field>{esc(f)}</field>" for f in row) + "</row>\n"
                for row in category.rows
            )
            out.append(
                f'<category name="{esc(category.name)}">\n<description>{header}</description>\n'
                f"<data>\n{rows}</data>\n</category>\n"
            )
        out.append("</system_information>\n")
    if event.files:
        files = "".join(f'<file name="{esc(n)}" size="{s}" />\n' for n, s in event.files)
        out.append(f"<files>\n{files}</files>\n")
    if event.data:
        values = "".join(f'<value name="{esc(n)}" value="{esc(v)}" />\n' for n, v in event.data)
        out.append(f"<data>\n{values}</data>\n")
    out.append("</event>\n")
    return "".join(out)


def recording_urls_xml(record: SessionRecord, host: str) -> str:
    base = f"https://{host}/session_download?lsid={record.lsid}&amp;dl_action="
    out = []
    if record.session_recording:
        out.append(
            f"<session_recording_view_url>{base}recording&amp;view=1</session_recording_view_url>\n"
            f"<session_recording_download_url>{base}recording</session_recording_download_url>\n"
        )
    for kind, action, count in (
        ("show_my_screen", "sms", record.show_my_screen),
        ("command_shell", "shell", record.command_shell),
    ):
        if count:
            out.append(f"<{kind}_recordings>\n")
            for n in range(count):
                url = f"{base}{action}&amp;instance={n}"
                out.append(
                    f'<{kind}_recording instance="{n}">\n<download_url>{url}</download_url>\n'
                    f"<view_url>{url}&amp;view=1</view_url>\n</{kind}_recording>\n"
                )
            out.append(f"</{kind}_recordings>\n")
    return "".join(out)


def session_head_xml(record: SessionRecord, now: int) -> str:
    """A ``<session>``'s start tag and first elements (type, lseq, start and end time,
    duration), the same in ``SupportSession`` and ``AccessSession`` reports."""
    r = record
    end = timed("end_time", r.end) if r.end is not None else "<end_time></end_time>\n"
    return (
        f'<session lsid="{esc(r.lsid)}">\n<session_type>support</session_type>\n'
        f"<lseq>{r.lseq}</lseq>\n{timed('start_time', r.start)}{end}"
        f"<duration>{hms(r.duration(now))}</duration>\n"
    )


def transfers_xml(record: SessionRecord, host: str, *, recordings: bool) -> str:
    """An ended session's chat URLs and (with ``recordings``) recording URLs, then the file
    transfer counts of any session: the same in ``SupportSession`` and ``AccessSession``."""
    r = record
    out = []
    if r.closed:
        base = f"https://{host}/session_download?lsid={r.lsid}&amp;dl_action=chat"
        out.append(
            f"<session_chat_view_url>{base}&amp;view=1</session_chat_view_url>\n"
            f"<session_chat_download_url>{base}</session_chat_download_url>\n"
        )
        if recordings:
            out.append(recording_urls_xml(r, host))
    out.append(
        f"<file_transfer_count>{r.file_transfer_count}</file_transfer_count>\n"
        f"<file_move_count>{r.file_move_count}</file_move_count>\n"
        f"<file_delete_count>{r.file_delete_count}</file_delete_count>\n"
    )
    return "".join(out)


def session_xml(record: SessionRecord, *, host: str, recordings: bool, now: int) -> str:
    """One ``<session>`` of a ``SupportSession`` report; recording URLs only with
    ``recordings`` (the caller may view recordings) and only once the session has ended."""
    r = record
    out = [
        session_head_xml(r, now),
        f'<public_site id="{r.site.id}">{esc(r.site.name)}</public_site>\n',
    ]
    if r.jumpoint is not None:
        out.append(f'<jumpoint id="{r.jumpoint.id}">{esc(r.jumpoint.name)}</jumpoint>\n')
    out.append(f"<external_key>{esc(r.external_key)}</external_key>\n")
    out.append(transfers_xml(r, host, recordings=recordings))
    out.append(primaries_xml(r, customer_id=False))
    out.append(participants_xml(r))
    if r.cust_survey:
        survey = _questions(r.cust_survey)
        out.append(f"<cust_survey_list>\n<cust_exit_survey>\n{survey}</cust_exit_survey>\n")
        out.append("</cust_survey_list>\n")
    if r.rep_survey:
        survey = _questions(r.rep_survey)
        out.append(f"<rep_survey_list>\n<rep_exit_survey>\n{survey}</rep_exit_survey>\n")
        out.append("</rep_survey_list>\n")
    out.append("<session_details>\n")
    out.extend(session_event_xml(event) for event in r.events)
    out.append("</session_details>\n</session>\n")
    return "".join(out)


def listing_xml(record: SessionRecord) -> str:
    """One ``<session_summary>`` of a ``SupportSessionListing`` report."""
    key = f' external_key="{esc(record.external_key)}"' if record.external_key else ""
    return (
        f'<session_summary lsid="{esc(record.lsid)}" has_recording="{int(record.has_recording)}"'
        f"{key}><lseq>{record.lseq}</lseq></session_summary>\n"
    )


def exit_survey_xml(record: SessionRecord, kind: str) -> str:
    """One ``<exit_survey>`` (``kind`` ``cust`` or ``rep``) of an exit-survey report."""
    questions = record.cust_survey if kind == "cust" else record.rep_survey
    rep = record.primary_rep
    by = record.customer.username if kind == "cust" or rep is None else rep.private_display_name
    return (
        f'<exit_survey lsid="{esc(record.lsid)}" ts="{record.start}">\n'
        f"<session_type>support</session_type>\n"
        f'<public_site id="{record.site.id}">{esc(record.site.name)}</public_site>\n'
        f'<submitted_by type="{kind}">{esc(by)}</submitted_by>\n'
        f"{primaries_xml(record, customer_id=True)}{participants_xml(record)}"
        f"<rep_resolved>0</rep_resolved>\n{_questions(questions)}</exit_survey>\n"
    )
