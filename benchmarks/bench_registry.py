"""Push and pull through the local registry (127.0.0.1:5000), against the ``docker`` CLI.

Every sample moves a fresh image: the test image plus a layer of random bytes,
built just before (not timed), so a push uploads a new layer and a pull,
after the local image is removed, downloads it again. aiodocker and docker-py
are timed too.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import tarfile
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import count

from _common import BENCH_LABEL, IMAGE, REGISTRY, Context, aio_feature, interleave
from _harness import AIO, AIODOCKER, DOCKER_PY, Cell, Goal, Row, Stat, SuiteResult, Unavailable

__all__ = ["run"]

CLI = "docker CLI"
REPO = f"{REGISTRY}/aiocontainers-bench/blob"
Move = Callable[[str], Awaitable[None]]


@dataclass
class Lib:
    push: Move
    pull: Move


async def _cli(*args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "docker", *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"docker {' '.join(args)}: {err.decode(errors='replace')[-300:]}")


def libraries(ctx: Context) -> dict[str, Lib | Unavailable]:
    async def aio_push(tag: str) -> None:
        await ctx.aio.images.push(REPO, tag)

    async def aio_pull(tag: str) -> None:
        await ctx.aio.images.pull(REPO, tag)

    async def cli_push(tag: str) -> None:
        await _cli("push", "--quiet", f"{REPO}:{tag}")

    async def cli_pull(tag: str) -> None:
        await _cli("pull", "--quiet", f"{REPO}:{tag}")

    async def adk_push(tag: str) -> None:
        await ctx.aiodocker.images.push(REPO, tag=tag)

    async def adk_pull(tag: str) -> None:
        await ctx.aiodocker.images.pull(REPO, tag=tag)

    async def dpy_push(tag: str) -> None:
        for entry in ctx.dockerpy.images.push(REPO, tag, stream=True, decode=True):
            if "error" in entry:
                raise RuntimeError(entry["error"])

    async def dpy_pull(tag: str) -> None:
        ctx.dockerpy.images.pull(REPO, tag)

    missing = aio_feature(lambda: (ctx.aio.images.push, ctx.aio.images.pull))
    return {
        AIO: missing or Lib(aio_push, aio_pull),
        CLI: Lib(cli_push, cli_pull),
        AIODOCKER: Lib(adk_push, adk_pull),
        DOCKER_PY: Lib(dpy_push, dpy_pull),
    }


async def _build_unique(ctx: Context, tag: str, size: int) -> None:
    """Build ``REPO:tag``: the test image plus a layer of ``size`` random bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in (
            ("Dockerfile", f"FROM {IMAGE}\nCOPY blob /blob\n".encode()),
            ("blob", os.urandom(size)),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    labels = urllib.parse.quote(json.dumps({BENCH_LABEL: "1"}))
    query = f"t={urllib.parse.quote(f'{REPO}:{tag}')}&labels={labels}&rm=1"
    body = await ctx.raw.request(
        "POST", f"/build?{query}", data=buffer.getvalue(), content_type="application/x-tar"
    )
    if b"Successfully built" not in body:
        raise RuntimeError(body[-300:].decode(errors="replace"))


async def _remove_local(ctx: Context, tag: str) -> None:
    await ctx.raw.request("DELETE", f"/images/{urllib.parse.quote(f'{REPO}:{tag}', safe='')}")


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult(
        "registry", "Push and pull (local registry)", [AIO, CLI, AIODOCKER, DOCKER_PY]
    )
    rounds = ctx.rounds_or(3, 2)
    size = ctx.pick(8_000_000, 2_000_000)
    pulls: dict[str, list[float]] = {}
    serial = count()
    stamp = int(time.time())

    async def cycle(item: tuple[str, Lib]) -> float:
        name, lib = item
        tag = f"r{stamp}-{next(serial)}"
        await _build_unique(ctx, tag, size)
        try:
            start = time.perf_counter()
            await lib.push(tag)
            pushed = time.perf_counter() - start
            await _remove_local(ctx, tag)
            start = time.perf_counter()
            await lib.pull(tag)
            pulls.setdefault(name, []).append(time.perf_counter() - start)
        finally:
            await _remove_local(ctx, tag)
        return pushed

    ops = {
        name: lib if isinstance(lib, Unavailable) else (name, lib)
        for name, lib in libraries(ctx).items()
    }
    goals = [Goal("within", 1.05, CLI)]
    push = result.add(Row(f"push a new {size / 1e6:g} MB layer", "s", "lower", goals=goals))
    push.cells = await interleave(ops, rounds, cycle)
    pull = result.add(Row("pull it back after rmi", "s", "lower", goals=list(goals)))
    pull.cells = {name: _pull_cell(cell, pulls.get(name)) for name, cell in push.cells.items()}
    result.notes.append(
        f"each sample builds {REPO}:<unique tag> (untimed), pushes it, removes it locally "
        f"and pulls it; {rounds} rounds; the CLI runs as a subprocess (`docker push/pull "
        "--quiet`), its process start-up included as a user would pay it"
    )
    return result


def _pull_cell(push: Cell, samples: list[float] | None) -> Cell:
    if isinstance(push, Unavailable):
        return push
    if not samples:
        return Unavailable("no samples")
    return Stat.of(samples)
