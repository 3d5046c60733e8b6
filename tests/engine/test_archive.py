"""Files in and out of containers: streamed archives, copy_to/copy_from, export."""

from __future__ import annotations

import gc
import io
import os
import tarfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

import aiocontainers
from aiocontainers import Container, DockerClient
from aiocontainers._resources._archive import tar_bytes, tar_path
from aiocontainers.errors import Conflict, InvalidArgument, NotFound, UnsafeArchiveError

from .conftest import LABELS

CASE_LABEL = "aiocontainers.test.case"


@pytest.fixture
async def sleeper(client: DockerClient, image: str) -> AsyncIterator[Container]:
    """A running container, force-removed afterwards."""
    labels = {**LABELS, CASE_LABEL: uuid.uuid4().hex}
    container = await client.containers.run(image, "sleep 60", detach=True, labels=labels)
    yield container
    async with aiocontainers.from_env() as cleanup:
        try:
            await cleanup.transport.request(
                "DELETE",
                "/containers/{id}",
                path_args={"id": container.id},
                params={"force": True, "v": True},
            )
        except (NotFound, Conflict):  # already gone, or being removed
            pass


async def test_put_and_get_archive_round_trip_a_multi_megabyte_file(
    sleeper: Container, tmp_path: Path
) -> None:
    payload = os.urandom(6 * 1024 * 1024 + 3)
    (tmp_path / "big.bin").write_bytes(payload)
    sent_chunks = 0

    async def upload() -> AsyncIterator[bytes]:
        nonlocal sent_chunks
        async for chunk in tar_path(tmp_path / "big.bin", "big.bin", chunk_size=256 * 1024):
            sent_chunks += 1
            yield chunk

    assert await sleeper.put_archive("/tmp", upload()) is True
    assert sent_chunks > 10  # streamed, not sent as one body

    stream, stat = await sleeper.get_archive("/tmp/big.bin", chunk_size=64 * 1024)
    assert stat["name"] == "big.bin" and stat["size"] == len(payload)
    chunks = [chunk async for chunk in stream]
    assert len(chunks) > 10 and max(map(len, chunks)) <= 64 * 1024
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
        member = tar.extractfile("big.bin")
        assert member is not None and member.read() == payload


async def test_get_archive_of_a_missing_path_is_not_found(sleeper: Container) -> None:
    with pytest.raises(NotFound):
        await sleeper.get_archive("/no/such/path")


def _open_sockets() -> int:
    """How many sockets this process has open (Linux)."""
    fds = Path("/proc/self/fd")
    links = []
    for fd in fds.iterdir():
        try:
            links.append(os.readlink(fd))
        except FileNotFoundError:  # the directory's own descriptor, closed since
            pass
    return sum(link.startswith("socket:") for link in links)


async def test_an_upload_refused_early_leaves_no_socket_behind(sleeper: Container) -> None:
    """The daemon answers 404 before reading a large upload and stops reading it; the
    connection still holding unsent bytes is dropped when the client closes, not left
    closing forever (waiting for the daemon to read), its socket outliving the client."""
    data = tar_bytes("blob", os.urandom(8 << 20))
    before = _open_sockets()
    async with aiocontainers.from_env() as client:
        container = await client.containers.get(sleeper.id)
        with pytest.raises(NotFound):
            await container.put_archive("/no/such/dir", io.BytesIO(data))
        assert client.transport.http.connections_in_use == 0
    await anyio.sleep(0.1)  # the loop closes aborted transports on its next turns
    gc.collect()
    assert _open_sockets() == before


async def test_put_archive_bytes(sleeper: Container) -> None:
    await sleeper.put_archive("/tmp", tar_bytes("note.txt", b"hello\n"))
    stream, stat = await sleeper.get_archive("/tmp/note.txt")
    data = b"".join([chunk async for chunk in stream])
    assert stat["size"] == 6
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        extracted = tar.extractfile("note.txt")
        assert extracted is not None and extracted.read() == b"hello\n"


async def test_put_archive_of_large_bytes_sends_them_without_a_warning(sleeper: Container) -> None:
    # Warnings are errors here: aiohttp warns about a large body given as one bytes object.
    payload = bytes(range(256)) * 12_000  # about 3 MB
    await sleeper.put_archive("/tmp", tar_bytes("big.bin", payload))
    result = await sleeper.exec_run(["wc", "-c", "/tmp/big.bin"])
    assert result.output.split()[0] == str(len(payload)).encode()


