"""Log throughput: a container prints many 100-byte lines; each library reads them as lines.

Two rows: the logs of an exited container (``follow=False``), and a followed
stream of a container that is still printing (``follow=True``; a fresh
container per library and round, the stream opened right after the start).
Every library must deliver every byte or its row says why not.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import aiodocker
import aiohttp
from _common import IMAGE, LABELS, SOCKET, Context, aio_feature, interleave
from _harness import (
    AIO,
    AIODOCKER,
    DOCKER_PY,
    RAW,
    Cell,
    Goal,
    Row,
    Stat,
    SuiteResult,
    Unavailable,
)
from _raw import FrameLines

import aiocontainers

__all__ = ["run"]

LINE = ("aiocontainers log throughput benchmark line " + "0123456789" * 6)[:99]
GOALS = [Goal("faster", 0.95, RAW)]  # issue #14: every stream >= 0.95x raw

Reader = Callable[[str], Awaitable[int]]
Follower = Callable[[asyncio.Event, asyncio.Event], Coroutine[Any, Any, None]]


def _command(size: int, linger: bool) -> list[str]:
    # A followed container stays up after printing: the 20.10 daemon may cut a
    # follow stream short when the container exits while the reader lags.
    return ["sh", "-c", f"yes '{LINE}' | head -c {size}" + ("; sleep 300" if linger else "")]


async def _create(ctx: Context, size: int, *, linger: bool) -> str:
    body = {"Image": IMAGE, "Cmd": _command(size, linger), "Labels": LABELS}
    cid = str((await ctx.raw.json("POST", "/containers/create", body))["Id"])
    await ctx.raw.request("POST", f"/containers/{cid}/start")
    return cid


def readers(ctx: Context, size: int, *, follow: bool) -> dict[str, Reader | Unavailable]:
    """One coroutine per library reading ``size`` bytes of a container's log as lines.

    Each returns the byte count; a followed stream is left (break) once all
    ``size`` bytes arrived, as the container lingers afterwards.
    """
    flag = "1" if follow else "0"

    async def raw(cid: str) -> int:
        response = await ctx.raw.open(
            "GET", f"/containers/{cid}/logs?stdout=1&stderr=1&follow={flag}"
        )
        splitter = FrameLines()
        total = 0
        chunks = response.chunks()
        async for chunk in chunks:
            for line in splitter.feed(chunk):
                total += len(line) + 1
            if total >= size:
                response.close()
                return total
        for line in splitter.eof():
            total += len(line)
        return total

    async def aio(cid: str) -> int:
        container = await ctx.aio.containers.get(cid)
        total = 0
        async for line in container.logs(stream=True, follow=follow):
            total += len(line)
            if total >= size:
                break
        return total

    async def adk(cid: str) -> int:
        container = await ctx.aiodocker.containers.get(cid)
        if follow:
            total = 0
            lines = container.log(stdout=True, stderr=True, follow=True)
            async with contextlib.aclosing(lines):  # type: ignore[type-var]
                async for line in lines:
                    total += len(line)
                    if total >= size:
                        break
            return total
        return sum(len(line) for line in await container.log(stdout=True, stderr=True))

    async def dpy(cid: str) -> int:
        container = ctx.dockerpy.containers.get(cid)
        total = 0
        stream = container.logs(stream=True, follow=follow)
        for chunk in stream:
            total += len(chunk)
            if total >= size:
                break
        stream.close()
        return total

    missing = aio_feature(lambda: ctx.aio.containers.get)
    return {
        AIO: missing or aio,
        RAW: raw,
        AIODOCKER: adk,
        DOCKER_PY: dpy,
    }


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("logs", "Log streaming throughput", [AIO, RAW, AIODOCKER, DOCKER_PY])
    size = ctx.pick(60_000_000, 6_000_000)
    rounds = ctx.rounds_or(2, 2)
    mb = size / 1e6

    # follow=False: one exited container, read by everyone, every round.
    done = await _create(ctx, size, linger=False)
    await ctx.raw.request("POST", f"/containers/{done}/wait")
    row = result.add(Row("logs of an exited container", "MB/s", "higher", goals=list(GOALS)))
    libs = readers(ctx, size, follow=False)
    row.cells = await _measure(ctx, libs, rounds, size, lambda: _const(done), remove=False)

    # follow=True: a fresh container per read, still printing when the stream opens.
    async def fresh() -> str:
        return await _create(ctx, size, linger=True)

    row = result.add(Row("follow=True while printing", "MB/s", "higher", goals=list(GOALS)))
    libs = readers(ctx, size, follow=True)
    row.cells = await _measure(ctx, libs, rounds, size, fresh, remove=True)
    await many_follows(ctx, result, ctx.pick(200, 50))
    result.notes.append(
        f"{mb:g} MB of {len(LINE) + 1}-byte lines (`yes | head -c`), {rounds} rounds; "
        "raw splits frames into lines, aiocontainers iterates logs(stream=True) lines, "
        "aiodocker log(stdout, stderr, follow), docker-py logs(stream=True) chunks"
    )
    result.notes.append(
        "the followed rate includes the container's own printing and the daemon's "
        "json-file logging, so every library is bounded by the producer there; "
        "the followed container lingers after printing and each reader stops at the last byte"
    )
    return result


async def _const(cid: str) -> str:
    return cid


async def _measure(
    ctx: Context,
    libs: dict[str, Reader | Unavailable],
    rounds: int,
    size: int,
    target: Callable[[], Awaitable[str]],
    *,
    remove: bool,
) -> dict[str, Cell]:
    """MB/s per library: each sample reads one target container's whole log."""

    async def measure(read: Reader) -> float:
        cid = await target()
        try:
            start = time.perf_counter()
            got = await read(cid)
            elapsed = time.perf_counter() - start
        finally:
            if remove:
                await ctx.raw.request("DELETE", f"/containers/{cid}?force=1")
        if abs(got - size) > 1:
            raise RuntimeError(f"read {got} bytes of {size}")
        return size / 1e6 / elapsed

    return await interleave(libs, rounds, measure)


