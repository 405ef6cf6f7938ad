"""Sessions to rows and back (with :mod:`~bomgar_async.store.encode` and
:mod:`~bomgar_async.store.decode`): where the models' fields meet the tables.

A :class:`SessionCodec` maps one model class (a product's session) onto the tables of
:mod:`~bomgar_async.store.schema`; the stores only move rows. :class:`SupportSessionCodec`
maps Remote Support's :class:`~bomgar_async.reporting.models.SupportSession` (product
``rs``), :class:`AccessSessionCodec` Privileged Remote Access's
:class:`~bomgar_async.pra.models.AccessSession` (product ``pra``: no public site, Show My
Screen recordings or exit surveys). Both are registered with :func:`register_codec`; the
``product`` column tells the rows apart.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import BomgarValidationError
from ..pra.models import AccessSession
from ..reporting.models import SupportSession
from .decode import common_fields, named_of, recordings_of, surveys_of
from .encode import encode_common, encode_surveys, session_row
from .rows import Parts, Row, Rows, Values

__all__ = [
    "AccessSessionCodec",
    "SessionCodec",
    "SupportSessionCodec",
    "codec_for",
    "codec_of_product",
    "register_codec",
]


class SessionCodec(Protocol):
    """Maps one model class onto the session tables."""

    product: str
    model: type[Any]

    def encode(self, session: Any, rows: Rows, values: Values) -> None:
        """Append the rows of ``session`` to ``rows`` (the ``sessions`` row without its last
        two columns, ``revision`` and ``stored_at``, which the store sets)."""

    def decode(self, row: Row, parts: Parts, values: Values) -> Any:
        """The model of one ``sessions`` row and its parts."""


_CODECS: dict[type[Any], SessionCodec] = {}
_PRODUCTS: dict[str, SessionCodec] = {}


def register_codec(codec: SessionCodec) -> None:
    """Make ``codec`` the mapping of its model class and of its product."""
    _CODECS[codec.model] = codec
    _PRODUCTS[codec.product] = codec


def codec_for(session: object) -> SessionCodec:
    """The codec of ``session``'s class.

    Raises:
        BomgarValidationError: no codec maps that class.
    """
    codec = _CODECS.get(type(session))
    if codec is None:
        raise BomgarValidationError(f"no session store mapping for {type(session).__name__}")
    return codec


def codec_of_product(product: str) -> SessionCodec:
    """The codec of a stored ``product`` value."""
    try:
        return _PRODUCTS[product]
    except KeyError:
        raise BomgarValidationError(f"no session store mapping for product {product!r}") from None


class SupportSessionCodec:
    """Remote Support sessions (:class:`SupportSession`, product ``rs``)."""

    product = "rs"
    model: type[Any] = SupportSession

    def encode(self, session: Any, rows: Rows, values: Values) -> None:
        s: SupportSession = session
        rows.tables["sessions"].append(session_row(s, self.product, s.public_site, values))
        encode_common(s, rows, values, ("show_my_screen", "command_shell"))
        encode_surveys(s.lsid, "cust", s.cust_surveys, rows)
        encode_surveys(s.lsid, "rep", s.rep_surveys, rows)

    def decode(self, row: Row, parts: Parts, values: Values) -> Any:
        lsid = row[0]
        return SupportSession(
            **common_fields(row, parts, values),
            public_site=named_of(row[7], row[8]),
            show_my_screen_recordings=recordings_of(parts, lsid, "show_my_screen"),
            cust_surveys=surveys_of(parts, lsid, "cust"),
            rep_surveys=surveys_of(parts, lsid, "rep"),
        )


class AccessSessionCodec:
    """Privileged Remote Access sessions (:class:`AccessSession`, product ``pra``)."""

    product = "pra"
    model: type[Any] = AccessSession

    def encode(self, session: Any, rows: Rows, values: Values) -> None:
        s: AccessSession = session
        rows.tables["sessions"].append(session_row(s, self.product, None, values))
        encode_common(s, rows, values, ("command_shell",))

    def decode(self, row: Row, parts: Parts, values: Values) -> Any:
        return AccessSession(**common_fields(row, parts, values))


register_codec(SupportSessionCodec())
register_codec(AccessSessionCodec())
