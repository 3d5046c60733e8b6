"""Events: live delivery while containers churn, and replay throughput.

Live: every library subscribes at once (docker-py in a thread) while
containers are created, started, exit and are removed; each records, per
event, how long after the daemon's ``timeNano`` it had the decoded event.
Replay: the same events read back with ``since``/``until`` (the daemon keeps
its last 256), timed per library, as events per second.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from _common import BENCH_LABEL, IMAGE, LABELS, Context, aio_feature, interleave
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

__all__ = ["run"]

FILTERS = {"label": [f"{BENCH_LABEL}=1"], "type": ["container"]}
# Events per container: create, start, die, destroy.
PER_CONTAINER = 4

Listener = Callable[[int, list[int]], Coroutine[Any, Any, None]]
Replay = Callable[[str, str], Awaitable[int]]


def listeners(ctx: Context, ready: dict[str, asyncio.Event]) -> dict[str, Listener | Unavailable]:
    """Each listens until ``want`` events arrived, appending each event's delivery lag (ns)."""
    query = urllib.parse.quote(json.dumps(FILTERS))

    async def raw(want: int, lags: list[int]) -> None:
        response = await ctx.raw.open("GET", f"/events?filters={query}")
        ready[RAW].set()
        carry = b""
        try:
            async for chunk in response.chunks():
                *lines, carry = (carry + chunk).split(b"\n")
                for line in lines:
                    lags.append(time.time_ns() - int(json.loads(line)["timeNano"]))
                if len(lags) >= want:
                    return
        finally:
            response.close()

    async def aio(want: int, lags: list[int]) -> None:
        async with ctx.aio.events(filters=FILTERS) as stream:
            ready[AIO].set()
            async for event in stream:
                lags.append(time.time_ns() - event.time_nano)
                if len(lags) >= want:
                    return

    async def adk(want: int, lags: list[int]) -> None:
        subscriber = ctx.aiodocker.events.subscribe(filters=json.dumps(FILTERS))  # type: ignore[no-untyped-call]
        ready[AIODOCKER].set()
        try:
            while len(lags) < want:
                event = await subscriber.get()
                if event is None:
                    raise RuntimeError("aiodocker's event stream ended")
                lags.append(time.time_ns() - int(event["timeNano"]))
        finally:
            await ctx.aiodocker.events.stop()  # type: ignore[no-untyped-call]

    async def dpy(want: int, lags: list[int]) -> None:
        stream = ctx.dockerpy.events(filters=FILTERS, decode=True)
        ready[DOCKER_PY].set()

        def consume() -> None:
            for event in stream:
                lags.append(time.time_ns() - int(event["timeNano"]))
                if len(lags) >= want:
                    return

        try:
            await asyncio.to_thread(consume)
        finally:
            stream.close()

    missing = aio_feature(lambda: ctx.aio.events)
    return {AIO: missing or aio, RAW: raw, AIODOCKER: adk, DOCKER_PY: dpy}


def replays(ctx: Context) -> dict[str, Replay | Unavailable]:
    """Each reads the events between ``since`` and ``until`` and returns how many."""

    async def raw(since: str, until: str) -> int:
        query = urllib.parse.urlencode(
            {"since": since, "until": until, "filters": json.dumps(FILTERS)}
        )
        response = await ctx.raw.open("GET", f"/events?{query}")
        body = await response.read()
        return len([json.loads(line) for line in body.splitlines() if line])

    async def aio(since: str, until: str) -> int:
        got = 0
        async for _ in ctx.aio.events(since=float(since), until=float(until), filters=FILTERS):
            got += 1
        return got

    async def adk(since: str, until: str) -> int:
        subscriber = ctx.aiodocker.events.subscribe(  # type: ignore[no-untyped-call]
            since=since, until=until, filters=json.dumps(FILTERS)
        )
        got = 0
        try:
            while await subscriber.get() is not None:
                got += 1
        finally:
            await ctx.aiodocker.events.stop()  # type: ignore[no-untyped-call]
        return got

    async def dpy(since: str, until: str) -> int:
        events = ctx.dockerpy.events(
            since=float(since), until=float(until), filters=FILTERS, decode=True
        )
        return sum(1 for _ in events)

    missing = aio_feature(lambda: ctx.aio.events)
    return {AIO: missing or aio, RAW: raw, AIODOCKER: adk, DOCKER_PY: dpy}