async def many_follows(ctx: Context, result: SuiteResult, streams: int) -> None:
    """Hold ``streams`` followed log streams of one ticking container open at once.

    Each stream reads three lines, then all stay open together while the
    Python memory they hold (tracemalloc, started just before they open) and
    the threads added are read. Every library gets its own client sized for it.
    """
    body = {
        "Image": IMAGE,
        "Cmd": ["sh", "-c", "while :; do echo tick; sleep 0.2; done"],
        "Labels": LABELS,
    }
    cid = str((await ctx.raw.json("POST", "/containers/create", body))["Id"])
    await ctx.raw.request("POST", f"/containers/{cid}/start")

    async def hold(follow_one: Follower) -> tuple[float, float]:
        gc.collect()
        threads = threading.active_count()
        tracemalloc.start()
        arrived, release = asyncio.Event(), asyncio.Event()
        count = 0

        async def one() -> None:
            nonlocal count
            got_three = asyncio.Event()
            task = asyncio.create_task(follow_one(got_three, release))
            await got_three.wait()
            count += 1
            if count == streams:
                arrived.set()
            await task

        waiter = asyncio.gather(*(one() for _ in range(streams)))
        ready = asyncio.ensure_future(arrived.wait())
        either: list[asyncio.Future[Any]] = [ready, waiter]
        await asyncio.wait(either, timeout=120, return_when=asyncio.FIRST_COMPLETED)
        if not arrived.is_set():
            ready.cancel()
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter  # raises the first follower's error
            tracemalloc.stop()
            raise RuntimeError(f"only {count} of {streams} streams got their lines")
        grown = (tracemalloc.get_traced_memory()[0] / 1e6, threading.active_count() - threads)
        tracemalloc.stop()
        release.set()
        await waiter
        return grown

    async def three_then_wait(
        lines: AsyncIterator[object], got: asyncio.Event, release: asyncio.Event
    ) -> None:
        seen = 0
        async for _ in lines:
            seen += 1
            if seen == 3:
                got.set()
                await release.wait()
                return

    aio_client = aiocontainers.DockerClient(f"unix://{SOCKET}", max_pool_size=streams + 8)
    connector = aiohttp.UnixConnector(SOCKET, limit=streams + 8)
    adk_client = aiodocker.Docker(url="unix://localhost", connector=connector)

    async def aio(got: asyncio.Event, release: asyncio.Event) -> None:
        container = aio_client.containers.prepare_model({"Id": cid, "Config": {"Tty": False}})
        stream = container.logs(stream=True, follow=True, tail=0)
        async with stream:
            await three_then_wait(stream, got, release)

    async def adk(got: asyncio.Event, release: asyncio.Event) -> None:
        container = adk_client.containers.container(cid)
        lines = container.log(stdout=True, stderr=True, follow=True, tail=0)
        try:
            await three_then_wait(lines, got, release)
        finally:
            await lines.aclose()  # type: ignore[attr-defined]

    async def raw(got: asyncio.Event, release: asyncio.Event) -> None:
        response = await ctx.raw.open(
            "GET", f"/containers/{cid}/logs?stdout=1&stderr=1&follow=1&tail=0"
        )

        async def lines() -> AsyncIterator[bytes]:
            splitter = FrameLines()
            async for chunk in response.chunks():
                for line in splitter.feed(chunk):
                    yield line

        try:
            await three_then_wait(lines(), got, release)
        finally:
            response.close()

    memory = result.add(
        Row(f"{streams} follow streams open at once: Python memory", "MB", "lower")
    )
    threads = result.add(
        Row(f"{streams} follow streams open at once: threads added", "threads", "lower")
    )
    try:
        for name, follow_one in ((RAW, raw), (AIO, aio), (AIODOCKER, adk)):
            try:
                grown_mb, grown_threads = await hold(follow_one)
            except Exception as exc:
                memory.cells[name] = threads.cells[name] = Unavailable(f"failed: {exc!r}"[:200])
                continue
            memory.cells[name] = Stat.of([grown_mb])
            threads.cells[name] = Stat.of([grown_threads])
    finally:
        await aio_client.close()
        await adk_client.close()
        await connector.close()
        await ctx.raw.request("DELETE", f"/containers/{cid}?force=1")
    docker_py = Unavailable("blocking: one thread per stream by design, not run")
    memory.cells[DOCKER_PY] = threads.cells[DOCKER_PY] = docker_py
