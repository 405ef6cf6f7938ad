"""Which path each API lives at (pure): the guide's ``.ns`` paths, or the suffix-less paths
current appliances document (``/api/command``, ``/api/reporting``, ``/api/backup``,
``/api/client_script``). The Session Generation API keeps ``/api/start_session.ns`` (no
suffix-less form is documented for it).

``api_paths="classic"`` (the default) picks the ``.ns`` paths, ``"modern"`` the suffix-less
ones; a path given explicitly (``reporting_path=...``) wins over the choice. Only the paths
listed here are accepted, so a typo fails at construction, not on the first call.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ..errors import BomgarConfigError

__all__ = [
    "API_PATH_STYLES",
    "BACKUP_PATHS",
    "CLIENT_SCRIPT_PATHS",
    "COMMAND_PATHS",
    "REPORTING_PATHS",
    "ApiPaths",
]

COMMAND_PATHS = ("/api/command.ns", "/api/command")
REPORTING_PATHS = ("/api/reporting.ns", "/api/reporting")
BACKUP_PATHS = ("/api/backup.ns", "/api/backup")
CLIENT_SCRIPT_PATHS = ("/api/client_script.ns", "/api/client_script")
_CHOICES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "command_path": COMMAND_PATHS,
        "reporting_path": REPORTING_PATHS,
        "backup_path": BACKUP_PATHS,
        "client_script_path": CLIENT_SCRIPT_PATHS,
    }
)
API_PATH_STYLES = ("classic", "modern")


@attrs.frozen
class ApiPaths:
    """The path of each API the client calls."""

    command: str
    reporting: str
    backup: str
    client_script: str

    @classmethod
    def choose(
        cls,
        style: str = "classic",
        *,
        command_path: str | None = None,
        reporting_path: str | None = None,
        backup_path: str | None = None,
        client_script_path: str | None = None,
    ) -> ApiPaths:
        """The paths for ``style``, with any explicit path overriding it.

        Raises:
            BomgarConfigError: an unknown style, or a path that is not one of the API's.
        """
        if style not in API_PATH_STYLES:
            raise BomgarConfigError(f"api_paths must be 'classic' or 'modern', not {style!r}")
        index = API_PATH_STYLES.index(style)
        given = {
            "command_path": command_path,
            "reporting_path": reporting_path,
            "backup_path": backup_path,
            "client_script_path": client_script_path,
        }
        chosen: dict[str, str] = {}
        for name, value in given.items():
            allowed = _CHOICES[name]
            if value is None:
                value = allowed[index]
            elif value not in allowed:
                raise BomgarConfigError(f"{name} must be one of {allowed}, not {value!r}")
            chosen[name.removesuffix("_path")] = value
        return cls(**chosen)
