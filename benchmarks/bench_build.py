"""Build-context upload: a directory of a few thousand small files, and event-loop lag.

Each library builds ``FROM <test image>`` + ``COPY . /ctx`` from the same
directory. While it runs, a ticker task sleeps 10 ms at a time and records how
late it wakes: the event loop's lag. aiocontainers tars the context off the
loop and streams it; the raw baseline tars in memory on the loop (the naive
way); docker-py blocks the loop for the whole build, as any blocking client
called from async code does.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import statistics
import tarfile
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from _common import IMAGE, LABELS, Context, aio_feature, interleave, remove_image
from _harness import AIO, DOCKER_PY, RAW, Goal, Row, Stat, SuiteResult, Unavailable

__all__ = ["run"]

TAG = "aiocontainers-bench/ctx:latest"
TICK = 0.010

Build = Callable[[Path], Awaitable[object]]


def make_context(root: Path, files: int) -> int:
    """Write the Dockerfile and ``files`` small files in 30 folders; returns total bytes."""
    (root / "Dockerfile").write_text(f"FROM {IMAGE}\nCOPY . /ctx\n")
    total = 0
    for i in range(files):
        folder = root / f"dir{i % 30:02d}"
        folder.mkdir(exist_ok=True)
        data = (f"file {i} " * 60).encode()[: 200 + (i * 37) % 800]
        (folder / f"file{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def builders(ctx: Context) -> dict[str, Build | Unavailable]:
    async def aio(path: Path) -> object:
        return await ctx.aio.images.build(path=str(path), tag=TAG, labels=LABELS)

    async def raw(path: Path) -> object:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            tar.add(path, arcname=".")
        response = await ctx.raw.open(
            "POST",
            f"/build?t={TAG}&rm=1",
            data=buffer.getvalue(),
            content_type="application/x-tar",
        )
        body = await response.read()
        if b'"error"' in body or b"Successfully built" not in body:
            raise RuntimeError(body[-300:].decode(errors="replace"))
        return body

    async def dpy(path: Path) -> object:
        return ctx.dockerpy.images.build(path=str(path), tag=TAG, labels=LABELS)

    missing = aio_feature(lambda: ctx.aio.images.build)
    return {AIO: missing or aio, RAW: raw, DOCKER_PY: dpy}


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("build", "Build context upload", [AIO, RAW, DOCKER_PY])
    files = ctx.pick(3000, 500)
    rounds = ctx.rounds_or(3, 2)
    lags: dict[str, list[list[float]]] = {}

    async def measure(lib: tuple[str, Build, Path]) -> float:
        name, build, path = lib
        async with _Ticker() as ticks:
            start = time.perf_counter()
            await build(path)
            elapsed = time.perf_counter() - start
        lags.setdefault(name, []).append(ticks)
        return elapsed

    async with _Ticker() as idle:
        await asyncio.sleep(1.0)

    try:
        with tempfile.TemporaryDirectory(prefix="aiocontainers-bench-") as tmp:
            size = make_context(Path(tmp), files)
            libs = builders(ctx)
            # Warm the layer cache so that no library pays for the first real COPY.
            warm = libs[RAW]
            assert not isinstance(warm, Unavailable)
            await warm(Path(tmp))
            ops = {
                name: b if isinstance(b, Unavailable) else (name, b, Path(tmp))
                for name, b in libs.items()
            }
            row = result.add(
                Row(
                    f"build with a {files}-file context",
                    "s",
                    "lower",
                    goals=[Goal("faster", 1.0, DOCKER_PY)],
                )
            )
            row.cells = await interleave(ops, rounds, measure)
    finally:
        await remove_image(ctx.raw, TAG)

    maximum = result.add(
        Row("event-loop lag during a build, max", "ms", "lower", goals=[Goal("below", 50)])
    )
    p99 = result.add(Row("event-loop lag during a build, p99", "ms", "lower"))
    for name in result.columns:
        cell = row.cells.get(name)
        runs = [ticks for ticks in lags.get(name, []) if ticks]
        if isinstance(cell, Unavailable) or not runs:
            missing = cell if isinstance(cell, Unavailable) else Unavailable("no samples")
            maximum.cells[name] = p99.cells[name] = missing
            continue
        maximum.cells[name] = Stat.of([max(ticks) * 1000 for ticks in runs])
        p99.cells[name] = Stat.of([_p99(ticks) * 1000 for ticks in runs])
    result.notes.append(
        f"{files} files, {size / 1e6:.1f} MB in 30 folders; tag {TAG}, layer cache on (the "
        f"same for every library, so the upload dominates); {rounds} rounds"
    )
    result.notes.append(
        f"lag: a task sleeping {TICK * 1000:g} ms in a loop records how late it wakes, "
        "per build (cells: median over rounds of each build's max / p99); docker-py's lag "
        "is its whole build, as it blocks the loop"
    )
    result.notes.append(
        f"reference: the same ticker on an idle loop for 1 s here: max {max(idle) * 1000:.1f} "
        f"ms, p99 {_p99(idle) * 1000:.1f} ms (the machine's own scheduling noise)"
    )
    return result


class _Ticker:
    """``async with _Ticker() as lags:`` records how late a 10 ms sleep loop wakes, inside."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self._since = time.perf_counter()

    async def _tick(self) -> None:
        while True:
            self._since = time.perf_counter()
            await asyncio.sleep(TICK)
            self.lags.append(time.perf_counter() - self._since - TICK)

    async def __aenter__(self) -> list[float]:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        return self.lags

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        # A tick still asleep counts too: a loop blocked throughout never woke it.
        overdue = time.perf_counter() - self._since - TICK
        if overdue > 0:
            self.lags.append(overdue)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def _p99(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[98]
