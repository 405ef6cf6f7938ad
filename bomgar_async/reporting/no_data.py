"""Recognising the appliance's "no data" answers (pure).

When a report matches nothing, real appliances do not send an empty ``<session_list/>``:
they answer HTTP 200 with an ``<error>`` root whose only content is a sentence in the
appliance's language, for example ``No Support report information matching your chosen
criteria is available.`` The answer carries no code or attribute that tells it apart from a
real failure, so this is the one place where the SDK decides control flow from an error's
*text*. Everywhere else (credentials, permissions, unknown errors) the text only picks the
exception class, and an unrecognised text always raises.

The catalog :data:`NO_DATA_PATTERNS` holds, per locale, regular expressions over the
*normalised* message (:func:`normalise`: accents removed, case folded, curly apostrophes
straightened, whitespace collapsed, final full stop dropped), so the report's name may vary
inside the sentence. Provenance, by locale:

- ``en``: recorded texts (Remote Support session and team reports, PRA vault activity,
  the archive listing's "No archives found for the given search criteria.").
- ``fr``: the recorded ending "... correspondant à vos critères n'est disponible." (sent
  with a curly apostrophe); the
  beginning of the sentence is not recorded, so any beginning is accepted.
- ``de``, ``es``, ``it``, ``pt``, ``nl``: no recorded text was found; these patterns match
  the sentence's *structure* (a negation, the word for "criteria", and the word for
  "available" at the end), not a known translation.

Add your own with ``BomgarClient(..., no_data_messages=[...])`` (plain texts, matched as
normalised substrings, or compiled regular expressions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from ..errors import (
    BomgarAPIError,
    BomgarAuthError,
    BomgarConfigError,
    BomgarNoDataError,
    BomgarPermissionError,
)

__all__ = [
    "NO_DATA_PATTERNS",
    "NoDataMatcher",
    "is_no_data_message",
    "no_data_error",
    "normalise",
]

NO_DATA_PATTERNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "en": (
            r"^no\b.{0,120} matching your chosen criteria (?:is|are) available$",
            r"^no\b.{0,80} found for the given search criteria$",
        ),
        "fr": (r"correspondant a vos criteres (?:n'est|ne sont) (?:pas )?disponibles?$",),
        "de": (r"\bkein(?:e|en|er|es)?\b.{0,160}kriterien\b.{0,80}\bverfugbar$",),
        "es": (r"\b(?:ningun[ao]?|no)\b.{0,160}\bcriterios\b.{0,80}\bdisponibles?$",),
        "it": (r"\b(?:nessun[ao]?|non)\b.{0,160}\bcriteri\b.{0,80}\bdisponibil[ei]$",),
        "pt": (r"\b(?:nenhum[a]?|nao)\b.{0,160}\bcriterios\b.{0,80}\bdisponive(?:l|is)$",),
        "nl": (r"\bgeen\b.{0,160}\bcriteria\b.{0,80}\bbeschikbaar$",),
    }
)
"""Per locale, the no-data sentences as regular expressions over :func:`normalise`'s output."""

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032"})
_SPACES = re.compile(r"\s+")
_BUILT_IN = tuple(re.compile(p) for patterns in NO_DATA_PATTERNS.values() for p in patterns)


def normalise(message: str) -> str:
    """``message`` without accents, case-folded, apostrophes straightened, whitespace
    collapsed and a final full stop (or ``!``) removed."""
    # apostrophes first: NFKD turns the acute accent (U+00B4) into a space and a combining mark
    decomposed = unicodedata.normalize("NFKD", message.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = _SPACES.sub(" ", plain.casefold()).strip()
    return folded.rstrip(".! ").strip()


class NoDataMatcher:
    """Decides whether an ``<error>`` answer means "nothing matched".

    Args:
        extra: more no-data messages: plain strings (matched as normalised substrings)
            or compiled regular expressions (searched in the stripped and the normalised
            message).

    Raises:
        BomgarConfigError: an item is neither a non-empty string nor a compiled pattern.
    """

    def __init__(self, extra: Iterable[str | re.Pattern[str]] = ()) -> None:
        if isinstance(extra, (str, bytes)) or not isinstance(extra, Iterable):
            raise BomgarConfigError("no_data_messages must be a list of strings or patterns")
        texts: list[str] = []
        patterns: list[re.Pattern[str]] = []
        for item in extra:
            if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                patterns.append(item)
            elif isinstance(item, str) and normalise(item):
                texts.append(normalise(item))
            else:
                raise BomgarConfigError(
                    f"no_data_messages items must be non-empty strings or re.Pattern, not {item!r}"
                )
        self._texts = tuple(texts)
        self._patterns = tuple(patterns)

    def matches(self, message: str) -> bool:
        """Whether ``message`` (an ``<error>`` text) is a no-data answer."""
        normal = normalise(message)
        if any(pattern.search(normal) for pattern in _BUILT_IN):
            return True
        if any(text in normal for text in self._texts):
            return True
        stripped = message.strip()
        return any(p.search(stripped) or p.search(normal) for p in self._patterns)

    def is_no_data(self, err: BaseException) -> bool:
        """Whether ``err`` is the appliance's no-data answer (never for credential or
        permission errors)."""
        if isinstance(err, BomgarNoDataError):
            return True
        if not isinstance(err, BomgarAPIError):
            return False
        if isinstance(err, (BomgarAuthError, BomgarPermissionError)):
            return False
        return self.matches(err.message)

    def __repr__(self) -> str:
        return f"NoDataMatcher(extra={len(self._texts) + len(self._patterns)})"


def no_data_error(err: BomgarAPIError) -> BomgarNoDataError:
    """``err`` as a :class:`BomgarNoDataError` (the same message and action)."""
    if isinstance(err, BomgarNoDataError):
        return err
    return BomgarNoDataError(err.message, action=err.action, code=err.code)


def is_no_data_message(message: str, extra: Iterable[str | re.Pattern[str]] = ()) -> bool:
    """Whether ``message`` is a no-data answer (the catalog plus ``extra``)."""
    return NoDataMatcher(extra).matches(message)
