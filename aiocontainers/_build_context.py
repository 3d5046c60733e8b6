"""Build contexts: ``.dockerignore`` rules as the Docker CLI applies them, and a streamed tar.

The pattern rules follow the legacy builder's CLI (docker 20.10,
``builder/dockerignore`` + ``pkg/fileutils`` + ``pkg/archive``), so a context
holds exactly the files ``docker build`` would send:

* ``.dockerignore`` lines: a leading UTF-8 BOM is dropped, lines starting with
  ``#`` are comments, surrounding whitespace is trimmed, ``!`` marks an
  exception, each pattern is cleaned like Go's ``filepath.Clean`` and a
  leading ``/`` is removed.
* Patterns: ``*`` matches within one path segment, ``?`` one character but
  ``/``, ``**`` any number of segments (including none), ``\\`` escapes,
  ``[...]`` is a character class.
  The last matching pattern decides; a pattern also matches a path when it
  matches the path's leading directories (``foo`` excludes ``foo/bar``).
* An excluded directory is still entered when an exception pattern lies
  below it; the Dockerfile and ``.dockerignore`` are always sent (the daemon
  drops them from ``COPY`` afterwards when they are ignored).

The tar is produced a batch at a time in a worker thread, so neither the
event loop blocks on file reads nor the archive is ever held whole.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tarfile
import time
import warnings
from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

import anyio.to_thread

from .errors import DockerException, InvalidArgument

__all__ = [
    "PatternMatcher",
    "build_context",
    "clean_path",
    "context_files",
    "dockerfile_bytes",
    "dockerfile_tar",
    "read_dockerignore",
    "tar_stream",
]

BLOCK = tarfile.BLOCKSIZE
CHUNK_SIZE = 1 << 20
_BOM = "\ufeff"


def clean_path(path: str) -> str:
    """The shortest equivalent of a slash-separated path, like Go's ``path.Clean``."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def read_dockerignore(text: str) -> list[str]:
    """The patterns of a ``.dockerignore`` file, normalized as the CLI does."""
    patterns: list[str] = []
    for number, raw in enumerate(text.split("\n")):
        line = raw.removesuffix("\r")
        if number == 0:
            line = line.removeprefix(_BOM)
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = clean_path(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


def _translate(pattern: str) -> re.Pattern[str]:
    """Docker's pattern language as a regular expression, quirks included.

    As in moby's matcher, only ``*``, ``?``, ``\\``, ``.`` and ``$`` are
    translated; every other character reaches the regular expression as is
    (so ``[a-z]`` is a class, and so, for better or worse, is ``(a|b)``).
    """
    out = ["^"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i == n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch in ".$":
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append("\\" + pattern[i])
                i += 1
            else:
                out.append("\\\\")
        else:
            out.append(ch)
    out.append(r"\Z")  # Go's "$": the very end, even before a newline
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile("".join(out))
    except re.error as exc:
        raise InvalidArgument(f"syntax error in .dockerignore pattern {pattern!r}: {exc}") from exc


@dataclass(frozen=True)
class _Pattern:
    text: str  # cleaned, without the leading "!"
    exclusion: bool
    depth: int  # number of path segments
    regex: re.Pattern[str]


class PatternMatcher:
    """Decides which context paths a list of ``.dockerignore`` patterns excludes."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: list[_Pattern] = []
        for raw in patterns:
            text = raw.strip()
            if not text:
                continue
            text = clean_path(text)
            exclusion = text.startswith("!")
            if exclusion:
                if len(text) == 1:
                    raise InvalidArgument('illegal exclusion pattern: "!"')
                text = text[1:]
            self.patterns.append(_Pattern(text, exclusion, len(text.split("/")), _translate(text)))
        self.has_exclusions = any(p.exclusion for p in self.patterns)

    def matches(self, path: str) -> bool:
        """True when ``path`` (slash-separated, relative to the context) is excluded."""
        path = clean_path(path)
        if path == ".":
            return False
        parent = path.rsplit("/", 1)[0] if "/" in path else "."
        parent_dirs = parent.split("/")
        matched = False
        for pattern in self.patterns:
            hit = pattern.regex.match(path) is not None
            if not hit and parent != "." and pattern.depth <= len(parent_dirs):
                hit = pattern.regex.match("/".join(parent_dirs[: pattern.depth])) is not None
            if hit:
                matched = not pattern.exclusion
        return matched

    def must_enter(self, directory: str) -> bool:
        """True when an exception pattern may re-include something below ``directory``."""
        prefix = directory + "/"
        return any(p.exclusion and (p.text + "/").startswith(prefix) for p in self.patterns)


def _keep_build_files(patterns: list[str], dockerfile: str) -> list[str]:
    """Append exceptions so ``.dockerignore`` and the Dockerfile always reach the daemon."""
    kept = list(patterns)
    for name in (".dockerignore", dockerfile):
        if PatternMatcher(kept).matches(name):
            kept.append("!" + name)
    return kept


def context_files(root: str, patterns: Sequence[str], dockerfile: str) -> Iterator[str]:
    """The relative paths (slash-separated, walk order) ``docker build`` sends from ``root``.

    Directories come before their contents; symlinks are listed, never followed.
    """
    matcher = PatternMatcher(_keep_build_files(list(patterns), dockerfile))

    def walk(directory: str, relative: str) -> Iterator[str]:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            raise DockerException(f"cannot read build context {directory}: {exc}") from exc
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            if matcher.matches(name):
                if is_dir and matcher.has_exclusions and matcher.must_enter(name):
                    yield from walk(entry.path, name)
                continue
            yield name
            if is_dir:
                yield from walk(entry.path, name)

    yield from walk(root, "")


# -- tar ----------------------------------------------------------------------


def _header(info: tarfile.TarInfo) -> bytes:
    return info.tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, "surrogateescape")


def _padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def _file_member(name: str, data: bytes) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = int(time.time())
    return _header(info) + data + _padding(len(data))


def _iter_members(
    root: str,
    names: Iterable[str],
    extra: Sequence[tuple[str, bytes]],
    read_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """Tar pieces for ``names`` under ``root`` plus in-memory ``extra`` files, owned by root."""
    links: dict[tuple[int, int], str] = {}
    for name in names:
        path = os.path.join(root, name)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue  # vanished while walking, as the CLI tolerates
        mode = st.st_mode
        info = tarfile.TarInfo(name)
        info.mode = stat.S_IMODE(mode)
        info.mtime = int(st.st_mtime)
        info.uname = info.gname = ""
        if stat.S_ISDIR(mode):
            info.type = tarfile.DIRTYPE
        elif stat.S_ISLNK(mode):
            info.type = tarfile.SYMTYPE
            info.linkname = os.readlink(path)
        elif stat.S_ISREG(mode):
            key = (st.st_dev, st.st_ino)
            if st.st_nlink > 1 and key in links:
                info.type = tarfile.LNKTYPE
                info.linkname = links[key]
            else:
                links[key] = name
                info.size = st.st_size
        else:
            continue  # sockets, devices and FIFOs have no place in a build context
        yield _header(info)
        if info.type != tarfile.REGTYPE:
            continue
        remaining = info.size
        try:
            file = open(path, "rb")
        except OSError as exc:
            raise DockerException(f"cannot read {path} for the build context: {exc}") from exc
        with file:
            while remaining:
                block = file.read(min(read_size, remaining))
                if not block:
                    raise DockerException(f"{path} shrank while the build context was sent")
                remaining -= len(block)
                yield block
        yield _padding(info.size)
    for name, data in extra:
        yield _file_member(name, data)
    yield b"\0" * (2 * BLOCK)


def _batched(pieces: Iterator[bytes], size: int) -> Generator[bytes, None, None]:
    batch: list[bytes] = []
    total = 0
    try:
        for piece in pieces:
            batch.append(piece)
            total += len(piece)
            if total >= size:
                yield b"".join(batch)
                batch, total = [], 0
        if batch:
            yield b"".join(batch)
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()  # closes the file being read, if any


async def tar_stream(
    pieces: Iterator[bytes], chunk_size: int = CHUNK_SIZE
) -> AsyncIterator[bytes]:
    """Drive a blocking generator of tar pieces in worker threads, ``chunk_size`` at a time."""
    batches = _batched(pieces, chunk_size)
    try:
        while chunk := await anyio.to_thread.run_sync(next, batches, b""):
            yield chunk
    finally:
        batches.close()


def build_context(
    path: str | os.PathLike[str],
    dockerfile: str | None = None,
    *,
    extra: Sequence[tuple[str, bytes]] = (),
    chunk_size: int = CHUNK_SIZE,
) -> AsyncIterator[bytes]:
    """Stream the tar ``docker build`` would send for the directory ``path``.

    ``dockerfile`` is the Dockerfile's path relative to the context (default
    ``Dockerfile``); ``extra`` adds in-memory files, e.g. a Dockerfile given as
    text. Reading ``.dockerignore`` and walking the tree happen in the worker
    thread along with the file reads.
    """
    root = os.fspath(path)
    relative = clean_path((dockerfile or "Dockerfile").replace(os.sep, "/"))
    # A Dockerfile from outside the context travels in ``extra``: the ``.dockerignore``
    # sent then also names it (and itself, when there was none), so the daemon drops both
    # before ``COPY .`` sees them, as docker-py does.
    outside = any(name == relative for name, _ in extra)

    def pieces() -> Iterator[bytes]:
        try:
            with open(os.path.join(root, ".dockerignore"), "rb") as file:
                patterns = read_dockerignore(file.read().decode("utf-8", "surrogateescape"))
        except FileNotFoundError:
            patterns = []
        except OSError as exc:
            raise DockerException(f"cannot read {root}/.dockerignore: {exc}") from exc
        names: Iterable[str] = context_files(root, patterns, relative)
        added = extra
        if outside:
            ignored = "\n".join([*(patterns or [".dockerignore"]), relative]).encode()
            names = (name for name in names if name != ".dockerignore")
            added = [*extra, (".dockerignore", ignored)]
        yield from _iter_members(root, names, added, chunk_size)

    if not os.path.isdir(root):
        raise InvalidArgument(f"build context {root!r} is not a directory")
    return tar_stream(pieces(), chunk_size)


def dockerfile_bytes(dockerfile: IO[bytes] | IO[str] | bytes | str) -> bytes:
    """A Dockerfile's bytes; an in-memory file's whole buffer wherever its position is (a
    ``BytesIO`` can build twice, as with docker-py)."""
    if isinstance(dockerfile, (io.BytesIO, io.StringIO)):
        data: bytes | str = dockerfile.getvalue()
    else:
        data = dockerfile if isinstance(dockerfile, (bytes, str)) else dockerfile.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def dockerfile_tar(dockerfile: IO[bytes] | IO[str] | bytes | str) -> bytes:
    """A context holding just ``Dockerfile``, from a file object or the Dockerfile text."""
    data = dockerfile_bytes(dockerfile)
    buffer = io.BytesIO()
    buffer.write(_file_member("Dockerfile", data))
    buffer.write(b"\0" * (2 * BLOCK))
    return buffer.getvalue()
