"""``<error code="...">``: the code is kept as ``BomgarAPIError.code``, picks the class before
the message does, and messages are classified in several languages; ``.message`` is stripped."""

from __future__ import annotations

import pytest

from bomgar_async import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarClient,
    BomgarPermissionError,
)
from bomgar_async._xml.core import parse_document
from bomgar_async.errors import api_error
from bomgar_async.reporting.session_stream import iter_sessions
from bomgar_async.testing import (
    FakeTransport,
    xml_response,
)

SRA = "http://www.beyondtrust.com/sra/namespaces/API/reporting"
RECORDED = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<error xmlns="{SRA}" code="authentication_failed">\n'
    "Authentication failed. Please check your credentials.\n</error>"
).encode()


def test_the_recorded_coded_error() -> None:
    with pytest.raises(BomgarAuthError) as caught:
        parse_document(RECORDED, action="AccessSession")
    err = caught.value
    assert err.code == "authentication_failed"
    assert err.message == "Authentication failed. Please check your credentials."
    assert err.action == "AccessSession"


def test_the_streaming_parser_keeps_the_code_too() -> None:
    with pytest.raises(BomgarAuthError) as caught:
        list(iter_sessions([RECORDED[:60], RECORDED[60:]]))
    assert caught.value.code == "authentication_failed"
    inner = b'<session_list><error code="x_unknown"> Odd </error></session_list>'
    with pytest.raises(BomgarAPIError) as odd:
        list(iter_sessions([inner]))
    assert (type(odd.value), odd.value.code, odd.value.message) == (
        BomgarAPIError,
        "x_unknown",
        "Odd",
    )


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        ("permission_denied", "Invalid credentials", BomgarPermissionError),  # code first
        ("authentication_failed", "Something happened", BomgarAuthError),
        ("invalid_token", "?", BomgarAuthError),
        ("forbidden", "?", BomgarPermissionError),
        ("some_new_code", "Invalid credentials", BomgarAuthError),  # unknown code: message
        ("some_new_code", "Invalid lsid.", BomgarAPIError),
        (None, "Invalid lsid.", BomgarAPIError),
        ("", "Login failed", BomgarAuthError),
    ],
)
def test_classification_by_code_then_message(
    code: str | None, message: str, expected: type[BomgarAPIError]
) -> None:
    err = api_error(message, code=code)
    assert type(err) is expected
    assert err.code == (code or None)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Identifiants invalides", BomgarAuthError),  # fr
        ("Échec de l\u2019authentification", BomgarAuthError),
        (
            "Vous n\u2019avez pas l\u2019autorisation d\u2019utiliser l\u2019API de rapports.",
            BomgarPermissionError,
        ),
        ("Anmeldung fehlgeschlagen", BomgarAuthError),  # de
        ("Keine Berechtigung für die Reporting-API.", BomgarPermissionError),
        ("Credenciales no válidas", BomgarAuthError),  # es
        ("Acceso denegado", BomgarPermissionError),
        ("Credenziali non valide", BomgarAuthError),  # it
        ("Accesso negato", BomgarPermissionError),
        ("Senha inválida", BomgarAuthError),  # pt
        ("Acesso negado", BomgarPermissionError),
        ("Wachtwoord onjuist", BomgarAuthError),  # nl
        ("Geen toegang tot de rapportage-API", BomgarPermissionError),
        ("Ungültige LSID.", BomgarAPIError),
    ],
)
def test_messages_in_several_languages(message: str, expected: type[BomgarAPIError]) -> None:
    assert type(api_error(message)) is expected


def test_message_is_stripped_and_code_defaults_to_none() -> None:
    err = BomgarAPIError("  Invalid lsid.\n", action="SupportSession")
    assert (err.message, err.code, str(err)) == (
        "Invalid lsid.",
        None,
        "SupportSession: Invalid lsid.",
    )


async def test_a_coded_error_through_the_client() -> None:
    body = '<error code="permission_denied">You may not do that</error>'
    fake = FakeTransport(lambda _request: xml_response(body))
    async with BomgarClient("h.example", username="u", password="p", transport=fake) as bg:
        with pytest.raises(BomgarPermissionError) as caught:
            await bg.command.get_api_info()
    assert caught.value.code == "permission_denied"
