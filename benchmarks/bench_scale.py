"""Scale: how time and memory grow from 10 to 100 to 1,000, for each library.

Three scenarios, each at every size:
- ``containers.list(all=True)`` of N containers, sparse (the list endpoint
  only) and inspected (docker-py's default inspects each container; aiodocker
  has no such mode, so its users' way is a ``show()`` per container, at once).
  The containers are created, never started, so 1,000 cost little.
- ``events()`` while the daemon emits N events as close to 1,000 per second
  as it can (a harmless ``SIGWINCH`` sent to running containers, paced): the
  delivery lag (daemon timestamp to decoded event; the time to receive them
  all is the daemon's pace, not the library's) and the p99 lag in the notes.
- N followed log streams held open at once, spread over a few containers
  that print a line every half second: the time until every stream has
  delivered a line, and the memory while they are open (docker-py: a thread
  per stream, its only way).

Every measurement runs in a fresh interpreter (`_scale_worker.py`), one
library at a time, so its memory figure (resident set growth over the
worker's own baseline, while it holds the result) is its own. Not part of
the default run (minutes, and 1,000 containers): ``python benchmarks/run.py --only scale`` or
``nox -s bench_scale``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from _common import IMAGE, LABEL_FILTER, LABELS, SOCKET, Context, start_containers
from _harness import AIO, AIODOCKER, DOCKER_PY, Cell, Row, Stat, SuiteResult, Unavailable
from _raw import RawDocker

__all__ = ["run"]

WORKER = Path(__file__).with_name("_scale_worker.py")
LIBRARIES = {AIO: "aiocontainers", AIODOCKER: "aiodocker", DOCKER_PY: "docker-py"}
EVENT_RATE = 1000.0  # events per second asked of the daemon
FOLLOWED = 10  # containers the followed streams are spread over
WORKER_LIMIT = 300.0  # seconds a worker may take
LISTS = {"list_sparse": "list(sparse=True)", "list_inspect": "list()"}
CONCURRENCY = 16  # daemon calls in flight while creating and removing containers


async def gather_limited(calls: list[Any], limit: int = CONCURRENCY) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(call: Any) -> Any:
        async with gate:
            return await call

    return list(await asyncio.gather(*(one(call) for call in calls)))


async def create_to(raw: RawDocker, ids: list[str], size: int) -> None:
    """Create (not start) labelled containers until there are ``size``."""

    async def one() -> str:
        body = {"Image": IMAGE, "Cmd": ["true"], "Labels": LABELS}
        return str((await raw.json("POST", "/containers/create", body))["Id"])

    ids += await gather_limited([one() for _ in range(size - len(ids))])


async def remove(raw: RawDocker, ids: list[str]) -> None:
    await gather_limited([raw.request("DELETE", f"/containers/{cid}?force=1&v=1") for cid in ids])


async def worker(
    library: str, scenario: str, size: int, ids: list[str], raw: RawDocker
) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; for events, generate them meanwhile."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        library,
        scenario,
        str(size),
        ",".join(ids),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DOCKER_HOST": f"unix://{SOCKET}"},
    )
    assert process.stdout is not None
    try:
        if scenario == "events":
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            if line.strip() != b"ready":
                raise RuntimeError(f"worker not ready: {line!r}")
            await asyncio.sleep(0.3)  # the subscription reaches the daemon
            generated = await emit_events(raw, ids, size)
        out, err = await asyncio.wait_for(process.communicate(), WORKER_LIMIT)
    except BaseException:
        process.kill()
        await process.wait()
        raise
    if process.returncode:
        raise RuntimeError(err.decode(errors="replace").strip().splitlines()[-1][:300])
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    if scenario == "events":
        result["rate"] = generated
    return result


async def emit_events(raw: RawDocker, running: list[str], count: int) -> float:
    """Send ``count`` SIGWINCH (a kill event each) paced at EVENT_RATE; the rate reached."""
    start = time.perf_counter()
    in_flight: set[asyncio.Task[bytes]] = set()
    for index in range(count):
        delay = start + index / EVENT_RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        cid = running[index % len(running)]
        task = asyncio.create_task(raw.request("POST", f"/containers/{cid}/kill?signal=SIGWINCH"))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        if len(in_flight) >= CONCURRENCY:
            await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*in_flight)
    return count / (time.perf_counter() - start)


async def measure(
    result: SuiteResult,
    label: str,
    scenario: str,
    size: int,
    ids: list[str],
    raw: RawDocker,
    growth: dict[str, dict[str, dict[int, float]]],
) -> dict[str, dict[str, Any] | Unavailable]:
    found: dict[str, dict[str, Any] | Unavailable] = {}
    for column, library in LIBRARIES.items():
        try:
            found[column] = await worker(library, scenario, size, ids, raw)
        except Exception as exc:
            found[column] = Unavailable(f"failed: {type(exc).__name__}: {exc}"[:300])
    seconds: dict[str, Cell] = {}
    memory: dict[str, Cell] = {}
    for column, outcome in found.items():
        if isinstance(outcome, Unavailable):
            seconds[column] = memory[column] = outcome
            continue
        figure = outcome["lag_ms"] if scenario == "events" else outcome["seconds"] * 1000
        seconds[column] = Stat.of([figure])
        memory[column] = Stat.of([outcome["rss_mb"]])
        growth.setdefault(label, {}).setdefault(column, {})[size] = figure
    what = "median delivery lag" if scenario == "events" else "time"
    result.add(Row(f"{label}, N={size}: {what}", "ms", "lower", cells=seconds))
    result.add(Row(f"{label}, N={size}: RSS growth", "MB", "lower", cells=memory))
    return found


def growth_notes(result: SuiteResult, growth: dict[str, dict[str, dict[int, float]]]) -> None:
    for label, columns in growth.items():
        parts = []
        for column, times in columns.items():
            sizes = sorted(times)
            if len(sizes) < 2 or not times[sizes[0]]:
                continue
            steps = " -> ".join(f"{times[s] / times[sizes[0]]:.1f}x" for s in sizes[1:])
            parts.append(f"{column} {steps}")
        if parts:
            result.notes.append(
                f"growth of {label} time from N=10 (x10, x100): {'; '.join(parts)}"
            )


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("scale", "Scale: 10 -> 100 -> 1,000", [AIO, AIODOCKER, DOCKER_PY])
    sizes = [10, 100] if ctx.quick else [10, 100, 1000]
    raw = ctx.raw
    growth: dict[str, dict[str, dict[int, float]]] = {}
    created: list[str] = []
    try:
        for size in sizes:
            await create_to(raw, created, size)
            for scenario, call in LISTS.items():
                label = f"containers.{call} of all"
                await measure(result, label, scenario, size, [], raw, growth)
    finally:
        await remove(raw, created)
    running = await start_containers(
        raw, FOLLOWED, ["sh", "-c", "while :; do echo tick; sleep 0.5; done"]
    )
    lags: list[str] = []
    try:
        for size in sizes:
            found = await measure(result, "events()", "events", size, running, raw, growth)
            for column, outcome in found.items():
                if isinstance(outcome, dict):
                    lags.append(
                        f"{column} N={size}: lag {outcome['lag_ms']:.1f} ms median, "
                        f"{outcome['lag_p99_ms']:.1f} p99 at {outcome['rate']:.0f} events/s"
                    )
        for size in sizes:
            await measure(result, "followed log streams", "follow", size, running, raw, growth)
    finally:
        await remove(raw, running)
    growth_notes(result, growth)
    result.notes.append("events: " + "; ".join(lags))
    result.notes.append(
        "one fresh interpreter per library and size; time is one run (list: the median of 3 "
        "calls); memory is the resident set's growth over the worker's baseline, while the "
        "list or the streams are held"
    )
    filters = urllib.parse.quote(json.dumps(LABEL_FILTER))
    left = await raw.json("GET", f"/containers/json?all=1&filters={filters}")
    if left:
        result.notes.append(f"{len(left)} labelled containers were left and removed after")
    return result
