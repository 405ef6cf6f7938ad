"""Command API parameter building and validation (pure: nothing is sent)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bomgar_async import (
    BomgarValidationError,
    Queue,
)
from bomgar_async.command import params as build


def test_session_key_all_parameters() -> None:
    params = build.session_key(
        Queue.team(3),
        external_key="TICKET-1",
        priority=1,
        skills=["windows", "mac"],
        ttl=timedelta(hours=1),
        url_hostname="remote.example.com",
    )
    assert params == (
        ("type", "support"),
        ("queue_id", "team:3"),
        ("external_key", "TICKET-1"),
        ("session.priority", "1"),
        ("session.skills", "windows,mac"),
        ("ttl", "3600"),
        ("url_hostname", "remote.example.com"),
    )


def test_session_key_minimal() -> None:
    assert build.session_key(
        "general", external_key=None, priority=None, skills=None, ttl=None, url_hostname=None
    ) == (("type", "support"), ("queue_id", "general"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"external_key": "x" * 1025},
        {"priority": 0},
        {"priority": 4},
        {"priority": True},
        {"priority": "1"},
        {"skills": []},
        {"skills": ["ok", "not ok"]},
        {"skills": "a,,b"},
        {"ttl": 0},
        {"ttl": -5},
        {"ttl": timedelta(seconds=1.5)},
        {"url_hostname": "bad host"},
        {"url_hostname": "a" * 256},
    ],
)
def test_session_key_rejects(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "external_key": None,
        "priority": None,
        "skills": None,
        "ttl": None,
        "url_hostname": None,
    }
    args.update(kwargs)
    with pytest.raises(BomgarValidationError):
        build.session_key("general", **args)  # type: ignore[arg-type]


def test_external_key_limit_is_inclusive() -> None:
    params = build.session_key(
        "general", external_key="k" * 1024, priority=None, skills=None, ttl=None, url_hostname=None
    )
    assert ("external_key", "k" * 1024) in params


@pytest.mark.parametrize("lsid", ["", "   ", None, 5, "has space", "a,b", "x&y=z"])
def test_lsid_must_be_a_session_id(lsid: object) -> None:
    with pytest.raises(BomgarValidationError):
        build.lsid_only(lsid)  # type: ignore[arg-type]


def test_transfer_refuses_rep_username_queues() -> None:
    with pytest.raises(BomgarValidationError, match="rep_username"):
        build.transfer_session("abc123", "rep_username:admin")
    assert build.transfer_session("abc123", "embassy:2") == (
        ("lsid", "abc123"),
        ("queue_id", "embassy:2"),
    )


def test_join_needs_positive_rep_id() -> None:
    assert build.join_session("abc", 7) == (("lsid", "abc"), ("rep_id", "7"))
    with pytest.raises(BomgarValidationError):
        build.join_session("abc", 0)


def test_session_attributes() -> None:
    params = build.session_attributes(
        "abc", external_key="T-9", custom={"asset_tag": "A1", "region": "emea"}
    )
    assert params == (
        ("lsid", "abc"),
        ("custom.external_key", "T-9"),
        ("session.custom.asset_tag", "A1"),
        ("session.custom.region", "emea"),
    )
    with pytest.raises(BomgarValidationError, match="external_key or custom"):
        build.session_attributes("abc", external_key=None, custom=None)
    with pytest.raises(BomgarValidationError):
        build.session_attributes("abc", external_key=None, custom={"bad name": "x"})
    with pytest.raises(BomgarValidationError):
        build.session_attributes("abc", external_key=None, custom={"ok": "x" * 1025})


def test_connected_client_list_params() -> None:
    assert build.connected_client_list(None, False) == ()
    assert build.connected_client_list(["representative", "push_agent"], True) == (
        ("type", "representative,push_agent"),
        ("summary_only", "1"),
    )
    with pytest.raises(BomgarValidationError, match="pinned_client"):
        build.connected_client_list(["pinned_client"], False)
    with pytest.raises(BomgarValidationError):
        build.connected_client_list("representative", "yes")


def test_connected_clients_batches_of_100() -> None:
    ids = [str(i) for i in range(1, 251)]
    batches = build.connected_clients_batches(ids, "support_customer", True)
    assert len(batches) == 3
    sizes = [len(dict(b)["id"].split(",")) for b in batches]
    assert sizes == [100, 100, 50]
    assert dict(batches[0])["type"] == "support_customer"
    assert dict(batches[2])["include_connections"] == "1"
    rejoined = [i for b in batches for i in dict(b)["id"].split(",")]
    assert rejoined == ids


def test_connected_clients_edge_cases() -> None:
    assert build.connected_clients_batches(None, None, False) == [()]
    assert build.connected_clients_batches([], None, False) == []
    assert build.connected_clients_batches([5, "5", 6], None, False) == [(("id", "5,6"),)]
    for bad in ("1,2", ["1,2"], [""], [True]):
        with pytest.raises(BomgarValidationError):
            build.connected_clients_batches(bad, None, False)  # type: ignore[arg-type]


def test_failover_role() -> None:
    assert build.failover_role("backup", data_sync_first=True, force=True) == (
        ("role", "backup"),
        ("data_sync_first", "1"),
        ("force", "1"),
    )
    with pytest.raises(BomgarValidationError):
        build.failover_role("master", data_sync_first=False, force=False)


def test_support_teams_flag() -> None:
    assert build.support_teams(True) == (("showmembers", "1"),)
    assert build.support_teams(False) == ()
    with pytest.raises(BomgarValidationError):
        build.support_teams(1)  # type: ignore[arg-type]
