"""Load: a thousand followed log streams beside a steady flow of unary calls, one client.

Each library gets a client with its default settings. First its unary
latency is sampled on an idle client (a container inspect every few
milliseconds); then, on a fresh client, N followed log streams are opened at
once (each must deliver a first line) and read on, and the same unary flow
is sampled again while they stay open: once with quiet streams (the pool's
question: does any call wait for a connection?), once with busy ones (also
the event loop's). The goals: every stream starts, and the loaded p99 stays
within 3x of the idle p99. Memory per stream is the Python heap grown while
opening them (tracemalloc), divided by the streams that started. Latency
samples are taken in rounds; the cells are medians over the rounds'
percentiles.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aiodocker
from _common import SOCKET, Context, start_containers
from _harness import AIO, AIODOCKER, Goal, Row, Stat, SuiteResult, Unavailable

import aiocontainers

__all__ = ["run"]

CONTAINERS = 10
ROUNDS = 3
UNARY_CALLS = 300
UNARY_GAP = 0.005  # seconds between calls: a steady flow, not a burst
CALL_LIMIT = 5.0  # a unary call slower than this counts as stuck
START_LIMIT = 30.0  # seconds for all streams to deliver their first line
TICK = 0.5  # seconds between a container's lines


def ticking(index: int) -> list[str]:
    """A container printing a line every TICK s, its phase offset by its index.

    Independent containers do not print in step; started together, these
    would, and every stream's line would land in the same instant.
    """
    offset = index * TICK / CONTAINERS
    return ["sh", "-c", f"sleep {offset:.3f}; while :; do echo tick; sleep {TICK}; done"]


@dataclass
class Library:
    """How one library follows a log and inspects a container, on one default client."""

    name: str
    follow: Callable[[str], AsyncIterator[object]]
    inspect: Callable[[str], Awaitable[object]]
    close: Callable[[], Awaitable[None]]


def aiocontainers_library() -> Library:
    client = aiocontainers.DockerClient(f"unix://{SOCKET}")  # every setting at its default

    def follow(cid: str) -> AsyncIterator[object]:
        container = client.containers.prepare_model({"Id": cid, "Config": {"Tty": False}})
        return container.logs(stream=True, follow=True, tail=1)

    async def inspect(cid: str) -> object:
        return await client.containers.get(cid)

    return Library(AIO, follow, inspect, client.close)


def aiodocker_library() -> Library:
    client = aiodocker.Docker(url=f"unix://{SOCKET}")  # its defaults too

    def follow(cid: str) -> AsyncIterator[object]:
        lines: AsyncIterator[object] = client.containers.container(cid).log(
            stdout=True, stderr=True, follow=True, tail=1
        )
        return lines

    async def inspect(cid: str) -> object:
        return await client.containers.container(cid).show()

    return Library(AIODOCKER, follow, inspect, client.close)


def _raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))


Percentiles = dict[int, list[float]]  # percentile -> one value (ms) per round


async def _round(library: Library, cids: list[str], found: Percentiles) -> str | None:
    """One round of inspects in a steady flow: adds its p50 and p99 (ms) to ``found``.

    Returns why it could not, if calls got stuck.
    """
    samples: list[float] = []
    for i in range(UNARY_CALLS):
        start = time.perf_counter()
        try:
            await asyncio.wait_for(library.inspect(cids[i % len(cids)]), CALL_LIMIT)
        except asyncio.TimeoutError:
            return f"stuck: call {i + 1} got no answer within {CALL_LIMIT:g} s"
        samples.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(UNARY_GAP)
    quantiles = statistics.quantiles(samples, n=100, method="inclusive")
    for q, values in found.items():
        values.append(quantiles[q - 1])
    return None


@dataclass
class Loaded:
    latencies: Percentiles | str
    started: int
    start_seconds: float
    heap_kb: float
    line_rate: float  # lines the streams delivered per second while latency was sampled


async def _loaded(library: Library, cids: list[str], streams: int) -> Loaded:
    """Open ``streams`` followed streams, then sample the unary flow while they stay open."""
    started = lines_read = 0
    all_started = asyncio.Event()

    async def hold(cid: str) -> None:
        """Follow one log: started at its first line, then read on until cancelled."""
        nonlocal started, lines_read
        first = True
        lines = library.follow(cid)
        try:
            async for _ in lines:
                lines_read += 1
                if first:
                    first = False
                    started += 1
                    if started == streams:
                        all_started.set()
        finally:
            aclose = getattr(lines, "aclose", None)
            if aclose is not None:
                await aclose()

    gc.collect()
    tracemalloc.start()
    began = time.perf_counter()
    tasks = [asyncio.ensure_future(hold(cids[i % len(cids)])) for i in range(streams)]
    try:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(all_started.wait(), START_LIMIT)
        start_seconds = time.perf_counter() - began
        heap = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        latencies: Percentiles | str = {50: [], 99: []}
        lines_before, sampling = lines_read, time.perf_counter()
        for _ in range(ROUNDS):
            stuck = await _round(library, cids, latencies)
            if stuck is not None:
                latencies = stuck
                break
        line_rate = (lines_read - lines_before) / (time.perf_counter() - sampling)
    finally:
        tracemalloc.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return Loaded(latencies, started, start_seconds, heap / 1024 / max(started, 1), line_rate)


def _cell(value: Percentiles | str, q: int) -> Stat | Unavailable:
    if isinstance(value, str):
        return Unavailable(value)
    return Stat.of(value[q])


def quiet() -> list[str]:
    """A container that prints one line and then nothing."""
    return ["sh", "-c", "echo ready; exec sleep 3600"]


async def run(ctx: Context) -> SuiteResult:
    streams = ctx.pick(1000, 200)
    title = f"{streams} followed streams beside unary calls"
    result = SuiteResult("load", title, [AIO, AIODOCKER])
    _raise_fd_limit(2 * streams + 256)
    scenarios = {
        "quiet": [await start_containers(ctx.raw, 1, quiet()) for _ in range(CONTAINERS)],
        "busy": [await start_containers(ctx.raw, 1, ticking(i)) for i in range(CONTAINERS)],
    }
    containers = {name: [cid for [cid] in found] for name, found in scenarios.items()}
    await asyncio.sleep(1)  # a first line to send at once (tail=1)
    idle50 = result.add(Row("inspect p50, idle client", "ms", "lower"))
    idle99 = result.add(Row("inspect p99, idle client", "ms", "lower"))
    libraries = [aiocontainers_library(), aiodocker_library()]
    try:
        idle: dict[str, Percentiles] = {lib.name: {50: [], 99: []} for lib in libraries}
        for lib in libraries:  # warm up: connections, version negotiation
            for cid in containers["quiet"]:
                await lib.inspect(cid)
        for r in range(ROUNDS):  # idle rounds interleaved, so noise hits both alike
            for lib in libraries[r % 2 :] + libraries[: r % 2]:
                await _round(lib, containers["quiet"], idle[lib.name])
        for lib in libraries:
            idle50.cells[lib.name] = _cell(idle[lib.name], 50)
            idle99.cells[lib.name] = _cell(idle[lib.name], 99)
    finally:
        for lib in libraries:
            await lib.close()
    for scenario, cids in containers.items():
        await _scenario(result, scenario, cids, streams, idle)
    result.notes.append(
        f"{streams} followed log streams (tail=1) spread over {CONTAINERS} containers: "
        f"quiet ones print one line, busy ones a line every {TICK:g} s, out of step; "
        f"{ROUNDS} rounds of {UNARY_CALLS} inspects {UNARY_GAP * 1000:g} ms apart, idle and "
        "with the streams open; heap growth while opening, per started stream"
    )
    result.notes.append(
        "each library on one client with its default settings (aiocontainers: "
        "max_pool_size=10, which only bounds idle connections; aiodocker: aiohttp's "
        "default pool of 100 connections that callers queue on)"
    )
    result.notes.append(
        "with busy streams the client's event loop also reads every line (about 50 us of "
        "CPU each, mostly aiohttp's), and the daemon decodes each line once per follower: "
        "on a loaded machine that CPU, not a wait for connections, sets the p99"
    )
    return result


async def _scenario(
    result: SuiteResult,
    scenario: str,
    cids: list[str],
    streams: int,
    idle: dict[str, Percentiles],
) -> None:
    """Open ``streams`` followed streams on ``cids``, a fresh client per library; add rows."""
    with_streams = f"with {streams} {scenario} streams"
    rows = {
        "started": result.add(
            Row(f"{scenario} streams started (of {streams})", "streams", "higher")
        ),
        "start": result.add(Row(f"time until all {scenario} streams delivered", "s", "lower")),
        "load50": result.add(Row(f"inspect p50 {with_streams}", "ms", "lower")),
        "load99": result.add(Row(f"inspect p99 {with_streams}", "ms", "lower")),
        "ratio": result.add(
            Row(f"p99 {with_streams} / idle p99", "x", "lower", goals=[Goal("below", 3.0)])
        ),
    }
    if scenario == "quiet":
        rows["heap"] = result.add(Row("Python heap per open stream", "KB", "lower"))
    else:
        rows["lines"] = result.add(Row("lines read by the streams", "lines/s", "higher"))
    for make in (aiocontainers_library, aiodocker_library):
        lib = make()
        try:
            for cid in cids:  # warm up: connections, version negotiation
                await lib.inspect(cid)
            loaded = await _loaded(lib, cids, streams)
        except Exception as exc:
            failed = Unavailable(f"failed: {type(exc).__name__}: {exc}"[:200])
            for row in rows.values():
                row.cells[lib.name] = failed
            continue
        finally:
            await lib.close()
        rows["started"].cells[lib.name] = Stat.of([loaded.started])
        rows["start"].cells[lib.name] = (
            Stat.of([loaded.start_seconds])
            if loaded.started == streams
            else Unavailable(f"only {loaded.started} within {START_LIMIT:g} s")
        )
        rows["load50"].cells[lib.name] = _cell(loaded.latencies, 50)
        rows["load99"].cells[lib.name] = _cell(loaded.latencies, 99)
        if "heap" in rows:
            rows["heap"].cells[lib.name] = Stat.of([loaded.heap_kb])
        if "lines" in rows:
            rows["lines"].cells[lib.name] = Stat.of([loaded.line_rate])
        if isinstance(loaded.latencies, dict):
            idle99 = statistics.median(idle[lib.name][99])
            ratio = statistics.median(loaded.latencies[99]) / idle99
            rows["ratio"].cells[lib.name] = Stat.of([ratio])
        else:
            rows["ratio"].cells[lib.name] = Unavailable("unary calls got stuck")
