"""Tar helpers: streamed archiving of local trees and safe extraction of daemon archives."""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from aiocontainers._resources import _archive
from aiocontainers._resources._archive import (
    decode_path_stat,
    extract_stream,
    is_directory,
    tar_bytes,
    tar_path,
)
from aiocontainers.errors import DockerException, InvalidArgument, UnsafeArchiveError

pytestmark = pytest.mark.anyio


class Source:
    """An async iterator over ``data`` in small chunks that records being closed."""

    def __init__(self, data: bytes, chunk: int = 700, hang_after: int | None = None) -> None:
        self.data = data
        self.chunk = chunk
        self.hang_after = hang_after
        self.closed = False
        self.sent = 0

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._gen()

    async def _gen(self) -> AsyncIterator[bytes]:
        try:
            for pos in range(0, len(self.data), self.chunk):
                if self.hang_after is not None and self.sent >= self.hang_after:
                    await anyio.sleep_forever()
                self.sent += 1
                yield self.data[pos : pos + self.chunk]
        finally:
            self.closed = True


def make_tar(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buffer.getvalue()


def member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return info


async def collect(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


# -- path stat header ---------------------------------------------------------


def test_decode_path_stat_reads_base64_json() -> None:
    stat = {"name": "tmp", "size": 4096, "mode": (1 << 31) | 0o1777, "linkTarget": ""}
    header = base64.b64encode(json.dumps(stat).encode()).decode()
    assert decode_path_stat(header) == stat
    assert is_directory(decode_path_stat(header))
    assert not is_directory({"mode": 0o644})
    assert decode_path_stat(None) == {}


def test_decode_path_stat_rejects_garbage() -> None:
    with pytest.raises(DockerException, match="unreadable path stat"):
        decode_path_stat("not base64 json!")


# -- building -----------------------------------------------------------------


def test_tar_bytes_is_a_valid_single_file_archive() -> None:
    data = tar_bytes("dir/hello.txt", b"hello\n", mode=0o600)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        (info,) = tar.getmembers()
        assert (info.name, info.size, info.mode, info.uid) == ("dir/hello.txt", 6, 0o600, 0)
        extracted = tar.extractfile(info)
        assert extracted is not None
        assert extracted.read() == b"hello\n"


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../up", "a/../../b"])
def test_tar_bytes_refuses_non_relative_names(name: str) -> None:
    with pytest.raises(InvalidArgument):
        tar_bytes(name, b"x")


async def test_tar_path_streams_a_tree_that_tarfile_reads_back(tmp_path: Path) -> None:
    src = tmp_path / "tree"
    (src / "sub" / "empty").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"alpha")
    big = os.urandom(3 * 1024 * 1024 + 17)
    (src / "sub" / "big.bin").write_bytes(big)
    (src / "link").symlink_to("a.txt")
    chunks = [chunk async for chunk in tar_path(src, "copy", chunk_size=256 * 1024)]
    assert len(chunks) > 10  # streamed in pieces, not built whole
    assert max(len(chunk) for chunk in chunks) <= 2 * 256 * 1024
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
        infos = {info.name: info for info in tar.getmembers()}
        assert set(infos) == {
            "copy",
            "copy/a.txt",
            "copy/link",
            "copy/sub",
            "copy/sub/big.bin",
            "copy/sub/empty",
        }
        assert infos["copy/link"].issym() and infos["copy/link"].linkname == "a.txt"
        assert all(info.uid == 0 and info.gid == 0 for info in infos.values())
        big_file = tar.extractfile("copy/sub/big.bin")
        assert big_file is not None and big_file.read() == big


# -- extracting ---------------------------------------------------------------


async def test_round_trip_through_extract_stream(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "d").mkdir(parents=True)
    (src / "d" / "f.txt").write_text("content")
    (src / "rel").symlink_to("d/f.txt")
    (src / "hard").hardlink_to(src / "d" / "f.txt")
    data = await collect(tar_path(src, "out"))
    dest = tmp_path / "dest"
    dest.mkdir()
    source = Source(data, chunk=333)
    await extract_stream(source, dest)
    assert source.closed
    assert (dest / "out" / "d" / "f.txt").read_text() == "content"
    assert os.readlink(dest / "out" / "rel") == "d/f.txt"
    assert (dest / "out" / "hard").read_text() == "content"


UNSAFE = [
    ("absolute", member("/etc/evil"), b"x", "absolute path"),
    ("dotdot", member("a/../../evil"), b"x", "escapes"),
    ("hardlink", member("hl", tarfile.LNKTYPE, "../outside"), None, "outside"),
    ("chardev", member("tty", tarfile.CHRTYPE), None, "device"),
    ("blockdev", member("sda", tarfile.BLKTYPE), None, "device"),
    ("fifo", member("pipe", tarfile.FIFOTYPE), None, "FIFO"),
]


@pytest.mark.parametrize(
    ("bad", "data", "reason"),
    [pytest.param(m, d, r, id=i) for i, m, d, r in UNSAFE],
)
@pytest.mark.parametrize("filters", [True, False], ids=["with-filters", "own-checks-only"])
# own-checks-only simulates a Python without extraction filters; where they exist,
# unfiltered extraction warns (3.12+), which that Python would not.
@pytest.mark.filterwarnings("ignore:Python 3.14 will, by default, filter:DeprecationWarning")
async def test_unsafe_members_are_refused_and_named(
    tmp_path: Path,
    bad: tarfile.TarInfo,
    data: bytes | None,
    reason: str,
    filters: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_archive, "_HAS_FILTERS", filters and _archive._HAS_FILTERS)
    dest = tmp_path / "dest"
    dest.mkdir()
    archive = make_tar((member("ok.txt"), b"fine"), (bad, data), (member("after.txt"), b"no"))
    source = Source(archive)
    with pytest.raises(UnsafeArchiveError, match=reason) as info:
        await extract_stream(source, dest)
    assert info.value.member == bad.name
    assert bad.name in str(info.value)
    assert source.closed
    assert (dest / "ok.txt").read_bytes() == b"fine"
    assert not (dest / "after.txt").exists()
    assert not (tmp_path / "outside").exists() and not (tmp_path / "evil").exists()


async def test_member_cannot_escape_through_an_existing_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "door").symlink_to(outside)
    with pytest.raises(UnsafeArchiveError, match="through the symlink 'door'"):
        await extract_stream(Source(make_tar((member("door/x"), b"x"))), dest)
    assert list(outside.iterdir()) == []


