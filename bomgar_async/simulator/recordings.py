"""Recording downloads of the Reporting API: ``SupportSessionRecording``,
``ShowMyScreenRecording``, ``CommandShellRecording`` and ``PresentationRecording``.

A recording is a deterministic binary body (it starts with the FLV signature ``FLV\\x01``,
a few hundred KB, the same bytes for the same session, kind and instance), streamed with
``Content-Length`` and ``Content-Type: video/x-flv``. Recordings of sessions whose
``recording_expired`` is set answer the appliance's expiry ``<error>`` with HTTP 200; an
unknown session, a session without that recording or a bad instance answer an ``<error>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from aiohttp import web

from .files import stream_blocks
from .history import find_record
from .world import World

__all__ = [
    "EXPIRED_MESSAGE",
    "RECORDING_PERMISSIONS",
    "RECORDING_REPORTS",
    "RecordingError",
    "locate_recording",
    "recording_blocks",
    "recording_bytes",
    "recording_response",
    "recording_size",
]

RECORDING_REPORTS: Mapping[str, str] = MappingProxyType(
    {
        "SupportSessionRecording": "support_session",
        "ShowMyScreenRecording": "show_my_screen",
        "CommandShellRecording": "command_shell",
        "PresentationRecording": "presentation",
    }
)
"""``generate_report`` value -> recording kind."""
RECORDING_PERMISSIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        kind: (
            ("perm_view_presentation_reports", "view presentation session reports")
            if kind == "presentation"
            else ("perm_view_sd_recordings", "view support session recordings")
        )
        for kind in RECORDING_REPORTS.values()
    }
)
"""Recording kind -> (the permission it needs, what that permission allows), as the guide
says: presentation recordings need "permission to view presentation session reports", the
others "permission to view support session recordings"."""
EXPIRED_MESSAGE = "This recording has expired and can no longer be viewed or downloaded."
_BLOCK = 1 << 16
_HEADER = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"


class RecordingError(LookupError):
    """The recording cannot be served; ``str(err)`` is the appliance's ``<error>`` text."""


def _instance(kind: str, raw: str | int | None) -> int | None:
    if kind not in ("show_my_screen", "command_shell"):
        return None
    if raw is None or raw == "":
        raise RecordingError("Missing required parameter: instance.")
    text = str(raw)
    if not text.isdigit():
        raise RecordingError("Invalid instance.")
    return int(text)


def locate_recording(
    world: World, lsid: str, kind: str, instance: str | int | None = None
) -> int | None:
    """Check that the recording exists and can be downloaded; returns the instance number
    (``None`` for kinds without instances).

    Raises:
        RecordingError: with the message the appliance answers.
    """
    if not lsid:
        raise RecordingError("Missing required parameter: lsid.")
    number = _instance(kind, instance)
    if kind == "presentation":
        if lsid not in world.presentation_recordings:
            raise RecordingError("Invalid lsid.")
        if world.presentation_recordings[lsid]:
            raise RecordingError(EXPIRED_MESSAGE)
        return None
    record = find_record(world, lsid)
    if record is None:
        raise RecordingError("Invalid lsid.")
    count = {"show_my_screen": record.show_my_screen, "command_shell": record.command_shell}
    if kind == "support_session" and not (record.closed and record.session_recording):
        raise RecordingError("No recording is available for this session.")
    if number is not None and number >= count[kind]:
        raise RecordingError("Invalid instance.")
    if record.recording_expired:
        raise RecordingError(EXPIRED_MESSAGE)
    return number


def recording_size(lsid: str, kind: str, instance: int | None) -> int:
    """The size in bytes of a recording: 200 to 500 KB, fixed per session, kind, instance."""
    digest = hashlib.sha256(f"{lsid}/{kind}/{instance}".encode()).digest()
    return 200_000 + int.from_bytes(digest[:4], "big") % 300_000


def recording_blocks(lsid: str, kind: str, instance: int | None) -> Iterator[bytes]:
    """The recording's bytes, 64 KiB at a time."""
    size = recording_size(lsid, kind, instance)
    base = hashlib.sha256(f"recording/{lsid}/{kind}/{instance}".encode()).digest() * (_BLOCK // 32)
    sent, index = 0, 0
    while sent < size:
        block = (_HEADER if index == 0 else index.to_bytes(8, "big")) + base[16:]
        piece = block[: min(_BLOCK, size - sent)]
        yield piece
        sent += len(piece)
        index += 1


def recording_bytes(
    world: World, lsid: str, kind: str = "support_session", instance: int | None = None
) -> bytes:
    """The whole recording the server sends for this request (for tests).

    Raises:
        RecordingError: the server would answer an ``<error>`` instead (message included).
    """
    number = locate_recording(world, lsid, kind, instance)
    return b"".join(recording_blocks(lsid, kind, number))


async def recording_response(
    request: web.Request, world: World, lsid: str, kind: str, instance: int | None
) -> web.StreamResponse:
    """Stream a located recording (see :func:`locate_recording`)."""
    suffix = "" if instance is None else f"-{instance}"
    return await stream_blocks(
        request,
        recording_blocks(lsid, kind, instance),
        recording_size(lsid, kind, instance),
        content_type="video/x-flv",
        filename=f"{kind}-{lsid}{suffix}.flv",
    )
