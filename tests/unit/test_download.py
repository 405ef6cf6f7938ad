"""Streaming a body to disk, chunk by chunk as a server may split it: what is saved, what is
refused (and with which message), and that a refusal leaves neither a file nor a temp file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path

import pytest

from bomgar_async import BomgarAPIError, BomgarProtocolError, BomgarValidationError
from bomgar_async._http.download import check_destination, stream_to_file
from bomgar_async._http.request import Headers
from bomgar_async._http.tempfiles import sweep_stale

ERROR = b'<?xml version="1.0"?><error>recording has expired</error>'


class Stream:
    """A streamed response delivering ``parts`` as separate chunks."""

    def __init__(self, parts: list[bytes], headers: dict[str, str]) -> None:
        self.status = 200
        self.headers = Headers(headers)
        self.parts = parts
        self.sizes: list[int] = []

    async def iter_chunks(self, size: int = 65536) -> AsyncGenerator[bytes, None]:
        self.sizes.append(size)
        for part in self.parts:
            yield part

    async def read(self) -> bytes:
        return b"".join(self.parts)


def opener(
    parts: list[bytes], headers: dict[str, str] | None = None
) -> tuple[Callable[[], contextlib.AbstractAsyncContextManager[Stream]], Stream]:
    stream = Stream(parts, headers or {})

    @contextlib.asynccontextmanager
    async def open_stream() -> AsyncIterator[Stream]:
        yield stream

    return open_stream, stream


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def bytewise(body: bytes) -> list[bytes]:
    return [body[i : i + 1] for i in range(len(body))]


async def download(tmp_path: Path, parts: list[bytes], **kwargs: object) -> Path:
    dest = tmp_path / "rec.flv"
    open_stream, _ = opener(parts, kwargs.pop("headers", None))  # type: ignore[arg-type]
    await stream_to_file(open_stream, dest, label="Recording", **kwargs)  # type: ignore[arg-type]
    return dest


@pytest.mark.parametrize(
    "body",
    [
        b"<h1>not a page, a text file that starts like one</h1>",
        b"<e-mail archive>\x00\x01",
        b"<?xm1 is no XML declaration at all",
        b"\xef\xbb\xbf\n\n<!doc: a note, not a doctype>",
        b"< html with a space is no tag",
    ],
)
async def test_a_file_that_only_starts_like_markup_is_saved_whole_one_byte_at_a_time(
    tmp_path: Path, body: bytes
) -> None:
    dest = await download(tmp_path, bytewise(body))
    assert dest.read_bytes() == body
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (ERROR, BomgarAPIError, "recording has expired"),
        (b"\xef\xbb\xbf" + ERROR, BomgarAPIError, "recording has expired"),
        (b" \t\r\n" + ERROR, BomgarAPIError, "recording has expired"),
        (b"<error>recording has expired</error>", BomgarAPIError, "recording has expired"),
        (b"<!DOCTYPE html><html><body>Log in</body></html>", BomgarProtocolError, "HTML page"),
        (b"<HTML><body>Log in</body></HTML>", BomgarProtocolError, "HTML page"),
        (b'<?xml version="1.0"?><session_list/>', BomgarProtocolError, "instead of a file"),
    ],
)
async def test_an_answer_that_is_markup_is_refused_however_it_is_split(
    tmp_path: Path, body: bytes, error: type[Exception], message: str
) -> None:
    for parts in (bytewise(body), [body]):
        dest = tmp_path / "rec.flv"
        dest.write_bytes(b"old")
        with pytest.raises(error, match=message):
            await download(tmp_path, parts)
        assert dest.read_bytes() == b"old"
        assert leftovers(tmp_path) == []


async def test_an_xml_file_is_saved_when_markup_is_allowed(tmp_path: Path) -> None:
    body = b'<?xml version="1.0"?>\n<brcs>script</brcs>'
    dest = await download(tmp_path, bytewise(body), allow_markup=True)
    assert dest.read_bytes() == body


@pytest.mark.parametrize("size", [(1 << 20) - 1, 1 << 20])
async def test_an_error_answer_up_to_one_mib_is_read_and_raised(tmp_path: Path, size: int) -> None:
    body = ERROR + b" " * (size - len(ERROR))
    assert len(body) == size
    with pytest.raises(BomgarAPIError, match="recording has expired"):
        await download(tmp_path, [body[:100], body[100:5000], body[5000:]])
    assert list(tmp_path.iterdir()) == []


async def test_an_error_answer_over_one_mib_is_refused_unread(tmp_path: Path) -> None:
    body = ERROR + b" " * ((1 << 20) + 1 - len(ERROR))
    with pytest.raises(BomgarProtocolError) as info:
        await download(tmp_path, [body[:100], body[100:]])
    assert str(info.value) == (
        "Recording: the appliance sent a document of more than 1048576 bytes "
        "that starts like XML/HTML instead of a file"
    )
    assert list(tmp_path.iterdir()) == []


async def test_secrets_in_an_error_answer_are_redacted(tmp_path: Path) -> None:
    body = b"<error>password hunter2 rejected</error>"
    with pytest.raises(BomgarAPIError) as info:
        await download(tmp_path, bytewise(body), secrets=("hunter2",))
    assert "hunter2" not in str(info.value)
    assert "password *** rejected" in str(info.value)


async def test_the_result_reports_what_was_written(tmp_path: Path) -> None:
    body = b"FLV\x01" + os.urandom(300_000)
    parts = [body[:1], body[1:70_000], b"", body[70_000:]]
    dest = tmp_path / "rec.flv"
    dest.write_bytes(b"old")
    open_stream, stream = opener(parts, {"content-type": "video/x-flv"})
    result = await stream_to_file(open_stream, dest, label="Recording")
    assert dest.read_bytes() == body
    assert result.path == dest
    assert result.size == len(body)
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    assert result.content_type == "video/x-flv"
    assert stream.sizes == [64 * 1024]  # read in 64 KiB chunks
    assert leftovers(tmp_path) == []


async def test_no_content_type_is_reported_as_none(tmp_path: Path) -> None:
    open_stream, _ = opener([b"FLV\x01data"])
    result = await stream_to_file(open_stream, tmp_path / "r.flv", label="Recording")
    assert result.content_type is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Length": "11"},
        {"content-length": " 11 "},
        {"Content-Length": "11", "Content-Encoding": "identity"},
        {"Content-Length": "11", "Content-Encoding": " Identity "},
        {"Content-Length": "11", "Content-Encoding": ""},
    ],
)
async def test_a_length_that_differs_from_what_arrived_fails_retryably(
    tmp_path: Path, headers: dict[str, str]
) -> None:
    with pytest.raises(BomgarProtocolError) as info:
        await download(tmp_path, [b"FLV\x01", b"data"], headers=headers)
    assert str(info.value) == "Recording: received 8 bytes of the 11 announced"
    assert info.value.retryable
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Length": "8"},
        {"Content-Length": "99", "Content-Encoding": "gzip"},  # the compressed size
        {"Content-Length": "abc"},
        {"Content-Length": "\u0661\u0662"},  # Arabic-Indic digits are no length
        {"Content-Length": "-8"},
        {},
    ],
)
async def test_a_length_that_cannot_be_checked_or_matches_is_accepted(
    tmp_path: Path, headers: dict[str, str]
) -> None:
    dest = await download(tmp_path, [b"FLV\x01", b"data"], headers=headers)
    assert dest.read_bytes() == b"FLV\x01data"


async def test_a_failing_validation_leaves_nothing_and_sees_the_whole_file(
    tmp_path: Path,
) -> None:
    seen: list[bytes] = []

    def validate(path: Path) -> None:
        seen.append(path.read_bytes())
        assert path.parent == tmp_path
        raise BomgarProtocolError("not a backup")

    dest = tmp_path / "rec.flv"
    dest.write_bytes(b"old")
    with pytest.raises(BomgarProtocolError, match="not a backup"):
        await download(tmp_path, [b"FLV\x01", b"data"], validate=validate)
    assert seen == [b"FLV\x01data"]
    assert dest.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


async def test_a_broken_stream_leaves_nothing(tmp_path: Path) -> None:
    class Broken(Stream):
        async def iter_chunks(self, size: int = 65536) -> AsyncGenerator[bytes, None]:
            yield b"FLV\x01" + b"x" * 100
            raise ConnectionResetError("reset")

    @contextlib.asynccontextmanager
    async def open_stream() -> AsyncIterator[Stream]:
        yield Broken([], {})

    dest = tmp_path / "rec.flv"
    with pytest.raises(ConnectionResetError):
        await stream_to_file(open_stream, dest, label="Recording")
    assert list(tmp_path.iterdir()) == []


def test_a_destination_name_must_leave_room_for_the_temp_file(tmp_path: Path) -> None:
    longest = 255 - len(".") - len(".12345678.part")
    assert check_destination(tmp_path / ("a" * longest)) == tmp_path / ("a" * longest)
    with pytest.raises(BomgarValidationError, match=f"at most {longest} bytes"):
        check_destination(tmp_path / ("a" * (longest + 1)))


@pytest.mark.parametrize("dest", ["", "a\x00b", 42, None])
def test_a_destination_that_is_no_path_is_refused(dest: object) -> None:
    with pytest.raises(BomgarValidationError):
        check_destination(dest)  # type: ignore[arg-type]


def test_a_destination_must_be_a_file_in_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(BomgarValidationError, match="is a directory"):
        check_destination(tmp_path)
    with pytest.raises(BomgarValidationError, match="does not exist"):
        check_destination(tmp_path / "missing" / "rec.flv")
    assert check_destination(str(tmp_path / "rec.flv")) == tmp_path / "rec.flv"


async def test_a_file_being_validated_survives_another_downloads_sweep(tmp_path: Path) -> None:
    swept: list[int] = []

    def validate(path: Path) -> None:
        swept.append(sweep_stale(path.parent, ".part"))  # another download starting meanwhile
        assert path.exists()

    dest = await download(tmp_path, [b"FLV\x01", b"data"], validate=validate)
    assert swept == [0]
    assert dest.read_bytes() == b"FLV\x01data"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("blank", [511, 512, 4096])
async def test_no_more_than_512_blank_bytes_are_buffered_before_deciding(
    tmp_path: Path, blank: int
) -> None:
    body = b"\n" * blank + b"FLV\x01" + b"x" * 100
    parts = [b"\n" * 64] * (blank // 64) + [b"\n" * (blank % 64), body[blank:]]
    if blank < 512:
        dest = await download(tmp_path, parts)
        assert dest.read_bytes() == body
    else:
        with pytest.raises(BomgarProtocolError) as info:
            await download(tmp_path, parts)
        assert str(info.value) == (
            "Recording: the appliance's answer starts with more than 511 blank bytes, not a file"
        )
        assert list(tmp_path.iterdir()) == []


async def test_a_blank_body_is_empty(tmp_path: Path) -> None:
    with pytest.raises(BomgarProtocolError) as info:
        await download(tmp_path, [b"\xef\xbb\xbf", b" \t\r\n" * 100])
    assert str(info.value) == "Recording: the appliance sent an empty body, not a file"


async def test_an_error_answer_names_the_download(tmp_path: Path) -> None:
    with pytest.raises(BomgarAPIError) as info:
        await download(tmp_path, bytewise(ERROR))
    assert info.value.action == "Recording"


async def test_the_file_and_then_its_folder_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    await download(tmp_path, [b"FLV\x01", b"data"])
    assert synced == ["file", "folder"]  # the data, then the rename itself


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_no_file_descriptor_stays_open_after_a_download_or_a_failure(
    tmp_path: Path,
) -> None:
    before = open_fds()
    await download(tmp_path, [b"FLV\x01", b"data"])
    assert open_fds() == before
    with pytest.raises(BomgarProtocolError):
        await download(tmp_path, [b"FLV\x01", b"data"], headers={"Content-Length": "99"})
    assert open_fds() == before


async def test_a_download_removes_stale_temp_files_beside_its_destination(
    tmp_path: Path,
) -> None:
    stale = tmp_path / ".rec.flv.k2j4h5g6.part"  # left by a killed download
    stale.write_bytes(b"half a recording")
    names: list[str] = []
    await download(tmp_path, [b"FLV\x01", b"data"], validate=lambda p: names.append(p.name))
    assert not stale.exists()
    assert leftovers(tmp_path) == []
    # its own temp file follows the pattern the next sweep recognises
    assert re.fullmatch(r"\.rec\.flv\.[a-z0-9_]{8}\.part", names[0])


def test_the_destination_errors_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(BomgarValidationError) as info:
        check_destination("")
    assert str(info.value) == "dest must be a file path"
    with pytest.raises(BomgarValidationError) as info:
        check_destination(str(tmp_path / "a\x00b"))
    assert str(info.value) == "dest is not a usable file path: embedded null byte"
    with pytest.raises(BomgarValidationError) as info:
        check_destination(tmp_path)
    assert str(info.value) == f"dest {str(tmp_path)!r} is a directory; name a file"
    with pytest.raises(BomgarValidationError) as info:
        check_destination(tmp_path / "missing" / "rec.flv")
    assert str(info.value) == (f"the folder of dest {str(tmp_path / 'missing')!r} does not exist")
