"""Sync shim overhead: ``aiocontainers.sync`` against the async call it wraps and docker-py.

The blocking calls (the shim and docker-py) run in a worker thread without an
event loop, as sync code would, and time themselves there; the async calls
run on the benchmark's loop. The shim's own background loop thread is part of
what it costs, so it is inside the measurement. A sample is the median of a
batch of calls (each timed alone), so one call the scheduler delayed on a
busy machine does not move it.

Three rows split the floor a sync call pays on top of the async call: a bare
round trip between two threads on two locks (what the OS charges), the
portal calling a plain function (plus waking the loop thread), and the
portal awaiting a no-op coroutine (plus running a task).
"""

from __future__ import annotations

import _thread
import asyncio
import importlib
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _common import IMAGE, LABEL_FILTER, LABELS, SOCKET, Context, interleave, start_containers
from _harness import DOCKER_PY, Goal, Row, Stat, SuiteResult, Unavailable, scale

from aiocontainers.sync._portal import Portal

__all__ = ["run"]

SYNC = "sync shim"
ASYNC = "aiocontainers (async)"
LISTED = 5
FLOOR = "thread hand-off floor (portal.call of a no-op coroutine)"
WAKE = "portal.call of a plain no-op function (loop wake-up, no task)"
THREADS = "bare thread round trip (two locks, no event loop)"
BARE = "shim's portal, no proxy"
LINE = ("aiocontainers sync shim log line " + "0123456789" * 7)[:99]
GOALS = [Goal("within", 1.25, ASYNC), Goal("faster", 2.0, DOCKER_PY)]

# An op times itself: seconds per call, or MB/s for a stream.
Timed = Callable[[], Awaitable[float]]


def blocking(fn: Callable[[], object], repeat: int) -> Timed:
    """The median of ``repeat`` calls of ``fn``, each timed alone, inside a worker thread."""

    def batch() -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    async def op() -> float:
        return await asyncio.to_thread(batch)

    return op


def awaiting(fn: Callable[[], Awaitable[object]], repeat: int) -> Timed:
    """The median of ``repeat`` awaited calls of ``fn``, each timed alone."""

    async def op() -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            await fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return op


class LockPingPong:
    """A thread that answers each request lock by releasing a reply lock: the OS's own
    cost of handing work to another thread and getting it back, with no event loop."""

    def __init__(self) -> None:
        self._request = _thread.allocate_lock()
        self._reply = _thread.allocate_lock()
        self._request.acquire()
        self._reply.acquire()
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            self._request.acquire()
            stopping = self._stopping
            self._reply.release()
            if stopping:
                return

    def round_trip(self) -> None:
        self._request.release()
        self._reply.acquire()

    def close(self) -> None:
        self._stopping = True
        self.round_trip()
        self._thread.join()


def _open_shim() -> Any:
    """A sync client from ``aiocontainers.sync`` (ImportError/AttributeError when missing)."""
    shim = importlib.import_module("aiocontainers.sync")
    return shim.DockerClient(base_url=f"unix://{SOCKET}")


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("sync", "Sync shim overhead", [SYNC, ASYNC, BARE, DOCKER_PY])
    result.subject = SYNC
    rounds = ctx.rounds_or(9, 3)
    repeat = ctx.pick(40, 10)
    log_size = ctx.pick(20_000_000, 3_000_000)
    try:
        client: Any = await asyncio.to_thread(_open_shim)
    except (ImportError, AttributeError) as exc:
        client = Unavailable(f"aiocontainers: not available ({exc})")
    try:
        await _measure(ctx, result, client, rounds, repeat, log_size)
    finally:
        if not isinstance(client, Unavailable):
            await asyncio.to_thread(client.close)
    return result


