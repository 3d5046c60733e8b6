"""What every suite shares: the clients, sizes, labels, cleanup and interleaved sampling."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import aiodocker
import docker
from _harness import Cell, Goal, Row, Stat, SuiteResult, Unavailable
from _raw import RawDocker

import aiocontainers

__all__ = [
    "BENCH_LABEL",
    "IMAGE",
    "LABELS",
    "LABEL_FILTER",
    "REGISTRY",
    "SOCKET",
    "Context",
    "aio_feature",
    "exited_container",
    "interleave",
    "open_context",
    "per_call",
    "rate_rows",
    "remove_image",
    "remove_labelled",
    "start_containers",
    "sync_op",
]

BENCH_LABEL = "aiocontainers.bench"
LABELS = {BENCH_LABEL: "1"}
LABEL_FILTER = {"label": [f"{BENCH_LABEL}=1"]}
IMAGE = "aiocontainers-test/busybox:latest"
REGISTRY = "127.0.0.1:5000"
# The engine's socket: DOCKER_HOST when it names one (as for the tests), else the default.
_HOST = os.environ.get("DOCKER_HOST", "")
SOCKET = _HOST[len("unix://") :] if _HOST.startswith("unix://") else "/var/run/docker.sock"

Op = Callable[[], Awaitable[object]]
T = TypeVar("T")


@dataclass
class Context:
    """Run-wide options and one long-lived client per library (reused across suites)."""

    quick: bool
    rounds: int | None
    raw: RawDocker
    aio: aiocontainers.DockerClient
    aiodocker: aiodocker.Docker
    dockerpy: docker.DockerClient

    def pick(self, normal: int, quick: int) -> int:
        """A suite size: ``quick`` under --quick, else ``normal``."""
        return quick if self.quick else normal

    def rounds_or(self, normal: int, quick: int) -> int:
        """Rounds for a suite: --rounds when given, else the suite's own default."""
        if self.rounds is not None:
            return self.rounds
        return self.pick(normal, quick)


@contextlib.asynccontextmanager
async def open_context(quick: bool, rounds: int | None) -> AsyncIterator[Context]:
    raw = RawDocker(SOCKET)
    aio = aiocontainers.DockerClient(f"unix://{SOCKET}", max_pool_size=32)
    adk = aiodocker.Docker(url=f"unix://{SOCKET}")
    dpy = docker.DockerClient(base_url=f"unix://{SOCKET}", timeout=600)
    try:
        yield Context(quick, rounds, raw, aio, adk, dpy)
    finally:
        raw.close()
        await aio.close()
        await adk.close()
        dpy.close()


def aio_feature(getter: Callable[[], object]) -> Unavailable | None:
    """None when an aiocontainers feature exists, else an "aiocontainers: not available" cell."""
    try:
        getter()
    except (AttributeError, ImportError) as exc:
        return Unavailable(f"aiocontainers: not available ({exc})")
    return None


def per_call(repeat: int = 1) -> Callable[[Op], Awaitable[float]]:
    """A measure: seconds per call over ``repeat`` back-to-back awaits of the op."""

    async def measure(op: Op) -> float:
        start = time.perf_counter()
        for _ in range(repeat):
            await op()
        return (time.perf_counter() - start) / repeat

    return measure


async def interleave(
    ops: Mapping[str, T | Unavailable],
    rounds: int,
    measure: Callable[[T], Awaitable[float]],
) -> dict[str, Cell]:
    """One sample per library per round (``measure(op)``), rotating the order each round.

    Rotating means no library always runs right after another's warm-up or
    garbage. A library whose measurement raises is reported unavailable with
    the error instead of failing the suite.
    """
    names = list(ops)
    samples: dict[str, list[float]] = {name: [] for name in names}
    failed: dict[str, Unavailable] = {
        name: op for name, op in ops.items() if isinstance(op, Unavailable)
    }
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            op = ops[name]
            if name in failed or isinstance(op, Unavailable):
                continue
            try:
                samples[name].append(await measure(op))
            except Exception as exc:
                failed[name] = Unavailable(f"failed: {type(exc).__name__}: {exc}"[:300])
    return {name: failed.get(name) or Stat.of(samples[name]) for name in names}


def sync_op(fn: Callable[[], object]) -> Op:
    """A blocking call (docker-py) as an op; it blocks the loop, as it would anywhere."""

    async def op() -> object:
        return fn()

    return op


async def remove_labelled(raw: RawDocker) -> list[str]:
    """Force-remove every container carrying the bench label; returns what it removed."""
    import json
    import urllib.parse

    filters = urllib.parse.quote(json.dumps(LABEL_FILTER))
    rows = await raw.json("GET", f"/containers/json?all=1&filters={filters}")
    removed = []
    for row in rows:
        with contextlib.suppress(RuntimeError):
            await raw.request("DELETE", f"/containers/{row['Id']}?force=1&v=1")
            removed.append(row["Id"])
    return removed


async def remove_image(raw: RawDocker, name: str) -> None:
    """Remove an image tag if present (no error when it is already gone)."""
    import urllib.parse

    with contextlib.suppress(RuntimeError):
        await raw.request("DELETE", f"/images/{urllib.parse.quote(name, safe='')}?force=1")


async def start_containers(
    raw: RawDocker, count: int, cmd: Sequence[str], **extra: Any
) -> list[str]:
    """Create and start ``count`` labelled containers (raw calls, concurrently)."""

    async def one() -> str:
        body = {"Image": IMAGE, "Cmd": list(cmd), "Labels": LABELS, **extra}
        cid = str((await raw.json("POST", "/containers/create", body))["Id"])
        await raw.request("POST", f"/containers/{cid}/start")
        return cid

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def exited_container(raw: RawDocker, script: str) -> str:
    """The id of a labelled container that ran ``sh -c script`` to its end."""
    body = {"Image": IMAGE, "Cmd": ["sh", "-c", script], "Labels": LABELS}
    cid = str((await raw.json("POST", "/containers/create", body))["Id"])
    await raw.request("POST", f"/containers/{cid}/start")
    await raw.request("POST", f"/containers/{cid}/wait")
    return cid


async def rate_rows(
    result: SuiteResult,
    cases: Mapping[str, Mapping[str, T | Unavailable]],
    rounds: int,
    measure: Callable[[T], Awaitable[float]],
    goals: Sequence[Goal],
) -> None:
    """One MB/s row per case (metric -> each library's reader), libraries interleaved."""
    for metric, readers in cases.items():
        row = result.add(Row(metric, "MB/s", "higher", goals=list(goals)))
        row.cells = await interleave(readers, rounds, measure)
