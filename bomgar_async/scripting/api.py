"""``bg.scripting``: the Client Scripting API (``/api/client_script.ns``, or
``/api/client_script`` on newer appliances: the client's ``client_script_path``).

``url()`` builds the link a representative opens to get a BRCS file (no credentials are
involved: the file runs in the representative's own console); ``download()`` fetches that
file, checks that it is a valid BRCS script (``bomgar_async.brcs``) before it appears at
``dest``, and returns a :class:`DownloadResult`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import brcs
from .._http.download import DownloadResult
from .._http.host import Host
from ..errors import BomgarProtocolError
from .params import (
    CLIENT_SCRIPT_PATH,
    api_url,
    client_script_params,
)

__all__ = ["ScriptingAPI"]


def _check_brcs(path: Path) -> None:
    try:
        brcs.parse(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, brcs.BRCSError) as err:
        raise BomgarProtocolError(
            f"client_script: the appliance's file is not BRCS: {err}"
        ) from err


class ScriptingAPI:
    """The Client Scripting API of one appliance."""

    def __init__(self, client: Host, *, path: str = CLIENT_SCRIPT_PATH) -> None:
        self._client = client
        self.path = path

    def url(self, action: str, /, **params: object) -> str:
        """The client scripting URL for ``action`` (``type=rep&operation=generate``).

        Args:
            action: ``start_pinned_client_session``, ``generate_session_key``,
                ``push_and_start_local``, ``start_vpro_session``, ``login`` (no password) or
                ``delete_script_file``.
            **params: the action's parameters (e.g. ``search_string=...``,
                ``external_key=...`` for ``session.custom.external_key``).

        Raises:
            BomgarValidationError: unknown action or parameter, a missing required one, or
                a value over its length limit.
        """
        return api_url(self._client.base_url, self.path, client_script_params(action, **params))

    async def download(
        self, action: str, dest: str | os.PathLike[str], /, **params: object
    ) -> DownloadResult:
        """Download the BRCS file for ``action`` to ``dest`` (validated, then renamed in place).

        Raises:
            BomgarValidationError: as :meth:`url`, or a bad ``dest`` (nothing is sent).
            BomgarProtocolError: the answer is not a valid BRCS file (nothing is written).
            BomgarHTTPError / BomgarTransportError: the request failed.
        """
        query = client_script_params(action, **params)
        return await self._client.download(
            self.path,
            query,
            dest,
            label=f"client_script:{action}",
            authenticated=False,
            allow_markup=True,
            method="GET",
            validate=_check_brcs,
        )
