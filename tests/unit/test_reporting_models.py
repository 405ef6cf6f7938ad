"""Reporting API models parsed from guide-shaped fixtures (tests/fixtures/reporting) and
from the answers recorded from real appliances (tests/fixtures/real)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Any

import attrs
import pytest

import bomgar_async.reporting.models as models
from bomgar_async.errors import (
    BomgarAPIError,
    BomgarProtocolError,
)
from bomgar_async.reporting import parse as parse
from bomgar_async.reporting.models import (
    ActiveRepresentative,
    CustomerInfo,
    Endpoint,
    EventFile,
    EventParty,
    ExitSurvey,
    LicenseCount,
    LicenseInterval,
    LicenseUsageReport,
    NamedRef,
    ParticipantRef,
    RecordingInstance,
    SessionCustomer,
    SessionEvent,
    SessionListingEntry,
    SessionRepresentative,
    SessionSummary,
    SessionSurvey,
    SessionTeam,
    SupportSession,
    SurveyQuestion,
    SurveySubmitter,
    SystemInfoCategory,
    TeamActivity,
    TeamActivityReport,
    TeamEvent,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UTC = timezone.utc
NAMESPACES = [
    None,
    "http://www.bomgar.com/namespaces/API/reporting",
    "http://www.beyondtrust.com/sra/namespaces/API/reporting",
    "https://www.beyondtrust.com/namespaces/API/reporting",
]
PARSERS: dict[str, Callable[[bytes], Any]] = {
    "session_list": parse.parse_session_list,
    "session_listing": parse.parse_session_listing,
    "session_summary": parse.parse_session_summary,
    "exit_surveys": parse.parse_exit_surveys,
    "team_activity": parse.parse_team_activity,
    "license_usage": parse.parse_license_usage,
}
URL = "https://support.example.com/session_download?lsid=c69a&dl_action="


def load(name: str, namespace: str | None = "keep", folder: str = "reporting") -> bytes:
    body = (FIXTURES / folder / f"{name}.xml").read_bytes()
    if namespace == "keep":
        return body
    body = re.sub(rb' xmlns="[^"]*"', b"", body, count=1)
    if namespace is None:
        return body
    return re.sub(
        rb"(<\?xml[^>]*\?>\s*<[a-z_:]+)", rb'\1 xmlns="' + namespace.encode() + b'"', body
    )


def dt(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2014, month, day, hour, minute, second, tzinfo=UTC)


# SupportSession ------------------------------------------------------------------------


def test_full_session_has_every_element_of_the_guide() -> None:
    session = parse.parse_session_list(load("session_list_many"))[0]
    assert type(session) is SupportSession
    assert session.lsid == "c69a8e10bea9428f816cfababe9815fe"
    assert session.session_type == "support"
    assert session.lseq == 101
    # the timestamp attribute wins over the (zone-less system time) text
    assert session.start_time == dt(5, 1, 8)
    assert session.end_time == dt(5, 1, 9, 0, 25)
    assert session.start_time.tzinfo is UTC
    assert session.duration == timedelta(hours=1, seconds=25)
    assert session.public_site == NamedRef(id=1, name="Default")
    assert session.jumpoint == NamedRef(id=3, name="Datacenter East")
    assert session.external_key == "TICKET-4711"
    assert session.session_chat_view_url == URL + "chat&view=1"
    assert session.session_chat_download_url == URL + "chat"
    assert session.session_recording_view_url == URL + "recording&view=1"
    assert session.session_recording_download_url == URL + "recording"
    assert session.show_my_screen_recordings == (
        RecordingInstance(
            instance=0, download_url=URL + "sms&instance=0", view_url=URL + "sms&instance=0&view=1"
        ),
        RecordingInstance(
            instance=1, download_url=URL + "sms&instance=1", view_url=URL + "sms&instance=1&view=1"
        ),
    )
    assert session.command_shell_recordings == (
        RecordingInstance(
            instance=0,
            download_url=URL + "shell&instance=0",
            view_url=URL + "shell&instance=0&view=1",
        ),
        RecordingInstance(instance=1, download_url=URL + "shell&instance=1", view_url=None),
    )
    assert (session.file_transfer_count, session.file_move_count) == (3, 1)
    assert session.file_delete_count == 2
    assert session.primary_customer == ParticipantRef(name="Pat Customer", gsnumber=12)
    assert session.primary_rep == ParticipantRef(name="Alice (Tier 2)", id=2, gsnumber=7)
    assert session.primary_team == NamedRef(id=4, name="Tier 2")


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("5", 5),
        (" 12 ", 12),
        ("Other", None),
        ("", None),
        ("-3", None),
        ("5_0", None),
        ("\u0665", None),
    ],
)
def test_customer_info_issue_is_the_numeric_id(text: str, issue: int | None) -> None:
    info = CustomerInfo.of({"name": "Pat", "issue": text})
    assert info is not None
    assert info.issue == issue
    assert info.issue_text == (text.strip() or None)


def test_customer_info_without_an_issue() -> None:
    info = CustomerInfo.of({"name": "Pat"})
    assert info == CustomerInfo(name="Pat")
    assert info.issue is None


def test_full_session_customers() -> None:
    customers = parse.parse_session_list(load("session_list_many"))[0].customers
    assert customers == (
        SessionCustomer(
            gsnumber=12,
            username="Pat Customer",
            public_ip="203.0.113.10:51234",
            private_ip="192.168.1.20",
            hostname="PAT-LAPTOP",
            os="Windows 10 Pro",
            primary_cust=True,
            info=CustomerInfo(
                name="Pat Customer",
                company="Example Corp",
                company_code="EX-42",
                issue=5,
                details="VPN drops every hour",
                issue_text="5",
            ),
        ),
        SessionCustomer(
            gsnumber=13,
            username="Second Viewer",
            public_ip="[2001:db8::1]:443",
            private_ip="Unknown",
            hostname=None,
            os="macOS 14",
            primary_cust=False,
            info=None,
        ),
    )
    assert customers[0].public_endpoint == Endpoint(host="203.0.113.10", port=51234)
    assert customers[0].private_endpoint == Endpoint(host="192.168.1.20")
    assert customers[1].public_endpoint == Endpoint(host="2001:db8::1", port=443)
    assert customers[1].private_endpoint is None


def test_full_session_reps_and_teams() -> None:
    session = parse.parse_session_list(load("session_list_many"))[0]
    alice, bob, carol = session.reps
    assert alice == SessionRepresentative(
        gsnumber=7,
        id=2,
        username="alice",
        display_name="Alice (Tier 2)",
        public_display_name="Alice",
        private_display_name="Alice (Tier 2)",
        display_number=2,
        public_ip="198.51.100.7",
        private_ip="10.0.0.7",
        hostname="ALICE-WS",
        os="Windows 11",
        session_owner=True,
        primary_rep=True,
        seconds_involved=3600,
        embassy=False,
        invited=False,
    )
    assert (bob.session_owner, bob.primary_rep, bob.embassy, bob.invited) == (
        False,
        False,
        True,
        True,
    )
    assert bob.public_endpoint == Endpoint(host="198.51.100.8", port=60000)
    assert bob.private_endpoint is None
    assert carol == SessionRepresentative(
        gsnumber=9, id=5, username="carol", public_ip="2001:db8::5"
    )
    assert carol.public_endpoint == Endpoint(host="2001:db8::5")
    assert session.teams == (
        SessionTeam(id=1, name="General", primary_team=False),
        SessionTeam(id=4, name="Tier 2", primary_team=True),
    )


def test_full_session_exit_surveys() -> None:
    session = parse.parse_session_list(load("session_list_many"))[0]
    assert session.cust_surveys == (
        SessionSurvey(
            questions=(
                SurveyQuestion(
                    id=1,
                    name="satisfaction",
                    type="radio",
                    label="How satisfied are you?",
                    report_header="Satisfaction",
                    answers=("5",),
                ),
                SurveyQuestion(
                    id=2,
                    name="topics",
                    type="checkbox",
                    label="What did we help with?",
                    report_header="Topics",
                    answers=("vpn", "email"),
                ),
                SurveyQuestion(
                    id=3,
                    name="comments",
                    type="textarea",
                    label="Anything else?",
                    report_header="Comments",
                    answers=(),
                ),
            )
        ),
    )
    questions = session.cust_surveys[0].questions
    assert [q.answer for q in questions] == ["5", "vpn", None]
    # questions sent directly under <rep_exit_survey> (no <question_list>) are read too
    assert session.rep_surveys == (
        SessionSurvey(
            questions=(
                SurveyQuestion(
                    id=9,
                    name="resolution",
                    type="select",
                    label="Resolution",
                    report_header="Resolution",
                    answers=("Resolved",),
                ),
            )
        ),
    )


def test_full_session_events() -> None:
    events = parse.parse_session_list(load("session_list_many"))[0].events
    assert [e.event_type for e in events] == [
        "Session Start",
        "Conference Member Added",
        "Chat Message",
        "Chat Message",
        "Chat Message",
        "File Upload",
        "System Information Retrieved",
        "Session End",
    ]
    assert all(type(e) is SessionEvent for e in events)
    start, added, chat, encoded, invalid, upload, sysinfo, end = events
    assert start == SessionEvent(
        timestamp=dt(5, 1, 8),
        event_type="Session Start",
        performed_by=EventParty(gsnumber=12, type="customer", name="Pat Customer"),
    )
    assert added.performed_by == EventParty(gsnumber=0, type="system", name="System")
    assert added.destination == EventParty(gsnumber=7, type="representative", name="Alice (Tier 2)")
    assert added.data == (
        ("name", "Alice (Tier 2)"),
        ("username", "alice"),
        ("private_ip", "10.0.0.7"),
        ("public_ip", "198.51.100.7"),
        ("support_teams", "General, Tier 2"),
        ("embassies", ""),
        ("user_id", "2"),
    )
    assert added.values["user_id"] == "2"
    assert list(added.values) == [name for name, _ in added.data]
    with pytest.raises(TypeError):
        added.values["user_id"] = "3"  # type: ignore[index]
    assert chat.body == "Hello & welcome <Pat>"
    assert chat.encoded_body is None and chat.body_bytes is None
    assert chat.timestamp == dt(5, 1, 8, 1, 30)
    assert encoded.body == "binary \x01 chat h\u00e9llo"
    assert encoded.encoded_body == "YmluYXJ5IAEgY2hh\n        dCBow6lsbG8="
    assert encoded.body_bytes == "binary \x01 chat h\u00e9llo".encode()
    assert (invalid.body, invalid.encoded_body, invalid.body_bytes) == (
        None,
        "@@not base64@@",
        None,
    )
    assert upload.filename == "C:\\Temp\\fix.ps1"
    assert upload.filesize == 2048
    assert upload.files == (
        EventFile(name="fix.ps1", size=2048),
        EventFile(name="readme.txt", size=12),
    )
    assert sysinfo.system_information == (
        SystemInfoCategory(
            name="Drives",
            description=("Drive", "Type", "Percent Used"),
            rows=(("C:\\", "Local Disk", "60%"), ("D:\\", "CD-ROM", None)),
        ),
        SystemInfoCategory(name="Hostname", description=("Name",), rows=(("PAT-LAPTOP",),)),
        SystemInfoCategory(name="Printers", description=("Printer", "Default"), rows=()),
    )
    assert end.timestamp == dt(5, 1, 9, 0, 25)


def test_system_information_rows_as_records() -> None:
    drives = SystemInfoCategory(
        name="Drives",
        description=("Drive", "Type"),
        rows=(("C:\\", "Local Disk"), ("D:\\", None, "extra")),
    )
    first, second = drives.records()
    assert dict(first) == {"Drive": "C:\\", "Type": "Local Disk"}
    assert dict(second) == {"Drive": "D:\\", "Type": None, "2": "extra"}
    assert SystemInfoCategory(name="Empty").records() == ()


def test_session_with_one_of_everything() -> None:
    session = parse.parse_session_list(load("session_list_many"))[1]
    assert session.public_site == NamedRef(id=2, name="Partners")
    assert session.jumpoint is None and session.primary_team is None
    assert session.external_key is None  # <external_key></external_key>
    assert session.session_chat_view_url is None
    assert len(session.show_my_screen_recordings) == 1
    assert len(session.command_shell_recordings) == 1
    assert session.show_my_screen_recordings[0].instance == 0
    assert session.customers[0].info == CustomerInfo(name="Quinn")
    assert [r.username for r in session.reps] == ["bob"]
    assert session.teams == (SessionTeam(id=6, name="Embassy Partners", primary_team=True),)
    assert [len(s.questions) for s in session.cust_surveys] == [1]
    assert session.rep_surveys == ()
    (event,) = session.events
    assert event.files == (EventFile(name="log.zip", size=1048576),)
    assert event.data == (("path", "C:\\logs\\log.zip"),)
    assert event.system_information == (
        SystemInfoCategory(name="OS", description=("Version",), rows=(("6.1.7601",),)),
    )


def test_session_in_progress_with_empty_lists() -> None:
    session = parse.parse_session_list(load("session_list_many"))[2]
    assert session == SupportSession(
        lsid="5bf07601298b495b87310da9ce571e22",
        session_type="support",
        lseq=103,
        start_time=dt(5, 1, 9, 30),  # ISO text, no timestamp attribute
        end_time=None,
        duration=timedelta(minutes=5),
        file_transfer_count=0,
        file_move_count=0,
        file_delete_count=0,
        primary_customer=ParticipantRef(name="Unknown", gsnumber=30),
    )


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize(("name", "count"), [("zero", 0), ("one", 1), ("many", 3)])
def test_session_list_zero_one_many_in_every_namespace(
    name: str, count: int, namespace: str | None
) -> None:
    sessions = parse.parse_session_list(load(f"session_list_{name}", namespace))
    assert len(sessions) == count
    assert all(type(s) is SupportSession for s in sessions)


def test_prefixed_elements_and_attributes() -> None:
    (session,) = parse.parse_session_list(load("session_list_one"))
    assert session.lsid == "0d7a0a45e1e04c4bb1f3a4d0c1c9e001"
    assert session.duration == timedelta(minutes=10)
    assert session.customers == (
        SessionCustomer(gsnumber=4, username="Robin", public_ip="192.0.2.4:50000"),
    )
    assert session.events[0].performed_by == EventParty(gsnumber=4, type="customer", name="Robin")


def test_real_cloud_session_list() -> None:
    (session,) = parse.parse_session_list(load("pra-cloud-2024-access-session-list", folder="real"))
    assert session.lsid == "e9e99aeb9ad54fb381634498502c5a1b"
    assert session.start_time == datetime(2024, 12, 3, 15, 26, 5, tzinfo=UTC)
    assert session.end_time == datetime(2024, 12, 3, 15, 41, 7, tzinfo=UTC)
    assert session.duration == timedelta(minutes=15, seconds=2)
    assert session.external_key is None
    assert session.session_chat_download_url is not None
    assert "&dl_action=chat" in session.session_chat_download_url
    assert session.primary_rep == ParticipantRef(name="Admin", id=1, gsnumber=21)
    (customer,) = session.customers
    assert customer.public_endpoint == Endpoint(host="4.231.237.19", port=61606)
    assert customer.public_endpoint is not None
    assert customer.public_endpoint.ip == IPv4Address("4.231.237.19")
    (rep,) = session.reps
    assert rep.public_ip == "[2a01:e34:ec57:b230:f188:56c5:7089:d987]:56722"
    assert rep.public_endpoint == Endpoint(
        host="2a01:e34:ec57:b230:f188:56c5:7089:d987", port=56722
    )
    assert rep.private_ip == "Unknown" and rep.private_endpoint is None
    assert (rep.os, rep.session_owner, rep.seconds_involved) == ("Unknown", True, 901)
    start, owner = session.events
    assert start.event_type == "Session Start" and start.performed_by is None
    assert owner.destination == EventParty(gsnumber=0, type="system", name="Pre-start Conference")
    assert owner.values == {"owner": "Pre-start Conference"}


def test_real_cloud_session_listing() -> None:
    entries = parse.parse_session_listing(
        load("pra-cloud-2024-session-summary-list", folder="real")
    )
    assert entries == [
        SessionListingEntry(lsid="e9e99aeb9ad54fb381634498502c5a1b", has_recording=False),
        SessionListingEntry(lsid="219ca41dc71940a5a69687b49736d97b", has_recording=False),
    ]


@pytest.mark.parametrize("report", sorted(PARSERS))
def test_real_error_root_raises_for_every_report(report: str) -> None:
    with pytest.raises(BomgarAPIError) as caught:
        PARSERS[report](load("rs-archive-error", folder="real"))
    assert caught.value.message == "No archives found for the given search criteria."


def test_error_child_raises() -> None:
    with pytest.raises(BomgarAPIError, match=r"^SupportSession: Invalid lsid\.$"):
        parse.parse_session_list(load("session_list_error_child"))


@pytest.mark.parametrize("report", sorted(PARSERS))
def test_wrong_root_html_and_truncation_are_protocol_errors(report: str) -> None:
    for body in (
        b"<?xml version='1.0'?><other_root/>",
        b"<!DOCTYPE html><html><body>Login</body></html>",
        load("session_list_many")[:500],
        b"",
    ):
        with pytest.raises(BomgarProtocolError):
            PARSERS[report](body)


@pytest.mark.parametrize(
    ("body", "parser"),
    [
        (b"<session_list><session><lseq>1</lseq></session></session_list>", "session_list"),
        (b"<session_summary_list><session_summary/></session_summary_list>", "session_listing"),
        (b"<summary_list><summary type='rep'/></summary_list>", "session_summary"),
        (b"<summary_list><summary id='x'/></summary_list>", "session_summary"),
        (b"<exit_survey_list><exit_survey ts='1'/></exit_survey_list>", "exit_surveys"),
        (b"<team_activity_list><team_activity name='a'/></team_activity_list>", "team_activity"),
    ],
)
def test_missing_required_ids_are_protocol_errors(body: bytes, parser: str) -> None:
    with pytest.raises(BomgarProtocolError, match=r"has no|non-numeric"):
        PARSERS[parser](body)


def test_models_are_frozen() -> None:
    session = parse.parse_session_list(load("session_list_many"))[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        session.lsid = "other"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        session.events[0].event_type = "x"  # type: ignore[misc]


# Endpoint ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.4", Endpoint(host="10.0.0.4")),
        ("4.231.237.19:61606", Endpoint(host="4.231.237.19", port=61606)),
        (" 4.231.237.19:0 ", Endpoint(host="4.231.237.19", port=0)),
        ("[2a01:e34::1]:56722", Endpoint(host="2a01:e34::1", port=56722)),
        ("[2a01:e34::1]", Endpoint(host="2a01:e34::1")),
        ("2a01:e34::1", Endpoint(host="2a01:e34::1")),
        ("pat-laptop.example.com:22", Endpoint(host="pat-laptop.example.com", port=22)),
        ("Unknown", None),
        ("unknown", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("10.0.0.4:http", None),
        ("10.0.0.4:65536", None),
        ("[2a01::1", None),
        ("[]:80", None),
        ("[2a01::1]x", None),
        (":80", None),
    ],
)
def test_endpoint_parse(text: str | None, expected: Endpoint | None) -> None:
    assert Endpoint.parse(text) == expected


def test_endpoint_ip_and_str() -> None:
    v6 = Endpoint(host="2a01:e34::1", port=443)
    assert v6.ip == IPv6Address("2a01:e34::1")
    assert str(v6) == "[2a01:e34::1]:443"
    assert str(Endpoint(host="10.0.0.4")) == "10.0.0.4"
    assert str(Endpoint(host="10.0.0.4", port=8080)) == "10.0.0.4:8080"
    assert Endpoint(host="pat-laptop").ip is None


# SupportSessionListing and SupportSessionSummary ----------------------------------------


def test_session_listing_many() -> None:
    assert parse.parse_session_listing(load("session_listing_many")) == [
        SessionListingEntry(
            lsid="c69a8e10bea9428f816cfababe9815fe",
            lseq=101,
            has_recording=True,
            external_key="TICKET-4711",
        ),
        SessionListingEntry(lsid="a5eaaa58591047b88556f944804227b0", lseq=102, has_recording=False),
        SessionListingEntry(lsid="5bf07601298b495b87310da9ce571e22", has_recording=False),
    ]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_session_listing_one_and_zero(namespace: str | None) -> None:
    assert parse.parse_session_listing(load("session_listing_one", namespace)) == [
        SessionListingEntry(
            lsid="c69a8e10bea9428f816cfababe9815fe",
            lseq=101,
            has_recording=True,
            external_key="TICKET-4711",
        )
    ]
    assert parse.parse_session_listing(load("session_listing_zero", namespace)) == []


def test_session_summary_many() -> None:
    alice, bob, empty = parse.parse_session_summary(load("session_summary_many"))
    assert alice == SessionSummary(
        id=2,
        type="rep",
        display_name="Alice (Tier 2)",
        total_sessions=42,
        avg_sessions_per_weekday=8.4,
        avg_duration=timedelta(minutes=12, seconds=34),
    )
    assert type(alice.avg_sessions_per_weekday) is float
    assert bob.avg_sessions_per_weekday == 0.0 and type(bob.avg_sessions_per_weekday) is float
    assert bob.avg_duration == timedelta(hours=26, seconds=5)
    assert empty == SessionSummary(id=5, type="rep")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_session_summary_one_and_zero(namespace: str | None) -> None:
    assert parse.parse_session_summary(load("session_summary_one", namespace)) == [
        SessionSummary(
            id=1,
            type="site",
            display_name="Default",
            total_sessions=1234,
            avg_sessions_per_weekday=56.7,
            avg_duration=timedelta(minutes=20),
        )
    ]
    assert parse.parse_session_summary(load("session_summary_zero", namespace)) == []


# Exit surveys --------------------------------------------------------------------------


def test_exit_surveys_many() -> None:
    full, partial = parse.parse_exit_surveys(load("exit_surveys_many"))
    assert type(full) is ExitSurvey
    assert full.lsid == "c69a8e10bea9428f816cfababe9815fe"
    assert full.ts == dt(5, 1, 8)
    assert full.session_type == "support"
    assert full.public_site == NamedRef(id=1, name="Default")
    assert full.submitted_by == SurveySubmitter(name="Pat Customer", type="cust")
    assert full.primary_customer == ParticipantRef(name="Pat Customer", id=0)
    assert full.primary_rep == ParticipantRef(name="Alice (Tier 2)", id=2)
    assert full.primary_team == NamedRef(id=4, name="Tier 2")
    assert full.customers == (
        SessionCustomer(
            gsnumber=12,
            username="Pat Customer",
            public_ip="203.0.113.10:51234",
            private_ip="192.168.1.20",
            hostname="PAT-LAPTOP",
            os="Windows 10 Pro",
            primary_cust=True,
            info=CustomerInfo(name="Pat Customer", company="Example Corp"),
        ),
    )
    assert [(r.id, r.username, r.embassy) for r in full.reps] == [
        (2, "alice", False),
        (3, "bob", True),
    ]
    assert full.teams == (
        SessionTeam(id=1, name="General", primary_team=False),
        SessionTeam(id=4, name="Tier 2", primary_team=True),
    )
    assert full.rep_resolved is False
    assert [(q.id, q.type, q.answers) for q in full.questions] == [
        (1, "radio", ("5",)),
        (2, "checkbox", ("vpn", "email")),
        (3, "text", ()),
    ]
    assert full.questions[0].label == "How satisfied are you?"
    assert full.questions[0].report_header == "Satisfaction"
    assert full.questions[0].name == "satisfaction"
    assert partial.primary_rep is None and partial.primary_team is None
    assert (partial.reps, partial.teams) == ((), ())
    assert partial.customers == (SessionCustomer(gsnumber=20, username="Quinn"),)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_exit_surveys_one_and_zero(namespace: str | None) -> None:
    (survey,) = parse.parse_exit_surveys(
        load("exit_surveys_one", namespace), "SupportRepExitSurvey"
    )
    assert survey.submitted_by == SurveySubmitter(name="Alice (Tier 2)", type="rep")
    assert survey.reps == (SessionRepresentative(gsnumber=7, id=2, username="alice"),)
    assert survey.teams == (SessionTeam(id=4, name="Tier 2", primary_team=True),)
    assert survey.questions == (
        SurveyQuestion(
            id=9,
            name="resolution",
            type="select",
            label="Resolution",
            report_header="Resolution",
            answers=("Resolved",),
        ),
    )
    assert parse.parse_exit_surveys(load("exit_surveys_zero", namespace)) == []


def test_exit_survey_with_blank_elements() -> None:
    body = (
        b"<exit_survey_list><exit_survey lsid='s1'><submitted_by/><public_site></public_site>"
        b"<primary_customer/><question_list/><rep_resolved></rep_resolved></exit_survey>"
        b"</exit_survey_list>"
    )
    assert parse.parse_exit_surveys(body) == [ExitSurvey(lsid="s1")]


def test_exit_survey_error_names_the_report() -> None:
    with pytest.raises(BomgarAPIError, match=r"^SupportRepExitSurvey: "):
        parse.parse_exit_surveys(load("rs-archive-error", folder="real"), "SupportRepExitSurvey")


# Team activity -------------------------------------------------------------------------


def test_team_activity_many() -> None:
    report = parse.parse_team_activity(load("team_activity_many"))
    assert type(report) is TeamActivityReport
    assert (report.start_time, report.end_time) == (dt(5, 1, 8), dt(5, 2, 8))
    tier2, embassy, idle = report.teams
    assert (tier2.id, tier2.name) == (4, "Tier 2")
    assert tier2.logged_in_representatives == (
        ActiveRepresentative(
            gsnumber=7,
            id=2,
            display_name="Alice (Tier 2)",
            public_display_name="Alice",
            private_display_name="Alice (Tier 2)",
            public_ip="198.51.100.7:49152",
            private_ip="10.0.0.7",
        ),
        ActiveRepresentative(
            gsnumber=8,
            id=3,
            display_name="Bob (Embassy)",
            public_ip="[2001:db8::8]:8443",
            private_ip="Unknown",
        ),
    )
    alice, bob = tier2.logged_in_representatives
    assert alice.public_endpoint == Endpoint(host="198.51.100.7", port=49152)
    assert alice.private_endpoint == Endpoint(host="10.0.0.7")
    assert bob.public_endpoint == Endpoint(host="2001:db8::8", port=8443)
    assert bob.private_endpoint is None
    chat, shared, added = tier2.events
    assert chat == TeamEvent(
        timestamp=dt(5, 1, 8, 1),
        event_type="Chat Message",
        performed_by=EventParty(gsnumber=7, type="representative", name="Alice (Tier 2)"),
        destinations=(
            EventParty(gsnumber=8, name="Bob (Embassy)"),
            EventParty(gsnumber=9, name="Carol"),
        ),
        body="Can someone take the VPN ticket?",
    )
    assert shared.destinations == (EventParty(gsnumber=8, name="Bob (Embassy)"),)
    assert shared.files == (
        EventFile(name="runbook.pdf", size=40960),
        EventFile(name="notes.txt", size=77),
    )
    assert added.data == (("hostname", "BOB-PC"), ("user_id", "3"))
    assert added.values == {"hostname": "BOB-PC", "user_id": "3"}
    assert added.encoded_body == "//4gcmF3"
    assert added.body == "\ufffd\ufffd raw"  # undecodable bytes replaced
    assert added.body_bytes == b"\xff\xfe raw"
    assert embassy.logged_in_representatives == ()
    (queued,) = embassy.events
    assert (queued.destinations, queued.files) == ((), ())
    assert queued.values == {"queue": "Embassy Partners"}
    assert idle == TeamActivity(id=7, name=None)


def test_team_activity_one_and_zero() -> None:
    report = parse.parse_team_activity(load("team_activity_one"))
    assert (report.start_time, report.end_time) == (dt(5, 1, 8), None)
    (team,) = report.teams
    assert team.logged_in_representatives == (
        ActiveRepresentative(gsnumber=7, id=2, display_name="Alice (Tier 2)"),
    )
    (event,) = team.events
    assert event.destinations == (EventParty(gsnumber=8, name="Bob (Embassy)"),)
    assert event.body == "ping"
    zero = parse.parse_team_activity(load("team_activity_zero"))
    assert zero == TeamActivityReport(start_time=dt(5, 1, 8), end_time=dt(5, 2, 8), teams=())


# License usage -------------------------------------------------------------------------


def test_license_usage_many() -> None:
    report = parse.parse_license_usage(load("license_usage_many"))
    assert type(report) is LicenseUsageReport
    assert (report.start_time, report.end_time, report.group_by) == (
        dt(5, 1, 8),
        dt(5, 2, 8),
        "hour",
    )
    assert report.intervals == (
        LicenseInterval(
            timestamp=dt(5, 1, 10),
            datetime="2014-05-01 06:00:00",
            counts=(
                LicenseCount(license_type="representative", count=10),
                LicenseCount(license_type="representative", reason="login", count=8),
                LicenseCount(license_type="representative", reason="extended_contact", count=2),
            ),
        ),
        LicenseInterval(
            timestamp=dt(5, 1, 11),
            datetime="2014-05-01 07:00:00",
            counts=(LicenseCount(license_type="representative", count=9),),
        ),
        LicenseInterval(timestamp=dt(5, 1, 12), datetime="2014-05-01 08:00:00", counts=()),
    )


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_license_usage_one_and_zero(namespace: str | None) -> None:
    one = parse.parse_license_usage(load("license_usage_one", namespace))
    assert one.group_by == "month"
    assert one.end_time == dt(6, 1, 8)
    assert one.intervals == (
        LicenseInterval(
            timestamp=dt(5, 1, 8),
            datetime="2014-05-01 04:00:00",
            counts=(LicenseCount(license_type="representative", count=12),),
        ),
    )
    zero = parse.parse_license_usage(load("license_usage_zero", namespace))
    assert (zero.group_by, zero.intervals) == ("day", ())


# Every field of every model is exercised by the fixtures ------------------------------


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _walk(item)


def test_every_model_field_is_filled_somewhere_in_the_fixtures() -> None:
    roots: list[Any] = [
        *parse.parse_session_list(load("session_list_many")),
        *parse.parse_session_listing(load("session_listing_many")),
        *parse.parse_session_summary(load("session_summary_many")),
        *parse.parse_exit_surveys(load("exit_surveys_many")),
        parse.parse_team_activity(load("team_activity_many")),
        parse.parse_license_usage(load("license_usage_many")),
    ]
    filled: dict[type, set[str]] = {}
    for node in (n for root in roots for n in _walk(root)):
        cls: Any = type(node)
        if attrs.has(cls):
            names = filled.setdefault(cls, set())
            for field in attrs.fields(cls):
                value = getattr(node, field.name)
                if value != field.default:
                    names.add(field.name)
    for name in models.__all__:
        cls = getattr(models, name)
        if cls is Endpoint:  # built on request from the address strings
            continue
        missing = {f.name for f in attrs.fields(cls)} - filled.get(cls, set())
        assert not missing, (name, missing)
