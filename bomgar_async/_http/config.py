"""Reading the client's configuration: the appliance's base URL (pure)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..errors import BomgarConfigError

__all__ = ["base_url"]


def base_url(host: str, *, allow_http: bool) -> str:
    """``host`` (a hostname, ``host:port`` or a base URL) as ``scheme://host[:port][/prefix]``.

    HTTPS is the default; ``http://`` is refused unless ``allow_http`` is true. Credentials,
    queries and fragments in the URL are refused (a password must never sit in a URL).
    """
    if not isinstance(host, str) or not host.strip():
        raise BomgarConfigError("host must be a hostname, host:port or https:// URL")
    raw = host.strip()
    if any(ord(c) < 33 or c == "\x7f" for c in raw):
        raise BomgarConfigError(f"host must not contain spaces or control characters: {host!r}")
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        hostname = parts.hostname
        port = parts.port
    except ValueError as err:
        raise BomgarConfigError(f"invalid host URL {host!r}: {err}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BomgarConfigError(f"unsupported URL scheme {parts.scheme!r}: use https://")
    if scheme == "http" and not allow_http:
        raise BomgarConfigError(
            "plain http:// sends credentials unencrypted; pass allow_http=True to allow it"
        )
    if parts.username is not None or parts.password is not None:
        raise BomgarConfigError("do not put credentials in the host URL; use the keyword arguments")
    if parts.query or parts.fragment:
        raise BomgarConfigError("the host URL must not have a query or fragment")
    if not hostname:
        raise BomgarConfigError(f"no hostname in {host!r}")
    if ":" in hostname:  # IPv6 literal
        try:
            ipaddress.IPv6Address(hostname.split("%", 1)[0])
        except ValueError:
            raise BomgarConfigError(f"invalid IPv6 address in {host!r}") from None
        hostname = f"[{hostname}]"
    netloc = f"{hostname}:{port}" if port is not None else hostname
    prefix = parts.path.rstrip("/")
    return f"{scheme}://{netloc}{prefix}"
