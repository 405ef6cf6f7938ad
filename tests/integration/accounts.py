"""The simulated appliance's accounts as ``BomgarClient`` keyword arguments (plain HTTP)."""

from __future__ import annotations

from typing import Any

ADMIN: dict[str, Any] = {"username": "admin", "password": "s3cret-admin", "allow_http": True}
OAUTH: dict[str, Any] = {
    "client_id": "api-client",
    "client_secret": "s3cret-oauth",
    "allow_http": True,
}
