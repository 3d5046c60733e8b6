"""Exec: ``exec_run`` latency (create, start, read output, exit code) and output streaming."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from _common import Context, aio_feature, interleave, start_containers
from _harness import (
    AIO,
    AIODOCKER,
    DOCKER_PY,
    RAW,
    Goal,
    Row,
    SuiteResult,
    Unavailable,
    scale,
)
from _raw import Frames

__all__ = ["run"]

# Each runs ``cmd`` to completion in container ``cid``; returns (exit code, output bytes).
Runner = Callable[[str, list[str]], Awaitable[tuple[int, int]]]


def runners(ctx: Context) -> dict[str, Runner | Unavailable]:
    async def raw(cid: str, cmd: list[str]) -> tuple[int, int]:
        body = {"AttachStdout": True, "AttachStderr": True, "Cmd": cmd}
        exec_id = (await ctx.raw.json("POST", f"/containers/{cid}/exec", body))["Id"]
        response = await ctx.raw.open("POST", f"/exec/{exec_id}/start", {"Detach": False})
        frames = Frames()
        total = 0
        async for chunk in response.chunks():
            for _, payload in frames.feed(chunk):
                total += len(payload)
        state = await ctx.raw.json("GET", f"/exec/{exec_id}/json")
        return int(state["ExitCode"]), total

    async def aio(cid: str, cmd: list[str]) -> tuple[int, int]:
        container = ctx.aio.containers.prepare_model({"Id": cid})
        result = await container.exec_run(cmd)
        assert result.exit_code is not None
        return result.exit_code, len(result.output)

    async def aio_stream(cid: str, cmd: list[str]) -> tuple[int, int]:
        container = ctx.aio.containers.prepare_model({"Id": cid})
        _, stream = await container.exec_run(cmd, stream=True)
        total = 0
        async for chunk in stream:
            total += len(chunk)
        assert stream.exit_code is not None
        return stream.exit_code, total

    async def adk(cid: str, cmd: list[str]) -> tuple[int, int]:
        # aiodocker has no exec_run: create, start attached, read, then inspect.
        container = ctx.aiodocker.containers.container(cid)
        execution = await container.exec(cmd)
        total = 0
        async with execution.start(detach=False) as stream:
            while (message := await stream.read_out()) is not None:
                total += len(message.data)
        return int((await execution.inspect())["ExitCode"]), total

    async def dpy(cid: str, cmd: list[str]) -> tuple[int, int]:
        container = ctx.dockerpy.containers.get(cid)
        result = container.exec_run(cmd)
        return int(result.exit_code), len(result.output)

    async def dpy_stream(cid: str, cmd: list[str]) -> tuple[int, int]:
        # docker-py's streamed exec has no exit code; inspect afterwards like the others.
        container = ctx.dockerpy.containers.get(cid)
        result = container.exec_run(cmd, stream=True)
        total = sum(len(chunk) for chunk in result.output)
        return 0, total

    missing = aio_feature(lambda: ctx.aio.containers.prepare_model)
    return {
        AIO: missing or aio,
        RAW: raw,
        AIODOCKER: adk,
        DOCKER_PY: dpy,
        "_aio_stream": missing or aio_stream,
        "_dpy_stream": dpy_stream,
    }


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("exec", "Exec", [AIO, RAW, AIODOCKER, DOCKER_PY])
    calls = ctx.rounds_or(30, 8)
    rounds = ctx.rounds_or(3, 2)
    size = ctx.pick(50_000_000, 10_000_000)
    (cid,) = await start_containers(ctx.raw, 1, ["sleep", "600"])
    libs = runners(ctx)
    streaming = {**libs, AIO: libs.pop("_aio_stream"), DOCKER_PY: libs.pop("_dpy_stream")}

    def check(code: int, got: int, want: int) -> None:
        if code != 0 or got != want:
            raise RuntimeError(f"exit code {code}, {got} bytes of {want}")

    async def latency(run_one: Runner) -> float:
        start = time.perf_counter()
        code, got = await run_one(cid, ["echo", "hello"])
        elapsed = time.perf_counter() - start
        check(code, got, 6)
        return elapsed

    for run_one in libs.values():  # warm-up
        if not isinstance(run_one, Unavailable):
            await run_one(cid, ["true"])
    row = result.add(
        Row(
            "exec_run(['echo', 'hello']) latency",
            "ms",
            "lower",
            goals=[Goal("within", 1.0, AIODOCKER), Goal("within", 1.0, DOCKER_PY)],
        )
    )
    cells = await interleave(libs, calls, latency)
    row.cells = {name: scale(cell, 1000) for name, cell in cells.items()}

    command = ["head", "-c", str(size), "/dev/zero"]

    async def throughput(run_one: Runner) -> float:
        start = time.perf_counter()
        code, got = await run_one(cid, command)
        elapsed = time.perf_counter() - start
        check(code, got, size)
        return size / 1e6 / elapsed

    row = result.add(
        Row(
            f"streamed exec output ({size / 1e6:g} MB)",
            "MB/s",
            "higher",
            goals=[Goal("faster", 0.95, RAW)],
        )
    )
    row.cells = await interleave(streaming, rounds, throughput)
    result.notes.append(
        f"latency: {calls} calls per library, interleaved; each call creates the exec, "
        "starts it attached, reads all output and gets the exit code (aiodocker: "
        "exec + start + read_out + inspect; docker-py: exec_run)"
    )
    result.notes.append(
        f"streaming: `head -c {size} /dev/zero`, {rounds} rounds; aiocontainers "
        "exec_run(stream=True) chunks, docker-py exec_run(stream=True).output"
    )
    return result
