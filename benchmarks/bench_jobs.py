"""Jobs: many short jobs through ``aiocontainers.jobs.JobRunner`` against hand-written pools.

Throughput: 500 jobs running ``true`` at concurrency 16, each with its exit
code and output collected and its container removed: our runner
(``runner.map(specs)``), aiodocker written by hand with ``asyncio.gather``
and a semaphore, and docker-py's ``containers.run(remove=True)`` in a
16-thread pool, interleaved in one run (in batches, so drifting load falls
on every library alike).

Memory: the Python memory one queued job costs (a spec and its handle, no
task: traced while 10,000 jobs wait behind a busy worker), and what
``runner.map()`` holds while it is handed a generator of 10,000 specs (it
takes only its window from the generator, so this stays flat).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import docker
from _common import IMAGE, LABELS, SOCKET, Context, aio_feature, interleave
from _harness import AIO, AIODOCKER, DOCKER_PY, Goal, Row, Stat, SuiteResult, Unavailable

__all__ = ["run"]

CONCURRENCY = 16
QUEUED = 10_000

Batch = Callable[[int], Awaitable[object]]


def batches(
    ctx: Context, pool: concurrent.futures.ThreadPoolExecutor, dpy_client: docker.DockerClient
) -> dict[str, Batch | Unavailable]:
    """One coroutine per library running ``count`` jobs at concurrency 16."""

    async def aio(count: int) -> object:
        from aiocontainers.jobs import JobRunner, JobSpec

        specs = (JobSpec(IMAGE, ["true"]) for _ in range(count))
        async with JobRunner(ctx.aio, concurrency=CONCURRENCY, labels=LABELS) as runner:
            results = [result async for result in runner.map(specs)]
        if not all(result.ok for result in results) or len(results) != count:
            raise RuntimeError("a job failed")
        return results

    async def adk(count: int) -> object:
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one() -> int:
            async with limit:
                config: dict[str, Any] = {"Image": IMAGE, "Cmd": ["true"], "Labels": LABELS}
                container = await ctx.aiodocker.containers.run(config)
                try:
                    status = int((await container.wait())["StatusCode"])
                    await container.log(stdout=True, stderr=True)
                finally:
                    await container.delete(v=True, force=True)
                return status

        statuses = await asyncio.gather(*(one() for _ in range(count)))
        if any(statuses):
            raise RuntimeError("a job failed")
        return statuses

    async def dpy(count: int) -> object:
        loop = asyncio.get_running_loop()

        def one() -> bytes:
            out: bytes = dpy_client.containers.run(IMAGE, ["true"], remove=True, labels=LABELS)
            return out

        return await asyncio.gather(*(loop.run_in_executor(pool, one) for _ in range(count)))

    missing = aio_feature(lambda: __import__("aiocontainers.jobs").jobs.JobRunner)
    return {AIO: missing or aio, AIODOCKER: adk, DOCKER_PY: dpy}


async def queued_memory(ctx: Context, count: int) -> tuple[float, float, int]:
    """(bytes per queued job via submit(), KiB map() holds for ``count`` specs, specs taken).

    One worker is kept busy by a sleeping job, so everything else waits.
    """
    from aiocontainers.jobs import JobRunner, JobSpec

    async with JobRunner(ctx.aio, concurrency=1, labels=LABELS) as runner:
        blocker = await runner.submit(JobSpec(IMAGE, ["sleep", "300"]))
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            handles = [await runner.submit(JobSpec(IMAGE, ["echo", str(n)])) for n in range(count)]
            per_job = (tracemalloc.get_traced_memory()[0] - before) / count
        finally:
            tracemalloc.stop()
        for handle in handles:
            handle.cancel()
        del handles

        taken = 0

        def specs() -> Iterator[JobSpec]:
            nonlocal taken
            for n in range(count):
                taken += 1
                yield JobSpec(IMAGE, ["echo", str(n)])

        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            async with runner.map(specs()) as results:
                consumer = asyncio.ensure_future(results.__anext__())
                await asyncio.sleep(1.0)  # the feeder fills its window, then waits
                held = (tracemalloc.get_traced_memory()[0] - before) / 1024
                consumer.cancel()
        finally:
            tracemalloc.stop()
        blocker.cancel()
    return per_job, held, taken


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("jobs", "Jobs", [AIO, AIODOCKER, DOCKER_PY])
    count = ctx.pick(500, 40)
    # The jobs run in interleaved batches, the order rotating each round: load that
    # drifts during minutes of work (a shared machine) then falls on every library.
    rounds = ctx.rounds_or(5, 2)
    batch = count // rounds
    pool = concurrent.futures.ThreadPoolExecutor(CONCURRENCY)
    dpy_client = docker.DockerClient(
        base_url=f"unix://{SOCKET}", timeout=600, max_pool_size=CONCURRENCY
    )
    try:
        libs = batches(ctx, pool, dpy_client)

        async def wall(run_batch: Batch) -> float:
            start = time.perf_counter()
            await run_batch(batch)
            return (time.perf_counter() - start) * rounds  # as if all `count` ran at once

        row = result.add(
            Row(
                f"{batch * rounds} x job `true` at concurrency {CONCURRENCY}",
                "s",
                "lower",
                goals=[Goal("within", 1.05, AIODOCKER), Goal("within", 1.05, DOCKER_PY)],
                note=f"{rounds} interleaved batches of {batch} per library; each sample is "
                f"a batch's time x {rounds}",
            )
        )
        row.cells = await interleave(libs, rounds, wall)
    finally:
        pool.shutdown(wait=True)
        dpy_client.close()

    queued = ctx.pick(QUEUED, 1000)
    try:
        per_job, held, taken = await queued_memory(ctx, queued)
    except Exception as exc:
        per_job_cell: Stat | Unavailable = Unavailable(f"failed: {exc!r}"[:200])
        held_cell: Stat | Unavailable = per_job_cell
        taken = 0
    else:
        per_job_cell, held_cell = Stat.of([per_job]), Stat.of([held])
    not_theirs = Unavailable("no queue: one task or thread per job")
    result.add(
        Row(
            f"memory per queued job ({queued:,} submitted)",
            "bytes",
            "lower",
            cells={AIO: per_job_cell, AIODOCKER: not_theirs, DOCKER_PY: not_theirs},
        )
    )
    result.add(
        Row(
            f"runner.map() over {queued:,} specs: memory held",
            "KiB",
            "lower",
            cells={AIO: held_cell},
            note=f"{taken} of {queued:,} specs taken from the generator (window 2 x concurrency)",
        )
    )
    result.notes.append(
        "aiocontainers: JobRunner.map() (create, attach + wait opened before the start, start, "
        "remove per job, output kept); aiodocker: gather + Semaphore(16) of containers.run, "
        "wait, log, delete; "
        "docker-py: containers.run(remove=True) in a 16-thread pool (its client's pool sized 16)"
    )
    result.notes.append(
        "queued-job memory is traced with tracemalloc while one worker is busy, spec included"
    )
    return result
