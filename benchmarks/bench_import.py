"""Import time: ``import aiocontainers`` against ``import docker`` and ``import aiodocker``.

Each sample is a fresh interpreter that times its own import (interpreter
start-up is outside the figure), the libraries interleaved round by round.
The package exports its names lazily and the client module imports only
what the class needs, so the subject (the goal's column) is
``from aiocontainers import DockerClient``: what a program that opens a
client pays before it makes one. aiohttp, pydantic and the resource modules
load when the client is made and used, compose, stacks and swarm specs only
when their managers are (tests/unit/test_lazy_import.py guards both).
"""

from __future__ import annotations

import asyncio
import sys

from _common import Context, interleave
from _harness import AIO, AIODOCKER, DOCKER_PY, Goal, Row, SuiteResult, scale

__all__ = ["run"]

TIMER = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
CLIENT = "aiocontainers + DockerClient"


async def timed_import(stmt: str) -> float:
    """Seconds a fresh interpreter spends on ``stmt`` (an import statement)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        TIMER.format(stmt=stmt),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode:
        raise RuntimeError(err.decode(errors="replace")[-300:])
    return float(out)


async def run(ctx: Context) -> SuiteResult:
    result = SuiteResult("import", "Import time", [CLIENT, AIO, AIODOCKER, DOCKER_PY])
    result.subject = CLIENT
    rounds = ctx.rounds_or(15, 5)
    statements = {
        AIO: "import aiocontainers",
        CLIENT: "from aiocontainers import DockerClient",
        AIODOCKER: "import aiodocker",
        DOCKER_PY: "import docker",
    }
    cells = await interleave(statements, rounds, timed_import)
    row = result.add(
        Row("import (fresh interpreter)", "ms", "lower", goals=[Goal("within", 0.7, DOCKER_PY)])
    )
    for name, cell in cells.items():
        row.cells[name] = scale(cell, 1000)
    result.notes.append(
        f"{rounds} fresh interpreters per statement; `{CLIENT}` is "
        "`from aiocontainers import DockerClient` (the lazily exported client and what it needs)"
    )
    return result
