"""``bg.backup``: the Backup API (``/api/backup.ns``, or ``/api/backup`` on newer
appliances), for nightly configuration backups."""

from __future__ import annotations

import os

from ._http.download import DownloadResult
from ._http.host import Host

__all__ = ["BACKUP_PATH", "BackupAPI"]

BACKUP_PATH = "/api/backup.ns"


class BackupAPI:
    """The Backup API of one appliance (the API user must be an administrator)."""

    def __init__(self, client: Host, *, path: str = BACKUP_PATH) -> None:
        self._client = client
        self.path = path

    async def download(self, dest: str | os.PathLike[str]) -> DownloadResult:
        """Download the appliance's configuration backup to ``dest``.

        The file is streamed to disk in chunks (memory does not grow with its size), written
        to a temporary file beside ``dest``, checked against ``Content-Length``, flushed and
        renamed into place only when complete: ``dest`` holds a complete backup or is left
        as it was (an existing file is only replaced by a complete new one). Retried from
        the start on connection errors, timeouts, 5xx and bodies cut short.

        Returns:
            A :class:`DownloadResult` (``path``, ``size``, ``sha256``).

        Raises:
            BomgarValidationError: ``dest`` is a directory or its folder does not exist.
            BomgarAuthError / BomgarPermissionError: the appliance answered ``<error>``
                (with HTTP 200), e.g. invalid credentials or a non-administrator.
            BomgarProtocolError: the body was cut short or was an HTML page.
            BomgarTransportError: the connection failed.
        """
        return await self._client.download(self.path, (), dest, label="backup")
