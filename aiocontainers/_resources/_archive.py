"""Tar archives for copying files into and out of containers, streamed both ways.

The daemon speaks tar for ``PUT``/``GET /containers/{id}/archive``. Here local
files become a tar stream without the archive ever being held in memory (the
blocking file reads run in a worker thread, a batch at a time), and a tar stream
from the daemon is extracted as it arrives, refusing any member that could
write outside the destination: absolute paths, ``..`` escapes, links whose
target lies outside the tree, and device files or FIFOs.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
import time
from collections.abc import AsyncIterable, AsyncIterator, Generator, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import anyio
import anyio.from_thread
import anyio.to_thread

from .._streams import aclose_source
from ..errors import DockerException, InvalidArgument, UnsafeArchiveError

__all__ = [
    "body_chunks",
    "check_member",
    "decode_path_stat",
    "extract_stream",
    "is_directory",
    "tar_bytes",
    "tar_path",
]

_READ_SIZE = 1 << 20
_END = object()


async def body_chunks(
    data: bytes | IO[bytes] | Iterable[bytes] | AsyncIterable[bytes],
) -> bytes | AsyncIterator[bytes]:
    """A request body from what docker-py's ``put_archive`` takes: bytes, a binary file
    object or a (sync) iterable of bytes, read in a worker thread; or an async iterable."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, AsyncIterable):
        return aiter(data)
    if hasattr(data, "read"):
        file = data

        async def read_file() -> AsyncIterator[bytes]:
            while chunk := await anyio.to_thread.run_sync(file.read, _READ_SIZE):
                yield chunk

        return read_file()
    if isinstance(data, Iterable) and not isinstance(data, str):
        chunks = iter(data)

        async def read_iterable() -> AsyncIterator[bytes]:
            while (chunk := await anyio.to_thread.run_sync(next, chunks, _END)) is not _END:
                yield bytes(chunk)  # type: ignore[call-overload]

        return read_iterable()
    raise InvalidArgument(
        f"data must be bytes, a binary file object or an iterable of bytes, got {data!r:.60}"
    )


BLOCK = tarfile.BLOCKSIZE
_DIR_BIT = 1 << 31  # Go's os.ModeDir, as the daemon reports a path's mode
_HAS_FILTERS = hasattr(tarfile, "data_filter")  # Python 3.10.12+, 3.11.4+


def decode_path_stat(header: str | None) -> dict[str, Any]:
    """The ``X-Docker-Container-Path-Stat`` header: base64 of a JSON object."""
    if not header:
        return {}
    try:
        stat: dict[str, Any] = json.loads(base64.b64decode(header))
    except ValueError as exc:
        raise DockerException(f"unreadable path stat header {header!r}: {exc}") from exc
    return stat


def is_directory(stat: dict[str, Any]) -> bool:
    """True when a path stat (see :func:`decode_path_stat`) describes a directory."""
    return bool(int(stat.get("mode", 0)) & _DIR_BIT)


# -- building archives --------------------------------------------------------


def _header(info: tarfile.TarInfo) -> bytes:
    return info.tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, "surrogateescape")


def _padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def tar_bytes(name: str, data: bytes, *, mode: int = 0o644) -> bytes:
    """A tar holding one regular file ``name`` with content ``data``, owned by root."""
    if not name or name.startswith("/") or ".." in Path(name).parts:
        raise InvalidArgument(f"archive member name must be a relative path, got {name!r}")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(time.time())
    return b"".join((_header(info), data, _padding(len(data)), b"\0" * (2 * BLOCK)))


def _walk(path: str, name: str) -> Iterator[tuple[str, str]]:
    yield path, name
    if os.path.isdir(path) and not os.path.islink(path):
        with os.scandir(path) as entries:
            children = sorted(entries, key=lambda entry: entry.name)
        for entry in children:
            yield from _walk(entry.path, f"{name}/{entry.name}")


def _iter_tar(src: str, arcname: str, chunk_size: int) -> Generator[bytes, None, None]:
    """Tar pieces for ``src`` (file or directory tree) stored as ``arcname``.

    Symlinks are stored as links, not followed; sockets are skipped. Owners
    become root, as ``docker cp`` does.
    """
    describer = tarfile.TarFile(fileobj=io.BytesIO(), mode="w", format=tarfile.PAX_FORMAT)
    try:
        for path, name in _walk(src, arcname):
            info = describer.gettarinfo(path, name)
            if info is None:
                continue
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            yield _header(info)
            if not info.isreg():
                continue
            remaining = info.size
            with open(path, "rb") as file:
                while remaining:
                    block = file.read(min(chunk_size, remaining))
                    if not block:
                        raise DockerException(f"{path} shrank while it was being archived")
                    remaining -= len(block)
                    yield block
            yield _padding(info.size)
        yield b"\0" * (2 * BLOCK)
    finally:
        describer.close()


