"""One scale measurement in a fresh interpreter: ``python _scale_worker.py LIB SCENARIO N IDS``.

A process per library and size, so that each one's memory is its own: the
figure is the growth of the resident set over the process's own baseline
(taken after the imports, the client and a first call of the same kind),
read while the result (the list, the open streams) is still held.
Prints one JSON line: ``seconds`` (and for events the delivery lags) and
``rss_mb``. ``events`` prints ``ready`` first and then waits for N events
that the parent generates. LIB is ``aiocontainers``, ``aiodocker`` or
``docker-py``; IDS is a comma-separated list of container ids (the running
containers to follow).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiodocker
import docker

import aiocontainers

LABEL = "aiocontainers.bench=1"
FILTERS = {"label": [LABEL]}
KILL_FILTERS = {"label": [LABEL], "event": ["kill"]}
SOCKET = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
REPEAT = 3  # list calls per process; the median is reported
START_LIMIT = 120.0  # seconds for every followed stream to deliver a line


PAGE = os.sysconf("SC_PAGE_SIZE")
NO_MATCH = {"label": ["aiocontainers.bench.none=1"]}  # a warm-up list that finds nothing


def rss_mb() -> float:
    """The resident set now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def report(seconds: float, baseline: float, **extra: Any) -> None:
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb() - baseline, **extra}), flush=True)


async def timed(call: Callable[[], Awaitable[object]], baseline: float) -> None:
    """Report the median of REPEAT calls and the memory while the last result is held."""
    times, held = [], None
    for _ in range(REPEAT):
        held = None
        start = time.perf_counter()
        held = await call()
        times.append(time.perf_counter() - start)
    report(statistics.median(times), baseline)
    del held


def timed_sync(call: Callable[[], object], baseline: float) -> None:
    times, held = [], None
    for _ in range(REPEAT):
        held = None
        start = time.perf_counter()
        held = call()
        times.append(time.perf_counter() - start)
    report(statistics.median(times), baseline)
    del held


# -- containers.list ---------------------------------------------------------------------


async def list_ours(n: int, inspect: bool) -> None:
    async with aiocontainers.DockerClient(SOCKET) as client:
        await client.containers.list(all=True, sparse=not inspect, filters=NO_MATCH)
        baseline = rss_mb()

        async def call() -> object:
            found = await client.containers.list(all=True, sparse=not inspect, filters=FILTERS)
            assert len(found) == n, len(found)
            return found

        await timed(call, baseline)


async def list_aiodocker(n: int, inspect: bool) -> None:
    async with aiodocker.Docker(url=SOCKET) as client:
        await client.containers.list(all=True, filters=json.dumps(NO_MATCH))
        baseline = rss_mb()

        async def call() -> object:
            found = await client.containers.list(all=True, filters=json.dumps(FILTERS))
            assert len(found) == n, len(found)
            if inspect:  # what an aiodocker user does for the details: one show() each
                return await asyncio.gather(*(container.show() for container in found))
            return found

        await timed(call, baseline)


def list_docker_py(n: int, inspect: bool) -> None:
    client = docker.DockerClient(base_url=SOCKET)
    client.containers.list(all=True, sparse=not inspect, filters=NO_MATCH)
    baseline = rss_mb()

    def call() -> object:
        found = client.containers.list(all=True, sparse=not inspect, filters=FILTERS)
        assert len(found) == n, len(found)
        return found

    timed_sync(call, baseline)
    client.close()


# -- events --------------------------------------------------------------------------------


def event_report(start: float, lags: list[int], baseline: float) -> None:
    lags_ms = sorted(lag / 1e6 for lag in lags)
    report(
        time.perf_counter() - start,
        baseline,
        lag_ms=statistics.median(lags_ms),
        lag_p99_ms=lags_ms[int(0.99 * (len(lags_ms) - 1))],
    )


async def events_ours(n: int) -> None:
    lags: list[int] = []
    async with aiocontainers.DockerClient(SOCKET) as client:
        await client.ping()
        baseline = rss_mb()
        async with client.events(filters=KILL_FILTERS) as stream:
            print("ready", flush=True)
            start = 0.0
            async for event in stream:
                start = start or time.perf_counter()
                lags.append(time.time_ns() - event.time_nano)
                if len(lags) >= n:
                    break
        event_report(start, lags, baseline)


