"""Extraction copies real trees as ``docker cp`` does and refuses every hostile archive.

Symlinks are created as they are, wherever they point: nothing is written through them.
What an attacker would use them for (a later member going through one, a hard link to
one) is refused, as is everything else that could write outside the destination.
"""

from __future__ import annotations

import errno
import io
import os
import tarfile
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from aiocontainers._resources import _archive
from aiocontainers._resources._archive import extract_stream
from aiocontainers.errors import DockerException, UnsafeArchiveError

pytestmark = pytest.mark.anyio


def info(
    name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "", mode: int = 0o644
) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = linkname
    member.mode = 0o755 if kind == tarfile.DIRTYPE else mode
    return member


def archive(*members: tarfile.TarInfo | tuple[tarfile.TarInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for item in members:
            member, data = item if isinstance(item, tuple) else (item, b"")
            member.size = len(data) if member.isreg() else 0
            tar.addfile(member, io.BytesIO(data) if member.isreg() else None)
    return buffer.getvalue()


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 512):
        yield data[start : start + 512]


def file(name: str, data: bytes = b"payload") -> tuple[tarfile.TarInfo, bytes]:
    return info(name), data


def symlink(name: str, target: str) -> tarfile.TarInfo:
    return info(name, tarfile.SYMTYPE, target)


def hardlink(name: str, target: str) -> tarfile.TarInfo:
    return info(name, tarfile.LNKTYPE, target)


# -- real trees copy whole ------------------------------------------------------------------------


async def test_absolute_and_outward_symlinks_are_copied_as_symlinks(tmp_path: Path) -> None:
    data = archive(
        info("bin", tarfile.DIRTYPE),
        file("bin/busybox", b"\x7fELF"),
        symlink("bin/[", "/bin/busybox"),
        info("etc", tarfile.DIRTYPE),
        symlink("etc/mtab", "/proc/mounts"),
        symlink("etc/up", "../../../outside"),
    )
    await extract_stream(chunks(data), tmp_path)
    assert os.readlink(tmp_path / "bin" / "[") == "/bin/busybox"
    assert os.readlink(tmp_path / "etc" / "mtab") == "/proc/mounts"
    assert os.readlink(tmp_path / "etc" / "up") == "../../../outside"
    assert (tmp_path / "bin" / "busybox").read_bytes() == b"\x7fELF"


async def test_a_symlink_loop_is_created_but_never_followed(tmp_path: Path) -> None:
    await extract_stream(chunks(archive(symlink("a", "b"), symlink("b", "a"))), tmp_path)
    assert os.readlink(tmp_path / "a") == "b" and os.readlink(tmp_path / "b") == "a"
    with pytest.raises(UnsafeArchiveError, match="through the symlink 'a'"):
        await extract_stream(chunks(archive(file("a/x"))), tmp_path)


async def test_the_archive_root_and_dot_prefixes_are_fine(tmp_path: Path) -> None:
    data = archive(info("./", tarfile.DIRTYPE), file("./x"), hardlink("./y", "./x"))
    await extract_stream(chunks(data), tmp_path)
    assert (tmp_path / "x").read_bytes() == (tmp_path / "y").read_bytes() == b"payload"


async def test_ownership_and_setuid_bits_are_not_kept(tmp_path: Path) -> None:
    member, data = file("tool")
    member.mode = 0o4777
    member.uid = member.gid = 4242
    await extract_stream(chunks(archive((member, data))), tmp_path)
    stat = (tmp_path / "tool").stat()
    if _archive._HAS_FILTERS:
        assert stat.st_mode & 0o7777 == 0o755
    assert stat.st_uid == os.geteuid()


def outside(root: Path, dest: Path) -> list[str]:
    """Every path under ``root`` but outside ``dest``."""
    return sorted(str(p) for p in root.rglob("*") if dest not in (p, *p.parents))


# -- hostile archives are refused -----------------------------------------------------------------

LONG = "n" * 300

HOSTILE: list[tuple[str, list[tarfile.TarInfo | tuple[tarfile.TarInfo, bytes]], str, str]] = [
    ("absolute path", [file("/tmp/evil")], "/tmp/evil", "absolute path"),
    ("backslash path", [file("\\evil")], "\\evil", "absolute path"),
    ("dot-dot", [file("../evil")], "../evil", "escapes"),
    ("inner dot-dot", [file("a/../../evil")], "a/../../evil", "escapes"),
    (
        "write through an absolute symlink",
        [symlink("etc", "/tmp"), file("etc/evil")],
        "etc/evil",
        "through the symlink 'etc'",
    ),
    (
        "write through an outward symlink",
        [symlink("up", ".."), file("up/evil")],
        "up/evil",
        "through the symlink 'up'",
    ),
    (
        "overwrite a symlink (write through it)",
        [symlink("x", "../evil"), file("x")],
        "x",
        "through the symlink 'x'",
    ),
    (
        "directory over a symlink (chmod through it)",
        [symlink("d", ".."), info("d", tarfile.DIRTYPE)],
        "d",
        "through the symlink 'd'",
    ),
    (
        "nested symlink chain",
        [info("a", tarfile.DIRTYPE), symlink("a/b", "../.."), file("a/b/evil")],
        "a/b/evil",
        "through the symlink 'a/b'",
    ),
    ("hard link outside", [hardlink("h", "../evil")], "h", "outside"),
    ("hard link absolute", [hardlink("h", "/etc/passwd")], "h", "outside"),
    (
        "hard link to a symlink",
        [symlink("s", "/etc/passwd"), hardlink("h", "s")],
        "h",
        "hard link target goes through the symlink 's'",
    ),
    ("character device", [info("tty", tarfile.CHRTYPE)], "tty", "device"),
    ("block device", [info("sda", tarfile.BLKTYPE)], "sda", "device"),
    ("fifo", [info("pipe", tarfile.FIFOTYPE)], "pipe", "FIFO"),
    ("over-long name", [file(LONG)], LONG, "name too long"),
    ("file under a file", [file("f"), file("f/g")], "f/g", "not a directory"),
]


@pytest.mark.parametrize(
    ("members", "culprit", "reason"),
    [pytest.param(m, c, r, id=i) for i, m, c, r in HOSTILE],
)
async def test_hostile_members_are_refused(
    tmp_path: Path,
    members: list[tarfile.TarInfo | tuple[tarfile.TarInfo, bytes]],
    culprit: str,
    reason: str,
) -> None:
    dest = tmp_path / "dest" / "inner"
    dest.mkdir(parents=True)
    before = outside(tmp_path, dest)
    with pytest.raises(UnsafeArchiveError, match=reason) as caught:
        await extract_stream(chunks(archive(*members, file("after"))), dest)
    assert caught.value.member == culprit
    assert outside(tmp_path, dest) == before, "something was written outside the destination"
    assert "after" not in os.listdir(dest)
    assert not await anyio.Path("/tmp/evil").is_symlink()
    assert not await anyio.Path("/tmp/evil").exists()


async def test_other_local_errors_are_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tarfile.TarFile, "makefile", refuse)
    with pytest.raises(DockerException, match=r"cannot write 'x'.*Permission denied") as caught:
        await extract_stream(chunks(archive(file("x"))), tmp_path)
    assert not isinstance(caught.value, UnsafeArchiveError)


async def test_an_unreadable_local_file_is_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.txt").write_bytes(b"x")

    def refuse(path: str, mode: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(_archive, "open", refuse, raising=False)
    with pytest.raises(DockerException, match=r"cannot read .*secret.txt to copy it"):
        async for _ in _archive.tar_path(tmp_path, "copy"):
            pass
