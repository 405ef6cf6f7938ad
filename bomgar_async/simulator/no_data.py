"""The simulator's "no data" answers: what a real appliance sends when a report matches
nothing (HTTP 200, an ``<error>`` root holding one sentence in the appliance's language).

Which texts are recorded and which are the simulator's own: in English the session
("Support"), team ("Support Team") and vault account activity sentences are recorded from
real appliances, the others follow the same pattern; in French only the ending
("... correspondant à vos critères n'est disponible.", curly apostrophe) is recorded; the
German, Spanish, Italian, Portuguese and Dutch sentences are the simulator's renderings of the same
structure, not texts taken from an appliance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

__all__ = ["LOCALES", "no_data_message"]

_VAULT_EN = "No vault account activity matching your chosen criteria is available"

_SENTENCES: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "en": lambda name: (
            f"No {name} report information matching your chosen criteria is available."
        ),
        "fr": lambda name: (
            f"Aucune information de rapport ({name}) correspondant à vos critères "
            "n\u2019est disponible."
        ),
        "de": lambda name: (
            f"Keine Berichtsinformationen ({name}) entsprechend Ihren Kriterien verfügbar."
        ),
        "es": lambda name: (
            f"Ninguna información de informe ({name}) que coincida con sus criterios "
            "está disponible."
        ),
        "it": lambda name: (
            f"Nessuna informazione di report ({name}) corrispondente ai criteri scelti "
            "è disponibile."
        ),
        "pt": lambda name: (
            f"Nenhuma informação de relatório ({name}) correspondente aos seus critérios está "
            "disponível."
        ),
        "nl": lambda name: (
            f"Geen rapportinformatie ({name}) die aan uw criteria voldoet is beschikbaar."
        ),
    }
)
LOCALES: tuple[str, ...] = tuple(_SENTENCES)
"""The locales ``Simulator(locale=...)`` accepts."""

_REPORT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "SupportSession": "Support",
        "SupportSessionListing": "Support",
        "SupportSessionSummary": "Support",
        "SupportCustExitSurvey": "Customer Exit Survey",
        "SupportRepExitSurvey": "Representative Survey",
        "SupportTeam": "Support Team",
        "LicenseUsage": "License Usage",
        "AccessSession": "Access",
        "AccessSessionListing": "Access",
        "AccessSessionSummary": "Access",
        "Team": "Team",
        "VaultAccountActivity": "Vault Account Activity",
    }
)


def no_data_message(report: str, locale: str = "en") -> str:
    """The no-data sentence of ``report`` in ``locale`` (one of :data:`LOCALES`)."""
    if locale == "en" and report == "VaultAccountActivity":
        return _VAULT_EN
    return _SENTENCES[locale](_REPORT_NAMES.get(report, report))
