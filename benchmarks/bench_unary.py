"""Unary calls: per-call latency of ping, version and containers.list, and of the same
calls through the low-level layer (``client.api``)."""

from __future__ import annotations

import asyncio
import json
import urllib.parse

from _common import LABEL_FILTER, SOCKET, Context, interleave, per_call, start_containers, sync_op
from _harness import AIO, AIODOCKER, DOCKER_PY, RAW, Goal, Row, SuiteResult, scale

import aiocontainers

__all__ = ["run"]

GOALS = [Goal("within", 1.10, AIODOCKER), Goal("faster", 3.0, DOCKER_PY)]
LISTED = 5


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("unary", "Unary calls", [AIO, RAW, AIODOCKER, DOCKER_PY])
    rounds = ctx.rounds_or(15, 5)
    repeat = ctx.pick(20, 10)
    raw, aio, adk, dpy = ctx.raw, ctx.aio, ctx.aiodocker, ctx.dockerpy
    await start_containers(raw, LISTED, ["sleep", "600"])
    bare = aiocontainers.DockerClient(f"unix://{SOCKET}", max_pool_size=32, timeout=None)
    query = urllib.parse.quote(json.dumps(LABEL_FILTER))
    filters_json = json.dumps(LABEL_FILTER)

    async def adk_ping() -> bytes:
        # aiodocker has no public ping; its own request helper is the closest.
        async with adk._query("_ping") as response:
            return await response.read()

    async def raw_list_inspected() -> object:
        rows = await raw.json("GET", f"/containers/json?filters={query}")
        return await asyncio.gather(
            *(raw.json("GET", f"/containers/{row['Id']}/json") for row in rows)
        )

    async def adk_list_inspected() -> object:
        found = await adk.containers.list(filters=filters_json)
        return await asyncio.gather(*(c.show() for c in found))

    cases = {
        "ping": {
            AIO: aio.ping,
            RAW: lambda: raw.request("GET", "/_ping", versioned=False),
            AIODOCKER: adk_ping,
            DOCKER_PY: sync_op(dpy.ping),
        },
        "version": {
            AIO: aio.version,
            RAW: lambda: raw.json("GET", "/version"),
            AIODOCKER: adk.version,
            DOCKER_PY: sync_op(dpy.version),
        },
        f"containers.list sparse ({LISTED} containers)": {
            AIO: lambda: aio.containers.list(filters=LABEL_FILTER, sparse=True),
            RAW: lambda: raw.json("GET", f"/containers/json?filters={query}"),
            AIODOCKER: lambda: adk.containers.list(filters=filters_json),
            DOCKER_PY: sync_op(lambda: dpy.containers.list(filters=LABEL_FILTER, sparse=True)),
        },
        f"containers.list + inspect each ({LISTED} containers)": {
            AIO: lambda: aio.containers.list(filters=LABEL_FILTER),
            RAW: raw_list_inspected,
            AIODOCKER: adk_list_inspected,
            DOCKER_PY: sync_op(lambda: dpy.containers.list(filters=LABEL_FILTER)),
        },
        # aiodocker's default client sets no deadline on a call; ours does (60 s), and
        # aiohttp's deadline costs about 20 us a call here. The same calls without one:
        "ping, no call deadline (timeout=None)": {
            AIO: bare.ping,
            RAW: lambda: raw.request("GET", "/_ping", versioned=False),
            AIODOCKER: adk_ping,
            DOCKER_PY: sync_op(dpy.ping),
        },
        f"containers.list + inspect each ({LISTED} containers), no call deadline": {
            AIO: lambda: bare.containers.list(filters=LABEL_FILTER),
            RAW: raw_list_inspected,
            AIODOCKER: adk_list_inspected,
            DOCKER_PY: sync_op(lambda: dpy.containers.list(filters=LABEL_FILTER)),
        },
        # The low-level layer (client.api, docker-py's APIClient) beside the same calls:
        # its cost is the difference from the rows above.
        "api.ping (low-level)": {
            AIO: aio.api.ping,
            RAW: lambda: raw.request("GET", "/_ping", versioned=False),
            AIODOCKER: adk_ping,
            DOCKER_PY: sync_op(dpy.api.ping),
        },
        "api.version (low-level)": {
            AIO: aio.api.version,
            RAW: lambda: raw.json("GET", "/version"),
            AIODOCKER: adk.version,
            DOCKER_PY: sync_op(dpy.api.version),
        },
        f"api.containers ({LISTED} containers, low-level)": {
            AIO: lambda: aio.api.containers(filters=LABEL_FILTER),
            RAW: lambda: raw.json("GET", f"/containers/json?filters={query}"),
            AIODOCKER: lambda: adk.containers.list(filters=filters_json),
            DOCKER_PY: sync_op(lambda: dpy.api.containers(filters=LABEL_FILTER)),
        },
    }
    try:
        for ops in cases.values():  # warm up connections and version negotiation
            for op in ops.values():
                await op()
        for metric, ops in cases.items():
            cells = await interleave(ops, rounds, per_call(repeat))
            row = result.add(Row(metric, "ms/call", "lower", goals=list(GOALS)))
            for name, cell in cells.items():
                row.cells[name] = scale(cell, 1000)
    finally:
        await bare.close()
    result.notes.append(
        f"{rounds} rounds x {repeat} back-to-back calls per library, one kept-alive client each"
    )
    result.notes.append(
        "aiodocker's containers.list never inspects; the 'inspect each' row adds a "
        "concurrent show() per container (docker-py inspects sequentially)"
    )
    return result
