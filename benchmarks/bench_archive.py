"""Tar streams out of a container: ``export()`` and ``get_archive()``, against the raw socket.

One exited container holds a file of ``size`` random bytes. Rows: the whole
filesystem read with ``export()`` (``GET /containers/{id}/export``), and the
file's directory read with ``get_archive()`` (``GET /containers/{id}/archive``),
each iterated to its end. The raw socket reads the same bodies; aiodocker's
``get_archive`` returns the archive parsed as a ``TarFile`` (it has no export),
docker-py's are generators of chunks.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from _common import Context, exited_container, rate_rows
from _harness import AIO, AIODOCKER, DOCKER_PY, RAW, Goal, SuiteResult, Unavailable

__all__ = ["run"]

GOALS = [Goal("faster", 0.95, RAW)]
DIRECTORY = "/payload"

Reader = Callable[[], Awaitable[int]]


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult(
        "archive", "Tar streams: export and get_archive", [AIO, RAW, AIODOCKER, DOCKER_PY]
    )
    size = ctx.pick(100_000_000, 10_000_000)
    rounds = ctx.rounds_or(5, 3)
    script = f"mkdir {DIRECTORY} && head -c {size} /dev/urandom > {DIRECTORY}/data"
    cid = await exited_container(ctx.raw, script)
    aio = await ctx.aio.containers.get(cid)
    adk = await ctx.aiodocker.containers.get(cid)
    dpy = ctx.dockerpy.containers.get(cid)

    async def raw_read(path: str) -> int:
        response = await ctx.raw.open("GET", path)
        total = 0
        async for chunk in response.chunks():
            total += len(chunk)
        return total

    async def aio_export() -> int:
        total = 0
        async for chunk in aio.export():
            total += len(chunk)
        return total

    async def aio_archive() -> int:
        stream, _ = await aio.get_archive(DIRECTORY)
        total = 0
        async for chunk in stream:
            total += len(chunk)
        return total

    async def adk_archive() -> int:
        archive = await adk.get_archive(DIRECTORY)
        member = archive.getmember(DIRECTORY.lstrip("/") + "/data")
        return member.size

    async def dpy_export() -> int:
        return sum(len(chunk) for chunk in dpy.export())

    async def dpy_archive() -> int:
        chunks, _ = dpy.get_archive(DIRECTORY)
        return sum(len(chunk) for chunk in chunks)

    cases: dict[str, dict[str, Reader | Unavailable]] = {
        "export() of the container's filesystem": {
            AIO: aio_export,
            RAW: lambda: raw_read(f"/containers/{cid}/export"),
            AIODOCKER: Unavailable("no such call"),
            DOCKER_PY: dpy_export,
        },
        f"get_archive('{DIRECTORY}')": {
            AIO: aio_archive,
            RAW: lambda: raw_read(f"/containers/{cid}/archive?path={DIRECTORY}"),
            AIODOCKER: adk_archive,
            DOCKER_PY: dpy_archive,
        },
    }

    async def measure(read: Reader) -> float:
        start = time.perf_counter()
        got = await read()
        elapsed = time.perf_counter() - start
        if got < size:
            raise RuntimeError(f"read {got} bytes, the file alone has {size}")
        return got / 1e6 / elapsed

    await rate_rows(result, cases, rounds, measure, GOALS)
    result.notes.append(
        f"a {size / 1e6:g} MB file of random bytes in an exited container, {rounds} rounds; "
        "the rate counts the tar's bytes (aiodocker: the file's, its archive parsed in memory)"
    )
    return result
