"""The appliance's "no data" ``<error>`` answers: the catalog, tolerant matching, the client's
extra patterns, and every report call on the FakeTransport (empty results, a typed error for a
single item, real errors still raising)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarClient,
    BomgarConfigError,
    BomgarNoDataError,
    BomgarPermissionError,
    LicenseUsageReport,
    TeamActivityReport,
)
from bomgar_async._http.request import (
    Request,
    Response,
)
from bomgar_async.reporting.no_data import (
    NO_DATA_PATTERNS,
    NoDataMatcher,
    is_no_data_message,
    no_data_error,
    normalise,
)
from bomgar_async.simulator.no_data import (
    LOCALES,
    no_data_message,
)
from bomgar_async.testing import (
    FakeTransport,
    xml_response,
)

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
UTC = timezone.utc
NS = 'xmlns="http://www.bomgar.com/namespaces/API/reporting"'

# Texts recorded from real appliances (samples/real/README.md and public integrations).
RECORDED = [
    "No Support report information matching your chosen criteria is available.",
    "No Support Team report information matching your chosen criteria is available.",
    "No vault account activity matching your chosen criteria is available",
    "No archives found for the given search criteria.",
    "Aucune information de rapport correspondant à vos critères n\u2019est disponible.",
]
# The simulator's renderings in the other locales (structure only, not recorded texts).
RENDERED = {locale: no_data_message("SupportSession", locale) for locale in LOCALES}
REAL_ERRORS = [
    "Invalid lsid.",
    "Invalid credentials",
    "Login failed",
    "User does not have permission to use the reporting API.",
    "This recording has expired and can no longer be viewed or downloaded.",
    "Invalid time range",
    "Missing required parameter: duration.",
    "Invalid report type: Foo.",
    "No such criteria: limit",
    "Keine Berechtigung.",
    "Identifiants invalides",
]


@pytest.mark.parametrize("message", RECORDED)
def test_recorded_texts_are_no_data(message: str) -> None:
    assert is_no_data_message(message)


@pytest.mark.parametrize("locale", sorted(RENDERED))
def test_every_locale_is_recognised(locale: str) -> None:
    assert locale in NO_DATA_PATTERNS
    assert is_no_data_message(RENDERED[locale]), RENDERED[locale]
    for report in ("SupportTeam", "VaultAccountActivity", "AccessSession", "LicenseUsage"):
        assert is_no_data_message(no_data_message(report, locale))


@pytest.mark.parametrize(
    "variant",
    [
        "  no support REPORT information   matching your chosen\ncriteria is available  ",
        "No Presentation report information matching your chosen criteria is available!",
        "Aucune donnée de session correspondant a vos criteres n'est disponible.",
        "AUCUNE INFORMATION CORRESPONDANT À VOS CRITÈRES N\u2018EST DISPONIBLE",
        "No Access Session report information matching your chosen criteria is available",
    ],
)
def test_matching_tolerates_case_space_apostrophes_and_report_names(variant: str) -> None:
    assert is_no_data_message(variant)


@pytest.mark.parametrize("message", REAL_ERRORS)
def test_real_errors_are_not_no_data(message: str) -> None:
    assert not is_no_data_message(message)


def test_normalise() -> None:
    assert normalise("  Critères\u00a0N\u2019EST  disponible. ") == "criteres n'est disponible"


def test_extra_patterns_and_their_validation() -> None:
    matcher = NoDataMatcher(["Nichts  GEFUNDEN", re.compile(r"^\s*leeg\b")])
    assert matcher.matches("Es wurde nichts gefunden.")
    assert matcher.matches("Leeg rapport")
    assert not matcher.matches("Invalid lsid.")
    for bad in ("text", [""], [3], [re.compile(b"x")]):
        with pytest.raises(BomgarConfigError):
            NoDataMatcher(bad)  # type: ignore[arg-type]
    with pytest.raises(BomgarConfigError):
        BomgarClient("h.example", username="u", password="p", no_data_messages=[None])  # type: ignore[list-item]


def test_auth_and_permission_errors_are_never_no_data() -> None:
    text = RECORDED[0]
    matcher = NoDataMatcher()
    assert matcher.is_no_data(BomgarAPIError(text))
    assert not matcher.is_no_data(BomgarAuthError(text))
    assert not matcher.is_no_data(BomgarPermissionError(text))
    assert not matcher.is_no_data(ValueError(text))


# -- every report call on the FakeTransport --------------------------------------------------


def error_root(message: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<error {NS}>{message}</error>\n'.encode()


def client(answer: bytes, **options: Any) -> tuple[BomgarClient, FakeTransport]:
    def respond(_request: Request) -> Response:
        return xml_response(answer)

    fake = FakeTransport(respond)
    bg = BomgarClient(
        "support.example.com",
        username="api",
        password="pw",
        transport=fake,
        retry_backoff=0.0,
        **options,
    )
    return bg, fake


SINCE = date(2026, 1, 1)
LIST_CALLS: dict[str, Callable[[BomgarClient], Any]] = {
    "listing": lambda bg: bg.reporting.support_session_listing(SINCE),
    "summary": lambda bg: bg.reporting.support_session_summary(SINCE),
    "customer surveys": lambda bg: bg.reporting.customer_exit_surveys(SINCE),
    "rep surveys": lambda bg: bg.reporting.rep_exit_surveys(SINCE),
}


@pytest.mark.parametrize("locale", ["en", "fr", "de", "es", "it", "pt", "nl"])
async def test_every_report_is_empty_on_a_no_data_answer(locale: str) -> None:
    bg, fake = client(error_root(RENDERED[locale]))
    async with bg:
        for call in LIST_CALLS.values():
            assert await call(bg) == []
        team = await bg.reporting.team_activity(SINCE)
        assert team == TeamActivityReport() and team.teams == ()
        usage = await bg.reporting.license_usage(SINCE)
        assert usage == LicenseUsageReport() and usage.intervals == ()
        assert [s async for s in bg.reporting.support_sessions(SINCE)] == []
        since = datetime(2026, 1, 1, tzinfo=UTC)
        windowed = bg.reporting.support_sessions(
            since, since + timedelta(days=3), window=timedelta(days=1)
        )
        assert [s async for s in windowed] == []
        with pytest.raises(BomgarNoDataError) as caught:
            await bg.reporting.support_session("0123456789abcdef")
    assert caught.value.message == RENDERED[locale]
    assert caught.value.action == "SupportSession"
    assert len(fake.requests) == 4 + 2 + 1 + 3 + 1  # each answered once, never retried


async def test_no_data_inside_the_report_root_is_empty_too() -> None:
    body = f"<session_summary_list {NS}><error>{RECORDED[0]}</error></session_summary_list>"
    bg, _ = client(body.encode())
    async with bg:
        assert await bg.reporting.support_session_listing(SINCE) == []
    inside = f"<session_list {NS}>\n<error>{RENDERED['it']}</error>\n</session_list>"
    bg, _ = client(inside.encode())
    async with bg:
        assert [s async for s in bg.reporting.support_sessions(SINCE)] == []
        assert [s async for s in bg.pra.access_sessions(SINCE)] == []


async def test_the_clients_own_patterns_are_used() -> None:
    bg, _ = client(error_root("Rien à signaler"), no_data_messages=["rien a signaler"])
    async with bg:
        assert await bg.reporting.support_session_listing(SINCE) == []
        assert [s async for s in bg.reporting.support_sessions(SINCE)] == []
    bg, _ = client(error_root("Rien à signaler"))
    async with bg:
        with pytest.raises(BomgarAPIError) as caught:
            await bg.reporting.support_session_listing(SINCE)
    assert type(caught.value) is BomgarAPIError


@pytest.mark.parametrize("message", ["Invalid lsid.", "Invalid time range", "Something odd"])
async def test_real_errors_still_raise_everywhere(message: str) -> None:
    bg, _ = client(error_root(message))
    async with bg:
        for call in LIST_CALLS.values():
            with pytest.raises(BomgarAPIError, match=re.escape(message)) as caught:
                await call(bg)
            assert not isinstance(caught.value, BomgarNoDataError)
        with pytest.raises(BomgarAPIError, match=re.escape(message)):
            await bg.reporting.team_activity(SINCE)
        with pytest.raises(BomgarAPIError, match=re.escape(message)):
            [s async for s in bg.reporting.support_sessions(SINCE)]
        with pytest.raises(BomgarAPIError) as single:
            await bg.reporting.support_session("0123456789abcdef")
        assert not isinstance(single.value, BomgarNoDataError)


async def test_credentials_errors_still_raise_their_class() -> None:
    bg, _ = client(error_root("Invalid credentials"))
    async with bg:
        with pytest.raises(BomgarAuthError):
            await bg.reporting.support_session_listing(SINCE)
        with pytest.raises(BomgarAuthError):
            [s async for s in bg.reporting.support_sessions(SINCE)]


async def test_the_recorded_archive_error_is_a_no_data_answer() -> None:
    body = (REAL / "rs-archive-error.xml").read_bytes()
    bg, _ = client(body)
    async with bg:
        assert await bg.reporting.support_session_listing(SINCE) == []
        with pytest.raises(BomgarNoDataError) as caught:
            await bg.reporting.support_session("0123456789abcdef")
    assert caught.value.message == "No archives found for the given search criteria."


def test_a_no_data_error_keeps_the_message_action_and_code() -> None:
    err = BomgarAPIError(RECORDED[0], action="SupportSession", code="4")
    converted = no_data_error(err)
    assert isinstance(converted, BomgarNoDataError)
    assert (converted.message, converted.action, converted.code) == (
        RECORDED[0],
        "SupportSession",
        "4",
    )
    assert no_data_error(converted) is converted


# Per locale, sentences the catalog must recognise (number, negation and apostrophe variants)
# and sentences that only contain such a phrase: whole sentences count, nothing before the
# negation (English) and nothing after the final word.
CATALOG_YES = [
    "No sessions matching your chosen criteria are available.",
    "Aucune session correspondant à vos critères ne sont disponibles.",
    "Aucune information correspondant à vos critères n'est pas disponible.",
    *(
        f"Aucune information correspondant à vos critères n{mark}est disponible."
        for mark in "\u2019\u2018\u02bc\u0060\u00b4\u2032"
    ),
    "Keine Sitzungen entsprechen den Kriterien, nichts verfügbar.",
    "No hay sesiones que coincidan con sus criterios disponibles.",
    "Ninguna sesión coincide con sus criterios, nada disponible.",
    "Non ci sono sessioni corrispondenti ai criteri disponibili.",
    "Nessuna sessione corrispondente ai criteri è disponibile.",
    "Não há sessões correspondentes aos critérios disponíveis.",
    "Nenhuma sessão correspondente aos critérios está disponível.",
    "Geen sessies gevonden voor deze criteria, niets beschikbaar.",
]
CATALOG_NO = [
    "Report failed: no data matching your chosen criteria is available",
    "No data matching your chosen criteria is available to this API account",
    "Archive store offline: no archives found for the given search criteria",
    "No archives found for the given search criteria; the archive store is offline",
    "Aucune information correspondant à vos critères n'est disponible pour ce compte.",
    "Keine Daten für die Kriterien verfügbar: Serverfehler.",
    "No hay datos con sus criterios disponibles: error interno.",
    "Nessun dato con i criteri disponibile: errore interno.",
    "Nenhum dado com os critérios disponível: erro interno.",
    "Geen gegevens voor deze criteria beschikbaar: interne fout.",
]


@pytest.mark.parametrize("message", CATALOG_YES)
def test_the_catalog_recognises_each_locales_variants(message: str) -> None:
    assert is_no_data_message(message)


@pytest.mark.parametrize("message", CATALOG_NO)
def test_the_catalog_matches_whole_sentences_only(message: str) -> None:
    assert not is_no_data_message(message)


def test_the_matchers_errors_repr_and_own_errors() -> None:
    with pytest.raises(BomgarConfigError) as info:
        NoDataMatcher("nothing found")  # type: ignore[arg-type]
    assert str(info.value) == "no_data_messages must be a list of strings or patterns"
    with pytest.raises(BomgarConfigError) as info:
        NoDataMatcher([3])  # type: ignore[list-item]
    assert str(info.value) == (
        "no_data_messages items must be non-empty strings or re.Pattern, not 3"
    )
    matcher = NoDataMatcher(["nothing found", re.compile("leeg")])
    assert repr(matcher) == "NoDataMatcher(extra=2)"
    assert matcher.is_no_data(BomgarNoDataError("an already recognised answer"))
    assert not matcher.is_no_data(ValueError("nothing found"))
