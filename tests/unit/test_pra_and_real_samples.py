"""Every answer recorded from a real appliance (tests/fixtures/real, a copy of
samples/real) parses through the public API, and the PRA parsers, params and models."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bomgar_async import (
    AccessSession,
    BomgarClient,
    BomgarValidationError,
    JumpGroup,
    SupportSession,
    VaultAccountActivity,
    VaultActor,
)
from bomgar_async._http.request import Request, Response
from bomgar_async.pra import params as pra_params
from bomgar_async.pra.parse import (
    parse_access_sessions,
    parse_vault_account_activity,
)
from bomgar_async.testing import FakeTransport, xml_response

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
SHARED = Path("/work/shared/samples/real")
UTC = timezone.utc
SRA = "http://www.beyondtrust.com/sra/namespaces/API/reporting"


def client(answers: dict[str, bytes]) -> tuple[BomgarClient, FakeTransport]:
    def respond(request: Request) -> Response:
        report = dict(request.form or request.query)["generate_report"]
        return xml_response(answers[report])

    fake = FakeTransport(respond)
    bg = BomgarClient("pra.example.com", username="api", password="pw", transport=fake)
    return bg, fake


def test_the_fixture_copies_match_the_shared_samples() -> None:
    if not SHARED.is_dir():
        pytest.skip("the shared samples are not on this machine")
    for sample in SHARED.glob("*.xml"):
        assert (REAL / sample.name).read_bytes() == sample.read_bytes(), sample.name


async def test_every_real_sample_parses_through_the_public_api() -> None:
    samples = {p.name: p.read_bytes() for p in REAL.glob("*.xml")}
    assert set(samples) == {
        "pra-cloud-2024-access-session-list.xml",
        "pra-cloud-2024-session-summary-list.xml",
        "rs-archive-error.xml",
    }
    session_list = samples["pra-cloud-2024-access-session-list.xml"]
    listing = samples["pra-cloud-2024-session-summary-list.xml"]
    bg, _ = client(
        {
            "AccessSession": session_list,
            "AccessSessionListing": listing,
            "SupportSession": session_list,
            "SupportSessionListing": listing,
            "VaultAccountActivity": samples["rs-archive-error.xml"],
        }
    )
    async with bg:
        (access,) = [s async for s in bg.pra.access_sessions(date(2024, 12, 3))]
        (support,) = [s async for s in bg.reporting.support_sessions(date(2024, 12, 3))]
        entries = await bg.pra.access_session_listing(date(2024, 12, 3))
        rs_entries = await bg.reporting.support_session_listing(date(2024, 12, 3))
        assert await bg.pra.vault_account_activity(date(2024, 12, 3)) == []
        single = await bg.pra.access_session("e9e99aeb9ad54fb381634498502c5a1b")
    assert single == access
    assert (
        [e.lsid for e in entries]
        == [e.lsid for e in rs_entries]
        == [
            "e9e99aeb9ad54fb381634498502c5a1b",
            "219ca41dc71940a5a69687b49736d97b",
        ]
    )
    assert [e.has_recording for e in entries] == [False, False]
    assert isinstance(access, AccessSession) and isinstance(support, SupportSession)
    group = JumpGroup(type="shared", id=1, name="Sekoia.io integration")
    assert access.jump_group == support.jump_group == group
    assert access.custom_attributes == support.custom_attributes == ()
    assert access.lsid == "e9e99aeb9ad54fb381634498502c5a1b"
    assert access.start_time == datetime(2024, 12, 3, 15, 26, 5, tzinfo=UTC)
    assert access.duration == timedelta(minutes=15, seconds=2)
    assert access.primary_rep is not None and access.primary_rep.id == 1
    (rep,) = access.reps
    assert rep.public_endpoint is not None and rep.public_endpoint.port == 56722
    assert rep.private_ip == "Unknown" and rep.private_endpoint is None
    assert [e.event_type for e in access.events] == ["Session Start", "Conference Owner Changed"]
    assert access.events == support.events and access.customers == support.customers


def test_vault_account_activity_model() -> None:
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<vault_account_activity_list xmlns="{SRA}">
  <vault_account_activity timestamp="1773672020" event_type="Password Changed" account="1">
    <performed_by type="User" id="2">John Doe</performed_by>
    <data>Manually Edited</data>
  </vault_account_activity>
  <vault_account_activity timestamp="1" event_type="Account Created" account="3"/>
</vault_account_activity_list>""".encode()
    changed, created = parse_vault_account_activity(body)
    assert changed == VaultAccountActivity(
        timestamp=datetime.fromtimestamp(1773672020, UTC),
        event_type="Password Changed",
        account_id=1,
        performed_by=VaultActor(type="User", id=2, name="John Doe"),
        data="Manually Edited",
    )
    assert (created.account_id, created.performed_by, created.data) == (3, None, None)


def test_access_session_parser_reads_custom_attributes() -> None:
    body = (
        f'<session_list xmlns="{SRA}"><session lsid="abc"><custom_attributes>'
        '<custom_attribute code_name="ticket" display_name="Ticket">T-1</custom_attribute>'
        "</custom_attributes></session></session_list>"
    ).encode()
    (session,) = parse_access_sessions(body)
    (attribute,) = session.custom_attributes
    assert (attribute.code_name, attribute.display_name, attribute.value) == (
        "ticket",
        "Ticket",
        "T-1",
    )


def test_pra_params() -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert pra_params.access_sessions(since, since + timedelta(hours=1)) == (
        ("generate_report", "AccessSession"),
        ("start_time", str(int(since.timestamp()))),
        ("duration", "3600"),
    )
    assert pra_params.access_session_summary(date(2026, 1, 1))[-1] == ("report_type", "user")
    assert (
        dict(pra_params.vault_account_activity(date(2026, 1, 1), limit="account:4"))["limit"]
        == "account:4"
    )
    assert pra_params.recording("abc", kind="command_shell", instance=0)[0] == (
        "generate_report",
        "CommandShellRecording",
    )
    for bad in (
        lambda: pra_params.vault_account_activity(date(2026, 1, 1), limit="team:1"),
        lambda: pra_params.recording("abc", kind="show_my_screen"),
        lambda: pra_params.recording("abc", kind="command_shell"),
        lambda: pra_params.access_sessions(),
    ):
        with pytest.raises(BomgarValidationError):
            bad()
    with pytest.raises(BomgarValidationError, match="AccessSession needs since"):
        pra_params.access_sessions()