async def test_copy_to_and_copy_from_a_directory_tree(sleeper: Container, tmp_path: Path) -> None:
    src = tmp_path / "project"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "mod.py").write_text("print('hi')\n")
    (src / "README").write_text("readme\n")
    (src / "link").symlink_to("README")

    await sleeper.copy_to(src, "/tmp")  # existing directory: lands inside it
    await sleeper.copy_to(src / "README", "/tmp/renamed.txt")  # new path: full target
    await sleeper.copy_to(b"raw bytes", "/root", name="raw.txt")
    await sleeper.copy_to(b"again", "/root/direct.txt")

    copied = await sleeper.copy_from("/tmp/project", tmp_path / "back")
    assert copied == tmp_path / "back" / "project"
    assert (copied / "pkg" / "mod.py").read_text() == "print('hi')\n"
    assert os.readlink(copied / "link") == "README"
    assert (await sleeper.copy_from("/tmp/renamed.txt", tmp_path / "one")).read_text() == (
        "readme\n"
    )
    assert (await sleeper.copy_from("/root/raw.txt", tmp_path / "raw")).read_bytes() == (
        b"raw bytes"
    )
    assert (tmp_path / "raw2").exists() is False
    assert (await sleeper.copy_from("/root/direct.txt", tmp_path / "raw2")).read_bytes() == (
        b"again"
    )


async def test_copy_to_needs_a_name_for_bytes_into_a_directory(sleeper: Container) -> None:
    with pytest.raises(InvalidArgument, match="name"):
        await sleeper.copy_to(b"data", "/tmp")
    with pytest.raises(InvalidArgument, match="no such local"):
        await sleeper.copy_to("/definitely/not/here", "/tmp")


async def test_copy_from_bin_keeps_busybox_absolute_symlinks(
    sleeper: Container, tmp_path: Path
) -> None:
    # busybox's applets are absolute symlinks ([ -> /bin/busybox): copied as docker cp does
    copied = await sleeper.copy_from("/bin", tmp_path / "out")
    assert copied == tmp_path / "out" / "bin"
    names = set(os.listdir(copied))
    assert {"busybox", "[", "sh", "sleep"} <= names and len(names) > 100
    assert os.readlink(copied / "[") == "/bin/busybox"
    assert not (copied / "busybox").is_symlink()
    assert (copied / "busybox").stat().st_size > 100_000


async def test_copy_from_etc_keeps_the_mtab_symlink(sleeper: Container, tmp_path: Path) -> None:
    copied = await sleeper.copy_from("/etc", tmp_path)
    assert os.readlink(copied / "mtab") == "/proc/mounts"
    assert (copied / "passwd").read_text().startswith("root:x:0:0:")


async def test_copy_from_one_symlink_copies_the_link(sleeper: Container, tmp_path: Path) -> None:
    copied = await sleeper.copy_from("/bin/sh", tmp_path / "one")
    assert os.readlink(copied) == "/bin/busybox"


async def test_copy_from_refuses_to_write_through_a_local_symlink(
    sleeper: Container, tmp_path: Path
) -> None:
    # The first copy made etc/mtab -> /proc/mounts locally. Once /etc/mtab is a directory
    # in the container, copying /etc again would create etc/mtab/f through that symlink.
    await sleeper.copy_from("/etc", tmp_path)
    await sleeper.exec_run(["sh", "-c", "rm /etc/mtab && mkdir /etc/mtab && echo x > /etc/mtab/f"])
    with pytest.raises(UnsafeArchiveError, match="through the symlink 'etc/mtab'") as info:
        await sleeper.copy_from("/etc", tmp_path)
    assert info.value.member.startswith("etc/mtab")
    assert os.readlink(tmp_path / "etc" / "mtab") == "/proc/mounts"


async def test_export_streams_the_filesystem(sleeper: Container) -> None:
    names = set()
    buffer = bytearray()
    async for chunk in sleeper.export(chunk_size=32 * 1024):
        assert len(chunk) <= 32 * 1024
        buffer += chunk
    with tarfile.open(fileobj=io.BytesIO(bytes(buffer))) as tar:
        names = set(tar.getnames())
    assert {"bin/busybox", "etc/passwd"} <= names