async def test_symlink_inside_the_tree_is_allowed(tmp_path: Path) -> None:
    archive = make_tar(
        (member("d", tarfile.DIRTYPE), None),
        (member("d/f"), b"data"),
        (member("d/up", tarfile.SYMTYPE, "../d/f"), None),
    )
    await extract_stream(Source(archive), tmp_path)
    assert (tmp_path / "d" / "up").read_bytes() == b"data"


async def test_truncated_archive_is_an_error(tmp_path: Path) -> None:
    archive = make_tar((member("big"), b"y" * 50_000))
    with pytest.raises(DockerException, match="bad archive"):
        await extract_stream(Source(archive[:20_000]), tmp_path)


async def test_cancelling_extraction_stops_at_once_and_closes_the_source(
    tmp_path: Path,
) -> None:
    archive = make_tar((member("big"), os.urandom(200_000)))
    source = Source(archive, chunk=1000, hang_after=5)
    start = time.monotonic()
    with anyio.move_on_after(0.3) as scope:
        await extract_stream(source, tmp_path)
    assert scope.cancelled_caught
    assert time.monotonic() - start < 2
    assert source.closed


async def test_body_chunks_reads_what_docker_py_put_archive_takes() -> None:
    async def drain(body: bytes | AsyncIterator[bytes]) -> bytes:
        if isinstance(body, bytes):
            return body
        return b"".join([chunk async for chunk in body])

    assert await _archive.body_chunks(b"raw") == b"raw"
    large = await _archive.body_chunks(b"y" * 3_000_000)  # sliced: aiohttp warns on big bytes
    assert not isinstance(large, bytes) and await drain(large) == b"y" * 3_000_000
    assert await drain(await _archive.body_chunks(io.BytesIO(b"x" * 3_000_000))) == (
        b"x" * 3_000_000
    )
    generated = (bytes([n]) * 10 for n in range(3))
    assert await drain(await _archive.body_chunks(generated)) == b"\0" * 10 + b"\1" * 10 + (
        b"\2" * 10
    )
    assert await _archive.body_chunks("text, sent encoded") == b"text, sent encoded"
    with pytest.raises(InvalidArgument, match="iterable of bytes"):
        await _archive.body_chunks(12)  # type: ignore[arg-type]
