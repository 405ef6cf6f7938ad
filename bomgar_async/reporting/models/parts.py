"""Building blocks shared by the Reporting API's models: network endpoints, named
references (public site, Jumpoint, team), the participants of a session (customers,
representatives, teams) and exit-survey questions.

Nested participants are read tolerantly (a missing or unreadable id becomes ``None``), so
one odd participant never costs a whole session of a large report. Network addresses stay
the strings the appliance sent; :class:`Endpoint` parses them on request.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

import attrs

from ..._xml.common import is_blank
from ..._xml.core import (
    Node,
    attr,
    child,
    text,
)
from ..._xml.values import (
    bool_of,
    int_of,
    str_of,
    to_bool,
    to_int,
)

__all__ = [
    "CustomerInfo",
    "Endpoint",
    "NamedRef",
    "ParticipantRef",
    "SessionCustomer",
    "SessionRepresentative",
    "SessionTeam",
    "own_text",
]

_DIGITS = re.compile(r"[0-9]{1,18}")

_PLACEHOLDERS = frozenset({"unknown", "n/a", "none", "-"})


def own_text(node: Node) -> str | None:
    """The stripped text of an element itself (``None`` when empty or absent)."""
    value = text(node)
    if value is None:
        return None
    return value.strip() or None


@attrs.frozen(kw_only=True)
class Endpoint:
    """A network address as reported by the appliance, split into host and port.

    Built by :meth:`parse` from the strings of ``<public_ip>`` / ``<private_ip>``.
    """

    host: str
    port: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> Endpoint | None:
        """Parse ``ip``, ``ip:port``, ``[ipv6]``, ``[ipv6]:port`` or a bare IPv6 address.

        Args:
            value: the address text as the appliance sent it.

        Returns:
            The endpoint, or ``None`` for an absent, empty, placeholder (``Unknown``) or
            malformed value.
        """
        if value is None:
            return None
        value = value.strip()
        if not value or value.lower() in _PLACEHOLDERS:
            return None
        if value.startswith("["):
            host, closed, rest = value[1:].partition("]")
            if not closed or not host:
                return None
            if not rest:
                return cls(host=host)
            return cls._with_port(host, rest[1:]) if rest.startswith(":") else None
        if value.count(":") == 1:
            host, _, port = value.partition(":")
            return cls._with_port(host, port) if host else None
        return cls(host=value)

    @classmethod
    def _with_port(cls, host: str, port_text: str) -> Endpoint | None:
        if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            return None
        return cls(host=host, port=int(port_text))

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The host as an IP address (``None`` when it is a hostname)."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


class HasAddresses:
    """Parsed views of a participant's ``public_ip`` / ``private_ip`` (as real appliances send
    them: ``ip:port``, ``[ipv6]:port``, ``Unknown``)."""

    __slots__ = ()
    public_ip: str | None
    private_ip: str | None

    @property
    def public_endpoint(self) -> Endpoint | None:
        """``public_ip`` parsed (``None`` for ``Unknown`` or empty)."""
        return Endpoint.parse(self.public_ip)

    @property
    def private_endpoint(self) -> Endpoint | None:
        """``private_ip`` parsed (``None`` for ``Unknown`` or empty)."""
        return Endpoint.parse(self.private_ip)


@attrs.frozen(kw_only=True)
class NamedRef:
    """An element whose text is a name and whose ``id`` attribute identifies it:
    ``<public_site id="1">Default</public_site>``, ``<jumpoint>``, ``<primary_team>``."""

    id: int | None = None
    name: str | None = None

    @classmethod
    def of(cls, node: Node) -> NamedRef | None:
        """The reference, or ``None`` when the element is absent or entirely empty."""
        if is_blank(node):
            return None
        return cls(id=to_int(attr(node, "id")), name=own_text(node))


@attrs.frozen(kw_only=True)
class ParticipantRef:
    """A participant named by text with ``gsnumber`` and/or ``id`` attributes:
    ``<primary_customer gsnumber="22">Name</primary_customer>``,
    ``<primary_rep gsnumber="21" id="1">Admin</primary_rep>``."""

    name: str | None = None
    id: int | None = None
    gsnumber: int | None = None

    @classmethod
    def of(cls, node: Node) -> ParticipantRef | None:
        """The participant, or ``None`` when the element is absent or entirely empty."""
        if is_blank(node):
            return None
        return cls(
            name=own_text(node),
            id=to_int(attr(node, "id")),
            gsnumber=to_int(attr(node, "gsnumber")),
        )


def _numeric_id(value: str | None) -> int | None:
    # Only plain ASCII digits: int() would also take "+5", "5_0" or other scripts' digits.
    return int(value) if value is not None and _DIGITS.fullmatch(value) else None


@attrs.frozen(kw_only=True)
class CustomerInfo:
    """What the customer entered in the front-end survey, or what was set
    programmatically (``customer/info``).

    ``issue`` is the guide's "numeric ID of the issue or the representative" the customer
    selected (or that was set programmatically), as an ``int``; a value that is not a
    number leaves it ``None`` (never an error) and ``issue_text`` keeps the text as sent.
    """

    name: str | None = None
    company: str | None = None
    company_code: str | None = None
    issue: int | None = None
    details: str | None = None
    issue_text: str | None = None

    @classmethod
    def of(cls, node: Node) -> CustomerInfo | None:
        """The info, or ``None`` when ``<info>`` is absent or empty."""
        if not isinstance(node, Mapping):
            return None
        issue = str_of(node, "issue")
        return cls(
            name=str_of(node, "name"),
            company=str_of(node, "company"),
            company_code=str_of(node, "company_code"),
            issue=_numeric_id(issue),
            details=str_of(node, "details"),
            issue_text=issue,
        )


@attrs.frozen(kw_only=True)
class SessionCustomer(HasAddresses):
    """A customer of a session (``customer_list/customer``)."""

    gsnumber: int | None = None
    username: str | None = None
    public_ip: str | None = None
    private_ip: str | None = None
    hostname: str | None = None
    os: str | None = None
    primary_cust: bool | None = None
    info: CustomerInfo | None = None

    @classmethod
    def from_node(cls, node: Node) -> SessionCustomer:
        return cls(
            gsnumber=to_int(attr(node, "gsnumber")),
            username=str_of(node, "username"),
            public_ip=str_of(node, "public_ip"),
            private_ip=str_of(node, "private_ip"),
            hostname=str_of(node, "hostname"),
            os=str_of(node, "os"),
            primary_cust=bool_of(node, "primary_cust"),
            info=CustomerInfo.of(child(node, "info")),
        )


@attrs.frozen(kw_only=True)
class SessionRepresentative(HasAddresses):
    """A representative who took part in a session (``rep_list/representative``).

    ``embassy`` and ``invited`` are ``True`` only when the appliance sent them as ``1``
    (it omits them otherwise); ``display_name`` is the deprecated copy of
    ``private_display_name``.
    """

    gsnumber: int | None = None
    id: int | None = None
    username: str | None = None
    display_name: str | None = None
    public_display_name: str | None = None
    private_display_name: str | None = None
    display_number: int | None = None
    public_ip: str | None = None
    private_ip: str | None = None
    hostname: str | None = None
    os: str | None = None
    session_owner: bool | None = None
    primary_rep: bool | None = None
    seconds_involved: int | None = None
    embassy: bool = False
    invited: bool = False

    @classmethod
    def from_node(cls, node: Node) -> SessionRepresentative:
        return cls(
            gsnumber=to_int(attr(node, "gsnumber")),
            id=to_int(attr(node, "id")),
            username=str_of(node, "username"),
            display_name=str_of(node, "display_name"),
            public_display_name=str_of(node, "public_display_name"),
            private_display_name=str_of(node, "private_display_name"),
            display_number=int_of(node, "display_number"),
            public_ip=str_of(node, "public_ip"),
            private_ip=str_of(node, "private_ip"),
            hostname=str_of(node, "hostname"),
            os=str_of(node, "os"),
            session_owner=bool_of(node, "session_owner"),
            primary_rep=bool_of(node, "primary_rep"),
            seconds_involved=int_of(node, "seconds_involved"),
            embassy=bool_of(node, "embassy") is True,
            invited=bool_of(node, "invited") is True,
        )


@attrs.frozen(kw_only=True)
class SessionTeam:
    """A team the session belonged to (``team_list/team``)."""

    id: int | None = None
    name: str | None = None
    primary_team: bool | None = None

    @classmethod
    def from_node(cls, node: Node) -> SessionTeam:
        return cls(
            id=to_int(attr(node, "id")),
            name=own_text(node),
            primary_team=to_bool(attr(node, "primary_team")),
        )
