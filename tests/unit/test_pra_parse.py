"""The PRA report parsers: each names its report in the errors a user sees, refuses another
report's root, and reads one item or many by local element names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bomgar_async import BomgarAPIError, BomgarProtocolError
from bomgar_async.pra.parse import (
    access_session_parser,
    parse_access_session_listing,
    parse_access_session_summary,
    parse_access_sessions,
    parse_team_activity,
    parse_vault_account_activity,
)

SRA = 'xmlns="http://www.beyondtrust.com/sra/namespaces/API/reporting"'

PARSERS: list[tuple[Callable[[bytes], object], str, str]] = [
    (parse_access_sessions, "AccessSession", "session_list"),
    (parse_access_session_listing, "AccessSessionListing", "session_summary_list"),
    (parse_access_session_summary, "AccessSessionSummary", "summary_list"),
    (parse_team_activity, "Team", "team_activity_list"),
    (parse_vault_account_activity, "VaultAccountActivity", "vault_account_activity_list"),
]


@pytest.mark.parametrize(("parse", "action", "root"), PARSERS)
def test_an_error_answer_names_the_report(
    parse: Callable[[bytes], object], action: str, root: str
) -> None:
    with pytest.raises(BomgarAPIError) as info:
        parse(f"<error {SRA}>No data matching your criteria</error>".encode())
    assert info.value.action == action
    assert info.value.message == "No data matching your criteria"


@pytest.mark.parametrize(("parse", "action", "root"), PARSERS)
def test_another_reports_root_is_refused_by_name(
    parse: Callable[[bytes], object], action: str, root: str
) -> None:
    with pytest.raises(BomgarProtocolError) as info:
        parse(f"<support_session_list {SRA}/>".encode())
    assert str(info.value) == f"{action}: expected <{root}>, got <support_session_list>"


@pytest.mark.parametrize(("parse", "action", "root"), PARSERS)
def test_an_empty_report_is_accepted(
    parse: Callable[[bytes], object], action: str, root: str
) -> None:
    result = parse(f"<{root} {SRA}/>".encode())
    assert result is not None


def test_one_and_several_items_are_lists() -> None:
    one = f'<session_summary_list {SRA}><session_summary lsid="a1"/></session_summary_list>'
    assert [e.lsid for e in parse_access_session_listing(one.encode())] == ["a1"]
    two = (
        f'<session_summary_list {SRA}><session_summary lsid="a1"/>'
        '<session_summary lsid="b2"/></session_summary_list>'
    )
    assert [e.lsid for e in parse_access_session_listing(two.encode())] == ["a1", "b2"]
    assert parse_access_sessions(f"<session_list {SRA}/>".encode()) == []
    assert parse_vault_account_activity(f"<vault_account_activity_list {SRA}/>".encode()) == []
    assert parse_access_session_summary(f"<summary_list {SRA}/>".encode()) == []


def test_the_stream_parser_names_the_report_and_its_root() -> None:
    parser = access_session_parser()
    with pytest.raises(BomgarAPIError) as info:
        parser.feed(f"<error {SRA}>Invalid report</error>".encode())
        parser.close()
    assert info.value.action == "AccessSession"
    parser = access_session_parser()
    with pytest.raises(BomgarProtocolError, match="session_list"):
        parser.feed(f"<summary_list {SRA}><summary/></summary_list>".encode())
        parser.close()


@pytest.mark.parametrize(
    ("parse", "body", "missing"),
    [
        (parse_access_sessions, b"<session_list><session/></session_list>", "lsid"),
        (
            parse_access_session_listing,
            b"<session_summary_list><session_summary/></session_summary_list>",
            "lsid",
        ),
        (parse_access_session_summary, b"<summary_list><summary/></summary_list>", "id"),
        (parse_team_activity, b"<team_activity_list><team_activity/></team_activity_list>", "id"),
    ],
)
def test_an_empty_item_is_refused_not_dropped(
    parse: Callable[[bytes], object], body: bytes, missing: str
) -> None:
    with pytest.raises(BomgarProtocolError, match=f"has no {missing} attribute"):
        parse(body)


def test_an_empty_vault_activity_is_one_item() -> None:
    body = b"<vault_account_activity_list><vault_account_activity/></vault_account_activity_list>"
    [activity] = parse_vault_account_activity(body)
    assert activity.account_id is None
    assert activity.timestamp is None


def test_a_summary_per_user_is_read() -> None:
    body = (
        f'<summary_list {SRA}><summary id="7" type="user"><display_name>Ann</display_name>'
        "<total_sessions>12</total_sessions></summary>"
        '<summary id="9"><display_name>Bob</display_name></summary></summary_list>'
    ).encode()
    first, second = parse_access_session_summary(body)
    assert (first.id, first.type, first.display_name, first.total_sessions) == (
        7,
        "user",
        "Ann",
        12,
    )
    assert (second.id, second.display_name, second.total_sessions) == (9, "Bob", None)
