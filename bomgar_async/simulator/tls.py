"""TLS for the simulated appliance: a throw-away CA and a certificate for 127.0.0.1.

``trustme`` (the ``simulator`` extra) is imported only when TLS is asked for, so the plain
HTTP simulator works without it.
"""

from __future__ import annotations

import importlib
import ssl
from dataclasses import dataclass

__all__ = ["TLSContexts", "make_tls_contexts"]


@dataclass(frozen=True)
class TLSContexts:
    """The server's context (serving the generated certificate), a client context trusting
    it, and the CA certificate as PEM (for clients in other processes: ``--ca-bundle``)."""

    server: ssl.SSLContext
    client: ssl.SSLContext
    ca_pem: bytes = b""


def make_tls_contexts(host: str = "127.0.0.1") -> TLSContexts:
    """Generate a CA and a certificate for ``host`` (and ``localhost``).

    Raises:
        RuntimeError: ``trustme`` is not installed.
    """
    try:
        trustme = importlib.import_module("trustme")
    except ImportError as err:
        raise RuntimeError(
            "the simulator's TLS mode needs trustme: pip install 'bomgar_async[simulator]'"
        ) from err
    authority = trustme.CA()
    certificate = authority.issue_cert(host, "localhost")
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server)
    client = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    authority.configure_trust(client)
    return TLSContexts(server=server, client=client, ca_pem=authority.cert_pem.bytes())
