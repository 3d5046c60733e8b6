"""Health wake-up: from the daemon's ``health_status: healthy`` event to the wait returning.

The event's own ``timeNano`` (the daemon's clock, the same host's) is the
start; ``time.time_ns()`` when ``wait_until_healthy`` returns is the end. An
independent raw-socket events listener records the event times. The seed's
docker-py loop (reload, check, ``time.sleep(2)``) runs in threads over the same
containers for comparison: it should average half its interval, about 1 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

from _common import BENCH_LABEL, Context, aio_feature, start_containers
from _harness import AIO, Goal, Row, Stat, SuiteResult, Unavailable

import aiocontainers

__all__ = ["run"]

SEED = "docker-py seed loop (2 s poll)"
NANOS = 1_000_000_000
HEALTHCHECK = {
    "Test": ["CMD", "true"],
    "Interval": NANOS // 2,
    "Timeout": 2 * NANOS,
    "Retries": 3,
}
TRIGGERED = {
    "Test": ["CMD", "test", "-e", "/ready/go"],
    "Interval": NANOS,
    "Timeout": 2 * NANOS,
    "Retries": 3,
    "StartPeriod": 300 * NANOS,  # failures before the trigger do not count
}


@contextlib.asynccontextmanager
async def healthy_events(ctx: Context) -> AsyncIterator[dict[str, int]]:
    """Record ``{container id: timeNano}`` of every bench container's healthy event."""
    seen: dict[str, int] = {}
    filters = {"label": [f"{BENCH_LABEL}=1"], "event": ["health_status"], "type": ["container"]}
    query = urllib.parse.quote(json.dumps(filters))
    response = await ctx.raw.open("GET", f"/events?filters={query}")

    async def pump() -> None:
        carry = b""
        async for chunk in response.chunks():
            *lines, carry = (carry + chunk).split(b"\n")
            for line in lines:
                if line.strip():
                    event = json.loads(line)
                    if event.get("status") == "health_status: healthy":
                        seen.setdefault(event["id"], int(event["timeNano"]))

    task = asyncio.create_task(pump())
    try:
        yield seen
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        response.close()


def seed_loop(ctx: Context, cid: str) -> int:
    """The seed's docker-py polling loop; returns the time.time_ns() it noticed health."""
    container = ctx.dockerpy.containers.get(cid)
    while True:
        container.reload()
        if container.attrs["State"].get("Health", {}).get("Status") == "healthy":
            return time.time_ns()
        time.sleep(2)


async def _wait_event(seen: dict[str, int], cid: str, limit: float = 10.0) -> int:
    deadline = time.monotonic() + limit
    while cid not in seen:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no healthy event for {cid[:12]}")
        await asyncio.sleep(0.01)
    return seen[cid]


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("health", "Health wake-up", [AIO, SEED])
    single = ctx.pick(10, 4)
    many = ctx.pick(50, 10)
    missing = aio_feature(lambda: aiocontainers.wait_until_healthy)

    extra = {"Healthcheck": HEALTHCHECK}
    async with healthy_events(ctx) as seen:
        # 1. Separate waits, one call per container, with the seed loop alongside.
        ids = await start_containers(ctx.raw, single, ["sleep", "600"], **extra)
        returned: dict[str, int] = {}

        async def aio_wait(cid: str) -> None:
            container = await ctx.aio.containers.get(cid)
            await aiocontainers.wait_until_healthy(container, timeout=60)
            returned[cid] = time.time_ns()

        seed = asyncio.gather(*(asyncio.to_thread(seed_loop, ctx, cid) for cid in ids))
        if not missing:
            await asyncio.gather(*(aio_wait(cid) for cid in ids))
        seed_done = await seed
        events = {cid: await _wait_event(seen, cid) for cid in ids}
        row = result.add(
            Row(
                "healthy event -> wait returns (one call per container)",
                "ms",
                "lower",
                goals=[Goal("below", 50)],
            )
        )
        row.cells[AIO] = missing or Stat.of([(returned[cid] - events[cid]) / 1e6 for cid in ids])
        row.cells[SEED] = Stat.of(
            [(done - events[cid]) / 1e6 for cid, done in zip(ids, seed_done, strict=True)]
        )
        for cid in ids:
            await ctx.raw.request("DELETE", f"/containers/{cid}?force=1")

        # 2. Many containers, one call, all turned healthy by one trigger after it started.
        if missing:
            result.notes.append(f"{many} containers at once: not measured ({missing.reason})")
            return result
        with tempfile.TemporaryDirectory(prefix="aiocontainers-bench-") as trigger:
            ids = await start_containers(
                ctx.raw,
                many,
                ["sleep", "600"],
                Healthcheck=TRIGGERED,
                HostConfig={"Binds": [f"{trigger}:/ready:ro"]},
            )
            containers = await asyncio.gather(*(ctx.aio.containers.get(c) for c in ids))
            waiter = asyncio.create_task(
                aiocontainers.wait_until_healthy(*containers, timeout=120)
            )
            await asyncio.sleep(1.0)  # the wait is subscribed and has inspected them all
            await asyncio.to_thread(Path(trigger, "go").touch)
            fired = time.perf_counter()
            await waiter
            done_ns, done = time.time_ns(), time.perf_counter()
        last_event = max([await _wait_event(seen, cid) for cid in ids])
        row = result.add(
            Row(
                f"{many} containers, one wait_until_healthy: last healthy event -> return",
                "ms",
                "lower",
                goals=[Goal("below", 50)],
            )
        )
        row.cells[AIO] = Stat.of([(done_ns - last_event) / 1e6])
        row.cells[SEED] = Unavailable("not run")
        result.notes.append(
            f"{many} containers: their check (`test -e /ready/go`, every 1 s, bind-mounted "
            f"trigger) passes once a host file appears, 1 s after the wait began; the wait "
            f"returned {done - fired:.2f} s after the trigger"
        )
    result.notes.append(
        "health check `true` every 0.5 s (the Engine API 1.41 has no start_interval); "
        "the seed loop's expected average is 1000 ms (half its 2 s interval), its "
        "cells are measured in threads over the same containers"
    )
    return result