def _next_batch(pieces: Iterator[bytes], chunk_size: int) -> bytes:
    """Join pieces until about ``chunk_size`` bytes (fewer thread hops for small files)."""
    batch: list[bytes] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= chunk_size:
            break
    return b"".join(batch)


async def tar_path(
    src: str | os.PathLike[str], arcname: str, *, chunk_size: int = 1 << 20
) -> AsyncIterator[bytes]:
    """Stream a tar of the local file or directory ``src``, stored under ``arcname``.

    Reading happens in a worker thread, about ``chunk_size`` bytes at a time,
    so memory stays bounded whatever the size of the tree.
    """
    pieces = _iter_tar(os.fspath(src), arcname, chunk_size)
    try:
        while chunk := await anyio.to_thread.run_sync(_next_batch, pieces, chunk_size):
            yield chunk
    finally:
        pieces.close()


# -- extracting archives ------------------------------------------------------


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_member(member: tarfile.TarInfo, dest: str) -> None:
    """Raise :class:`UnsafeArchiveError` unless ``member`` stays inside ``dest``.

    ``dest`` must be a resolved (real) path. Symlinks already extracted are
    followed when checking, so a member cannot escape through an earlier link.
    """
    name = member.name
    if os.path.isabs(name) or name.startswith(("/", "\\")):
        raise UnsafeArchiveError(name, "absolute path")
    if member.isdev():
        raise UnsafeArchiveError(name, "device file or FIFO")
    if not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
        raise UnsafeArchiveError(name, "unsupported member type")
    parent = os.path.realpath(os.path.join(dest, os.path.dirname(name.rstrip("/"))))
    target = os.path.join(parent, os.path.basename(name.rstrip("/")))
    if not _inside(os.path.normpath(target), dest) or target == dest:
        raise UnsafeArchiveError(name, "path escapes the destination")
    if member.issym():
        if os.path.isabs(member.linkname):
            raise UnsafeArchiveError(name, f"symlink to absolute path {member.linkname!r}")
        linked = os.path.realpath(os.path.join(parent, member.linkname))
        if not _inside(linked, dest):
            raise UnsafeArchiveError(name, f"symlink target {member.linkname!r} is outside")
    elif member.islnk():
        linked = os.path.realpath(os.path.join(dest, member.linkname))
        if os.path.isabs(member.linkname) or not _inside(linked, dest):
            raise UnsafeArchiveError(name, f"hard link target {member.linkname!r} is outside")


def _extract(source: IO[bytes], dest: str) -> None:
    """Extract a tar stream member by member, checking each before it is written."""
    root = os.path.realpath(dest)
    with tarfile.open(fileobj=source, mode="r|") as tar:
        for member in tar:
            check_member(member, root)
            if not _HAS_FILTERS:  # older Pythons: our own checks alone
                tar.extract(member, root)
                continue
            try:
                tar.extract(member, root, filter="data")
            except tarfile.FilterError as exc:
                raise UnsafeArchiveError(member.name, str(exc)) from exc


class _ThreadReader(io.RawIOBase):
    """A blocking file over an async iterator of chunks, for use in a worker thread.

    Each read that needs data runs the iterator's next step on the event loop
    (``anyio.from_thread.run``), so the host task's cancellation reaches it.
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buffer = b""
        self._ended = False

    def readable(self) -> bool:
        return True

    async def _next(self) -> bytes:
        return await self._chunks.__anext__()

    def readinto(self, target: Any) -> int:
        while not self._buffer and not self._ended:
            try:
                self._buffer = anyio.from_thread.run(self._next)
            except StopAsyncIteration:
                self._ended = True
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


async def extract_stream(chunks: AsyncIterable[bytes], dest: str | os.PathLike[str]) -> None:
    """Extract the tar arriving as ``chunks`` into the directory ``dest``, safely.

    The archive is never held whole: a worker thread extracts member by member,
    pulling chunks as it needs them. An unsafe member raises
    :class:`UnsafeArchiveError` naming it (members before it are already
    written). ``chunks`` is closed on every path, cancellation included.
    """
    iterator = aiter(chunks)
    reader = io.BufferedReader(_ThreadReader(iterator), 1 << 16)
    try:
        await anyio.to_thread.run_sync(_extract, reader, os.fspath(dest))
    except tarfile.TarError as exc:
        raise DockerException(f"bad archive from the daemon: {exc}") from exc
    finally:
        await aclose_source(iterator)
        if iterator is not chunks:
            await aclose_source(chunks)