async def _measure(
    ctx: Context, result: SuiteResult, shim: Any, rounds: int, repeat: int, log_size: int
) -> None:
    aio, dpy = ctx.aio, ctx.dockerpy
    await start_containers(ctx.raw, LISTED, ["sleep", "600"])
    body = {
        "Image": IMAGE,
        "Cmd": ["sh", "-c", f"yes '{LINE}' | head -c {log_size}"],
        "Labels": LABELS,
    }
    log_id = (await ctx.raw.json("POST", "/containers/create", body))["Id"]
    await ctx.raw.request("POST", f"/containers/{log_id}/start")
    await ctx.raw.request("POST", f"/containers/{log_id}/wait")

    def unavailable_or(make: Callable[[], Timed]) -> Timed | Unavailable:
        return shim if isinstance(shim, Unavailable) else make()

    cases: dict[str, dict[str, Timed | Unavailable]] = {
        "ping": {
            SYNC: unavailable_or(lambda: blocking(shim.ping, repeat)),
            ASYNC: awaiting(aio.ping, repeat),
            DOCKER_PY: blocking(dpy.ping, repeat),
        },
        f"containers.list sparse ({LISTED} containers)": {
            SYNC: unavailable_or(
                lambda: blocking(
                    lambda: shim.containers.list(filters=LABEL_FILTER, sparse=True), repeat
                )
            ),
            ASYNC: awaiting(
                lambda: aio.containers.list(filters=LABEL_FILTER, sparse=True), repeat
            ),
            DOCKER_PY: blocking(
                lambda: dpy.containers.list(filters=LABEL_FILTER, sparse=True), repeat
            ),
        },
    }
    # Where a sync call's time goes: the same portal (loop thread) handing over a
    # coroutine that does nothing is the floor every sync call pays on top of the
    # async call; the rest of the ping row's gap is the proxy's own work.
    portal = await asyncio.to_thread(Portal, "bench-floor")

    async def nothing() -> None:
        return None

    def plain() -> None:
        return None

    ping_pong = LockPingPong()
    no_loop = Unavailable("no loop thread")
    cases[THREADS] = {SYNC: blocking(ping_pong.round_trip, repeat), DOCKER_PY: no_loop}
    cases[WAKE] = {SYNC: blocking(lambda: portal.call(plain), repeat), DOCKER_PY: no_loop}
    cases[FLOOR] = {
        SYNC: blocking(lambda: portal.call(nothing), repeat),
        ASYNC: awaiting(nothing, repeat),
        DOCKER_PY: no_loop,
    }
    # The ping row also times the shim's own portal calling the async ping it wraps:
    # the shim without its proxy, measured in the same rounds as the rest of the row.
    for ops in cases.values():
        ops[BARE] = Unavailable("measured for ping only")
        ops.setdefault(ASYNC, Unavailable("-"))
    if not isinstance(shim, Unavailable):
        shim_portal = object.__getattribute__(shim, "_portal")
        shim_async = object.__getattribute__(shim, "_target")
        cases["ping"][BARE] = blocking(lambda: shim_portal.call(shim_async.ping), repeat)

    for ops in cases.values():  # warm-up
        for op in ops.values():
            if not isinstance(op, Unavailable):
                await op()

    async def sample(op: Timed) -> float:
        return await op()

    for metric, ops in cases.items():
        goals = [] if metric in (FLOOR, WAKE, THREADS) else list(GOALS)
        row = result.add(Row(metric, "ms/call", "lower", goals=goals))
        row.cells = {
            name: scale(c, 1000) for name, c in (await interleave(ops, rounds, sample)).items()
        }
    await asyncio.to_thread(portal.close)
    ping_pong.close()
    _explain_ping(result)

    def sync_lines(client: Any) -> float:
        container = client.containers.get(log_id)
        start = time.perf_counter()
        total = sum(len(line) for line in container.logs(stream=True, follow=False))
        elapsed = time.perf_counter() - start
        if total != log_size:
            raise RuntimeError(f"read {total} of {log_size} bytes")
        return log_size / 1e6 / elapsed

    async def async_lines() -> float:
        container = await aio.containers.get(log_id)
        start = time.perf_counter()
        total = 0
        async for line in container.logs(stream=True, follow=False):
            total += len(line)
        elapsed = time.perf_counter() - start
        if total != log_size:
            raise RuntimeError(f"read {total} of {log_size} bytes")
        return log_size / 1e6 / elapsed

    streams: dict[str, Timed | Unavailable] = {
        SYNC: unavailable_or(lambda: lambda: asyncio.to_thread(sync_lines, shim)),
        ASYNC: async_lines,
        DOCKER_PY: lambda: asyncio.to_thread(sync_lines, dpy),
    }
    row = result.add(
        Row(
            f"logs(stream=True) of an exited container ({log_size / 1e6:g} MB)",
            "MB/s",
            "higher",
            goals=[Goal("faster", 0.8, ASYNC), Goal("faster", 2.0, DOCKER_PY)],
        )
    )
    row.cells = await interleave(streams, ctx.rounds_or(3, 2), sample)
    result.notes.append(
        f"unary: {rounds} rounds; a sample is the median of {repeat} calls, each timed alone; "
        "blocking clients called from a worker thread with no event loop, timed inside it"
    )
    result.notes.append(
        "log lines: the shim and the async client yield lines; docker-py yields its "
        "stream's chunks (one per log line here)"
    )


def _explain_ping(result: SuiteResult) -> None:
    """A note splitting the shim's ping: the async call, the floor (threads, loop wake-up,
    task), the async call running on the loop thread, and the proxy."""
    cells = {row.metric: row.cells for row in result.rows}
    ping = cells.get("ping", {})
    parts = [
        ping.get(SYNC),
        ping.get(ASYNC),
        ping.get(BARE),
        cells.get(THREADS, {}).get(SYNC),
        cells.get(WAKE, {}).get(SYNC),
        cells.get(FLOOR, {}).get(SYNC),
    ]
    medians = [part.median for part in parts if isinstance(part, Stat)]
    if len(medians) < len(parts):
        return
    sync, async_, bare, threads, wake, floor = medians
    result.notes.append(
        f"ping: sync {sync:.3f} ms = async call {async_:.3f} + the hand-off floor {floor:.3f} "
        f"(thread round trip {threads:.3f}, waking the loop {wake - threads:.3f}, the task "
        f"{floor - wake:.3f}) + the rest of running it in the loop thread "
        f"{bare - async_ - floor:.3f} + the proxy {sync - bare:.3f} ms; the floor alone is "
        f"{(async_ + floor) / async_:.2f}x the async call"
    )