async def events_aiodocker(n: int) -> None:
    lags: list[int] = []
    async with aiodocker.Docker(url=SOCKET) as client:
        await client.version()
        baseline = rss_mb()
        subscriber = client.events.subscribe(filters=json.dumps(KILL_FILTERS))  # type: ignore[no-untyped-call]
        print("ready", flush=True)
        start = 0.0
        while len(lags) < n:
            event = await subscriber.get()
            if event is None:
                raise RuntimeError("aiodocker's event stream ended")
            start = start or time.perf_counter()
            lags.append(time.time_ns() - int(event["timeNano"]))
        await client.events.stop()  # type: ignore[no-untyped-call]
        event_report(start, lags, baseline)


def events_docker_py(n: int) -> None:
    lags: list[int] = []
    client = docker.DockerClient(base_url=SOCKET)
    client.ping()
    baseline = rss_mb()
    stream = client.events(filters=KILL_FILTERS, decode=True)
    print("ready", flush=True)
    start = 0.0
    for event in stream:
        start = start or time.perf_counter()
        lags.append(time.time_ns() - int(event["timeNano"]))
        if len(lags) >= n:
            break
    stream.close()
    event_report(start, lags, baseline)
    client.close()


# -- followed log streams ----------------------------------------------------------------


async def follow_ours(n: int, ids: list[str]) -> None:
    async with aiocontainers.DockerClient(SOCKET) as client:
        await client.ping()
        containers = [await client.containers.get(i) for i in ids]
        baseline = rss_mb()
        started = asyncio.Event()
        release = asyncio.Event()
        count = 0

        async def one(index: int) -> None:
            nonlocal count
            logs = containers[index % len(containers)].logs(stream=True, follow=True, tail=0)
            async with logs as lines:
                async for _ in lines:
                    count += 1
                    if count == n:
                        started.set()
                    await release.wait()
                    return

        start = time.perf_counter()
        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        await asyncio.wait_for(started.wait(), START_LIMIT)
        seconds = time.perf_counter() - start
        rss = rss_mb() - baseline
        release.set()
        await asyncio.gather(*tasks)
        print(json.dumps({"seconds": seconds, "rss_mb": rss}), flush=True)


async def follow_aiodocker(n: int, ids: list[str]) -> None:
    async with aiodocker.Docker(url=SOCKET) as client:
        await client.version()
        containers = [await client.containers.get(i) for i in ids]
        baseline = rss_mb()
        started = asyncio.Event()
        release = asyncio.Event()
        count = 0

        async def one(index: int) -> None:
            nonlocal count
            logs = containers[index % len(containers)].log(
                stdout=True, follow=True, tail=0, timeout=None
            )
            try:
                async for _ in logs:
                    count += 1
                    if count == n:
                        started.set()
                    await release.wait()
                    return
            finally:
                await logs.aclose()

        start = time.perf_counter()
        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        await asyncio.wait_for(started.wait(), START_LIMIT)
        seconds = time.perf_counter() - start
        rss = rss_mb() - baseline
        release.set()
        await asyncio.gather(*tasks)
        print(json.dumps({"seconds": seconds, "rss_mb": rss}), flush=True)


def follow_docker_py(n: int, ids: list[str]) -> None:
    """docker-py's way to follow many logs at once: a thread per stream."""
    client = docker.DockerClient(base_url=SOCKET, max_pool_size=n)
    client.ping()
    containers = [client.containers.get(i) for i in ids]
    baseline = rss_mb()
    release = threading.Event()
    started = threading.Barrier(n + 1)

    def one(index: int) -> None:
        stream = containers[index % len(containers)].logs(stream=True, follow=True, tail=0)
        next(stream)
        started.wait()
        release.wait()
        stream.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    started.wait(START_LIMIT)
    seconds = time.perf_counter() - start
    rss = rss_mb() - baseline
    release.set()
    for thread in threads:
        thread.join()
    print(json.dumps({"seconds": seconds, "rss_mb": rss}), flush=True)
    client.close()


def main(argv: list[str]) -> None:
    library, scenario, size, ids = argv[0], argv[1], int(argv[2]), argv[3:]
    containers = ids[0].split(",") if ids else []
    if scenario in ("list_sparse", "list_inspect"):
        inspect = scenario == "list_inspect"
        if library == "docker-py":
            list_docker_py(size, inspect)
        else:
            lister = list_ours if library == "aiocontainers" else list_aiodocker
            asyncio.run(lister(size, inspect))
    elif scenario == "events":
        if library == "docker-py":
            events_docker_py(size)
        else:
            asyncio.run(
                events_ours(size) if library == "aiocontainers" else events_aiodocker(size)
            )
    elif scenario == "follow":
        if library == "docker-py":
            follow_docker_py(size, containers)
        else:
            follow = follow_ours if library == "aiocontainers" else follow_aiodocker
            asyncio.run(follow(size, containers))
    else:
        raise SystemExit(f"unknown scenario {scenario!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
