"""The simulator's file-serving APIs: Backup (``/api/backup.ns``), Client Scripting
(``/api/client_script.ns``) and Session Generation (``/api/start_session.ns``).

Bodies are streamed in chunks (a 200 MB backup never sits in memory) and are deterministic
(:func:`backup_bytes` gives the same bytes, so tests can check a download's SHA-256). An
injected ``truncate`` fault cuts a streamed body in half and drops the connection, with the
full ``Content-Length`` announced, as a connection lost mid-download looks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from aiohttp import web

__all__ = [
    "BACKUP_PATH",
    "CLIENT_SCRIPT_PATH",
    "START_SESSION_PATH",
    "TRUNCATE_KEY",
    "TRUNCATE_XML_KEY",
    "backup_bytes",
    "backup_response",
    "client_script_response",
    "start_session_response",
    "stream_blocks",
]

BACKUP_PATH = "/api/backup.ns"
CLIENT_SCRIPT_PATH = "/api/client_script.ns"
START_SESSION_PATH = "/api/start_session.ns"


def _request_key(name: str) -> Any:
    """A typed request-storage key where aiohttp has them (3.12+), else the plain name."""
    factory = getattr(web, "RequestKey", None)
    return name if factory is None else factory(name, bool)


TRUNCATE_KEY: Any = _request_key("bomgar_async.truncate")
"""Set on the request by a ``truncate`` fault: streamed bodies stop halfway, connection dropped."""
TRUNCATE_XML_KEY: Any = _request_key("bomgar_async.truncate_xml")
"""Set by a ``truncate_xml`` fault: streamed bodies send their first half, correctly framed,
and reset it (a plain response still flagged afterwards is halved by the fault itself)."""
_BLOCK = 1 << 16
_SCRIPT_ACTIONS = {
    "start_pinned_client_session": ("search_string",),
    "generate_session_key": (),
    "push_and_start_local": ("hostname",),
    "start_vpro_session": ("target", "jumpoint"),
    "login": (),
    "delete_script_file": (),
}
_LOGIN_KEYS = ("mechanism", "username", "password")
_MECHANISM = "username_password"


def backup_blocks(seed: int, size: int) -> Iterator[bytes]:
    """The simulated backup of ``size`` bytes, 64 KiB at a time (deterministic per seed)."""
    base = hashlib.sha256(f"bomgar-backup-{seed}".encode()).digest() * (_BLOCK // 32)
    sent = 0
    index = 0
    while sent < size:
        block = index.to_bytes(8, "big") + base[8:]
        piece = block[: min(_BLOCK, size - sent)]
        yield piece
        sent += len(piece)
        index += 1


def backup_bytes(seed: int, size: int) -> bytes:
    """The whole simulated backup (for tests; the server streams it)."""
    return b"".join(backup_blocks(seed, size))


async def stream_blocks(
    request: web.Request, blocks: Iterator[bytes], size: int, *, content_type: str, filename: str
) -> web.StreamResponse:
    """Stream ``size`` bytes of ``blocks`` as an attachment with ``Content-Length``; cut in
    half (connection dropped) under a ``truncate`` fault, sent as a complete response of
    only the first half under ``truncate_xml``."""
    if request.get(TRUNCATE_XML_KEY):
        request[TRUNCATE_XML_KEY] = False  # done here: the fault must not halve it again
        half = b"".join(blocks)[: size // 2]
        disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return web.Response(body=half, content_type=content_type, headers=disposition)
    response = web.StreamResponse(
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        }
    )
    response.content_length = size
    await response.prepare(request)
    limit = size // 2 if request.get(TRUNCATE_KEY) else size
    written = 0
    for block in blocks:
        if written + len(block) > limit:
            await response.write(block[: limit - written])
            if request.transport is not None:
                request.transport.close()
            return response
        await response.write(block)
        written += len(block)
    await response.write_eof()
    return response


async def backup_response(
    request: web.Request, *, seed: int, size: int, hostname: str
) -> web.StreamResponse:
    """Stream the backup file (the caller has checked the administrator's credentials)."""
    return await stream_blocks(
        request,
        backup_blocks(seed, size),
        size,
        content_type="application/octet-stream",
        filename=f"{hostname}-backup.nsb",
    )


def _encode_pairs(action: str, pairs: list[tuple[str, str]]) -> str:
    return "&".join(
        [f"action={quote(action, safe='')}"]
        + [f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs]
    )


def _login_problem(params: dict[str, str]) -> str | None:
    """What is wrong with the request's login options, if anything (guide: ``action=login``)."""
    mechanism = params.get("mechanism")
    if mechanism is not None and mechanism != _MECHANISM:
        return f"mechanism must be {_MECHANISM}"
    given = [name for name in ("username", "password") if params.get(name)]
    if (mechanism is not None or given) and len(given) != 2:
        return f"login with mechanism={_MECHANISM} needs both username and password"
    return None


def _login_line(params: dict[str, str]) -> str:
    """The login command: the guide's ``mechanism=username_password`` with the username and
    password it then requires, or no options at all (the console's saved credentials)."""
    if params.get("username") and params.get("password"):
        return _encode_pairs(
            "login",
            [
                ("mechanism", _MECHANISM),
                ("username", params["username"]),
                ("password", params["password"]),
            ],
        )
    return "action=login"


def client_script_response(params: dict[str, str], *, site: str) -> web.Response:
    """A BRCS file for ``type=rep&operation=generate&action=...``, or an HTML error page.

    Every documented action is served, ``login`` and ``delete_script_file`` included. As the
    guide says, ``login`` and ``delete_script_file`` are added around the command. The login
    line carries ``mechanism=username_password`` only together with the ``username`` and
    ``password`` the guide then requires (taken from the request); without them it is a bare
    ``action=login``, which the guide defines as "log in with the saved credentials".
    """
    action = params.get("action", "")
    problem = None
    if params.get("type") != "rep" or params.get("operation") != "generate":
        problem = "type must be rep and operation must be generate"
    elif action not in _SCRIPT_ACTIONS:
        problem = f"unknown action {action!r}"
    else:
        missing = [name for name in _SCRIPT_ACTIONS[action] if not params.get(name)]
        problem = f"missing parameter {missing[0]}" if missing else _login_problem(params)
    if problem is not None:
        page = f"<!DOCTYPE html><html><body><h1>Invalid request</h1><p>{problem}</p></body></html>"
        return web.Response(status=400, text=page, content_type="text/html")
    lines = ["BRCS1.0", _login_line(params)]
    if action not in ("login", "delete_script_file"):
        skipped = ("type", "operation", "action", *_LOGIN_KEYS)
        pairs = [(key, value) for key, value in params.items() if key not in skipped]
        lines.append(_encode_pairs(action, pairs))
    lines.append("action=delete_script_file")
    body = ("\n".join(lines) + "\n").encode()
    return web.Response(
        body=body,
        content_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="bomgar-script.brcs-{site}"'},
    )


def start_session_response(params: dict[str, str]) -> web.Response:
    """The customer client download (a small binary), a click-to-chat page with
    ``c2cjs=1``, or an HTML error page when the start method is missing or ambiguous."""
    methods = [
        "rep" if params.get("id") and params.get("name") and not params.get("issue_menu") else "",
        "short_key" if params.get("short_key") else "",
        "issue" if params.get("issue_menu") == "1" else "",
    ]
    chosen = [m for m in methods if m]
    if len(chosen) != 1:
        page = "<!DOCTYPE html><html><body><h1>Unable to start a session</h1></body></html>"
        return web.Response(text=page, content_type="text/html")
    if params.get("c2cjs") == "1":
        page = (
            "<!DOCTYPE html><html><head><title>Chat</title></head>"
            f"<body><div id='chat' data-start='{chosen[0]}'>Connecting...</div></body></html>"
        )
        return web.Response(text=page, content_type="text/html")
    platform = params.get("platform", "winNT-64")
    body = b"MZ" + hashlib.sha256(repr(sorted(params.items())).encode()).digest() * 32
    return web.Response(
        body=body,
        content_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="bomgar-scc-{platform}.exe"'},
    )
