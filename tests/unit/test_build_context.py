"""Build contexts: which files are sent, and the tar they are sent in."""

from __future__ import annotations

import io
import os
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from aiocontainers._build_context import (
    build_context,
    context_files,
    dockerfile_tar,
    read_dockerignore,
    tar_stream,
)
from aiocontainers.errors import InvalidArgument

pytestmark = pytest.mark.anyio


def make_tree(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def sent(root: Path, ignore: str, dockerfile: str = "Dockerfile") -> list[str]:
    return list(context_files(str(root), read_dockerignore(ignore), dockerfile))


def test_walk_order_directories_first_and_sorted(tmp_path: Path) -> None:
    make_tree(tmp_path, {"b.txt": "", "a/z.txt": "", "a/y.txt": "", "Dockerfile": ""})
    assert sent(tmp_path, "") == ["Dockerfile", "a", "a/y.txt", "a/z.txt", "b.txt"]


def test_excluded_directory_is_skipped_unless_an_exception_lies_below(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {"Dockerfile": "", "docs/keep.txt": "", "docs/drop.txt": "", "logs/a.log": ""},
    )
    # The directory entry itself is not sent, but the re-included file is.
    assert sent(tmp_path, "docs\n!docs/keep.txt\nlogs") == ["Dockerfile", "docs/keep.txt"]


def test_dockerfile_and_dockerignore_are_always_sent(tmp_path: Path) -> None:
    make_tree(tmp_path, {"Dockerfile": "", ".dockerignore": "", "ci/Dockerfile.ci": "", "x": ""})
    assert sent(tmp_path, "*\n") == [".dockerignore", "Dockerfile"]
    assert sent(tmp_path, "**\n", dockerfile="ci/Dockerfile.ci") == [
        ".dockerignore",
        "ci/Dockerfile.ci",
    ]


async def read_tar(chunks: object) -> tarfile.TarFile:
    data = b"".join([chunk async for chunk in chunks])  # type: ignore[attr-defined]
    return tarfile.open(fileobj=io.BytesIO(data))


async def test_build_context_tar_contents(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "Dockerfile": "FROM scratch\n",
            ".dockerignore": "*.log\n",
            "app/main.py": "print('hi')\n",
            "debug.log": "noise",
        },
    )
    os.symlink("app/main.py", tmp_path / "link")
    os.link(tmp_path / "app/main.py", tmp_path / "hard")
    (tmp_path / "app/main.py").chmod(0o755)
    tar = await read_tar(build_context(tmp_path, extra=[("extra.txt", b"in memory")]))
    members = {m.name: m for m in tar.getmembers()}
    assert list(members) == [
        ".dockerignore",
        "Dockerfile",
        "app",
        "app/main.py",
        "hard",
        "link",
        "extra.txt",
    ]
    assert members["app"].isdir()
    assert members["app/main.py"].mode == 0o755
    assert members["link"].issym() and members["link"].linkname == "app/main.py"
    assert members["hard"].islnk() and members["hard"].linkname == "app/main.py"
    assert all(m.uid == 0 and m.gid == 0 for m in members.values())
    main = tar.extractfile("app/main.py")
    assert main is not None and main.read() == b"print('hi')\n"
    extra = tar.extractfile("extra.txt")
    assert extra is not None and extra.read() == b"in memory"


async def test_large_files_arrive_in_bounded_chunks(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "big.bin").write_bytes(os.urandom(3 << 20))
    sizes = [len(chunk) async for chunk in build_context(tmp_path, chunk_size=1 << 18)]
    assert len(sizes) > 10
    assert max(sizes) < 2 * (1 << 18)  # a batch overshoots by less than one read


async def test_tar_stream_keeps_the_event_loop_free() -> None:
    def slow() -> Iterator[bytes]:
        for _ in range(3):
            time.sleep(0.1)  # a slow disk
            yield b"x" * 10

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await anyio.sleep(0.01)
            ticks += 1

    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker)
        chunks = [chunk async for chunk in tar_stream(slow(), chunk_size=1)]
        tg.cancel_scope.cancel()
    assert chunks == [b"x" * 10] * 3
    assert ticks >= 10


def test_context_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="not a directory"):
        build_context(tmp_path / "missing")


@pytest.mark.parametrize("source", ["FROM scratch\n", b"FROM scratch\n"])
def test_dockerfile_tar_from_text(source: str | bytes) -> None:
    tar = tarfile.open(fileobj=io.BytesIO(dockerfile_tar(source)))
    member = tar.extractfile("Dockerfile")
    assert member is not None and member.read() == b"FROM scratch\n"


def test_dockerfile_tar_from_file_objects() -> None:
    for fileobj in (io.BytesIO(b"FROM scratch\n"), io.StringIO("FROM scratch\n")):
        tar = tarfile.open(fileobj=io.BytesIO(dockerfile_tar(fileobj)))
        member = tar.extractfile("Dockerfile")
        assert member is not None and member.read() == b"FROM scratch\n"
