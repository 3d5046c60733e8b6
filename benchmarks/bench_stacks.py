"""Stacks: up + down of a 10-service stack with health gates, against docker-compose.

The same Compose file (busybox services: three with health checks, seven gated on
them with ``service_healthy``, in three tiers) is brought up and torn down by
``client.stacks.up()`` + ``client.stacks.down()`` and by ``docker-compose up -d``
(v1.29, which waits for the ``depends_on`` conditions) + ``docker-compose down``,
alternating, in the same run. Services stop with SIGKILL so neither tool waits
out a grace period.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import anyio
from _common import BENCH_LABEL, IMAGE, SOCKET, Context, aio_feature
from _harness import AIO, Goal, Row, Stat, SuiteResult, Unavailable

import aiocontainers

__all__ = ["run"]

COMPOSE_V1 = "docker-compose 1.29"


def compose_file() -> str:
    """Ten services: db, cache, queue (health-checked); api, auth (need db, cache);
    worker-1..3 (need queue, api); web, admin (need api, auth)."""
    common = (
        f"    image: {IMAGE}\n    command: sleep 300\n    stop_signal: SIGKILL\n"
        f"    labels: {{{BENCH_LABEL}: '1'}}\n"
    )
    health = (
        "    healthcheck: {test: ['CMD', 'true'], interval: 200ms, timeout: 2s, retries: 50}\n"
    )

    def service(name: str, deps: list[str], checked: bool) -> str:
        text = f"  {name}:\n{common}" + (health if checked else "")
        if deps:
            text += "    depends_on:\n" + "".join(
                f"      {dep}: {{condition: service_healthy}}\n" for dep in deps
            )
        return text

    body = "".join(service(n, [], True) for n in ("db", "cache", "queue"))
    body += service("api", ["db", "cache"], True) + service("auth", ["db", "cache"], True)
    body += "".join(service(f"worker-{i}", ["queue", "api"], False) for i in (1, 2, 3))
    body += service("web", ["api", "auth"], False) + service("admin", ["api", "auth"], False)
    return f"services:\n{body}networks:\n  default:\n    labels: {{{BENCH_LABEL}: '1'}}\n"


def _docker_compose(directory: Path, project: str, *args: str) -> None:
    subprocess.run(
        ["docker-compose", "-p", project, *args],
        cwd=directory,
        check=True,
        capture_output=True,
        env={**os.environ, "DOCKER_HOST": f"unix://{SOCKET}"},
    )


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("stacks", "Stacks: up + down of 10 services", [AIO, COMPOSE_V1])
    rounds = ctx.rounds_or(5, 2)
    missing = aio_feature(lambda: ctx.aio.stacks)
    row = result.add(
        Row(
            "10-service stack with health gates: up + down",
            "s",
            "lower",
            goals=[Goal("faster", 2.0, COMPOSE_V1)],
        )
    )
    has_v1 = shutil.which("docker-compose") is not None
    ours: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory(prefix="aiocontainers-bench-") as tmp:
        directory = Path(tmp)
        (directory / "compose.yaml").write_text(compose_file())
        for _ in range(rounds):
            if not missing:
                name = f"bench{uuid.uuid4().hex[:8]}"
                stack = aiocontainers.Stack.from_compose(directory, project_name=name, env={})
                start = time.perf_counter()
                await ctx.aio.stacks.up(stack, timeout=60)
                await ctx.aio.stacks.down(name)
                ours.append(time.perf_counter() - start)
            if has_v1:
                name = f"bench{uuid.uuid4().hex[:8]}"
                start = time.perf_counter()
                await anyio.to_thread.run_sync(_docker_compose, directory, name, "up", "-d")
                await anyio.to_thread.run_sync(_docker_compose, directory, name, "down")
                theirs.append(time.perf_counter() - start)
    row.cells[AIO] = missing or Stat.of(ours)
    row.cells[COMPOSE_V1] = (
        Stat.of(theirs) if has_v1 else Unavailable("docker-compose not installed")
    )
    result.notes.append(
        "three tiers of `service_healthy` gates (health check `true` every 200 ms); "
        "docker-compose runs as a subprocess, its start-up included, as users run it"
    )
    return result