async def churn(ctx: Context, count: int, concurrency: int = 8) -> None:
    """Create, start, wait for and remove ``count`` containers running ``true``."""
    limit = asyncio.Semaphore(concurrency)
    body: dict[str, Any] = {"Image": IMAGE, "Cmd": ["true"], "Labels": LABELS}

    async def one() -> None:
        async with limit:
            cid = (await ctx.raw.json("POST", "/containers/create", body))["Id"]
            await ctx.raw.request("POST", f"/containers/{cid}/start")
            await ctx.raw.json("POST", f"/containers/{cid}/wait")
            await ctx.raw.request("DELETE", f"/containers/{cid}")

    await asyncio.gather(*(one() for _ in range(count)))


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("events", "Events", [AIO, RAW, AIODOCKER, DOCKER_PY])
    count = ctx.pick(60, 15)
    rounds = ctx.rounds_or(7, 3)
    want = count * PER_CONTAINER

    ready = {name: asyncio.Event() for name in result.columns}
    lags: dict[str, list[int]] = {name: [] for name in result.columns}
    tasks: dict[str, asyncio.Task[None]] = {}
    cells: dict[str, Cell] = {}
    for name, listen in listeners(ctx, ready).items():
        if isinstance(listen, Unavailable):
            cells[name] = listen
        else:
            tasks[name] = asyncio.create_task(listen(want, lags[name]))
    await asyncio.wait_for(asyncio.gather(*(ready[name].wait() for name in tasks)), timeout=10)
    await asyncio.sleep(0.5)  # let every subscription reach the daemon
    since = f"{time.time():.9f}"
    start = time.perf_counter()
    await churn(ctx, count)
    churned = time.perf_counter() - start
    until = f"{time.time() + 0.5:.9f}"
    _, pending = await asyncio.wait(tasks.values(), timeout=20)
    for task in pending:
        task.cancel()
    for name, task in tasks.items():
        if task in pending:
            cells[name] = Unavailable(f"got {len(lags[name])} of {want} events in time")
        elif task.exception() is not None:
            cells[name] = Unavailable(f"failed: {task.exception()!r}"[:200])
        else:
            cells[name] = Stat.of([lag / 1e6 for lag in lags[name]])
    row = result.add(Row("live: daemon timeNano -> event decoded", "ms", "lower"))
    row.cells = {name: cells[name] for name in result.columns}
    await asyncio.sleep(0.5)

    counts: list[int] = []

    async def replay(read: Replay) -> float:
        start = time.perf_counter()
        got = await read(since, until)
        elapsed = time.perf_counter() - start
        if not got:
            raise RuntimeError("replayed no events")
        counts.append(got)
        return got / elapsed

    row = result.add(
        Row(
            f"replay up to {want} events (since/until)",
            "events/s",
            "higher",
            goals=[Goal("faster", 0.95, RAW)],
        )
    )
    row.cells = await interleave(replays(ctx), rounds, replay)
    result.notes.append(
        f"live: {count} containers (`true`, concurrency 8) created, started, exited and "
        f"removed in {churned:.1f} s ({want / churned:.0f} events/s produced), all four "
        "libraries subscribed at once; cells are the per-event delivery lag"
    )
    result.notes.append(
        f"replay: {rounds} rounds; the daemon keeps only its last 256 events, shared with "
        f"everyone using it, so a read got {min(counts, default=0)} to "
        f"{max(counts, default=0)} of the {want}"
    )
    return result
