"""The ``get_api_info`` answer in its usual flat shape, read without building a tree (pure).

Monitoring calls ``get_api_info`` over and over; its answer is small and always has the same
flat shape::

    <?xml version="1.0" encoding="UTF-8"?>
    <api_information xmlns="..."><api_version>1.19.1</api_version>...
    <permissions><permission name="perm_admin">1</permission>...</permissions>
    <user_id>42</user_id><company_name>Example Corp</company_name></api_information>

:func:`flat_api_info` reads a body of exactly that shape with two regular-expression passes
and returns ``None`` for anything else, which then takes the general path
(:func:`~bomgar_async._xml.core.parse_element` and :func:`~.build_models.api_info_of`). The
shape is checked whole (one ``fullmatch``) before anything is read, and it admits only what
reads the same either way, so both paths build equal models:

- UTF-8, an optional ``<?xml version="1.0"?>`` declaration (encoding UTF-8 if named), no
  DOCTYPE (so no entity can be declared), comment, CDATA section, processing instruction or
  entity/character reference (no ``&`` at all), and only characters XML allows;
- the root ``<api_information>``, with at most a default ``xmlns="..."`` (its children then
  share its namespace: names are read locally either way);
- below it only elements without attributes holding text (or empty ones), and at most one
  ``<permissions>`` holding only ``<permission name="...">text</permission>`` elements;
  no ``<error>`` (an error answer takes the general path, which raises it) and no
  ``<permission>`` outside ``<permissions>``;
- no carriage return in a text and no tab or line break in an attribute (an XML parser
  normalizes those), and no ``>`` in a text (so no ``]]>``).

The document is three levels deep at most, far within ``MAX_DEPTH``. Bodies larger than
:data:`MAX_FLAT_BYTES` take the general path, which bounds the regular expressions' work.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from .._xml.values import to_datetime, to_int
from .appliance import ApiInfo

__all__ = ["MAX_FLAT_BYTES", "flat_api_info"]

MAX_FLAT_BYTES = 16 << 10
"""The largest body read here (an answer with a hundred permissions is under 8 KiB)."""

_S = r"[ \t\r\n]*"  # XML white space (not str.isspace's)
_TEXT = r"[^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*"
_VALUE = r'[^"<&\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*'
_READ = ("api_version", "timestamp", "permissions", "user_id", "company_name")
_PERMISSION = rf'<permission name="{_VALUE}"{_S}>{_TEXT}</permission{_S}>'
# Children the model does not read, after those it reads: text-only or empty, never an
# <error>, a <permission> or one of the children read (the first of each name counts).
_OTHER_NAME = (
    rf"(?!(?:error|permission|{'|'.join(_READ)})(?![A-Za-z0-9_.\-]))[A-Za-z_][A-Za-z0-9_.\-]*"
)


def _text_only(name: str) -> str:
    """The optional text-only (or empty) child ``name``, its text the group ``name``."""
    return rf"(?:{_S}<{name}{_S}(?:/>|>(?P<{name}>{_TEXT})</{name}{_S}>))?"


_DOCUMENT = re.compile(
    rf'(?:<\?xml version="1\.0"(?: encoding="[Uu][Tt][Ff]-8")?(?: standalone="(?:yes|no)")?'
    rf"{_S}\?>)?{_S}"
    rf'<api_information(?: xmlns="{_VALUE}")?{_S}>'
    + _text_only("api_version")
    + _text_only("timestamp")
    + rf"(?:{_S}<permissions{_S}(?:/>|>(?P<grants>(?:{_S}{_PERMISSION})*{_S})</permissions{_S}>))?"
    + _text_only("user_id")
    + _text_only("company_name")
    + rf"(?:{_S}<(?P<other>{_OTHER_NAME}){_S}(?:/>|>{_TEXT}</(?P=other){_S}>))*"
    rf"{_S}</api_information{_S}>{_S}"
)
_GRANTS = re.compile(rf'<permission name="({_VALUE})"{_S}>({_TEXT})</permission{_S}>')


def flat_api_info(body: bytes) -> ApiInfo | None:
    """The :class:`ApiInfo` of a ``get_api_info`` answer of the flat shape the module
    docstring describes, equal to what the general path builds; ``None`` for any other body."""
    if len(body) > MAX_FLAT_BYTES:
        return None
    try:
        document = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    shape = _DOCUMENT.fullmatch(document)
    if shape is None:
        return None
    version, stamp, grants, user, company = shape.group(
        "api_version", "timestamp", "grants", "user_id", "company_name"
    )
    # A grant without a name is skipped and the last of a name counts, as on the general path.
    found = {name: text.strip() for name, text in _GRANTS.findall(grants) if name} if grants else {}
    # Texts read as element_text reads them: stripped, None when blank.
    return ApiInfo(
        api_version=(version.strip() or None) if version else None,
        timestamp=to_datetime(stamp.strip() or None) if stamp else None,
        permissions=MappingProxyType(found),
        user_id=to_int(user),  # to_int strips, and reads blank as None
        company_name=(company.strip() or None) if company else None,
    )
