"""Tokens at rest in Redis: sealed with a key only the holders of the client secret can derive.

From the client secret, HKDF-SHA256 (salted with the appliance and the client id) derives 64
bytes: the first half names the Redis key (an HMAC, so the key cannot be guessed or linked to
an account without the secret), the second half is an AES-256-GCM key that encrypts the token
(a random 96-bit nonce per write; the key's name is authenticated with it, so a sealed token
moved to another key does not open). A reader of Redis without the secret sees neither which
account a key belongs to nor a usable token. Uses ``cryptography`` (the ``redis`` extra).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

import attrs

from .._http.tokens import TokenAccount

__all__ = ["Sealed", "Sealer"]

_VERSION = b"bgt1"


@attrs.frozen
class Sealed:
    """A token and the last milliseconds of its life in which it is refreshed early."""

    token: str = attrs.field(repr=False)
    early_ms: int


class Sealer:
    """Names and seals the tokens of one account under ``prefix``.

    Raises:
        ImportError: ``cryptography`` is not installed.
    """

    def __init__(self, account: TokenAccount, prefix: str) -> None:
        try:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        except ImportError as err:
            raise ImportError(
                "RedisTokenStore needs cryptography: pip install 'bomgar_async[redis]'"
            ) from err
        salt = hashlib.sha256(f"{account.appliance}\0{account.client_id}".encode()).digest()
        derived = HKDF(
            algorithm=hashes.SHA256(), length=64, salt=salt, info=b"bomgar_async token store"
        ).derive(account.client_secret.encode())
        digest = hmac.new(derived[:32], b"token key name", hashlib.sha256).hexdigest()[:40]
        self.name = f"{prefix}:token:{digest}"
        self.lease = f"{self.name}:lease"
        self._aead = AESGCM(derived[32:])

    def seal(self, token: str, early_ms: int) -> bytes:
        """The encrypted record of ``token``."""
        nonce = os.urandom(12)
        plain = json.dumps({"token": token, "early_ms": early_ms}).encode()
        return _VERSION + nonce + self._aead.encrypt(nonce, plain, self.name.encode())

    def open(self, raw: bytes | None) -> Sealed | None:
        """The token in ``raw``, or ``None`` if there is none or it does not open (another
        secret, another key, damaged)."""
        if not raw or not raw.startswith(_VERSION):
            return None
        from cryptography.exceptions import InvalidTag

        nonce, sealed = raw[4:16], raw[16:]
        try:
            doc = json.loads(self._aead.decrypt(nonce, sealed, self.name.encode()))
            return Sealed(str(doc["token"]), int(doc["early_ms"]))
        except (InvalidTag, ValueError, KeyError, TypeError):
            return None
