"""Reading a finished container's output every way the API offers, against the raw socket.

One exited container printed ``size`` bytes of 100-byte lines (one frame per
line, one HTTP chunk per frame: the daemon's worst case for a client's per-chunk
cost). Rows: ``await logs()`` as bytes; ``logs(stream=True)`` as raw payloads
(``lines=False``) and as :class:`LogRecord` objects; ``await attach(logs=True)``
of the stopped container. The raw socket reads the same bytes and demultiplexes
the frames (and splits lines for the records row).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from _common import Context, aio_feature, exited_container, rate_rows
from _harness import AIO, AIODOCKER, DOCKER_PY, RAW, Goal, SuiteResult, Unavailable
from _raw import FrameLines, Frames

__all__ = ["run"]

LINE = ("aiocontainers output throughput benchmark line " + "0123456789" * 6)[:99]
GOALS = [Goal("faster", 0.95, RAW)]

Reader = Callable[[], Awaitable[int]]


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult(
        "output", "Output of an exited container", [AIO, RAW, AIODOCKER, DOCKER_PY]
    )
    size = ctx.pick(30_000_000, 5_000_000)
    rounds = ctx.rounds_or(5, 3)
    cid = await exited_container(ctx.raw, f"yes '{LINE}' | head -c {size}")
    aio = await ctx.aio.containers.get(cid)
    adk = await ctx.aiodocker.containers.get(cid)
    dpy = ctx.dockerpy.containers.get(cid)

    async def raw_payloads(method: str, path: str) -> int:
        response = await ctx.raw.open(method, path)
        frames = Frames()
        total = 0
        async for chunk in response.chunks():
            for _, data in frames.feed(chunk):
                total += len(data)
        return total

    async def raw_bytes(method: str, path: str) -> int:
        response = await ctx.raw.open(method, path)
        frames = Frames()
        pieces = [data async for chunk in response.chunks() for _, data in frames.feed(chunk)]
        return len(b"".join(pieces))

    async def raw_lines() -> int:
        response = await ctx.raw.open("GET", f"/containers/{cid}/logs?stdout=1&stderr=1")
        lines = FrameLines()
        total = 0
        async for chunk in response.chunks():
            total += sum(len(line) + 1 for line in lines.feed(chunk))
        return total

    async def aio_stream(**options: bool) -> int:
        total = 0
        async for item in aio.logs(stream=True, **options):
            total += len(item) if isinstance(item, bytes) else len(item.data)
        return total

    async def adk_bytes() -> int:
        return sum(len(line) for line in await adk.log(stdout=True, stderr=True))

    async def dpy_bytes() -> int:
        return len(dpy.logs())

    async def dpy_chunks() -> int:
        return sum(len(chunk) for chunk in dpy.logs(stream=True, follow=False))

    async def dpy_attach() -> int:
        return len(dpy.attach(logs=True, stream=False))

    logs_path = f"/containers/{cid}/logs?stdout=1&stderr=1"
    attach_path = f"/containers/{cid}/attach?stdout=1&stderr=1&logs=1&stream=0"
    not_offered = Unavailable("no such call")
    cases: dict[str, dict[str, Reader | Unavailable]] = {
        "await logs() as bytes": {
            AIO: lambda: _length(aio.logs()),
            RAW: lambda: raw_bytes("GET", logs_path),
            AIODOCKER: adk_bytes,
            DOCKER_PY: dpy_bytes,
        },
        "logs(stream=True, lines=False) payloads": {
            AIO: lambda: aio_stream(lines=False),
            RAW: lambda: raw_payloads("GET", logs_path),
            AIODOCKER: not_offered,
            DOCKER_PY: dpy_chunks,
        },
        "logs(stream=True, records=True)": {
            AIO: aio_feature(lambda: aio.logs) or (lambda: aio_stream(records=True)),
            RAW: raw_lines,
            AIODOCKER: not_offered,
            DOCKER_PY: not_offered,
        },
        "await attach(logs=True) of the stopped container": {
            AIO: lambda: _length(aio.attach(logs=True)),
            RAW: lambda: raw_bytes("POST", attach_path),
            AIODOCKER: not_offered,
            DOCKER_PY: dpy_attach,
        },
    }

    async def measure(read: Reader) -> float:
        start = time.perf_counter()
        got = await read()
        elapsed = time.perf_counter() - start
        if abs(got - size) > 1:
            raise RuntimeError(f"read {got} bytes of {size}")
        return size / 1e6 / elapsed

    await rate_rows(result, cases, rounds, measure, GOALS)
    result.notes.append(
        f"{size / 1e6:g} MB of {len(LINE) + 1}-byte lines (one frame and one HTTP chunk each), "
        f"{rounds} rounds; aiodocker's log() returns a list of lines"
    )
    return result


async def _length(read: Awaitable[bytes]) -> int:
    return len(await read)
