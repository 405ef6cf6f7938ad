"""Every exception bomgar_async raises.

The tree::

    BomgarError
    ├── BomgarValidationError (also ValueError)   bad input, raised before any request
    ├── BomgarConfigError (also ValueError)       bad client configuration
    ├── BomgarClientClosed                        the client was used after close()
    ├── BomgarTransportError                      connection, TLS, dropped connection
    │   └── BomgarTimeoutError (also TimeoutError)
    ├── BomgarHTTPError                           a non-2xx HTTP status (.status)
    ├── BomgarProtocolError                       not XML, unexpected root, truncated body
    └── BomgarAPIError                            the appliance's <error> (.message, .action)
        ├── BomgarAuthError                       credentials rejected
        ├── BomgarPermissionError                 the API user lacks a permission
        └── BomgarNoDataError                     a report (or one item) matched nothing

No message built here ever contains a credential: the transport redacts URLs and
scrubs causes before they are attached (see ``bomgar_async._redact``).
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "BomgarAPIError",
    "BomgarAuthError",
    "BomgarClientClosed",
    "BomgarConfigError",
    "BomgarError",
    "BomgarHTTPError",
    "BomgarNoDataError",
    "BomgarPermissionError",
    "BomgarProtocolError",
    "BomgarTimeoutError",
    "BomgarTransportError",
    "BomgarValidationError",
]


class BomgarError(Exception):
    """Base class of every error raised by bomgar_async.

    Attributes:
        retryable: whether retrying the same read-only call may succeed (connection
            failures, timeouts, bodies cut short); never true for ``<error>`` answers.
    """

    retryable: bool = False


class BomgarValidationError(BomgarError, ValueError):
    """An argument is invalid; raised before any request is sent."""


class BomgarConfigError(BomgarError, ValueError):
    """The client was configured in a way that cannot work or is unsafe."""


class BomgarClientClosed(BomgarError):
    """The client was used after it was closed."""


class BomgarTransportError(BomgarError):
    """The request could not be completed: connection refused or dropped, TLS failure."""

    retryable = True


class BomgarTimeoutError(BomgarTransportError, TimeoutError):
    """The call did not complete within its timeout."""


class BomgarHTTPError(BomgarError):
    """The appliance answered with a non-2xx HTTP status.

    Attributes:
        status: the HTTP status code.
        retry_after: seconds from a ``Retry-After`` header, if one was sent.
    """

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BomgarProtocolError(BomgarError):
    """The answer is not what the API defines: not XML, an unexpected root, a truncated body."""


class BomgarAPIError(BomgarError):
    """The appliance answered with an ``<error>`` element (usually with HTTP 200).

    Attributes:
        message: the text of the ``<error>`` element, as the appliance sent it (stripped).
        action: the API action (or report) that was called, when known.
        code: the element's ``code`` attribute (newer appliances, e.g.
            ``authentication_failed``), ``None`` when absent.
    """

    def __init__(self, message: str, *, action: str | None = None, code: str | None = None) -> None:
        message = message.strip()
        super().__init__(f"{action}: {message}" if action else message)
        self.message = message
        self.action = action
        self.code = (code.strip() or None) if code is not None else None


class BomgarAuthError(BomgarAPIError):
    """The appliance rejected the credentials (or an OAuth token could not be obtained)."""


class BomgarPermissionError(BomgarAPIError):
    """The API user is not allowed to perform this action."""


class BomgarNoDataError(BomgarAPIError):
    """Nothing matched: the appliance's "no data" ``<error>`` (e.g. "No Support report
    information matching your chosen criteria is available.").

    Report calls that return lists or streams treat this answer as an empty report and
    never raise it; single-item calls (``bg.reporting.support_session(lsid)``) raise it, so
    callers can tell "nothing there" from a failure.
    """


# Classification picks the exception class only (a convenience): by the ``code`` attribute
# when the appliance sends one, else by words of the message in several languages (error
# texts are localized). An unrecognised error is a plain BomgarAPIError, never swallowed.
_AUTH_CODE_WORDS = ("authenticat", "credential", "login", "token", "unauthenticated")
_PERMISSION_CODE_WORDS = ("permission", "forbidden", "denied", "not_allowed", "unauthorized")
_AUTH_WORDS = (
    # en
    "invalid credentials",
    "login failed",
    "authenticat",
    "password",
    "username",
    # fr, de, es, it, pt, nl (accents removed)
    "identifiants",
    "authentification",
    "mot de passe",
    "anmeldung fehlgeschlagen",
    "anmeldedaten",
    "authentifizierung",
    "kennwort",
    "passwort",
    "credenciales",
    "autenticacion",
    "contrasena",
    "credenziali",
    "autenticazione",
    "credenciais",
    "autenticacao",
    "senha",
    "aanmelding mislukt",
    "wachtwoord",
    "authenticatie",
)
_PERMISSION_WORDS = (
    # en
    "permission",
    "not allowed",
    "access denied",
    "not authorized",
    # fr, de, es, it, pt, nl (accents removed)
    "autorisation",
    "acces refuse",
    "n'est pas autorise",
    "berechtigung",
    "zugriff verweigert",
    "nicht berechtigt",
    "permiso",
    "acceso denegado",
    "no autorizado",
    "permesso",
    "accesso negato",
    "non autorizzato",
    "permissao",
    "acesso negado",
    "nao autorizado",
    "toestemming",
    "geen toegang",
    "niet toegestaan",
)


def _fold(text: str) -> str:
    """Lower case without accents, curly apostrophes straightened."""
    plain = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _class_of_code(code: str | None) -> type[BomgarAPIError] | None:
    if not code:
        return None
    folded = _fold(code).replace("-", "_").replace(" ", "_")
    if any(word in folded for word in _PERMISSION_CODE_WORDS):
        return BomgarPermissionError
    if any(word in folded for word in _AUTH_CODE_WORDS):
        return BomgarAuthError
    return None


def _class_of_message(message: str) -> type[BomgarAPIError]:
    folded = _fold(message)
    if any(word in folded for word in _PERMISSION_WORDS):
        return BomgarPermissionError
    if any(word in folded for word in _AUTH_WORDS):
        return BomgarAuthError
    return BomgarAPIError


def api_error(
    message: str, *, action: str | None = None, code: str | None = None
) -> BomgarAPIError:
    """Build the most specific :class:`BomgarAPIError` for an ``<error>``: by its ``code``
    first (``authentication_failed`` -> :class:`BomgarAuthError`), by its text second."""
    cls = _class_of_code(code) or _class_of_message(message)
    return cls(message, action=action, code=code)
