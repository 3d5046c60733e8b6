"""Tar archives for copying files into and out of containers, streamed both ways.

The daemon speaks tar for ``PUT``/``GET /containers/{id}/archive``. Here local
files become a tar stream without the archive ever being held in memory (the
blocking file reads run in a worker thread, a batch at a time), and a tar stream
from the daemon is extracted as it arrives, as ``docker cp`` does (symlinks are
copied as symlinks, wherever they point), refusing any member that could write
outside the destination: absolute paths, ``..`` escapes, paths or hard links
that go through a symlink, hard links to outside the tree, device files and
FIFOs, and names the file system cannot hold.
"""

from __future__ import annotations

import base64
import errno
import io
import json
import os
import tarfile
import time
from collections.abc import AsyncIterable, AsyncIterator, Generator, Iterable, Iterator
from pathlib import Path, PurePosixPath
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
    data: str | bytes | bytearray | memoryview | IO[Any] | Iterable[Any] | AsyncIterable[Any],
) -> bytes | AsyncIterator[bytes]:
    """A request body from what docker-py's ``put_archive`` and ``images.load`` take: bytes
    or a str, a binary file object or a (sync) iterable of bytes, read in a worker thread;
    or an async iterable. Bytes over 1 MiB come as slices: aiohttp warns (a ResourceWarning)
    about sending a large body in one piece."""
    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, (bytes, bytearray, memoryview)):
        if len(data) <= _READ_SIZE:
            return bytes(data)
        view = memoryview(data)

        async def slices() -> AsyncIterator[bytes]:
            for start in range(0, len(view), _READ_SIZE):
                yield bytes(view[start : start + _READ_SIZE])

        return slices()
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
    """True when a path stat (see `decode_path_stat()`) describes a directory."""
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
    become root, as ``docker cp`` does. A local file that cannot be read raises
    `DockerException` naming it.
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
    except OSError as exc:
        where = exc.filename or src
        raise DockerException(f"cannot read {where} to copy it: {exc.strerror or exc}") from exc
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


def _parts(name: str) -> tuple[str, ...]:
    """The components of an archive path (``./`` and empty components dropped)."""
    return tuple(part for part in PurePosixPath(name).parts if part not in (".", "/"))


def _refuse_symlinks_on(dest: str, parts: tuple[str, ...], member: str, what: str) -> None:
    """Raise unless ``dest/parts...`` reaches no symlink, itself included.

    Nothing is ever written through a symlink, whether the archive made it or it was
    in ``dest`` already: that is how an archive would write outside the destination.
    """
    path = dest
    for depth, part in enumerate(parts, 1):
        path = os.path.join(path, part)
        if os.path.islink(path):
            through = "/".join(parts[:depth])
            raise UnsafeArchiveError(member, f"{what} goes through the symlink {through!r}")
        if not os.path.lexists(path):
            return


def check_member(member: tarfile.TarInfo, dest: str) -> None:
    """Raise `UnsafeArchiveError` unless extracting ``member`` into ``dest`` is safe.

    ``dest`` must be a resolved (real) path. Safe means: a relative path without
    ``..``, a regular file, directory, symlink or hard link (no devices or FIFOs),
    and neither the member's path nor a hard link's target reaching a symlink. A
    symlink itself may point anywhere, as ``docker cp`` copies it: creating one
    writes nothing through it, and no later member may go through it.
    """
    name = member.name
    if os.path.isabs(name) or name.startswith(("/", "\\")):
        raise UnsafeArchiveError(name, "absolute path")
    if member.isdev():
        raise UnsafeArchiveError(name, "device file or FIFO")
    if not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
        raise UnsafeArchiveError(name, "unsupported member type")
    parts = _parts(name)
    if not parts or ".." in parts:
        raise UnsafeArchiveError(name, "path escapes the destination")
    _refuse_symlinks_on(dest, parts, name, "path")
    if member.islnk():
        target = _parts(member.linkname)
        if os.path.isabs(member.linkname) or not target or ".." in target:
            raise UnsafeArchiveError(name, f"hard link target {member.linkname!r} is outside")
        _refuse_symlinks_on(dest, target, name, "hard link target")


# What tarfile's ``data`` filter sets: extracted files belong to whoever extracts them.
_NO_OWNER: dict[str, Any] = dict.fromkeys(("uid", "gid", "uname", "gname"))


def _without_owner(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo:
    """tarfile's ``tar`` filter (no setuid bits, no escapes), owned by whoever extracts."""
    member = tarfile.tar_filter(member, dest)
    return member.replace(**_NO_OWNER, deep=False)


_UNSAFE_ERRNOS = {
    errno.ENAMETOOLONG: "name too long",
    errno.ELOOP: "symlink loop",
    errno.EEXIST: "conflicts with an existing path",
    errno.ENOTDIR: "a parent in its path is not a directory",
    errno.EISDIR: "conflicts with an existing directory",
}


def _extract(source: IO[bytes], dest: str) -> None:
    """Extract a tar stream member by member, checking each before it is written."""
    root = os.path.realpath(dest)
    with tarfile.open(fileobj=source, mode="r|") as tar:
        for member in tar:
            if member.isdir() and not _parts(member.name):
                continue  # the archive's own root (``./``): that is ``dest``
            check_member(member, root)
            try:
                if _HAS_FILTERS:
                    tar.extract(member, root, filter=_without_owner)
                else:  # older Pythons: our own checks alone
                    tar.extract(member, root)
            except tarfile.FilterError as exc:
                raise UnsafeArchiveError(member.name, str(exc)) from exc
            except OSError as exc:
                reason = _UNSAFE_ERRNOS.get(exc.errno or 0)
                if reason is not None:
                    raise UnsafeArchiveError(member.name, reason) from exc
                raise DockerException(f"cannot write {member.name!r} in {dest}: {exc}") from exc


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

    The archive is never held whole: a worker thread extracts member by member, pulling chunks as
    it needs them. An unsafe member raises
    [`UnsafeArchiveError`][aiocontainers.errors.UnsafeArchiveError] naming it (members before it
    are already written). ``chunks`` is closed on every path, cancellation included.
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
