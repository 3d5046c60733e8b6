"""Short-lived containers: run ``true`` to completion and remove it, many at once.

Each library does the whole docker-py ``run(..., remove=True)`` cycle per
container (create, start, wait, read the output, remove); aiocontainers, the
raw baseline and aiodocker with a concurrency limit, docker-py sequentially
(its blocking client is what a docker-py user has).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _common import IMAGE, LABELS, Context, aio_feature, interleave
from _harness import AIO, AIODOCKER, DOCKER_PY, RAW, Goal, Row, SuiteResult, Unavailable

__all__ = ["run"]

Cycle = Callable[[], Awaitable[object]]


def cycles(ctx: Context) -> dict[str, Cycle | Unavailable]:
    async def raw() -> object:
        body = {"Image": IMAGE, "Cmd": ["true"], "Labels": LABELS}
        cid = (await ctx.raw.json("POST", "/containers/create", body))["Id"]
        await ctx.raw.request("POST", f"/containers/{cid}/start")
        status = (await ctx.raw.json("POST", f"/containers/{cid}/wait"))["StatusCode"]
        await ctx.raw.request("GET", f"/containers/{cid}/logs?stdout=1&stderr=1")
        await ctx.raw.request("DELETE", f"/containers/{cid}?v=1")
        return status

    async def aio() -> object:
        return await ctx.aio.containers.run(IMAGE, ["true"], remove=True, labels=LABELS)

    async def adk() -> object:
        config: dict[str, Any] = {"Image": IMAGE, "Cmd": ["true"], "Labels": LABELS}
        container = await ctx.aiodocker.containers.run(config)
        status = (await container.wait())["StatusCode"]
        await container.log(stdout=True, stderr=True)
        await container.delete(v=True)
        return status

    async def dpy() -> object:
        return ctx.dockerpy.containers.run(IMAGE, ["true"], remove=True, labels=LABELS)

    missing = aio_feature(lambda: ctx.aio.containers.run)
    return {AIO: missing or aio, RAW: raw, AIODOCKER: adk, DOCKER_PY: dpy}


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("containers", "Short-lived containers", [AIO, RAW, AIODOCKER, DOCKER_PY])
    count = ctx.pick(50, 8)
    concurrency = 16
    rounds = ctx.rounds_or(1, 1)

    async def wall(lib: tuple[str, Cycle]) -> float:
        name, cycle = lib
        limit = asyncio.Semaphore(1 if name == DOCKER_PY else concurrency)

        async def one() -> None:
            async with limit:
                await cycle()

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(count)))
        return time.perf_counter() - start

    ops = {
        name: cycle if isinstance(cycle, Unavailable) else (name, cycle)
        for name, cycle in cycles(ctx).items()
    }
    row = result.add(
        Row(
            f"{count} x run(true) + remove",
            "s",
            "lower",
            goals=[Goal("within", 1.05, AIODOCKER), Goal("faster", 1.0, DOCKER_PY)],
        )
    )
    row.cells = await interleave(ops, rounds, wall)
    result.notes.append(
        f"concurrency {concurrency} for aiocontainers, raw and aiodocker; docker-py "
        f"sequential; {rounds} round(s) (each sample is {count} whole cycles)"
    )
    return result
